"""The private Django API each piece of community/perf relies on, asserted as it is in the
Django this project runs. A Django upgrade that changes one fails here with a message naming
the piece: re-read the internal, adapt the piece and its equivalence test, or drop the piece
for the plain ORM (and measure again, BENCHMARKS.md)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any

import django
import pytest
from django.db import models
from django.db.models.expressions import BaseExpression
from django.db.models.query import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query
from django.template import Context, Engine, Template
from django.template.context_processors import csrf

from community.perf import fragments
from posts.models import Post

pytestmark = pytest.mark.django_db


def _fence(piece: str, holds: bool, what: str) -> None:
    if not holds:
        pytest.fail(
            f"Django {django.get_version()} changed an internal that community.perf.{piece} "
            f"relies on: {what}. Adapt the piece and its equivalence test in tests/perf, or "
            "replace it by the plain ORM."
        )


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


# --- row_sql.OuterRowSQL ---------------------------------------------------------------------


def test_row_sql_internals() -> None:
    _fence(
        "row_sql",
        _parameters(Query.get_initial_alias) == ["self"],
        "Query.get_initial_alias() no longer takes no arguments",
    )
    _fence(
        "row_sql",
        _parameters(SQLCompiler.quote_name_unless_alias) == ["self", "name"],
        "SQLCompiler.quote_name_unless_alias(name) changed its signature",
    )
    _fence(
        "row_sql",
        _parameters(BaseExpression.relabeled_clone) == ["self", "change_map"],
        "Expression.relabeled_clone(change_map) changed its signature",
    )
    _fence(
        "row_sql",
        _parameters(BaseExpression.resolve_expression)[:2] == ["self", "query"],
        "Expression.resolve_expression no longer receives the query first",
    )
    query = Post.objects.all().query
    _fence(
        "row_sql",
        query.get_initial_alias() == Post._meta.db_table,
        "a query's initial alias is no longer its model's table",
    )


def test_row_sql_is_relabelled_when_its_query_becomes_a_subquery() -> None:
    """Django renames the inner query's aliases through relabeled_clone: the expression
    must see that call, or it would name the outer query's row."""
    from community.perf.row_sql import OuterRowSQL

    seen: list[dict[str, str]] = []

    class Spy(OuterRowSQL):
        def relabeled_clone(self, change_map: Mapping[str, str]) -> Any:
            seen.append(dict(change_map))
            return super().relabeled_clone(change_map)

        def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
            return f"{self.column(compiler, connection, 'id')} > 0", []

    inner = Post.objects.filter(Spy()).values("pk")
    sql = str(Post.objects.filter(pk__in=inner).query)
    _fence("row_sql", bool(seen), "relabeled_clone is no longer called for a subquery")
    renamed = seen[-1].get(Post._meta.db_table, "")
    _fence(
        "row_sql",
        bool(renamed) and re.search(rf'(^|[ (]){renamed}\."id" > 0', sql) is not None,
        f"the subquery's row is not named {renamed or 'anew'} in {sql}",
    )


# --- prefetch.PrefetchOnlyCounted ---------------------------------------------------------------


def test_prefetch_internals() -> None:
    _fence(
        "prefetch",
        # A private method, which django-stubs does not declare: read off the class.
        _parameters(vars(QuerySet)["_prefetch_related_objects"]) == ["self"],
        "QuerySet._prefetch_related_objects() changed its signature",
    )
    _fence(
        "prefetch",
        _parameters(models.prefetch_related_objects) == ["model_instances", "related_lookups"],
        "prefetch_related_objects(model_instances, *related_lookups) changed its signature",
    )
    posts = Post.objects.prefetch_related("images")
    for attribute, value in [
        ("_prefetch_related_lookups", ("images",)),
        ("_result_cache", None),
        ("_prefetch_done", False),
    ]:
        _fence(
            "prefetch",
            getattr(posts, attribute, "missing") == value,
            f"a new QuerySet's {attribute} is no longer {value!r}",
        )


def test_prefetch_hook_is_called_once_the_rows_are_read() -> None:
    from tests.posts.factories import PostFactory

    PostFactory.create()
    calls: list[int] = []

    class Spy(type(Post.objects.all())):  # type: ignore[misc]
        def _prefetch_related_objects(self) -> None:
            calls.append(len(self._result_cache or []))
            super()._prefetch_related_objects()

    rows = list(Spy(Post).prefetch_related("images"))
    _fence(
        "prefetch",
        calls == [len(rows)] == [1],
        "QuerySet no longer calls _prefetch_related_objects() after filling _result_cache",
    )


