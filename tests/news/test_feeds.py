"""The RSS and Atom feeds, read the way a feed reader reads them (feedparser).

Relative-URI resolution in feedparser is switched off, so that an absolute link in
an entry proves the feed itself wrote it absolute, as readers without a base URL
need.
"""

import calendar
import datetime
import random
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, ColumnFactory
from tests.helpers import image_bytes

BEIJING = ZoneInfo("Asia/Shanghai")

SITE_FEEDS = ["/feed/", "/feed/atom/"]
COLUMN_FEEDS = ["/news/bmdt/feed/", "/news/bmdt/feed/atom/"]
ALL_FEEDS = SITE_FEEDS + COLUMN_FEEDS


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content, resolve_relative_uris=False)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return feed


class _AlternateLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.links.append(attrs)


def advertised_feeds(page, feed_type):
    """The feed addresses a page announces with <link rel="alternate" type=...>."""
    parser = _AlternateLinks()
    parser.feed(page)
    return [link["href"] for link in parser.links if link.get("type") == feed_type]


def permalink(article):
    return f"http://testserver{article.get_absolute_url()}"


@pytest.fixture
def newsroom(column):
    """25 live articles (in shuffled creation order) plus a draft, a withdrawn one and
    a scheduled one newer than all of them. Returns the live ones, newest first."""
    ages = list(range(1, 26))
    random.Random(308).shuffle(ages)
    by_age = {age: ArticleFactory(column=column, published_at=hours_ago(age)) for age in ages}
    ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None, title="草稿")
    ArticleFactory(
        column=column, status=Article.Status.WITHDRAWN, published_at=hours_ago(0.5), title="已撤回"
    )
    ArticleFactory(column=column, published_at=hours_ago(-2), title="定时发布")
    return [by_age[age] for age in sorted(by_age)]


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_feed_has_the_latest_20_live_articles_newest_first(client, newsroom, url):
    feed = read_feed(client, url)

    assert [entry.link for entry in feed.entries] == [permalink(a) for a in newsroom[:20]]
    titles = {entry.title for entry in feed.entries}
    assert not titles & {"草稿", "已撤回", "定时发布"}


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_entry_id_is_the_absolute_permalink(client, article, url):
    (entry,) = read_feed(client, url).entries

    assert entry.link == permalink(article)
    assert entry.id == permalink(article)


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_entry_carries_the_full_cleaned_body_with_absolute_links(client, column, url):
    closing = "最后，大会号召全市广大妇女在新征程上建功立业。"
    article = ArticleFactory(
        column=column,
        body=(
            "<p>" + "全市各级妇联组织围绕中心、服务大局，开展了形式多样的活动。" * 6 + "</p>"
            '<p><img src="/media/uploads/2022/03/meeting.jpg" alt="大会现场"></p>'
            '<p>详见<a href="/articles/1/">上一篇报道</a>和'
            '<a href="https://www.women.org.cn/">全国妇联网站</a>。</p>'
            '<script>alert("x")</script>'
            f"<p>{closing}</p>"
        ),
    )

    (entry,) = read_feed(client, url).entries

    content = entry.content[0].value
    assert 'src="http://testserver/media/uploads/2022/03/meeting.jpg"' in content
    assert 'href="http://testserver/articles/1/"' in content
    assert 'href="https://www.women.org.cn/"' in content
    assert closing in content  # the whole body, not a teaser
    assert "alert" not in content
    assert entry.summary == article.excerpt
    assert closing not in entry.summary


