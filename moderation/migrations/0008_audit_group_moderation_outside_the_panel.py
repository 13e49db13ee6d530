"""Audit entries for site moderators' decisions about a group's members, taken on the
group's members page rather than in the panel."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0007_sqlite_audit_flushable"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("dismiss", "Dismiss reports"),
                    ("remove", "Remove content"),
                    ("restore", "Restore content"),
                    ("warn", "Warn member"),
                    ("suspend", "Suspend member"),
                    ("reinstate", "Reinstate member"),
                    ("approve_verification", "Approve verification"),
                    ("reject_verification", "Reject verification"),
                    ("make_campaign", "Turn hashtag into campaign"),
                    ("change_campaign", "Change campaign"),
                    ("remove_group", "Remove group"),
                    ("remove_group_moderator", "Remove group moderator"),
                    ("approve_group_request", "Approve request to join group"),
                    ("decline_group_request", "Decline request to join group"),
                    ("remove_group_member", "Remove group member"),
                    ("make_group_moderator", "Make group moderator"),
                    ("decide_appeal", "Decide appeal"),
                    ("review_privacy_override", "Review privacy override"),
                ],
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="kind",
            field=models.CharField(
                choices=[
                    ("dismiss", "Dismiss reports"),
                    ("remove", "Remove content"),
                    ("restore", "Restore content"),
                    ("warn", "Warn member"),
                    ("suspend", "Suspend member"),
                    ("reinstate", "Reinstate member"),
                    ("approve_verification", "Approve verification"),
                    ("reject_verification", "Reject verification"),
                    ("make_campaign", "Turn hashtag into campaign"),
                    ("change_campaign", "Change campaign"),
                    ("remove_group", "Remove group"),
                    ("remove_group_moderator", "Remove group moderator"),
                    ("approve_group_request", "Approve request to join group"),
                    ("decline_group_request", "Decline request to join group"),
                    ("remove_group_member", "Remove group member"),
                    ("make_group_moderator", "Make group moderator"),
                    ("decide_appeal", "Decide appeal"),
                    ("review_privacy_override", "Review privacy override"),
                ],
                max_length=32,
            ),
        ),
    ]
