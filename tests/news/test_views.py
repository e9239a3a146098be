"""The public pages as a reader meets them: the home page, the news lists, an
article's page, the 404 page for anything that is not there, the feeds that every
page advertises, and the sitemap that search engines read.

Articles that are drafts, withdrawn or scheduled for later do not exist for the
public anywhere; staff can preview them.
"""

import datetime
import random
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from fedsite.reader import COOKIE, preferences_for, to_traditional
from news import positions, views
from news.models import Article
from tests.factories import ArticleFactory, ColumnFactory
from tests.helpers import sitemap_urls

BEIJING = ZoneInfo("Asia/Shanghai")
NOT_FOUND_HEADING = "抱歉，您访问的页面不存在"
PREVIEW_NOTICE = "预览：这篇文章目前不对公众显示"


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def hidden_article(kind, **kwargs):
    """An article the public must not see: a draft, a withdrawn one, or one whose
    publish time has not come yet."""
    states = {
        "draft": {"status": Article.Status.DRAFT, "published_at": None},
        "withdrawn": {"status": Article.Status.WITHDRAWN, "published_at": hours_ago(2)},
        "future": {"status": Article.Status.PUBLISHED, "published_at": hours_ago(-24)},
    }
    return ArticleFactory(**{"title": f"不公开的文章（{kind}）", **states[kind], **kwargs})


HIDDEN_KINDS = ["draft", "withdrawn", "future"]


def html_of(response):
    return response.content.decode()


def listed_ids(response):
    """The articles a list page shows, in the order shown."""
    return [
        int(pk)
        for pk in re.findall(
            r'class="article-item__title" href="/articles/(\d+)/"', html_of(response)
        )
    ]


def section(response, labelled_by):
    match = re.search(
        rf'<section[^>]*aria-labelledby="{labelled_by}".*?</section>', html_of(response), re.DOTALL
    )
    assert match, f"no section labelled {labelled_by}"
    return match.group(0)


class _HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self._in_head = True
        elif tag == "link" and self._in_head:
            self.links.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False


def head_links(response, rel, type=None):
    parser = _HeadLinks()
    parser.feed(html_of(response))
    return [
        link
        for link in parser.links
        if link.get("rel") == rel and (type is None or link.get("type") == type)
    ]


# --- Home page -------------------------------------------------------------------


def test_home_shows_pinned_articles_as_headlines_and_the_latest_articles(client, column):
    pinned = ArticleFactory(
        column=column, title="三八妇女节表彰大会召开", is_pinned=True, published_at=hours_ago(48)
    )
    latest = [ArticleFactory(column=column, published_at=hours_ago(age)) for age in range(1, 12)]

    response = client.get("/")

    assert response.status_code == 200
    headlines = section(response, "pinned-heading")
    assert "要闻" in headlines
    assert f'href="/articles/{pinned.pk}/"' in headlines
    assert not any(f'href="/articles/{a.pk}/"' in headlines for a in latest)
    newest = section(response, "latest-heading")
    # The ten newest, newest first; the eleventh and the old pinned one are not there.
    shown = [int(pk) for pk in re.findall(r'href="/articles/(\d+)/"', newest)]
    assert shown == [a.pk for a in latest[:10]]


def test_home_has_a_block_for_every_column_with_its_own_articles(client, db):
    news = ColumnFactory(name="部门动态", slug="bmdt")
    notices = ColumnFactory(name="通知公告", slug="tzgg")
    empty = ColumnFactory(name="工作动态", slug="gzdt")
    report = ArticleFactory(column=news, title="市妇联召开执委会议")
    notice = ArticleFactory(column=notices, title="关于评选最美家庭的通知")

    response = client.get("/")

    news_block = section(response, "column-bmdt")
    assert 'href="/news/bmdt/">部门动态</a>' in news_block
    assert report.title in news_block and notice.title not in news_block
    notices_block = section(response, "column-tzgg")
    assert notice.title in notices_block and report.title not in notices_block
    assert "暂无文章" in section(response, "column-gzdt")
    assert f'href="{empty.get_absolute_url()}"' in html_of(response)


