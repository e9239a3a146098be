"""The Chinese search index (issue 6): a character-pair tsvector with a GIN index on
PostgreSQL (stock, no extension), the same tokens as text on SQLite. Existing
articles are indexed here; `manage.py rebuild_search_index` does it again."""

from django.db import migrations

import news.search


def fill_index(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    batch = []
    for article in Article.objects.only("id", "title", "summary", "body_text").iterator():
        article.search_index = news.search.index_value(
            article.title, article.summary, article.body_text
        )
        batch.append(article)
        if len(batch) >= 500:
            Article.objects.bulk_update(batch, ["search_index"])
            batch = []
    Article.objects.bulk_update(batch, ["search_index"])


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_search_gin ON news_article USING gin (search_index)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")


class Migration(migrations.Migration):
    dependencies = [("news", "0005_roles_site")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_index",
            field=news.search.SearchIndexField(blank=True, editable=False, verbose_name="搜索索引"),
        ),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
