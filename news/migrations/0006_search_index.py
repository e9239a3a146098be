"""The Chinese search indexes (issue 6): character-pair tsvectors with GIN indexes
on PostgreSQL (stock, no extension), the same tokens as text on SQLite.

The columns start empty: a migration runs no code of the app, which changes after
it is written (issue 10). After upgrading a site that has articles across this
migration, run `manage.py rebuild_search_index` (`make run` does it for articles
without an index)."""

from django.db import migrations

import news.fields

# The statements as they were when this migration was written; news.search keeps its
# own copy for the benchmark's bulk load.
GIN_INDEXES = {
    "article_search_gin": "CREATE INDEX IF NOT EXISTS article_search_gin ON news_article "
    "USING gin (search_index)",
    "article_title_gin": "CREATE INDEX IF NOT EXISTS article_title_gin ON news_article "
    "USING gin (title_index)",
}


def create_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in GIN_INDEXES.values():
            schema_editor.execute(sql)


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in GIN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("news", "0005_roles_site")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_index",
            field=news.fields.SearchIndexField(blank=True, editable=False, verbose_name="搜索索引"),
        ),
        migrations.AddField(
            model_name="article",
            name="title_index",
            field=news.fields.SearchIndexField(blank=True, editable=False, verbose_name="标题索引"),
        ),
        migrations.RunPython(create_gin_indexes, drop_gin_indexes),
    ]
