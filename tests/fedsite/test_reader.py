"""Reader preferences (fedsite.reader): 简/繁 script, larger text and high contrast.

A reader picks a preference with a plain link to /reader/, which keeps it in one
cookie and sends them back to the page they were on. Public pages then come out
in traditional script (OpenCC s2tw) and carry the size and contrast classes; the
admin, downloads and data exports are never converted.
"""

import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from fedsite.reader import COOKIE
from news.models import Attachment
from tests.factories import ArticleFactory
from tests.stats.factories import YearlyValueFactory

pytestmark = pytest.mark.django_db

TITLE = "市妇联开展巾帼大宣讲活动"
TRADITIONAL_TITLE = "市婦聯開展巾幗大宣講活動"
DEFAULT_COOKIE = "hans.normal.normal"
HTML_TAG = re.compile(r"<html\b[^>]*>")


@pytest.fixture
def article(column):
    return ArticleFactory(column=column, title=TITLE)


def html_of(response):
    return response.content.decode()


def html_tag(response):
    return HTML_TAG.search(html_of(response)).group(0)


def reader_with(cookie):
    client = Client()
    client.cookies[COOKIE] = cookie
    return client


# -- Choosing a preference -------------------------------------------------------------


def test_choosing_traditional_script_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/reader/", {"script": "hant", "next": "/articles/1/"})

    assert response.status_code == 302
    assert response["Location"] == "/articles/1/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "hant.normal.normal"
    assert int(cookie["max-age"]) >= 180 * 24 * 60 * 60  # remembered, not per visit
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_each_switch_changes_one_preference_and_keeps_the_others():
    client = reader_with("hant.large.normal")

    response = client.get("/reader/", {"contrast": "high", "next": "/news/"})

    assert response["Location"] == "/news/"
    assert response.cookies[COOKIE].value == "hant.large.high"


def test_without_next_the_reader_goes_to_the_home_page(client):
    response = client.get("/reader/", {"size": "large"})

    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "hans.large.normal"


@pytest.mark.parametrize(
    "hostile_next",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "/" + "a" * 4999,  # 5,000 characters
        "https://evil.example/" + "a" * 4979,
    ],
    ids=[
        "other-site",
        "scheme-relative",
        "triple-slash",
        "javascript",
        "5000-chars-local",
        "5000-chars-other-site",
    ],
)
def test_a_hostile_next_sends_the_reader_home_instead(client, hostile_next):
    response = client.get("/reader/", {"script": "hant", "next": hostile_next})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "hant.normal.normal"


