from django.db import migrations, models


class Migration(migrations.Migration):
    """The list indexes, after news 0012 numbered the articles (committed first, so no
    foreign-key trigger events are pending when PostgreSQL builds them)."""

    dependencies = [
        ('news', '0012_list_positions'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['status', '-published_at', '-id'], name='article_live_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['column', 'status', '-published_at', '-id'], name='article_column_live_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['list_position'], name='article_list_position_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['column', 'column_position'], name='article_column_position_idx'),
        ),
        # Fresh statistics for the new columns, or the planner guesses their ranges
        # and scans the table (seen at 100,000 articles). Same statement in both.
        migrations.RunSQL("ANALYZE news_article", migrations.RunSQL.noop),
    ]
