"""Long articles found on PostgreSQL (issue 13): a tsvector holds at most 16,383
positions, 256 per token and 1 MB, so a longer article is indexed in overlapping
parts (ArticleSearchPart, with a GIN index), which a search asks as well. The folded
text kept for long articles since 0008 (search_overflow) is no longer read.

The statistics target of search_index goes up to 1000 (the ten thousand most common
tokens and their frequencies, from a sample of up to 300,000 rows), so the search
can tell a rare word from a common one and pick the cheaper plan for each.

The parts start empty: after upgrading across this migration on PostgreSQL, run
`manage.py rebuild_search_index` (long articles are otherwise found by their first
part only). A migration runs no code of the app, which changes after it is written."""

import django.db.models.deletion
from django.db import migrations, models

import news.fields

# As news.search.GIN_INDEXES had it when this migration was written.
PART_GIN = (
    "CREATE INDEX IF NOT EXISTS article_search_part_gin ON news_articlesearchpart "
    "USING gin (index)"
)


def postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("news", "0014_attachment_storage")]

    operations = [
        migrations.RemoveField(model_name="article", name="search_overflow"),
        migrations.AddField(
            model_name="article",
            name="search_part_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.CreateModel(
            name="ArticleSearchPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("index", news.fields.SearchIndexField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_parts",
                        to="news.article",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "number"), name="article_search_part_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(
            postgresql_only(PART_GIN),
            postgresql_only("DROP INDEX IF EXISTS article_search_part_gin"),
        ),
        migrations.RunPython(
            postgresql_only(
                "ALTER TABLE news_article ALTER COLUMN search_index SET STATISTICS 1000"
            ),
            postgresql_only("ALTER TABLE news_article ALTER COLUMN search_index SET STATISTICS -1"),
        ),
    ]