def test_home_column_block_shows_six_articles_pinned_first_then_newest(client, column):
    pinned = ArticleFactory(column=column, is_pinned=True, published_at=hours_ago(100))
    newest = [ArticleFactory(column=column, published_at=hours_ago(age)) for age in range(1, 9)]

    block = section(client.get("/"), "column-bmdt")

    shown = [
        int(pk) for pk in re.findall(r'class="article-item__title" href="/articles/(\d+)/"', block)
    ]
    assert shown == [pinned.pk] + [a.pk for a in newest[:5]]
    assert "置顶" in block


# --- Lists -----------------------------------------------------------------------


def test_all_news_list_shows_20_a_page_newest_first(client, column):
    other = ColumnFactory(name="通知公告", slug="tzgg")
    ages = list(range(1, 46))
    random.Random(38).shuffle(ages)  # creation order is not publication order
    by_age = {
        age: ArticleFactory(column=column if age % 2 else other, published_at=hours_ago(age))
        for age in ages
    }
    newest_first = [by_age[age].pk for age in sorted(by_age)]

    pages = [client.get("/news/", {"page": number}) for number in (1, 2, 3)]

    assert [listed_ids(page) for page in pages] == [
        newest_first[:20],
        newest_first[20:40],
        newest_first[40:],
    ]
    assert "第 1 页，共 3 页" in html_of(pages[0])
    assert client.get("/news/", {"page": 4}).status_code == 404


@pytest.mark.parametrize("address", ["/news/", "/news/bmdt/"])
def test_every_pagination_link_leads_to_a_page(client, column, address):
    # A reader clicks 首页, 上一页, 下一页 and 尾页: each must open a page (尾页 once
    # pointed at ?page=last, which the page-number rule refuses).
    column.slug = "bmdt"
    column.save()
    for age in range(1, 46):
        ArticleFactory(column=column, published_at=hours_ago(age))

    for page in ("1", "2", "3"):
        links = re.findall(
            r'<nav class="pagination".*?</nav>', html_of(client.get(address, {"page": page})), re.S
        )
        hrefs = re.findall(r'href="(\?page=[^"]*)"', links[0])
        assert hrefs
        for href in hrefs:
            assert client.get(address + href).status_code == 200, href
    last = re.search(r'href="\?page=(\d+)">尾页', html_of(client.get(address)))
    assert last and last.group(1) == "3"


def test_all_news_list_does_not_put_pinned_articles_first(client, column):
    old_pinned = ArticleFactory(column=column, is_pinned=True, published_at=hours_ago(72))
    newer = [ArticleFactory(column=column, published_at=hours_ago(age)) for age in (1, 2, 3)]

    assert listed_ids(client.get("/news/")) == [a.pk for a in newer] + [old_pinned.pk]


def test_column_list_shows_20_a_page_pinned_first_then_newest(client, column):
    other = ColumnFactory(name="通知公告", slug="tzgg")
    pinned = ArticleFactory(column=column, is_pinned=True, published_at=hours_ago(500))
    ages = list(range(1, 25))
    random.Random(8).shuffle(ages)
    by_age = {age: ArticleFactory(column=column, published_at=hours_ago(age)) for age in ages}
    elsewhere = [ArticleFactory(column=other, published_at=hours_ago(age)) for age in (0.5, 30)]
    expected = [pinned.pk] + [by_age[age].pk for age in sorted(by_age)]

    first, second = client.get("/news/bmdt/"), client.get("/news/bmdt/", {"page": 2})

    assert listed_ids(first) == expected[:20]
    assert listed_ids(second) == expected[20:]
    assert "置顶" in html_of(first)
    for article in elsewhere:
        assert article.title not in html_of(first) + html_of(second)


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_hidden_article_never_appears_in_any_list(client, column, kind):
    live = ArticleFactory(column=column, title="市妇联开展普法宣传")
    hidden = hidden_article(kind, column=column, is_pinned=True)

    for url in ("/", "/news/", "/news/bmdt/"):
        page = html_of(client.get(url))
        assert live.title in page, url
        assert hidden.title not in page, url
        assert f"/articles/{hidden.pk}/" not in page, url


