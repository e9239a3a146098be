# SiteProfile, ExternalLink and ErrorReport move to the fedsite app (issue 10), rows
# and all. fedsite 0001 created their state; here news forgets them, and the tables
# are renamed to fedsite_*, so that every table is named after the app that owns it
# and no model needs a db_table pointing into another app. A rename is one quick
# ALTER TABLE on PostgreSQL and SQLite and keeps every row and id.
#
# Their content types follow, so the permissions the staff groups hold on them
# (news 0005: 审核 keeps the profile and links, both roles handle error reports) and
# the admin's log stay attached. Plain historical models only: nothing from the apps.

from django.db import migrations

MODELS = ["siteprofile", "externallink", "errorreport"]


def move_content_types(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            # The usual case: the same row relabelled; its permissions and log follow.
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Django made the target's content type already (on a fresh database an earlier
        # migration creates permissions for every model the state holds): hand over.
        for permission in Permission.objects.filter(content_type=old):
            successor, _ = Permission.objects.get_or_create(
                content_type=new, codename=permission.codename, defaults={"name": permission.name}
            )
            successor.group_set.add(*permission.group_set.all())
            successor.user_set.add(*permission.user_set.all())
        LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def to_fedsite(apps, schema_editor):
    move_content_types(apps, "news", "fedsite")


def to_news(apps, schema_editor):
    move_content_types(apps, "fedsite", "news")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0010_site_logo"),
        ("fedsite", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SiteProfile"),
                migrations.DeleteModel(name="ExternalLink"),
                migrations.DeleteModel(name="ErrorReport"),
            ],
            database_operations=[
                migrations.AlterModelTable(name="SiteProfile", table="fedsite_siteprofile"),
                migrations.AlterModelTable(name="ExternalLink", table="fedsite_externallink"),
                migrations.AlterModelTable(name="ErrorReport", table="fedsite_errorreport"),
            ],
        ),
        migrations.RunPython(to_fedsite, to_news),
    ]
