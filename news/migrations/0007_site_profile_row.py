"""Create the one SiteProfile row, so reviewers (who may change it but not add one)
can fill it in on a fresh site."""

from django.conf import settings
from django.db import migrations


def create_profile(apps, schema_editor):
    SiteProfile = apps.get_model("news", "SiteProfile")
    if not SiteProfile.objects.exists():
        SiteProfile.objects.create(host_organization=settings.SITE_NAME)


class Migration(migrations.Migration):
    dependencies = [("news", "0006_search_index")]

    operations = [migrations.RunPython(create_profile, migrations.RunPython.noop)]
