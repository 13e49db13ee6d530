"""A partial covering index of the members mentor suggestions may list (active, verified
clinicians, with the columns of the suspension test): matching reads it by an index-only
scan instead of each candidate's row."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_follow_counters"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                condition=models.Q(
                    ("is_active", True),
                    ("role__in", ["physician", "resident"]),
                    ("verification_status", "verified"),
                ),
                fields=["id"],
                include=("suspended_at", "suspended_until"),
                name="user_listed_clinician_idx",
            ),
        ),
    ]
