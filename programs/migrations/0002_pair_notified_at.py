from typing import Any

from django.db import migrations, models
from django.db.models import F


def mark_published_as_notified(apps: Any, schema_editor: Any) -> None:
    """Runs published before this migration notified their members as they published."""
    apps.get_model("programs", "ProgramPair").objects.update(notified_at=F("matched_at"))
    apps.get_model("programs", "MatchRun").objects.filter(status="published").update(
        unmatched_notified_at=F("published_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0004_message_read_at"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchrun",
            name="unmatched_notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="programpair",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="programpair",
            index=models.Index(
                condition=models.Q(("notified_at__isnull", True)),
                fields=["run"],
                name="program_pair_not_notified",
            ),
        ),
        migrations.RunPython(mark_published_as_notified, migrations.RunPython.noop),
    ]