# --- compiled.CompiledQueries -------------------------------------------------------------------


def test_compiled_internals() -> None:
    from django.db.models.query import ModelIterable, ValuesIterable, ValuesListIterable

    iterate = inspect.getsource(ModelIterable.__iter__)
    _fence(
        "compiled",
        "queryset.query.get_compiler(using=db)" in iterate,
        "ModelIterable no longer takes its compiler from queryset.query.get_compiler(using=db)",
    )
    _fence(
        "compiled",
        "compiler.execute_sql(" in iterate and "compiler.results_iter(" in iterate,
        "ModelIterable no longer runs compiler.execute_sql() and reads compiler.results_iter()",
    )
    for iterable in (ValuesIterable, ValuesListIterable):
        source = inspect.getsource(iterable.__iter__)
        _fence(
            "compiled",
            "query.get_compiler(queryset.db)" in source and "compiler.results_iter(" in source,
            f"{iterable.__name__} no longer reads compiler.results_iter() of query.get_compiler()",
        )
    _fence(
        "compiled",
        "self.execute_sql(" in inspect.getsource(SQLCompiler.results_iter),
        "SQLCompiler.results_iter() no longer runs self.execute_sql()",
    )
    _fence(
        "compiled",
        "sql, params = self.as_sql()" in inspect.getsource(SQLCompiler.execute_sql),
        "SQLCompiler.execute_sql() no longer takes its SQL from self.as_sql()",
    )
    _fence(
        "compiled",
        callable(vars(QuerySet).get("_chain")),
        "QuerySet._chain() is gone",
    )
    compiler = Post.objects.select_related("author").query.get_compiler(using="default")
    compiler.as_sql()
    for attribute in (
        "select",
        "klass_info",
        "annotation_col_map",
        "col_count",
        "has_extra_select",
    ):
        _fence(
            "compiled",
            getattr(compiler, attribute, "missing") != "missing",
            f"a compiler no longer has {attribute} once as_sql() has run",
        )


def test_compiled_rows_come_through_the_compiler_given() -> None:
    """The compiled query's rows are the ones its compiler's SQL reads: a queryset whose
    query hands out another compiler must read through that one."""
    from tests.posts.factories import PostFactory

    post = PostFactory.create()
    given = Post.objects.filter(pk=post.pk).query.get_compiler(using="default")
    sql, params = given.as_sql()
    calls: list[str] = []

    def as_sql(*args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...]]:
        calls.append("as_sql")
        return sql, tuple(params)

    given.as_sql = as_sql
    queryset = Post.objects.filter(pk=-1)._chain()  # type: ignore[attr-defined]
    queryset.query.get_compiler = lambda *args, **kwargs: given
    _fence(
        "compiled",
        [row.pk for row in queryset] == [post.pk] and calls == ["as_sql"],
        "a queryset no longer reads its rows through the compiler its query hands out",
    )


# --- fragments.render_cached ------------------------------------------------------------------


def test_fragments_internals() -> None:
    tag = Template("{% csrf_token %}")
    placeholder = fragments.csrf_placeholder()
    _fence(
        "fragments",
        tag.render(Context({"csrf_token": placeholder}))
        == f'<input type="hidden" name="csrfmiddlewaretoken" value="{placeholder}">',
        "{% csrf_token %} renders other markup for a token",
    )
    _fence(
        "fragments",
        tag.render(Context({"csrf_token": "NOTPROVIDED"})) == "",
        '{% csrf_token %} no longer renders nothing for "NOTPROVIDED"',
    )
    _fence(
        "fragments",
        '"NOTPROVIDED"' in inspect.getsource(csrf),
        'the csrf context processor no longer answers "NOTPROVIDED" without a token',
    )
    seen: dict[str, Any] = {}

    class Probe(Template):
        def _render(self, context: Context) -> str:
            seen["engine"] = getattr(getattr(context, "template", None), "engine", None)
            with context.push({"pushed": 1}, other=2):
                seen["pushed"] = (context.get("pushed"), context.get("other"))
            return ""

    Probe("", engine=Engine.get_default()).render(Context())
    _fence(
        "fragments",
        isinstance(seen.get("engine"), Engine),
        "Context.template.engine is no longer the engine rendering the template",
    )
    _fence(
        "fragments",
        seen.get("pushed") == (1, 2),
        "Context.push(dict, **values) no longer pushes both",
    )
