"""On SQLite, let the test database be flushed.

SQLite empties tables with DELETE, which the row trigger of 0004 refused, so a test
database holding audit entries could not be reset between transactional tests.
PostgreSQL flushes with TRUNCATE, which row triggers do not see, so there (production and
CI) both UPDATE and DELETE stay refused. SQLite is only the zero-setup trial database;
on it, updates stay refused and the panel offers no way to delete.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS moderation_auditentry_no_delete;")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER moderation_auditentry_no_delete BEFORE DELETE ON "
            "moderation_auditentry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_moderators_group")]

    operations = [migrations.RunPython(forward, backward)]
