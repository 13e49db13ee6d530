"""Writing rows to PostgreSQL fast: COPY in text format, the field formats it reads, plain
statements, and the index and sequence handling around a bulk load. Progress is one line on
stderr.

The module is named for PostgreSQL's COPY; it is not the standard library's `copy`."""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from django.db import connection

CHUNK_LINES = 5000


class Progress:
    """One line on stderr: phase, rows done of the total, rate and time left."""

    def __init__(self, total: int, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.monotonic()
        self.last_shown = 0.0
        self.phase = ""

    def start(self, phase: str) -> None:
        self.phase = phase
        self.show(force=True)

    def add(self, rows: int) -> None:
        self.done += rows
        self.show()

    def show(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.quiet or (not force and now - self.last_shown < 0.5):
            return
        self.last_shown = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.stream.write(
            f"\r[{bar:<30}] {share:6.1%} {self.done:>10,}/{self.total:,} rows "
            f"{rate:>9,.0f}/s  {_clock(elapsed)} elapsed, ~{_clock(left)} left  {self.phase:<28}"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self.show(force=True)
        if not self.quiet:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:d}:{secs:02d}"


# --- Field formats of COPY's text format ---------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def text(value: str) -> str:
    """A text field: backslash, tab and line breaks escaped."""
    return value.translate(_ESCAPES)


def timestamp(seconds: float) -> str:
    """A timestamptz field from seconds since the epoch (UTC)."""
    return (_EPOCH + datetime.timedelta(seconds=seconds)).isoformat()


def json_list(values: Sequence[str]) -> str:
    """A JSON array of plain strings (no quotes or backslashes inside them)."""
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


# --- Statements ----------------------------------------------------------------------------


def copy_rows(table: str, columns: Sequence[str], lines: Iterable[str], progress: Progress) -> int:
    """COPY pre-formatted text lines (tab-separated, escaped, newline-terminated) into table.

    Lines are joined and sent in chunks of a few thousand, so memory holds one chunk."""
    written = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= CHUNK_LINES:
                copy.write("".join(chunk))
                written += len(chunk)
                progress.add(len(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))
            written += len(chunk)
            progress.add(len(chunk))
    return written


def execute(sql: str, params: Sequence[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch_value(sql: str, params: Sequence[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def drop_secondary_indexes(tables: Sequence[str]) -> list[str]:
    """Drop the indexes of `tables` that back neither the primary key nor a constraint;
    return the statements that rebuild them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
            " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE t.relname = ANY(%s) AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY 1",
            [list(tables)],
        )
        found = cursor.fetchall()
    for name, _definition in found:
        execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def reset_sequences(tables: Sequence[str]) -> None:
    """Point each table's id sequence past its largest id, so new rows get fresh ids."""
    for table in tables:
        # Table names come from the loader's list of bulk-loaded tables, never from input.
        execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # nosec B608
            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
