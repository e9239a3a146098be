from django.core.management.base import BaseCommand

from news import search
from news.models import Article

BATCH = 1000


class Command(BaseCommand):
    help = "重建全部文章的搜索索引（文章保存时会自动更新，一般无需运行）。"

    def handle(self, *args, **options):
        done = 0
        batch = []
        articles = Article.objects.only("id", "title", "summary", "body_text").order_by("id")
        for article in articles.iterator(chunk_size=BATCH):
            article.search_index = search.index_value(
                article.title, article.summary, article.body_text
            )
            article.title_index = search.index_value(article.title)
            batch.append(article)
            if len(batch) >= BATCH:
                Article.objects.bulk_update(batch, ["search_index", "title_index"])
                done += len(batch)
                batch = []
        Article.objects.bulk_update(batch, ["search_index", "title_index"])
        done += len(batch)
        self.stdout.write(f"已重建 {done} 篇文章的搜索索引。")
