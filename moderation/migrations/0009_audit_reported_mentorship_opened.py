"""A site moderator opening a reported mentorship is audited, once per (moderator,
mentorship, report): a key for the entries written at most once, unique where set.

The key is a nullable column without a default and its index is partial: SQLite adds both
in place. A rebuilt table would have lost the append-only trigger of 0004.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0008_audit_group_moderation_outside_the_panel"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="idempotency_key",
            field=models.CharField(blank=True, editable=False, max_length=100, null=True),
        ),
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
                    ("open_reported_mentorship", "Open reported mentorship"),
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
                    ("open_reported_mentorship", "Open reported mentorship"),
                    ("decide_appeal", "Decide appeal"),
                    ("review_privacy_override", "Review privacy override"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key__isnull", False)),
                fields=("idempotency_key",),
                name="audit_entry_idempotency_key_unique",
            ),
        ),
    ]
