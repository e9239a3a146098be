"""Long articles on PostgreSQL: keep the folded text when the tsvector had to drop
positions, so phrases late in a long report are still found (news.search)."""

from django.db import migrations, models

import news.search


def refill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("news", "Article")
    for article in Article.objects.only("id", "title", "summary", "body_text").iterator():
        values = news.search.article_index(article.title, article.summary, article.body_text)
        if values["search_overflow"] is not None:
            Article.objects.filter(pk=article.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [("news", "0007_site_profile_row")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_overflow",
            field=models.TextField(blank=True, editable=False, null=True, verbose_name="长文检索文本"),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
