"""Every public page costs a few queries, the same at N and 3N articles, and the
lists' pages (news.positions) are exactly Django's Paginator over live(), page by
page, after every kind of change (issue 11)."""

import datetime
import math

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import positions
from news.models import Article
from tests.factories import ArticleFactory, ColumnFactory

PER_PAGE = 5  # small pages, so that a few dozen articles make many


def hours_ago(hours):
    return timezone.now().replace(microsecond=0) - datetime.timedelta(hours=hours)


def build(count, columns):
    """`count` articles over the columns, one in seven pinned, some scheduled, some
    drafts and withdrawn, several sharing a publish time (ties go by id)."""
    for index in range(count):
        kind = index % 11
        ArticleFactory(
            column=columns[index % len(columns)],
            is_pinned=index % 7 == 0,
            published_at=hours_ago(-3 - index if kind == 5 else (index // 3) + 1),
            status={
                8: Article.Status.DRAFT,
                9: Article.Status.WITHDRAWN,
            }.get(kind, Article.Status.PUBLISHED),
        )


@pytest.fixture
def columns(db):
    return [ColumnFactory(slug="bmdt"), ColumnFactory(slug="tzgg"), ColumnFactory(slug="gzdt")]


def truth(now, column=None):
    live = Article.objects.live(now)
    if column is None:
        return list(live.order_by("-published_at", "-id").values_list("pk", flat=True))
    ordered = live.in_column(column).order_by("-is_pinned", "-published_at", "-id")
    return list(ordered.values_list("pk", flat=True))


def assert_every_page_is_right(now=None):
    """Each list's every page, and the position columns, against brute force."""
    now = now or timezone.now()
    ranking = positions.load_ranking(now)
    orders = [(None, ranking.all_news)] + [
        (column, ranking.by_column[column.pk]) for column in ranking.columns
    ]
    for column, order in orders:
        expected = truth(now, column)
        pages = PositionPaginator(order, now)
        brute = Paginator(expected, PER_PAGE)
        assert pages.count == brute.count, column
        assert pages.num_pages == brute.num_pages, column
        for number in brute.page_range:
            got = [article.pk for article in pages.page(number)]
            assert got == list(brute.page(number)), (column, number)
    assert_positions_are_dense()


def PositionPaginator(order, now):
    return positions.PositionPaginator(Article.objects.all(), PER_PAGE, order, now)


def assert_positions_are_dense():
    """The kept positions are what numbering from scratch gives."""
    kept = dict(Article.objects.values_list("pk", "list_position"))
    kept_columns = dict(Article.objects.values_list("pk", "column_position"))
    positions.renumber_all()
    assert dict(Article.objects.values_list("pk", "list_position")) == kept
    assert dict(Article.objects.values_list("pk", "column_position")) == kept_columns


@pytest.fixture
def site(columns):
    build(40, columns)
    return columns


class TestPagesMatchDjangosPaginator:
    def test_as_built(self, site):
        assert_every_page_is_right()

    def test_after_publishing_now(self, site):
        ArticleFactory(column=site[1], published_at=None)
        ArticleFactory(column=site[0], is_pinned=True, published_at=None)
        assert_every_page_is_right()

    def test_when_scheduled_times_arrive_with_no_save(self, site):
        later = timezone.now() + datetime.timedelta(hours=20)
        assert Article.objects.live(later).count() > Article.objects.live().count()
        assert_every_page_is_right(later)
        assert_every_page_is_right(timezone.now() + datetime.timedelta(days=30))

    def test_after_withdrawing(self, site):
        for article in Article.objects.live().order_by("published_at")[::6]:
            article.status = Article.Status.WITHDRAWN
            article.save(update_fields=["status"])
        assert_every_page_is_right()

    def test_after_deleting_one_and_many(self, site):
        Article.objects.live().order_by("published_at").first().delete()
        Article.objects.filter(pk__in=Article.objects.order_by("?").values("pk")[:9]).delete()
        assert_every_page_is_right()

    def test_after_back_dating_and_re_timing(self, site):
        articles = list(Article.objects.live().order_by("-published_at")[:4])
        articles[0].published_at = hours_ago(500)  # to the bottom
        articles[0].save()
        articles[1].published_at = hours_ago(10)  # into the middle, a shared time
        articles[1].save(update_fields=["published_at"])
        articles[2].published_at = hours_ago(-48)  # scheduled again
        articles[2].save()
        ArticleFactory(column=site[2], published_at=hours_ago(1000))  # an old report
        assert_every_page_is_right()

    def test_after_pinning_and_unpinning(self, site):
        oldest = Article.objects.live().order_by("published_at").first()
        oldest.is_pinned = True
        oldest.save(update_fields=["is_pinned"])
        for article in Article.objects.filter(is_pinned=True)[:3]:
            article.is_pinned = False
            article.save()
        assert_every_page_is_right()

    def test_after_moving_to_another_column(self, site):
        for article in Article.objects.live()[:5]:
            article.column = site[(site.index(article.column) + 1) % len(site)]
            article.save()
        assert_every_page_is_right()

    def test_after_drafts_and_re_publishing(self, site):
        withdrawn = Article.objects.filter(status=Article.Status.WITHDRAWN).first()
        withdrawn.status = Article.Status.PUBLISHED
        withdrawn.save()
        draft = Article.objects.filter(status=Article.Status.DRAFT).first()
        draft.title = "改了标题"
        draft.save()
        assert_every_page_is_right()

    def test_a_stale_instance_cannot_write_old_positions(self, site):
        stale = Article.objects.live().order_by("published_at").last()
        ArticleFactory(column=stale.column, published_at=hours_ago(999))  # shifts it up
        stale.title = "旧实例保存"
        stale.save()
        assert_every_page_is_right()

    def test_every_page_through_the_views(self, client, site):
        """The pages readers get, at the views' own 20 a page."""
        build(45, site)
        now = timezone.now()
        for path, column in [("/news/", None)] + [(c.get_absolute_url(), c) for c in site]:
            expected = Paginator(truth(now, column), 20)
            for number in expected.page_range:
                response = client.get(path, {"page": number} if number > 1 else {})
                shown = [article.pk for article in response.context["articles"]]
                assert shown == list(expected.page(number)), (path, number)
            assert client.get(path, {"page": expected.num_pages + 1}).status_code == 404


# --- Query counts ----------------------------------------------------------------


def queries_of(client, path):
    cache.clear()  # a cold cache: the page and every per-generation piece rebuilt
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured), response


def warm_queries_of(client, path, warm_with="/stats/"):
    """The queries of a page that is not in the page cache while the site-wide
    pieces (navigation and lists' Ranking, footer) are: the usual case."""
    cache.clear()
    client.get(warm_with)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


PAGES = {
    # name: (address, queries on a cold cache). Each page's own queries are index
    # range scans; a cold cache adds the site-wide pieces, once per site generation:
    # the lists' Ranking with the navigation (one) and the footer (two).
    "home": ("/", 4),
    "all news": ("/news/", 4),
    "all news, page 2": ("/news/?page=2", 4),
    "column": ("/news/bmdt/", 4),
    "feed": ("/feed/", 2),
    "atom feed": ("/feed/atom/", 2),
    "column feed": ("/news/bmdt/feed/", 2),
    "column atom feed": ("/news/bmdt/feed/atom/", 2),
    "sitemap index": ("/sitemap.xml", 2),
    "sitemap of articles": ("/sitemap-articles.xml", 2),
    "sitemap of columns": ("/sitemap-columns.xml", 1),
    # news.search: title matches, other matches, the page's rows; PostgreSQL's
    # backend adds one (see test_search.search_page_queries).
    "search": ("/search/?q=巾帼", 6 if connection.vendor == "postgresql" else 5),
    "stats": ("/stats/", 5),
    # The article, its attachments, the figures it cites, its neighbours and related
    # articles (one query), and the three pieces. (The reading is counted by a
    # request of its own: one UPDATE.)
    "article": (None, 7),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_public_page_costs_the_same_few_queries_at_n_and_3n_articles(client, columns, name):
    path, limit = PAGES[name]
    build(45, columns)
    if path is None:
        path = Article.objects.live().in_column(columns[0]).order_by("-published_at")[3]
        path = path.get_absolute_url()
    small, _ = queries_of(client, path)
    build(90, columns)
    large, _ = queries_of(client, path)
    assert small == large
    assert large <= limit


def test_the_article_page_costs_four_queries_once_the_site_pieces_are_cached(client, columns):
    build(45, columns)
    article = Article.objects.live().order_by("-published_at")[5]
    assert warm_queries_of(client, article.get_absolute_url()) == 4


@pytest.mark.parametrize("path", ["/", "/news/", "/news/?page=2", "/sitemap-articles.xml"])
def test_lists_cost_one_query_once_the_site_pieces_are_cached(client, columns, path):
    build(45, columns)
    assert warm_queries_of(client, path) == 1


def test_the_deepest_page_reads_no_more_rows_than_the_first(client, columns):
    """No OFFSET: the SQL of the last page differs from page 1's only in a bound."""
    build(90, columns)
    ranking = positions.load_ranking()
    pages = math.ceil(ranking.all_news.count / 20)
    sqls = []
    for number in (1, pages):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get("/news/", {"page": number} if number > 1 else {})
        sqls.append(
            next(q["sql"] for q in captured if q["sql"].startswith('SELECT "news_article"'))
        )
    assert all("OFFSET" not in sql and "LIMIT 20" in sql for sql in sqls)
