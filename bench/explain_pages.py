"""The SQL time of the hot pages a visitor reads, query by query, from EXPLAIN ANALYZE.

Load the scale data set first (see bench/run_pages.py), then, from the repository root::

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale \\
    REDIS_URL=redis://127.0.0.1:6379/7 python -m bench.explain_pages [--member] [--runs 21]

For Explore, the busiest hashtag, the 100-comment thread and the most followed member's
profile (`bench.scale.hot_pages`), read as a visitor (or as the bench member), it renders
the page twice in-process (the first warms the caches), captures the second rendering's
SELECTs, and runs each one `--runs` times under EXPLAIN ANALYZE: the median execution
time per query, and their sum per page, are printed. Only reads are explained, so the
data set is left as it was. Planning time is left out (it is the same for every reader).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The hot pages a visitor may read (bench.scale.hot_pages names them).
VISITOR_PAGES = ("Explore", "Hashtag", "Post with", "Profile")
SHOWN_SQL = 110


@dataclass(frozen=True)
class QueryTime:
    milliseconds: float
    sql: str


@dataclass(frozen=True)
class PageTime:
    name: str
    path: str
    queries: list[QueryTime]

    @property
    def milliseconds(self) -> float:
        return sum(query.milliseconds for query in self.queries)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.explain_pages",
        description="EXPLAIN ANALYZE the queries of the pages a visitor reads.",
    )
    parser.add_argument(
        "--member", action="store_true", help="Read as the bench member instead of a visitor."
    )
    parser.add_argument("--runs", type=int, default=21, help="EXPLAIN ANALYZE runs per query.")
    return parser.parse_args(argv)


def _execution_ms(cursor: Any, sql: str) -> float:
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
    raw = cursor.fetchone()[0]
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return float(plan[0]["Execution Time"])


def explain_pages(*, member: bool, runs: int) -> list[PageTime]:
    """Each visitor page's SELECTs with their median execution time (Django set up)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.scale.hot_pages import hot_pages
    from bench.scale.sizes import BENCH_HANDLE

    client = Client()
    if member:
        client.force_login(User.objects.get(handle=BENCH_HANDLE))
    pages = [page for page in hot_pages() if page.name.startswith(VISITOR_PAGES)]
    results = []
    for page in pages:
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code}")
        selects = [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].lstrip().upper().startswith("SELECT")
        ]
        with connection.cursor() as cursor:
            queries = [
                QueryTime(statistics.median(_execution_ms(cursor, sql) for _ in range(runs)), sql)
                for sql in selects
            ]
        results.append(PageTime(page.name, page.path, queries))
    return results


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    import django

    django.setup()
    reader = "the bench member" if options.member else "a visitor"
    for page in explain_pages(member=options.member, runs=options.runs):
        print(
            f"{page.name} ({page.path}), read by {reader}: {len(page.queries)} SELECTs,"
            f" {page.milliseconds:.2f} ms"
        )
        for query in sorted(page.queries, key=lambda query: -query.milliseconds):
            print(f"  {query.milliseconds:7.2f} ms  {query.sql[:SHOWN_SQL]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
