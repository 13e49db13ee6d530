"""Trigram indexes for the people search (`display_name` or `handle` contains the words), on
PostgreSQL only. Django's `icontains` compares UPPER(column) LIKE UPPER('%word%'), so the
indexes are on those expressions; SQLite has no trigram index and scans its small tables."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = {
    "user_display_name_trgm": "display_name",
    "user_handle_trgm": "handle",
}


def create_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_user"
            f" USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_profile_and_verification")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
