from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Column


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.live().only("id", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, article):
        return article.updated_at


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Column.objects.all()


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["news:home", "news:list"]

    def location(self, name):
        return reverse(name)


sitemaps = {"pages": StaticSitemap, "columns": ColumnSitemap, "articles": ArticleSitemap}
