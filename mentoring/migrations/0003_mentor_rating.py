"""Each mentor's rating (how many of their mentees rated them, and the sum) stored on their
profile and filled from the feedback rows, so mentor cards no longer aggregate feedback."""

from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce


def fill_ratings(apps, schema_editor):
    MentorProfile = apps.get_model("mentoring", "MentorProfile")
    Feedback = apps.get_model("mentoring", "Feedback")
    from_mentees = (
        Feedback.objects.filter(
            mentorship__mentor_id=OuterRef("user_id"), author_id=F("mentorship__mentee_id")
        )
        .order_by()
        .values("mentorship__mentor_id")
    )
    MentorProfile.objects.update(
        rating_count=Coalesce(Subquery(from_mentees.annotate(n=Count("id")).values("n")), 0),
        rating_total=Coalesce(Subquery(from_mentees.annotate(n=Sum("rating")).values("n")), 0),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0002_message_removal"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentorprofile",
            name="rating_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="mentorprofile",
            name="rating_total",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(fill_ratings, migrations.RunPython.noop, elidable=True),
    ]