# --- Article pages ---------------------------------------------------------------


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_hidden_article_page_is_not_found_for_the_public(client, column, kind):
    hidden = hidden_article(kind, column=column)

    response = client.get(hidden.get_absolute_url())

    assert response.status_code == 404
    assert hidden.title not in html_of(response)


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_staff_can_preview_a_hidden_article_without_it_being_cached_or_counted(
    superuser_client, column, kind
):
    hidden = hidden_article(kind, column=column)

    response = superuser_client.get(hidden.get_absolute_url())

    assert response.status_code == 200
    assert hidden.title in html_of(response)
    assert PREVIEW_NOTICE in html_of(response)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control
    assert 'name="robots" content="noindex' in html_of(response)
    hidden.refresh_from_db()
    assert hidden.view_count == 0


def test_article_page_shows_title_time_source_author_editor_body_and_reads(client, column):
    article = ArticleFactory(
        column=column,
        title="市妇联召开庆祝三八国际妇女节大会",
        published_at=datetime.datetime(2022, 3, 8, 10, 0, tzinfo=BEIJING),
        source="市妇联宣传部",
        author="李华",
        editor="王芳",
        body="<p>大会表彰了一批先进集体和个人。</p>",
    )

    response = client.get(article.get_absolute_url())

    page = html_of(response)
    assert response.status_code == 200
    assert "<h1" in page and article.title in page
    assert "2022-03-08 10:00" in page  # Beijing time, as stored
    assert "来源：市妇联宣传部" in page
    assert "作者：李华" in page
    assert "责任编辑：王芳" in page
    assert "<p>大会表彰了一批先进集体和个人。</p>" in page
    # The readings so far; this one is counted by the image the page loads.
    assert "阅读量：0" in page
    assert f'src="/articles/{article.pk}/view/"' in page
    assert PREVIEW_NOTICE not in page


def test_previous_and_next_links_stay_within_the_column_and_skip_hidden_articles(client, column):
    other = ColumnFactory(name="通知公告", slug="tzgg")
    older = ArticleFactory(column=column, title="较早的动态", published_at=hours_ago(30))
    ArticleFactory(column=other, title="别的栏目的通知", published_at=hours_ago(25))
    hidden_article("withdrawn", column=column, published_at=hours_ago(22))
    current = ArticleFactory(column=column, title="当前的动态", published_at=hours_ago(20))
    hidden_article("draft", column=column)
    ArticleFactory(column=other, title="别的栏目的新通知", published_at=hours_ago(15))
    newer = ArticleFactory(column=column, title="较新的动态", published_at=hours_ago(10))

    page = html_of(client.get(current.get_absolute_url()))

    assert f'上一篇：<a href="/articles/{older.pk}/">较早的动态</a>' in page
    assert f'下一篇：<a href="/articles/{newer.pk}/">较新的动态</a>' in page
    assert "别的栏目" not in page and "不公开的文章" not in page
    assert "上一篇：没有了" in html_of(client.get(older.get_absolute_url()))
    assert "下一篇：没有了" in html_of(client.get(newer.get_absolute_url()))


def test_each_reading_adds_one_to_the_view_count(client, article):
    """The page is cached for anonymous readers (fedsite.cache), so each reading is
    counted by the counting image it loads; the count shown may lag behind."""
    for _ in range(2):
        client.get(article.get_absolute_url())
        client.get(f"/articles/{article.pk}/view/")

    article.refresh_from_db()
    assert article.view_count == 2


def test_canonical_link_is_the_permalink_whatever_the_address_used(client, article):
    response = client.get(article.get_absolute_url(), {"from": "timeline", "isappinstalled": 0})

    canonical = head_links(response, "canonical")
    assert [link["href"] for link in canonical] == [f"http://testserver/articles/{article.pk}/"]


# --- Bad input -------------------------------------------------------------------

THIRTY_DIGITS = "9" * 30


