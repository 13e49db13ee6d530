"""The "Moderators" group, with exactly the permissions the moderation job needs.

Moderators are staff but not superusers: these permissions decide what the admin (the
moderation panel) shows them. Nothing here lets a moderator edit a member's record, a post
or the audit log directly; decisions go through the panel's actions and the services.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Moderators"

PERMISSIONS = {
    "moderation": [
        "view_reportcase",
        "change_reportcase",
        "view_report",
        "view_moderationaction",
        "can_moderate_members",
        "view_appeal",
        "change_appeal",
        "view_auditentry",
        "view_privacyoverride",
        "change_privacyoverride",
    ],
    "accounts": ["view_user", "view_verificationrequest", "change_verificationrequest"],
    "posts": [
        "view_post",
        "view_comment",
        "view_hashtag",
        "view_campaign",
        "add_campaign",
        "change_campaign",
        "view_circle",
        "delete_circle",
        "view_membership",
        "change_membership",
    ],
    "mentoring": ["view_message"],
}


def forward(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes; create them now so they
    # can be assigned in this same run on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    set_up_group(apps)


def set_up_group(apps):
    """Create the group (or reset its permissions) with exactly PERMISSIONS."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = []
    for app_label, codenames in PERMISSIONS.items():
        found = list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise RuntimeError(f"Missing {app_label} permissions: {sorted(missing)}")
        wanted.extend(found)
    group.permissions.set(wanted)
    return group


def backward(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_profile_and_verification"),
        ("posts", "0002_post_search_gin_index"),
        ("mentoring", "0001_initial"),
        ("moderation", "0005_moderation_permission_and_campaign_edits"),
    ]

    operations = [migrations.RunPython(forward, backward)]
