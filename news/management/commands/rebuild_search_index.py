from django.core.management.base import BaseCommand

from news import search
from news.models import Article, ArticleSearchPart

BATCH = 1000
FIELDS = ["search_index", "title_index", "search_part_count"]


class Command(BaseCommand):
    help = (
        "重建全部文章的搜索索引。文章保存时会自动更新；升级跨过建立索引的迁移"
        "（news 0006、0014）后运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="只为还没有索引的文章建立索引（make run 每次运行，很快）",
        )

    def handle(self, *args, missing=False, **options):
        articles = Article.objects.only(
            "id", "title", "summary", "body_text", "search_part_count"
        ).order_by("id")
        if missing:
            # Migrations add the index columns empty. An indexed article's index is
            # empty only if it has no word at all, and indexing that again is free.
            articles = articles.filter(search_index="")
        backend = search.backend_for(articles.db)
        done = 0
        batch = []
        for article in articles.iterator(chunk_size=BATCH):
            columns, parts = backend.article_index(
                article.title, article.summary, article.body_text
            )
            # Long articles (PostgreSQL): their parts, and no parts left for one
            # that no longer needs them.
            if parts or article.search_part_count:
                ArticleSearchPart.store(article, parts, articles.db)
            for name, value in columns.items():
                setattr(article, name, value)
            batch.append(article)
            if len(batch) >= BATCH:
                Article.objects.bulk_update(batch, FIELDS)
                done += len(batch)
                batch = []
        Article.objects.bulk_update(batch, FIELDS)
        done += len(batch)
        self.stdout.write(f"已重建 {done} 篇文章的搜索索引。")
