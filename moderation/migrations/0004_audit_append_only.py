"""Make the audit log append-only in the database itself, not only in the panel."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION moderation_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_auditentry_append_only
    BEFORE UPDATE OR DELETE ON moderation_auditentry
    FOR EACH ROW EXECUTE FUNCTION moderation_auditentry_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS moderation_auditentry_append_only ON moderation_auditentry;
DROP FUNCTION IF EXISTS moderation_auditentry_refuse_change();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER moderation_auditentry_no_update BEFORE UPDATE ON moderation_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER moderation_auditentry_no_delete BEFORE DELETE ON moderation_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_delete;",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_cases_actions_appeals_audit")]

    operations = [migrations.RunPython(forward, backward)]
