"""Messages sent through the contact page, which the Moderators group may read.

The group is set to exactly PERMISSIONS: 0010's list and `view_contactmessage`. Nobody may
change or delete a message from the panel: it is what the sender wrote.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_0010 = importlib.import_module("moderation.migrations.0010_privacy_override_moves_to_privacy")
GROUP_NAME = GROUP_0010.GROUP_NAME

PERMISSIONS = {
    **GROUP_0010.PERMISSIONS,
    "moderation": [*GROUP_0010.PERMISSIONS["moderation"], "view_contactmessage"],
}


def set_up_group(apps, permissions=None):
    """Create the group (or reset its permissions) with exactly `permissions`."""
    return GROUP_0010.set_up_group(apps, PERMISSIONS if permissions is None else permissions)


def forward(apps, schema_editor):
    if not apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).exists():
        return
    # Permissions are normally created after `migrate` finishes; create the new model's now
    # so the group can be granted it in this same run.
    moderation = apps.get_app_config("moderation")
    moderation.models_module = True
    create_permissions(moderation, apps=apps, verbosity=0)
    moderation.models_module = None
    set_up_group(apps)


def backward(apps, schema_editor):
    if apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).exists():
        set_up_group(apps, GROUP_0010.PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0010_privacy_override_moves_to_privacy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("question", "A question about Rounds"),
                            ("account", "My account or my verification"),
                            ("privacy", "Privacy or my data"),
                            ("safety", "Safety, or a member's behaviour"),
                            ("press", "Press, research or partnership"),
                            ("other", "Something else"),
                        ],
                        max_length=12,
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("message", models.TextField(max_length=5000)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "sender",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="contact_messages",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.RunPython(forward, backward),
    ]