@pytest.mark.parametrize(
    "url",
    [
        "/news/?page=abc",
        "/news/?page=-1",
        "/news/?page=0",
        "/news/?page=99999999",
        f"/news/?page={THIRTY_DIGITS}",
        "/news/bmdt/?page=abc",
        "/news/bmdt/?page=-1",
        "/news/bmdt/?page=0",
        "/news/bmdt/?page=99999999",
        f"/news/bmdt/?page={THIRTY_DIGITS}",
        "/news/no-such-column/",
        "/news/no-such-column/feed/",
        "/articles/999999/",
        f"/articles/{THIRTY_DIGITS}/",
        "/no-such-page/",
    ],
)
def test_bad_address_gets_the_sites_own_404_page_never_a_server_error(client, article, url):
    # The test client re-raises any exception a view lets escape, so a 500 fails here.
    response = client.get(url)

    assert response.status_code == 404
    page = html_of(response)
    assert NOT_FOUND_HEADING in page
    assert 'class="site-nav"' in page
    assert 'href="/news/bmdt/">部门动态</a>' in page  # the column navigation


# --- Feeds advertised in the head --------------------------------------------------


@pytest.mark.parametrize("page", ["home", "all news", "column", "article", "not found"])
def test_every_public_page_advertises_the_site_feed(client, article, page):
    url = {
        "home": "/",
        "all news": "/news/",
        "column": "/news/bmdt/",
        "article": article.get_absolute_url(),
        "not found": "/articles/999999/",
    }[page]

    response = client.get(url)

    rss = head_links(response, "alternate", type="application/rss+xml")
    assert "/feed/" in [link["href"] for link in rss]


def test_column_page_also_advertises_the_column_feed(client, article):
    response = client.get("/news/bmdt/")

    rss = [link["href"] for link in head_links(response, "alternate", "application/rss+xml")]
    atom = [link["href"] for link in head_links(response, "alternate", "application/atom+xml")]
    assert "/feed/" in rss and "/news/bmdt/feed/" in rss
    assert "/news/bmdt/feed/atom/" in atom


# --- Query counts ----------------------------------------------------------------
# Pinned so that a template touching a related object per row (N+1) shows up; each
# count is the same for a small and a larger site.

SIZES = [
    pytest.param(2, 3, id="2-columns-3-articles"),
    pytest.param(6, 30, id="6-columns-30-articles"),
]


def build_site(columns, articles):
    created = [ColumnFactory(slug="bmdt", name="部门动态")]
    created += [ColumnFactory() for _ in range(columns - 1)]
    for index in range(articles):
        ArticleFactory(
            column=created[index % columns],
            is_pinned=index % 7 == 0,
            published_at=hours_ago(index + 1),
        )
    hidden_article("draft", column=created[0])
    return created[0]


@pytest.mark.parametrize(("columns", "articles"), SIZES)
def test_home_page_query_count_does_not_grow_with_content(
    client, db, django_assert_num_queries, columns, articles
):
    build_site(columns, articles)
    # the lists' Ranking (columns, positions, the next scheduled time), headlines,
    # latest and the newest of every column (one query of position ranges), and the
    # footer's site profile and links (the Ranking and footer cached per generation)
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200
    # A second reader is served from the cache without touching the database.
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(("columns", "articles"), SIZES)
def test_an_uncached_home_page_costs_one_query_while_nothing_is_saved(
    client, db, django_assert_num_queries, columns, articles
):
    """Kept in parts (fedsite.kept): a request the page cache does not serve (here
    ?uncached=1, a parameter no page reads) reads the lists' rows and fills them in."""
    build_site(columns, articles)
    client.get("/?uncached=1")
    with django_assert_num_queries(1):
        assert client.get("/?uncached=1").status_code == 200


@pytest.mark.parametrize("pinned", [True, False])
@pytest.mark.parametrize("cookie", [None, "hant.large.high"])
def test_the_kept_home_page_is_the_page_rendered_from_the_request(client, db, pinned, cookie):
    column = build_site(3, 30)
    if not pinned:
        Article.objects.update(is_pinned=False)
    ArticleFactory(column=column, title='<i>"妇联"</i> & 家庭', published_at=hours_ago(0.5))
    extra = {"HTTP_COOKIE": f"{COOKIE}={cookie}"} if cookie else {}

    for attempt in ("rendered and kept", "filled in from the kept parts"):
        response = client.get("/?uncached=1", **extra)
        request = RequestFactory().get("/?uncached=1", **extra)
        request.reader, request.user = preferences_for(request), AnonymousUser()
        request.resolver_match = resolve("/")
        columns = [column.pk for column in positions.ranking().columns]
        expected = views.render_home(request, columns, views.home_lists(columns))
        if request.reader.traditional:
            expected = to_traditional(expected)
        assert response.content.decode() == expected, attempt
    page = response.content.decode()
    assert ('id="pinned-heading"' in page) is pinned
    assert "&lt;i&gt;&quot;" in page and "<i>" not in page


