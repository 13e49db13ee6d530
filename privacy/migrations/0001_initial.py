"""PrivacyOverride moves here from moderation, keeping its table.

State only: the table `moderation_privacyoverride` (moderation's 0002) stays where it is,
with its rows. Moderation's 0010 takes the model out of its own state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The table exists, and the Moderators group (0006) was set up on the old model.
        ("moderation", "0009_audit_reported_mentorship_opened"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PrivacyOverride",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("target_id", models.PositiveBigIntegerField()),
                        (
                            "kinds",
                            models.JSONField(
                                default=list, help_text="Kinds of finding the author confirmed."
                            ),
                        ),
                        (
                            "excerpts",
                            models.JSONField(
                                default=list, help_text="The flagged text, for review."
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="privacy_overrides",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "target_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "moderation_privacyoverride",
                        "indexes": [
                            models.Index(
                                fields=["reviewed_at", "-created_at"],
                                name="moderation__reviewe_6c6a99_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
