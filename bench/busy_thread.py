"""A busy post's page against a quiet one's: time and queries of the first page of each.

A post with 1,000 comments (top-level comments with threads of 0 to 400 replies) and one
with 10 are built in the database of DATABASE_URL under their own authors (made once,
reused by later runs; `--rebuild` makes them anew), then the first page of each is asked,
as a member and as a visitor, by requests handed straight to Django's WSGI handler (as in
`bench/cpu_pages.py`), with the visitors' page cache off. Each page shows its first
THREADS_PER_PAGE threads, each with its first REPLIES_SHOWN replies, so the busy page should
cost about what the quiet one does: the figures are the busy page's time as a ratio to the
quiet page's, measured in the same run (wall time, the database's included, and the
process's CPU time), and the queries each page runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale \\
    REDIS_URL=redis://127.0.0.1:6379/7 python -m bench.busy_thread --blocks 5 --per-block 10
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
for _name, _value in {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
    # Each request renders its page: the visitors' cache would answer all but the first.
    "PAGE_CACHE_SECONDS": "0",
}.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.cpu_pages import Reader  # noqa: E402
from posts.models import Comment, Post, Visibility  # noqa: E402
from posts.rendering import render_post_markdown  # noqa: E402
from posts.services import recount_replies  # noqa: E402

AUTHOR_HANDLE = "busy-thread-bench"
READER_HANDLE = "busy-thread-reader"
BUSY_TITLE = "Busy thread bench: 1,000 comments"
QUIET_TITLE = "Busy thread bench: 10 comments"
# Replies of each top-level comment, oldest thread first: 1,000 comments in all with the
# 60 top-level ones. The first page (20 threads) holds the biggest threads.
BUSY_THREADS = [400, 200, 100, 60, 40, 20, 10, 5, 3, 2] + [2] * 50
QUIET_THREADS = [3, 2, 1, 0]
REPLIERS = 30


def _member(handle: str) -> User:
    user = User.objects.filter(handle=handle).first()
    if user is None:
        user = User.objects.create_user(
            f"{handle}@bench.invalid", handle=handle, display_name=handle.replace("-", " ")
        )
    return user


def _build(title: str, threads: list[int], author: User, repliers: list[User]) -> Post:
    html = render_post_markdown("A point about fluids, and what the evidence says.").html
    post = Post.objects.create(
        author=author,
        title=title,
        body="Bench post.",
        body_html="<p>Bench post.</p>",
        visibility=Visibility.PUBLIC,
    )
    start = timezone.now() - datetime.timedelta(days=2)
    tops = Comment.objects.bulk_create(
        Comment(
            post=post,
            author=repliers[number % len(repliers)],
            body="A point about fluids.",
            body_html=html,
            created_at=start + datetime.timedelta(minutes=number),
        )
        for number in range(len(threads))
    )
    replies = [
        Comment(
            post=post,
            parent=top,
            author=repliers[(number + index) % len(repliers)],
            body="A point about fluids.",
            body_html=html,
            created_at=top.created_at + datetime.timedelta(seconds=number + 1),
        )
        for index, (top, size) in enumerate(zip(tops, threads, strict=True))
        for number in range(size)
    ]
    Comment.objects.bulk_create(replies, batch_size=500)
    recount_replies(post_ids=[post.pk])
    Post.objects.filter(pk=post.pk).update(comment_count=len(tops) + len(replies))
    return post


@dataclass(frozen=True)
class Scene:
    busy: Post
    quiet: Post
    reader: User


def scene(*, rebuild: bool) -> Scene:
    with transaction.atomic():
        author = _member(AUTHOR_HANDLE)
        if rebuild:
            Post.objects.filter(author=author).delete()
        repliers = [_member(f"{AUTHOR_HANDLE}-{number}") for number in range(REPLIERS)]
        busy = Post.objects.filter(author=author, title=BUSY_TITLE).first() or _build(
            BUSY_TITLE, BUSY_THREADS, author, repliers
        )
        quiet = Post.objects.filter(author=author, title=QUIET_TITLE).first() or _build(
            QUIET_TITLE, QUIET_THREADS, author, repliers
        )
        return Scene(busy=busy, quiet=quiet, reader=_member(READER_HANDLE))


def ms_per_request(
    reader: Reader, path: str, *, blocks: int, per_block: int
) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds per request of each block, after three warm-up requests."""
    for _ in range(3):
        status = reader.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    figures = []
    for _ in range(blocks):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(per_block):
            reader.get(path)
        figures.append(
            (
                (time.perf_counter() - wall) / per_block * 1000,
                (time.process_time() - cpu) / per_block * 1000,
            )
        )
    return figures


def queries(reader: Reader, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        reader.get(path)
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--per-block", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="Build the two posts anew.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL.")
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    built = scene(rebuild=args.rebuild)
    counts = {
        post.pk: Comment.objects.filter(post=post).count() for post in (built.busy, built.quiet)
    }
    print(
        "| Reader | Page | Comments | Queries | Best ms | Best ms CPU "
        "| Busy / quiet (wall) | Busy / quiet (CPU) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, reader in (("member", Reader(built.reader)), ("visitor", Reader())):
        measured = {}
        for post in (built.quiet, built.busy):
            path = post.get_absolute_url()
            figures = ms_per_request(reader, path, blocks=args.blocks, per_block=args.per_block)
            measured[post.pk] = (
                min(wall for wall, _ in figures),
                min(cpu for _, cpu in figures),
                statistics.median(wall for wall, _ in figures),
                queries(reader, path),
            )
        quiet_wall, quiet_cpu, _, _ = measured[built.quiet.pk]
        for label, post in (("quiet", built.quiet), ("busy", built.busy)):
            wall, cpu, _median, count = measured[post.pk]
            ratios = (
                f"{wall / quiet_wall:.2f} | {cpu / quiet_cpu:.2f}" if post == built.busy else " | "
            )
            print(
                f"| {name} | {label} | {counts[post.pk]:,} | {count} | {wall:.2f} | {cpu:.2f} "
                f"| {ratios} |"
            )


if __name__ == "__main__":
    main()
