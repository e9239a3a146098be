"""Long articles on PostgreSQL: keep the folded text when the tsvector had to drop
positions, so phrases late in a long report are still found (news.search).

The column starts empty (no long article is then found by a late phrase): after
upgrading across this migration on PostgreSQL, run `manage.py rebuild_search_index`.
A migration runs no code of the app, which changes after it is written (issue 10)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("news", "0007_site_profile_row")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_overflow",
            field=models.TextField(blank=True, editable=False, null=True, verbose_name="长文检索文本"),
        ),
    ]
