"""Writing the scale data set into PostgreSQL: which table when, and what SQL does around it.

Rows come from `bench.scale.generator` and are streamed in with COPY. Posts go through a
temporary table so their `search_vector` is computed by PostgreSQL (the same weights as
`posts.services`) in the one INSERT that stores them, leaving no dead rows behind. The bulk
tables' secondary indexes are dropped before the load and rebuilt after it (one sorted build
beats millions of random inserts); primary keys and constraint indexes stay, foreign keys
stay checked. Sequences are reset and the tables vacuumed and analyzed at the end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from bench.scale.generator import Generator
from bench.scale.mentorships import mentoring_rows
from bench.scale.pgcopy import (
    Progress,
    copy_rows,
    drop_secondary_indexes,
    execute,
    fetch_value,
    reset_sequences,
)
from bench.scale.sizes import ScaleError, ScaleSize
from posts.models import Post
from posts.services import SEARCH_CONFIG

# Tables the load writes, children first, for --force.
TABLES = [
    "notifications_notification",
    "mentoring_mentorship",
    "mentoring_mentorrequest",
    "mentoring_menteepreferences",
    "mentoring_mentorprofile",
    "posts_reaction",
    "posts_comment",
    "posts_posthashtag",
    "posts_post",
    "posts_campaign",
    "posts_hashtag",
    "posts_membership",
    "posts_circle",
    "accounts_block",
    "accounts_mute",
    "accounts_follow",
    "account_emailaddress",
    "accounts_user",
]
# Bulk tables whose secondary indexes are dropped during the load and rebuilt after it.
REBUILT_INDEX_TABLES = [
    "posts_post",
    "posts_comment",
    "posts_reaction",
    "posts_posthashtag",
    "accounts_follow",
    "notifications_notification",
]


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def load_scale(
    size: ScaleSize,
    *,
    force: bool = False,
    stream: TextIO | None = None,
    quiet: bool = False,
    keep_indexes: bool = False,
) -> LoadReport:
    """Load the scale data set into the default (PostgreSQL) database.

    Refuses on SQLite, and on a database that already has members unless `force`, which
    empties the tables first. `keep_indexes` writes through every index instead of
    rebuilding the bulk tables' secondary indexes after the load (to measure the difference).
    """
    if connection.vendor != "postgresql":
        raise ScaleError("The scale data set needs PostgreSQL: set DATABASE_URL=postgres://...")
    connection.ensure_connection()
    if has_data():
        if not force:
            raise ScaleError(
                "This database already has members. Use --force to empty it and load again."
            )
        empty_tables()
    generator = Generator(size)
    return write_data_set(generator, stream=stream, quiet=quiet, keep_indexes=keep_indexes)


def has_data() -> bool:
    """Whether the database already has members or groups (the load assigns ids from 1)."""
    return bool(
        fetch_value(
            "SELECT EXISTS (SELECT 1 FROM accounts_user)"
            " OR EXISTS (SELECT 1 FROM posts_hashtag) OR EXISTS (SELECT 1 FROM posts_circle)"
        )
    )


def empty_tables() -> None:
    """--force: remove every row the load writes (and what hangs off them)."""
    execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def write_data_set(
    generator: Generator,
    *,
    stream: TextIO | None = None,
    quiet: bool = False,
    keep_indexes: bool = False,
) -> LoadReport:
    """Write the whole data set. The caller checks the database is empty first."""
    began = time.monotonic()
    progress = Progress(generator.planned_rows(), stream, quiet=quiet)
    execute("SET synchronous_commit = off")
    execute("SET maintenance_work_mem = '512MB'")
    dropped = [] if keep_indexes else drop_secondary_indexes(REBUILT_INDEX_TABLES)
    try:
        counts = _write(generator, progress)
    finally:
        # Rebuilt even after a failure, so an interrupted load never leaves the schema
        # without its indexes.
        progress.start("indexes")
        for statement in dropped:
            execute(statement)
    progress.start("sequences")
    reset_sequences(TABLES)
    progress.start("vacuum and analyze")
    # VACUUM sets the visibility map (index-only scans) and cannot run in a transaction;
    # inside one (the test suite), fresh statistics are what matters.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    for table in TABLES:
        execute(f"{command} {table}")
    progress.finish()
    return LoadReport(counts=counts, seconds=time.monotonic() - began)


def _write(generator: Generator, progress: Progress) -> dict[str, int]:
    size = generator.size
    counts: dict[str, int] = {}

    progress.start("members")
    generator.plan_members()
    counts["members"] = copy_rows(
        "accounts_user", generator.USER_COLUMNS, generator.user_lines(), progress
    )
    execute(
        'INSERT INTO account_emailaddress (email, verified, "primary", user_id) '
        "SELECT email, true, true, id FROM accounts_user ORDER BY id"
    )
    progress.add(size.members)

    progress.start("follows")
    counts["follows"] = copy_rows(
        "accounts_follow",
        ["created_at", "followee_id", "follower_id"],
        generator.follow_lines(),
        progress,
    )
    # Each member's follower and following counts, from the rows just written.
    sides = (("follower_count", "followee_id"), ("following_count", "follower_id"))
    for counted, side in sides:
        execute(
            f"UPDATE accounts_user u SET {counted} = c.n FROM (SELECT {side} AS id,"  # nosec B608
            f" count(*) AS n FROM accounts_follow GROUP BY {side}) c WHERE c.id = u.id"
        )

    progress.start("groups")
    counts["groups"] = generator.plan_circles()
    copy_rows("posts_circle", generator.CIRCLE_COLUMNS, generator.circle_lines(), progress)
    counts["memberships"] = copy_rows(
        "posts_membership", generator.MEMBERSHIP_COLUMNS, generator.membership_lines(), progress
    )
    # The first active member of each group moderates it; counts are active members.
    execute(
        "UPDATE posts_membership SET role = 'moderator' WHERE id IN ("
        " SELECT min(id) FROM posts_membership WHERE status = 'active' GROUP BY circle_id)"
    )
    execute(
        "UPDATE posts_circle c SET member_count = m.n FROM ("
        " SELECT circle_id, count(*) AS n FROM posts_membership WHERE status = 'active'"
        " GROUP BY circle_id) m WHERE m.circle_id = c.id"
    )

    progress.start("hashtags and campaigns")
    copy_rows("posts_hashtag", generator.HASHTAG_COLUMNS, generator.hashtag_lines(), progress)
    copy_rows("posts_campaign", generator.CAMPAIGN_COLUMNS, generator.campaign_lines(), progress)

    progress.start("posts (planning)")
    generator.plan_posts()
    progress.start("posts")
    _write_posts(generator, progress)
    counts["posts"] = size.posts
    progress.start("post hashtags")
    counts["post hashtags"] = copy_rows(
        "posts_posthashtag",
        ["created_at", "hashtag_id", "post_id"],
        generator.post_hashtag_lines(),
        progress,
    )

    progress.start("comments")
    counts["comments"] = copy_rows(
        "posts_comment", generator.COMMENT_COLUMNS, generator.comment_lines(), progress
    )
    # Each thread's number of live replies, from the rows just written, in one grouped
    # UPDATE: `recount_replies` asks a subquery per top-level comment, which without the
    # parent index (rebuilt after the load) reads the whole table for each of them.
    execute(
        "UPDATE posts_comment c SET reply_count = r.n FROM (SELECT parent_id AS id,"
        " count(*) AS n FROM posts_comment WHERE parent_id IS NOT NULL AND deleted_at IS NULL"
        " GROUP BY parent_id) r WHERE c.id = r.id"
    )
    progress.start("reactions")
    counts["reactions"] = copy_rows(
        "posts_reaction",
        ["kind", "created_at", "comment_id", "member_id", "post_id"],
        generator.reaction_lines(),
        progress,
    )

    progress.start("mentoring")
    for rows in mentoring_rows(generator):
        counts[rows.label] = copy_rows(rows.table, rows.columns, rows.lines, progress)

    progress.start("notifications, mutes, blocks")
    post_type = ContentType.objects.get_for_model(Post).pk
    counts["notifications"] = copy_rows(
        "notifications_notification",
        generator.NOTIFICATION_COLUMNS,
        generator.notification_lines(post_type),
        progress,
    )
    for table, columns in generator.WALL_COLUMNS.items():
        copy_rows(table, columns, generator.wall_lines(table), progress)

    return counts


def _write_posts(generator: Generator, progress: Progress) -> None:
    """Posts through a temporary table, so PostgreSQL computes each search vector in the one
    INSERT that stores the post."""
    execute(
        "CREATE TEMP TABLE scale_post_stage (LIKE posts_post INCLUDING DEFAULTS, "
        "tags text) ON COMMIT PRESERVE ROWS"
    )
    copy_rows(
        "scale_post_stage", [*generator.POST_COLUMNS, "tags"], generator.post_lines(), progress
    )
    progress.start("posts (search vectors)")
    columns = ", ".join(generator.POST_COLUMNS)
    config = f"'{SEARCH_CONFIG}'::regconfig"
    # Column names and the text search configuration are constants of the generator and of
    # posts.services, not input: the statement is built from code, so there is nothing to inject.
    execute(
        f"INSERT INTO posts_post ({columns}, search_vector) "  # nosec B608
        f"SELECT {columns}, CASE WHEN deleted_at IS NULL THEN "
        f"setweight(to_tsvector({config}, coalesce(title, '')), 'A')"
        f" || setweight(to_tsvector({config}, coalesce(pub_title, '')), 'A')"
        f" || setweight(to_tsvector({config}, coalesce(tags, '')), 'A')"
        f" || setweight(to_tsvector({config}, coalesce(body, '')), 'B')"
        f" || setweight(to_tsvector({config}, coalesce(journal, '')), 'C') END"
        f" FROM scale_post_stage ORDER BY id"
    )
    execute("DROP TABLE scale_post_stage")
    progress.add(generator.size.posts)