@pytest.mark.parametrize(
    ("url", "raw_published"),
    [
        ("/feed/", "Tue, 08 Mar 2022 10:00:00 +0800"),
        ("/news/bmdt/feed/", "Tue, 08 Mar 2022 10:00:00 +0800"),
        ("/feed/atom/", "2022-03-08T10:00:00+08:00"),
        ("/news/bmdt/feed/atom/", "2022-03-08T10:00:00+08:00"),
    ],
)
def test_publish_time_is_the_right_instant_in_beijing_time(client, column, url, raw_published):
    published_at = datetime.datetime(2022, 3, 8, 10, 0, tzinfo=BEIJING)
    ArticleFactory(column=column, published_at=published_at)

    (entry,) = read_feed(client, url).entries

    assert entry.published == raw_published
    # feedparser gives the instant in UTC: 10:00 in Beijing is 02:00 UTC.
    assert calendar.timegm(entry.published_parsed) == published_at.timestamp()


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_column_feed_has_only_that_columns_articles(client, column, suffix):
    notices = ColumnFactory(name="通知公告", slug="tzgg")
    ours = [ArticleFactory(column=column, published_at=hours_ago(age)) for age in (1, 3)]
    theirs = ArticleFactory(column=notices, published_at=hours_ago(2))

    feed = read_feed(client, f"/news/bmdt/{suffix}")

    assert [entry.link for entry in feed.entries] == [permalink(a) for a in ours]
    assert permalink(theirs) not in {entry.link for entry in feed.entries}
    assert "部门动态" in feed.feed.title


@pytest.mark.parametrize("url", ["/news/no-such-column/feed/", "/news/no-such-column/feed/atom/"])
def test_feed_of_an_unknown_column_is_not_found(client, column, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("feed_type", ["application/rss+xml", "application/atom+xml"])
def test_a_reader_finds_the_feed_advertised_on_the_home_page(client, article, feed_type):
    home = client.get("/")
    hrefs = advertised_feeds(home.content.decode(), feed_type)
    assert hrefs, f"the home page advertises no {feed_type} feed"

    feed = read_feed(client, hrefs[0])

    assert feed.feed.title == "市妇联"
    assert [entry.link for entry in feed.entries] == [permalink(article)]


# -- Covers as enclosures -------------------------------------------------------------------


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_a_cover_travels_as_an_enclosure(client, column, media_root, url):
    """RSS <enclosure url length type> and Atom <link rel="enclosure">: readers that
    show a picture beside the entry take it from there."""
    picture = image_bytes("PNG", (320, 200))
    article = ArticleFactory(column=column, cover=SimpleUploadedFile("封面.png", picture))
    ArticleFactory(column=column, title="没有封面", published_at=hours_ago(5))

    with_cover, without_cover = read_feed(client, url).entries

    [enclosure] = with_cover.enclosures
    assert enclosure.href == f"http://testserver{article.cover.url}"
    assert enclosure.type == "image/png"
    assert (
        int(enclosure.length)
        == article.cover.size
        == (media_root / article.cover.name).stat().st_size
    )
    assert without_cover.enclosures == []


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_a_cover_missing_from_storage_leaves_the_feed_working(client, column, media_root, url):
    article = ArticleFactory(
        column=column, cover=SimpleUploadedFile("cover.png", image_bytes("PNG", (64, 48)))
    )
    (media_root / article.cover.name).unlink()

    (entry,) = read_feed(client, url).entries

    assert entry.link == permalink(article)
    assert entry.enclosures == []


# -- The page that explains the feeds -------------------------------------------------------


def test_the_footers_rss_link_explains_feeds_and_lists_every_address(client, column):
    """Opened in a browser, a feed is raw XML: the footer's RSS link leads to a page
    that says what a feed is and how to subscribe, with every feed's address."""
    notices = ColumnFactory(name="通知公告", slug="tzgg")
    ArticleFactory(column=column)

    home = client.get("/").content.decode()
    rss_link = re.search(r'<a href="([^"]+)">RSS 订阅</a>', home)[1]
    page = client.get(rss_link).content.decode()

    assert "RSS 阅读器" in page and "添加订阅" in page
    listed = set(re.findall(r'<a href="(/[^"]*feed/(?:atom/)?)" type="application/', page))
    assert listed == {*SITE_FEEDS, *COLUMN_FEEDS, "/news/tzgg/feed/", "/news/tzgg/feed/atom/"}
    for url in listed:
        assert f"http://testserver{url}" in page  # the address to copy, in full
        read_feed(client, url)  # a real feed that a reader parses without complaint
    column_page = client.get(notices.get_absolute_url()).content.decode()
    assert f'href="{rss_link}#feed-tzgg"' in column_page
    assert 'id="feed-tzgg"' in page
