"""Permissions for the site's particulars and the error reports (issue 5): reviewers
keep the footer, links and WeChat code; both roles read and handle 纠错 reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "审核": ["view_siteprofile", "change_siteprofile", "view_externallink", "add_externallink",
           "change_externallink", "delete_externallink", "view_errorreport", "change_errorreport"],
    "编辑": ["view_errorreport", "change_errorreport"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="news", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0004_site_profile"), ("news", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
