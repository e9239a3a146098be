"""The sitemap: /sitemap.xml is an index of sections (/sitemap-<section>.xml), each
split into pages of at most `limit` addresses (?p=N), so every live article is
listed however many there are (a single urlset stops at the protocol's 50,000 and
Django's page size).

The articles' pages are ranges of the all-news positions (news.positions): page N
costs what page 1 does, and the number of pages comes from the cached Ranking, not a
COUNT(*) (issue 11)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from . import positions
from .models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.only("id", "updated_at")

    @cached_property
    def paginator(self):
        order = positions.ranking().all_news
        return positions.PositionPaginator(self.items(), self.limit, order, timezone.now())

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # The index would otherwise read every article for the newest change; it is
        # optional there, and each section page still gives every <lastmod>.
        return None


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return positions.ranking().columns  # cached with the navigation


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["news:home", "news:list"]

    def location(self, name):
        return reverse(name)


sitemaps = {"pages": StaticSitemap, "columns": ColumnSitemap, "articles": ArticleSitemap}
