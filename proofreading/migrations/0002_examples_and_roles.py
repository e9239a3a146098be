"""A few 规范表述 as examples (marked as such: staff own the list), and the roles'
rights on the lists: reviewers (审核) keep the 规范表述 and 敏感词 lists and read the
ignore records; editors (编辑) read the 规范表述. Permissions are created here first,
as news/migrations/0003_roles.py does, because Django otherwise adds them only after
all migrations have run."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EXAMPLES = [
    ("三八妇女节", "“三八”国际妇女节", "节日的全称，“三八”加引号（示例）"),
    ("全国妇女联合会", "中华全国妇女联合会", "组织的全称，简称“全国妇联”（示例）"),
    ("反家暴法", "反家庭暴力法", "《中华人民共和国反家庭暴力法》的简称（示例）"),
    ("妇联主任", "妇联主席", "各级妇联组织的负责人称主席（示例）"),
]

RIGHTS = {
    "编辑": ["view_wording"],
    "审核": [
        "add_wording", "change_wording", "delete_wording", "view_wording",
        "add_sensitiveword", "change_sensitiveword", "delete_sensitiveword",
        "view_sensitiveword", "view_ignoredfinding",
    ],
}


def add_examples_and_rights(apps, schema_editor):
    Wording = apps.get_model("proofreading", "Wording")
    for wrong, right, note in EXAMPLES:
        Wording.objects.get_or_create(
            wrong=wrong, defaults={"right": right, "note": note, "is_example": True}
        )
    app_config = apps.get_app_config("proofreading")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="proofreading", codename__in=codenames
                )
            )


def remove_examples(apps, schema_editor):
    apps.get_model("proofreading", "Wording").objects.filter(is_example=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("proofreading", "0001_initial"),
        ("news", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_examples_and_rights, remove_examples)]
