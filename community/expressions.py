"""`AnyOf`: a list of ids as one array parameter (the written-out row expressions are in
community/perf/row_sql.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


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

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> tuple[str, list[Any]]:
        sql, params = super().as_sql(
            compiler,
            connection,
            function=function,
            template=template,
            arg_joiner=arg_joiner,
            **extra,
        )
        if connection.vendor == "postgresql":
            return sql, [*params, self.ids]
        if not self.ids:
            return "1 = 0", []
        column = sql.removesuffix(" = ANY(%s)")
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]
