"""The two staff roles, as groups (issue 4): 编辑 writes and submits, 审核 reviews
and publishes. Permissions are created here first because Django otherwise adds
them only after all migrations have run."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "编辑"
REVIEWER = "审核"

EDITOR_PERMISSIONS = [
    ("news", "add_article"), ("news", "change_article"), ("news", "view_article"),
    ("news", "view_column"),
    ("news", "add_attachment"), ("news", "change_attachment"), ("news", "delete_attachment"),
    ("news", "view_attachment"),
    ("stats", "view_indicatorgroup"), ("stats", "view_indicator"), ("stats", "view_yearlyvalue"),
]
REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS + [
    ("news", "publish_article"), ("news", "delete_article"), ("news", "view_reviewevent"),
    ("news", "view_historicalarticle"),
    ("stats", "add_indicator"), ("stats", "change_indicator"),
    ("stats", "add_yearlyvalue"), ("stats", "change_yearlyvalue"), ("stats", "delete_yearlyvalue"),
]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [(EDITOR, EDITOR_PERMISSIONS), (REVIEWER, REVIEWER_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, REVIEWER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_workflow_history_attachments"),
        ("stats", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
