from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def count_replies(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Each top-level comment's replies not deleted by their authors, in one statement."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE posts_comment SET reply_count = ("
            " SELECT COUNT(*) FROM posts_comment AS reply"
            " WHERE reply.parent_id = posts_comment.id AND reply.deleted_at IS NULL"
            ") WHERE parent_id IS NULL AND EXISTS ("
            " SELECT 1 FROM posts_comment AS reply WHERE reply.parent_id = posts_comment.id)"
        )


class Migration(migrations.Migration):
    dependencies = [("posts", "0008_live_qa")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="reply_count",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(count_replies, migrations.RunPython.noop, elidable=True),
    ]
