"""SQL about the outer query's row, written out: `OuterRowSQL` and `ViewerMarked`.

Replaces: the ORM's own forms of a condition or value about the row a query reads:
`Exists(...)`, `Subquery(...)` with `OuterRef("pk")`, or a `Q` with an inner query. Each of
those is an inner query the ORM builds, resolves, relabels and compiles for every list.

Relies on (Django internals, asserted by tests/perf/test_django_internals.py):
- `Query.get_initial_alias()`, called in `resolve_expression`, for the alias of the row;
- `Expression.relabeled_clone(change_map)`, called when a query becomes the subquery of
  another and its aliases are renamed (`T3`, `U0`...);
- `SQLCompiler.quote_name_unless_alias(name)`, to write that alias in SQL.

Gains: BENCHMARKS.md step 18 (the viewer's marks on cards) and step 25 (the members'
visibility rule, `posts.models.ReadableByMember`), on every page that lists posts.

Used by: `ViewerMarked` below (post and comment cards), `posts.models.ReadableByMember`
and `ReadableCircle`, `accounts.selectors.WalledOffIds` and `HasConfirmedEmail`,
`notifications.selectors.UnreadCount`.

Tests: tests/perf/test_row_sql.py (each subclass against the ORM expression it replaces,
inside other queries too), tests/perf/test_django_internals.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models


class OuterRowSQL(models.Expression):
    """A condition (or, with another `output_field`, a value) on the row of the query it is
    used in, whose SQL a subclass writes in `as_sql`, naming the row through `column()`.

    The row is named by the alias its query gives it, and the name follows that alias when
    the query is relabelled as a subquery of another.
    """

    output_field: models.Field[Any, Any] = models.BooleanField()

    def __init__(self) -> None:
        super().__init__()
        self.alias: str | None = None
        self.outer_pk = "id"

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        resolved.outer_pk = query.model._meta.pk.column
        return resolved

    def relabeled_clone(self, change_map: Mapping[str, str]) -> Any:
        clone = self.copy()
        if self.alias is not None:
            clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def column(self, compiler: Any, connection: Any, name: str) -> str:
        """A column of the row, named through its alias."""
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(name)}"


def column_of(model: type[models.Model], name: str) -> str:
    """The database column of `model`'s concrete field `name`."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} has no column of its own.")
    return field.column


class ViewerMarked(OuterRowSQL):
    """Whether the viewer has a row of `model` (a reaction of `kind`, a bookmark) pointing
    at this row through its `target` foreign key.

    Says what `Exists(model.objects.filter(<target>=OuterRef("pk"), member=viewer[,
    kind=kind]))` says, written out: building that inner query was most of a post list's query
    building (three of them per card list; BENCHMARKS.md step 18).
    """

    def __init__(
        self, model: type[models.Model], target: str, viewer_id: int, kind: str = ""
    ) -> None:
        super().__init__()
        self.model, self.target, self.viewer_id, self.kind = model, target, viewer_id, kind

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        quote, meta = connection.ops.quote_name, self.model._meta
        outer = self.column(compiler, connection, self.outer_pk)
        # Names from the models' own metadata, quoted; the viewer and kind are parameters.
        sql = (
            f"EXISTS(SELECT 1 FROM {quote(meta.db_table)} WHERE"  # nosec B608
            f" {quote(column_of(self.model, self.target))} = {outer}"
            f" AND {quote(column_of(self.model, 'member'))} = %s"
        )
        params: list[Any] = [self.viewer_id]
        if self.kind:
            sql += f" AND {quote(column_of(self.model, 'kind'))} = %s"
            params.append(self.kind)
        return sql + ")", params
