from django.core.management.base import BaseCommand

from news import search
from news.models import Article

BATCH = 1000
FIELDS = ["search_index", "title_index", "search_overflow"]


class Command(BaseCommand):
    help = "重建全部文章的搜索索引（文章保存时会自动更新，一般无需运行）。"

    def handle(self, *args, **options):
        done = 0
        batch = []
        articles = Article.objects.only("id", "title", "summary", "body_text").order_by("id")
        for article in articles.iterator(chunk_size=BATCH):
            for name, value in search.article_index(
                article.title, article.summary, article.body_text
            ).items():
                setattr(article, name, value)
            batch.append(article)
            if len(batch) >= BATCH:
                Article.objects.bulk_update(batch, FIELDS)
                done += len(batch)
                batch = []
        Article.objects.bulk_update(batch, FIELDS)
        done += len(batch)
        self.stdout.write(f"已重建 {done} 篇文章的搜索索引。")
