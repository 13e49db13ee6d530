"""Site moderators appoint and remove the coordinators of mentoring programs, and see
programs and their applications (never the applicants' answers) in the panel.

The group is set to exactly PERMISSIONS: 0011's list and the programs permissions below.
"""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_0011 = importlib.import_module("moderation.migrations.0011_contact_message")
GROUP_NAME = GROUP_0011.GROUP_NAME

PERMISSIONS = {
    **GROUP_0011.PERMISSIONS,
    "programs": [
        "view_program",
        "change_program",
        "view_coordinator",
        "add_coordinator",
        "delete_coordinator",
        "view_application",
    ],
}


def set_up_group(apps, permissions=None):
    """Create the group (or reset its permissions) with exactly `permissions`."""
    return GROUP_0011.GROUP_0010.set_up_group(
        apps, PERMISSIONS if permissions is None else permissions
    )


def forward(apps, schema_editor):
    if not apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).exists():
        return
    programs = apps.get_app_config("programs")
    programs.models_module = True
    create_permissions(programs, apps=apps, verbosity=0)
    programs.models_module = None
    set_up_group(apps)


def backward(apps, schema_editor):
    if apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).exists():
        set_up_group(apps, GROUP_0011.PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0011_contact_message"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
