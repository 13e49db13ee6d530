"""Small helpers for reading rows with the ORM."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def unique_or_none(rows: models.QuerySet[M]) -> M | None:
    """The one row of `rows`, a filter on a unique column (a primary key), or None.

    `first()` orders by the primary key to choose among several rows; with at most one
    there is nothing to choose, and building and compiling that ORDER BY costs the ORM
    about as much as PostgreSQL takes to answer (BENCHMARKS.md, issue 24: the signed-in
    member read on every request, the post of a post page).
    """
    return next(iter(rows[:1]), None)