def test_a_published_article_is_on_the_uncached_home_page_at_once(client, column):
    build_site(2, 10)
    client.get("/?uncached=1")
    ArticleFactory(column=column, title="刚刚发布的文章", published_at=hours_ago(0.1))
    assert "刚刚发布的文章" in html_of(client.get("/?uncached=1"))
    column.name = "改名的栏目"
    column.save()
    assert "改名的栏目" in html_of(client.get("/?uncached=1"))


@pytest.mark.parametrize(("columns", "articles"), SIZES)
def test_all_news_list_query_count_does_not_grow_with_content(
    client, db, django_assert_num_queries, columns, articles
):
    build_site(columns, articles)
    # the Ranking (navigation, count, next scheduled time), page, footer profile and links
    with django_assert_num_queries(4):
        assert client.get("/news/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/news/").status_code == 200


@pytest.mark.parametrize(("columns", "articles"), SIZES)
def test_column_list_query_count_does_not_grow_with_content(
    client, db, django_assert_num_queries, columns, articles
):
    build_site(columns, articles)
    # the Ranking (column, navigation, count, next scheduled time), page, footer
    with django_assert_num_queries(4):
        assert client.get("/news/bmdt/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/news/bmdt/").status_code == 200


@pytest.mark.parametrize(("columns", "articles"), SIZES)
def test_article_page_query_count_does_not_grow_with_content(
    client, db, django_assert_num_queries, columns, articles
):
    column = build_site(columns, articles)
    middle = Article.objects.live().in_column(column).order_by("-published_at")[1]
    # article with its column, attachments, the figures it cites, previous, next and
    # related articles (one query), the Ranking (navigation), footer profile and links
    with django_assert_num_queries(7):
        assert client.get(middle.get_absolute_url()).status_code == 200


# --- Sitemap ---------------------------------------------------------------------

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_live_articles_only_with_their_last_change(client, column):
    live = [ArticleFactory(column=column, published_at=hours_ago(age)) for age in (1, 2)]
    hidden = [hidden_article(kind, column=column) for kind in HIDDEN_KINDS]

    urls = sitemap_urls(client)

    article_urls = {loc: lastmod for loc, lastmod in urls.items() if "/articles/" in loc}
    assert article_urls == {
        f"http://testserver/articles/{a.pk}/": timezone.localdate(a.updated_at).isoformat()
        for a in live
    }
    for article in hidden:
        assert f"http://testserver/articles/{article.pk}/" not in urls
    assert "http://testserver/news/bmdt/" in urls


def test_sitemap_lists_every_live_article_over_its_pages(client, column, monkeypatch):
    """However many articles: an index of sections, each paged (issue 11)."""
    from news.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 4)
    live = [ArticleFactory(column=column, published_at=hours_ago(age)) for age in range(1, 11)]
    hidden_article("future", column=column)

    article_urls = {loc for loc in sitemap_urls(client) if "/articles/" in loc}

    assert article_urls == {f"http://testserver/articles/{a.pk}/" for a in live}
    assert client.get("/sitemap-articles.xml", {"p": 4}).status_code == 404


# --- Escaping --------------------------------------------------------------------


def test_a_hostile_title_is_shown_as_text_on_every_public_page(client, column):
    hostile = ArticleFactory(
        column=column, title='<script>alert("市妇联")</script>', published_at=hours_ago(2)
    )
    neighbour = ArticleFactory(column=column, title="正常的标题", published_at=hours_ago(1))

    for url in (
        "/",
        "/news/",
        "/news/bmdt/",
        hostile.get_absolute_url(),
        neighbour.get_absolute_url(),
    ):
        page = html_of(client.get(url))
        assert "<script>" not in page, url
        assert "&lt;script&gt;" in page, url
