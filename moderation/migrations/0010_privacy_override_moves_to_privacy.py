"""PrivacyOverride now belongs to the privacy app (its 0001), in the same table.

The model leaves moderation's state only: no table or row changes. Its content type is
renamed to the privacy app, so the permissions, the Moderators group's grants and the audit
entries that point at overrides all follow. The group is then set to exactly PERMISSIONS
(0006's list, with the override permissions under their new app).
"""

import importlib

from django.db import migrations

GROUP_0006 = importlib.import_module("moderation.migrations.0006_moderators_group")
GROUP_NAME = GROUP_0006.GROUP_NAME
MOVED = ["view_privacyoverride", "change_privacyoverride"]

PERMISSIONS = {
    **GROUP_0006.PERMISSIONS,
    "moderation": [
        codename for codename in GROUP_0006.PERMISSIONS["moderation"] if codename not in MOVED
    ],
    "privacy": MOVED,
}


def _move_content_type(apps, *, source: str, destination: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label=source, model="privacyoverride").first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=destination, model="privacyoverride").first()
    if new is not None:
        # Made by `migrate` after a rollback of this migration, for the model as the code
        # has it: the old one is the one the audit log points at. Keep the grants made on
        # the new one, then let the old one take its place.
        for permission in Permission.objects.filter(content_type=new):
            kept, _ = Permission.objects.get_or_create(
                content_type=old, codename=permission.codename, defaults={"name": permission.name}
            )
            kept.group_set.add(*permission.group_set.all())
            kept.user_set.add(*permission.user_set.all())
        new.delete()
    old.app_label = destination
    old.save(update_fields=["app_label"])


def set_up_group(apps, permissions=None):
    """Create the group (or reset its permissions) with exactly `permissions`."""
    permissions = PERMISSIONS if permissions is None else permissions
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = []
    for app_label, codenames in permissions.items():
        found = list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise RuntimeError(f"Missing {app_label} permissions: {sorted(missing)}")
        wanted.extend(found)
    group.permissions.set(wanted)
    return group


def forward(apps, schema_editor):
    _move_content_type(apps, source="moderation", destination="privacy")
    if apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).exists():
        set_up_group(apps)


def backward(apps, schema_editor):
    _move_content_type(apps, source="privacy", destination="moderation")
    if apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).exists():
        set_up_group(apps, GROUP_0006.PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0009_audit_reported_mentorship_opened"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PrivacyOverride")],
            database_operations=[],
        ),
        migrations.RunPython(forward, backward),
    ]
