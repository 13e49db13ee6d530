"""SQL conditions and values about the row of the query they are used in, written out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


class OnTheRow(models.Expression):
    """A condition (or, with another output field, a value) on the row of the query it is
    used in, written out in SQL by a subclass's `as_sql`.

    The ORM's own forms of such conditions (Q objects with subqueries, Exists, Subquery) are
    an inner query to build, resolve, relabel and compile every time, which was most of a
    post list's query building. Written out, the row is named by the alias its query gives
    it, and the name follows that alias when the query is relabelled as a subquery of
    another.
    """

    output_field = models.BooleanField()

    def __init__(self) -> None:
        super().__init__()
        self.alias: str | None = None
        self.outer_pk = "id"

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        resolved.outer_pk = query.model._meta.pk.column
        return resolved

    def relabeled_clone(self, change_map: dict[str, str]) -> Any:
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two of these the same (Django compares and hashes the expressions of
        a query while compiling it): the class, the row and the arguments as given. Django's
        own reads the constructor's signature anew for every instance, a fifth of a
        millisecond of every post list's query."""
        args, kwargs = self._constructor_args
        return (type(self), self.alias, self.outer_pk, args, tuple(sorted(kwargs.items())))

    def column(self, compiler: Any, connection: Any, name: str) -> str:
        """A column of the row, named through its alias."""
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(name)}"


class AnyOf(models.Func):
    """`column = ANY(%s)`: a list of ids as one array parameter on PostgreSQL. Django's
    `IN (%s, %s, ...)` prepares, and the driver then splits, each id one by one (for the
    200 candidates a search ranks, a tenth of the page's Python function calls). Other
    databases get the IN list."""

    template = "%(expressions)s = ANY(%%s)"
    output_field = models.BooleanField()

    def __init__(self, column: str, ids: Sequence[int]) -> None:
        super().__init__(models.F(column))
        self.ids = list(ids)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = super().as_sql(compiler, connection, **extra)
        if connection.vendor == "postgresql":
            return sql, [*params, self.ids]
        if not self.ids:
            return "1 = 0", []
        column = sql.removesuffix(" = ANY(%s)")
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]
