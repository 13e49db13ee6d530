"""Querysets built and compiled once per process: `CompiledQueries`.

Replaces: building a queryset and compiling it to SQL on every call. For the post page's one
post, Django spent about 1.7 ms of CPU building, resolving and compiling the query that
PostgreSQL answers in 0.15 ms (BENCHMARKS.md, "The post page's query compiled once").

How: the caller names the query's *shape* (a key: everything that decides which SQL is
written) and the values that change from call to call (a member's id, a post's id, a
date). On the first call of a shape the query is built twice, with two sets of stand-in
values, and compiled; the two compilations must give the same SQL, and each parameter must
be either the same constant in both or the stand-in of one value in both, else the shape is
not compiled and every call builds its query the plain way. Later calls run that SQL with
their own values in the stand-ins' places, and Django's own iterable turns the rows into
what the queryset returns (instances with their related rows, annotations and prefetches;
or tuples of values).

The caller's duty: the key must hold every fact the query's SQL depends on besides the
values (`posts.models.PostReader.shape` is such a key, the only input of the visibility rule
besides its values).

Relies on (Django internals, asserted by tests/perf/test_django_internals.py):
- `QuerySet.__iter__` going through `ModelIterable` (or `ValuesListIterable`), which takes
  its compiler from `queryset.query.get_compiler(...)` and runs its `execute_sql()` (through
  `results_iter()`), which calls `as_sql()`;
- a compiler's `select`, `klass_info`, `annotation_col_map`, `col_count` and
  `has_extra_select`, filled by `as_sql()` and read (only read) afterwards;
- `QuerySet._chain()` cloning the query.

On PostgreSQL only: other databases build each query the plain way.

Used by: `posts.selectors.post_for_viewer` and `home_feed`, `accounts.backends` (the member
read for the session) and `posts.shared_threads.mark_reactions`.

Tests: tests/perf/test_compiled.py (the same rows and values as the plain queries for every
kind of reader and post, the home feed page by page, the fallback, the parameters kept apart
between calls), tests/perf/test_django_internals.py.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router

logger = logging.getLogger(__name__)

# A row: a model instance, or a tuple of values (`values_list`).
T = TypeVar("T")


@dataclass(frozen=True)
class _Compiled(Generic[T]):
    """One shape's query, compiled: the queryset it came from (its prefetches, its model),
    the compiler (what the rows' columns are), the SQL and, for each parameter, the name of
    the value it takes or None for a constant."""

    queryset: models.QuerySet[Any, T]
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: tuple[str | None, ...]

    def bind(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            values[slot] if slot is not None else param
            for slot, param in zip(self.slots, self.params, strict=True)
        )


class CompiledQueries(Generic[T]):
    """The queries of `model` that one caller builds, compiled once per shape and database.

    `stand_ins` gives, for each value a call may pass, two stand-ins that no real value
    equals and that the ORM passes into the SQL's parameters unchanged (large negative ids,
    dates of another century).
    """

    def __init__(self, model: type[models.Model], stand_ins: Mapping[str, tuple[Any, Any]]) -> None:
        self.model = model
        self.stand_ins = dict(stand_ins)
        self._compiled: dict[tuple[Hashable, str], _Compiled[T] | None] = {}
        self._lock = threading.Lock()

    def rows(
        self, key: Hashable, build: Callable[..., models.QuerySet[Any, T]], **values: Any
    ) -> list[T]:
        """The rows of `build(**values)`, whose SQL depends on `key` alone besides `values`."""
        alias = router.db_for_read(self.model)
        if connections[alias].vendor != "postgresql":
            # Other databases get some values written into the SQL (SQLite's dates as text):
            # the zero-setup SQLite of `make run` builds each query.
            return list(build(**values))
        slot = (key, alias)
        if slot not in self._compiled:
            with self._lock:
                if slot not in self._compiled:
                    self._compiled[slot] = self._compile(key, build, frozenset(values), alias)
        compiled = self._compiled[slot]
        if compiled is None:
            return list(build(**values))
        params = compiled.bind(values)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[alias]  # this thread's connection
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        queryset = compiled.queryset._chain()  # type: ignore[attr-defined]
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _compile(
        self,
        key: Hashable,
        build: Callable[..., models.QuerySet[Any, T]],
        names: frozenset[str],
        alias: str,
    ) -> _Compiled[T] | None:
        """The compiled query of `key` on `alias`; None when its SQL cannot be told apart
        from its values (see the module's docstring)."""
        unknown = names - self.stand_ins.keys()
        if unknown:
            raise ValueError(f"no stand-ins for {sorted(unknown)}")
        first = {name: self.stand_ins[name][0] for name in names}
        second = {name: self.stand_ins[name][1] for name in names}
        queryset = build(**first).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
            other_sql, other_params = (
                build(**second).using(alias).query.get_compiler(using=alias).as_sql()
            )
        except EmptyResultSet:
            return None
        slots = _slots(params, other_params, first, second) if sql == other_sql else None
        if slots is None:
            logger.warning("query %r not compiled once: its SQL changes with its values", key)
            return None
        return _Compiled(queryset, compiler, sql, tuple(params), slots)


def _slots(
    params: list[Any] | tuple[Any, ...],
    other_params: list[Any] | tuple[Any, ...],
    first: Mapping[str, Any],
    second: Mapping[str, Any],
) -> tuple[str | None, ...] | None:
    """For each parameter, the name of the value whose stand-ins it holds in the two
    compilations, or None for a constant; None for the whole when a parameter is neither."""
    if len(params) != len(other_params):
        return None
    slots: list[str | None] = []
    for param, other in zip(params, other_params, strict=True):
        names = [name for name in first if _same(param, first[name]) and _same(other, second[name])]
        if len(names) == 1:
            slots.append(names[0])
        elif not names and _same(param, other) and not _is_stand_in(param, first, second):
            slots.append(None)
        else:
            return None
    return tuple(slots)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _is_stand_in(param: Any, first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    return any(_same(param, value) for value in (*first.values(), *second.values()))