@pytest.mark.parametrize(
    "query",
    [{"size": "huge"}, {"script": "xx"}, {"contrast": "neon"}, {"size": "<script>"}],
    ids=["size", "script", "contrast", "markup"],
)
def test_an_unknown_choice_falls_back_to_the_default(client, query):
    response = client.get("/reader/", {**query, "next": "/"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == DEFAULT_COOKIE


def test_the_switch_is_a_link_not_a_form_so_post_is_refused(client):
    assert client.post("/reader/", {"script": "hant"}).status_code == 405


@pytest.mark.parametrize(
    "garbage, html_class",
    [
        ("garbage", "size-normal contrast-normal"),
        ("....", "size-normal contrast-normal"),
        ("hant.enormous.neon", "size-normal contrast-normal"),
        ("x" * 4000, "size-normal contrast-normal"),
        ('"quoted"', "size-normal contrast-normal"),
        ("hans..high.extra", "size-normal contrast-high"),  # the valid part is kept
    ],
    ids=["word", "dots", "unknown-values", "4000-chars", "quoted", "partly-valid"],
)
def test_a_garbage_cookie_gives_default_pages_never_an_error(article, garbage, html_class):
    client = reader_with(garbage)

    for url in ["/", "/news/", article.get_absolute_url(), "/feed/"]:
        assert client.get(url).status_code == 200, url
    assert f'class="{html_class}"' in html_tag(client.get("/news/"))
    response = client.get("/reader/", {"size": "large"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value.startswith(("hans.large.", "hant.large."))


def test_an_unknown_script_in_the_address_leaves_the_page_simplified(client, article):
    response = client.get(article.get_absolute_url(), {"script": "xx"})

    assert response.status_code == 200
    assert TITLE in html_of(response)
    assert 'lang="zh-Hans"' in html_tag(response)


# -- Pages in traditional script, larger text, high contrast ---------------------------


@pytest.mark.parametrize("page", ["home", "list", "column", "article"])
def test_with_the_cookie_public_pages_are_in_traditional_script(article, page):
    url = {
        "home": "/",
        "list": "/news/",
        "column": article.column.get_absolute_url(),
        "article": article.get_absolute_url(),
    }[page]

    response = reader_with("hant.large.high").get(url)

    html = html_of(response)
    assert response.status_code == 200
    assert "市婦聯" in html and "巾幗" in html
    assert "市妇联" not in html and "巾帼" not in html
    assert html_tag(response) == '<html lang="zh-Hant" class="size-large contrast-high">'


def test_traditional_page_offers_the_way_back_to_simplified(article):
    html = html_of(reader_with("hant.normal.normal").get("/"))

    assert "script=hans" in html and "script=hant" not in html


def test_phrases_are_converted_as_phrases_not_character_by_character(column):
    # 发 is 發 in 发展 but 髮 in 头发: a character table gets one of them wrong.
    article = ArticleFactory(column=column, body="<p>促进妇女发展，关爱女童头发健康。</p>")

    html = html_of(reader_with("hant.normal.normal").get(article.get_absolute_url()))

    assert "促進婦女發展，關愛女童頭髮健康。" in html


def test_larger_text_and_high_contrast_are_classes_on_the_page(article):
    response = reader_with("hans.xlarge.high").get(article.get_absolute_url())

    assert html_tag(response) == '<html lang="zh-Hans" class="size-xlarge contrast-high">'
    assert TITLE in html_of(response)


def test_the_admin_is_never_converted(superuser_client, article):
    superuser_client.cookies[COOKIE] = "hant.large.high"

    for url in [
        reverse("admin:index"),
        reverse("admin:news_article_changelist"),
        reverse("admin:news_article_change", args=[article.pk]),
    ]:
        html = html_of(superuser_client.get(url))
        assert "市妇联网站管理" in html, url
        assert "市婦聯" not in html and "巾幗" not in html, url
    assert TITLE in html


def test_the_admin_login_page_is_not_converted_either():
    html = html_of(reader_with("hant.normal.normal").get(reverse("admin:login")))

    assert "市妇联网站管理" in html and "市婦聯" not in html


# -- Feeds ------------------------------------------------------------------------------


def read_feed(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    feed = feedparser.parse(response.content, resolve_relative_uris=False)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/news/bmdt/feed/"])
def test_feed_asked_for_in_traditional_script_is_traditional_and_still_parses(client, article, url):
    feed = read_feed(client, url, script="hant")

    assert [entry.title for entry in feed.entries] == [TRADITIONAL_TITLE]
    assert "巾幗" in feed.entries[0].content[0].value
    assert "市婦聯" in feed.feed.title


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_without_the_parameter_stays_simplified(client, article, url):
    feed = read_feed(client, url)

    assert [entry.title for entry in feed.entries] == [TITLE]
    assert "巾帼" in feed.entries[0].content[0].value


# -- The page cache keeps the variants apart --------------------------------------------


def test_page_cache_keeps_each_readers_variant_apart(article, django_assert_num_queries):
    """Anonymous pages are cached; each request still gets its own script, size and
    contrast, whichever variant was cached first."""
    client = Client()
    url = article.column.get_absolute_url()
    expected = {
        None: ('<html lang="zh-Hans" class="size-normal contrast-normal">', TITLE),
        "hant.normal.normal": (
            '<html lang="zh-Hant" class="size-normal contrast-normal">',
            TRADITIONAL_TITLE,
        ),
        "hans.large.normal": ('<html lang="zh-Hans" class="size-large contrast-normal">', TITLE),
        "hant.xlarge.high": (
            '<html lang="zh-Hant" class="size-xlarge contrast-high">',
            TRADITIONAL_TITLE,
        ),
    }
    sequence = [
        None,
        "hant.normal.normal",
        None,
        "hans.large.normal",
        "hant.xlarge.high",
        "hant.normal.normal",
        None,
    ]

    seen = set()
    for cookie in sequence:
        if cookie is None:
            client.cookies.pop(COOKIE, None)
        else:
            client.cookies[COOKIE] = cookie
        if cookie in seen:
            # Served from the cache: no database query at all.
            with django_assert_num_queries(0):
                response = client.get(url)
        else:
            response = client.get(url)
        seen.add(cookie)
        tag, title = expected[cookie]
        assert html_tag(response) == tag, cookie
        assert title in html_of(response), cookie
        other_title = TITLE if title == TRADITIONAL_TITLE else TRADITIONAL_TITLE
        assert other_title not in html_of(response), cookie


# -- Downloads are passed through untouched ---------------------------------------------


def test_attachment_download_is_never_converted(article, media_root):
    # A PDF whose text stream holds simplified Chinese in UTF-8: converting it would
    # corrupt the file.
    content = (
        "%PDF-1.4\n1 0 obj\n<< /Title (市妇联巾帼建功活动方案) >>\nendobj\n".encode()
        + bytes(range(256))
        + b"\n%%EOF\n"
    )
    attachment = Attachment.objects.create(
        article=article,
        file=ContentFile(content, name="202403-plan.pdf"),
        original_name="市妇联巾帼建功活动方案.pdf",
        file_type="pdf",
        size=len(content),
    )

    response = reader_with("hant.normal.normal").get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == content


def test_data_export_download_is_never_converted(db):
    YearlyValueFactory(indicator__name="巾帼大宣讲", indicator__group__name="妇联宣传")
    simplified = Client().get("/stats/export.csv")

    traditional = reader_with("hant.normal.normal").get("/stats/export.csv")

    assert traditional["Content-Disposition"].startswith("attachment")
    assert "巾帼大宣讲" in simplified.content.decode("utf-8-sig")
    assert traditional.content == simplified.content
