"""Follower and following counts stored on the member, filled from the follow rows; the
covering indexes that counted them on every profile view are no longer needed."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_counts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Follow = apps.get_model("accounts", "Follow")

    def counted(field):
        rows = (
            Follow.objects.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    User.objects.update(follower_count=counted("followee"), following_count=counted("follower"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_follow_count_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="follower_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="user",
            name="following_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="follow", name="follow_followee_count_idx"),
        migrations.RemoveIndex(model_name="follow", name="follow_follower_count_idx"),
    ]
