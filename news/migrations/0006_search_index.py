"""The Chinese search indexes (issue 6): character-pair tsvectors with GIN indexes
on PostgreSQL (stock, no extension), the same tokens as text on SQLite. Existing
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
        article.title_index = news.search.index_value(article.title)
        batch.append(article)
        if len(batch) >= 500:
            Article.objects.bulk_update(batch, ["search_index", "title_index"])
            batch = []
    Article.objects.bulk_update(batch, ["search_index", "title_index"])


def create_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in news.search.GIN_INDEXES.values():
            schema_editor.execute(sql)


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in news.search.GIN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("news", "0005_roles_site")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_index",
            field=news.search.SearchIndexField(blank=True, editable=False, verbose_name="搜索索引"),
        ),
        migrations.AddField(
            model_name="article",
            name="title_index",
            field=news.search.SearchIndexField(blank=True, editable=False, verbose_name="标题索引"),
        ),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
        migrations.RunPython(create_gin_indexes, drop_gin_indexes),
    ]
