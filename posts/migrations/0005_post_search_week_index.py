"""Posts' search index carries the week each post was written in (PostgreSQL only).

Search looks for the newest matches in the last weeks first (`posts.search.
_newest_matches`). With the words alone in the index, PostgreSQL read and intersected the
whole posting lists of common words before it could drop all but the recent ones. A GIN
index over the text and the week (the week through `btree_gin`) intersects them inside the
index and returns only the recent matches (BENCHMARKS.md, step 27); searches over all
posts still use its first column. It replaces the index on the text alone. The week is
`posts.search.PostWeek`: this expression, word for word, or PostgreSQL cannot match the
query to the index (`tests/test_scale.py` checks the plan).

Built CONCURRENTLY, so posts can still be written while it builds.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TEXT_INDEX = "post_search_vector_gin"
TEXT_AND_WEEK_INDEX = "post_search_week_gin"
WEEK = "((((created_at AT TIME ZONE 'UTC'))::date - DATE '1970-01-01') / 7)"


def add_week(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {TEXT_AND_WEEK_INDEX} ON posts_post"
        f" USING gin (search_vector, ({WEEK}))"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {TEXT_INDEX}")


def remove_week(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {TEXT_INDEX} ON posts_post"
        " USING gin (search_vector)"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {TEXT_AND_WEEK_INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("posts", "0004_post_image_count")]

    operations = [migrations.RunPython(add_week, remove_week)]
