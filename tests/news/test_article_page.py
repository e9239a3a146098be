"""The article page kept in parts (news.article_page).

A reader's request fills the kept rendering with the request's own values and the
article's links instead of rendering the page again. So: the filled page must be
the page rendered from the request, to the byte, whatever the address, host and
reader; a reading costs one query however many articles there are; and every change
a reader can see on the page shows on the next request, while a save of another
article leaves the kept parts standing.

Readings here carry ?uncached=1, a parameter no page reads, so the page cache
(fedsite.cache) neither serves nor stores them, as after an edit elsewhere bumps
the site generation: each request reaches the view.
"""

import datetime
import os
import re
import uuid

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from fedsite import kept
from fedsite.cache import FRAME_KEY
from fedsite.cache_backends import ResilientRedisCache
from fedsite.models import ExternalLink, SiteProfile
from fedsite.reader import COOKIE, preferences_for, to_traditional
from news import article_page
from news.models import Article, Attachment, Column
from tests.factories import ArticleFactory, ColumnFactory
from tests.stats.factories import YearlyValueFactory

pytestmark = pytest.mark.django_db

FRESH = "?uncached=1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def reading(client, article, query=FRESH, **extra):
    response = client.get(f"/articles/{article.pk}/{query}", **extra)
    assert response.status_code == 200
    return response.content.decode()


def links_of(html, heading):
    """The article ids linked after "上一篇：", "下一篇：" or in 相关稿件."""
    if heading == "相关稿件":
        block = re.search(r'<section class="related".*?</section>', html, re.S)
        return (
            [int(pk) for pk in re.findall(r'href="/articles/(\d+)/"', block.group())]
            if block
            else []
        )
    match = re.search(rf"<p>{heading}：(.*?)</p>", html)
    return [int(pk) for pk in re.findall(r'href="/articles/(\d+)/"', match.group(1))]


@pytest.fixture
def column(db):
    return ColumnFactory(name="部门动态", slug="bmdt")


@pytest.fixture
def shelf(column):
    """Seven live articles of one column, an hour apart, oldest first."""
    return [
        ArticleFactory(column=column, title=f"第{index}篇", published_at=hours_ago(10 - index))
        for index in range(7)
    ]


# -- The same page as rendered from the request -------------------------------------


def rendered_from_the_request(path, secure, extra, pk):
    """The page as a preview renders it: whole, from the request, through the same
    template (news.article_page.render_whole), converted for a 繁體 reader as the
    reader middleware converts every page."""
    request = RequestFactory().get(path, secure=secure, **extra)
    request.reader = preferences_for(request)
    request.user = AnonymousUser()
    request.resolver_match = resolve(request.path_info)
    article = Article.objects.select_related("column").get(pk=pk)
    found = Article.objects.reading(pk, article_page.RELATED_COUNT)
    page = article_page.render_whole(request, article, found)
    return to_traditional(page) if request.reader.traditional else page


@pytest.mark.parametrize(
    ("query", "cookie", "host", "secure"),
    [
        (FRESH, None, "testserver", False),
        (f"{FRESH}&from=%3Cb%3E%22x%22", "hans.large.high", "testserver", False),
        ("?script=hant&uncached=1", "hans.xlarge.normal", "testserver", False),
        (FRESH, "hant.normal.high", "www.fulian.example.gov.cn:8443", True),
    ],
)
def test_the_kept_page_is_the_page_rendered_from_the_request(
    settings, media_root, shelf, query, cookie, host, secure
):
    settings.ALLOWED_HOSTS = ["testserver", "www.fulian.example.gov.cn"]
    article = shelf[3]
    article.title = '妇联<b>"巾帼"</b> & 家庭'
    article.source, article.author, article.editor = "市妇联宣传部", "李华", "王芳"
    article.save()
    shelf[2].title = "<script>alert(1)</script>上一篇"
    shelf[2].save()
    Attachment.objects.create(
        article=article, title="报名表", file=ContentFile(b"%PDF-1.4 test", name="form.pdf")
    )
    YearlyValueFactory(source_article=article, value=535)
    extra = {"HTTP_HOST": host}
    if cookie:
        extra["HTTP_COOKIE"] = f"{COOKIE}={cookie}"
    path = f"/articles/{article.pk}/{query}"

    for attempt in ("rendered and kept", "filled in from the kept parts"):
        response = Client().get(path, secure=secure, **extra)
        assert response.status_code == 200, attempt
        assert response.content.decode() == rendered_from_the_request(
            path, secure, extra, article.pk
        ), attempt

    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert f"//{host}/articles/{article.pk}/" in page
    assert kept._TOKEN not in page  # no marker left unfilled


# -- One query a reading --------------------------------------------------------------


@pytest.mark.parametrize("articles", [10, 300])
def test_a_reading_costs_one_query_however_many_articles(
    client, column, articles, django_assert_num_queries
):
    ArticleFactory.create_batch(articles, column=column)
    middle = Article.objects.live().order_by("-published_at")[articles // 2]
    reading(client, middle)  # renders and keeps the parts

    # The article's row with its previous, next and related articles, in one statement.
    with django_assert_num_queries(1):
        reading(client, middle)


def test_the_first_reading_after_its_own_save_costs_at_most_five_queries(
    client, shelf, django_assert_num_queries
):
    """Its row and links, the article, its attachments, its figures and the column
    navigation of the lists (whose site generation the save moved on); the footer is
    kept until the frame changes."""
    article = shelf[3]
    reading(client, article)
    article.title = "改过的标题"
    article.save()

    with django_assert_num_queries(5):
        assert "改过的标题" in reading(client, article)


# -- Every change shows on the next reading ----------------------------------------


def test_another_articles_save_leaves_the_kept_parts_and_moves_the_links(
    client, column, shelf, django_assert_num_queries
):
    article = shelf[5]
    first = reading(client, article)
    assert links_of(first, "下一篇") == [shelf[6].pk]

    # Between the article (5 hours ago) and its next (4 hours ago).
    newer = ArticleFactory(column=column, title="刚发布的文章", published_at=hours_ago(4.5))
    with django_assert_num_queries(1):  # the kept parts still serve
        page = reading(client, article)

    assert links_of(page, "下一篇") == [newer.pk]
    assert links_of(page, "相关稿件")[:2] == [shelf[6].pk, newer.pk]
    assert links_of(reading(client, shelf[6]), "上一篇") == [newer.pk]


def test_an_edit_of_the_article_shows_on_the_next_reading(client, shelf):
    article = shelf[3]
    reading(client, article)
    article.body = "<p>修改后的正文。</p>"
    article.save()
    assert "修改后的正文。" in reading(client, article)

    # A save of some fields only is a change too (news.models.Article.save).
    article.title = "只改了标题"
    article.save(update_fields=["title"])
    assert "只改了标题" in reading(client, article)


def test_a_withdrawn_or_deleted_article_is_gone_on_the_next_reading(client, shelf):
    for article in shelf[2], shelf[4]:
        reading(client, article)
    shelf[2].status = Article.Status.WITHDRAWN
    shelf[2].save()
    shelf[4].delete()

    for article in shelf[2], shelf[4]:
        assert client.get(f"/articles/{article.pk}/{FRESH}").status_code == 404
    assert shelf[2].pk not in links_of(reading(client, shelf[3]), "上一篇")


def test_what_surrounds_the_article_shows_on_the_next_reading(client, media_root, column, shelf):
    article = shelf[3]
    reading(client, article)

    column.name = "工作动态"
    column.save()
    assert '&gt; <a href="/news/bmdt/">工作动态</a> &gt;' in reading(client, article)

    attachment = Attachment.objects.create(
        article=article, title="报名表", file=ContentFile(b"%PDF-1.4 test", name="form.pdf")
    )
    assert "报名表" in reading(client, article)
    attachment.delete()
    assert "报名表" not in reading(client, article)

    value = YearlyValueFactory(source_article=article, value=535)
    assert "535" in reading(client, article)
    value.indicator.name = "改名后的指标"
    value.indicator.save()
    assert "改名后的指标" in reading(client, article)

    profile = SiteProfile.current()
    profile.address = "某某市人民路1号"
    profile.save()
    ExternalLink.objects.create(name="全国妇联", url="https://www.women.org.cn/")
    page = reading(client, article)
    assert "某某市人民路1号" in page and "全国妇联" in page


def test_the_reading_count_is_current_on_every_reading(client, shelf):
    article = shelf[3]
    assert "阅读量：0<" in reading(client, article)
    for _ in range(3):
        assert client.get(f"/articles/{article.pk}/view/").status_code == 200
    assert "阅读量：3<" in reading(client, article)


def test_a_scheduled_article_joins_the_links_when_its_time_comes(client, column, shelf):
    article = shelf[6]  # the newest
    scheduled = ArticleFactory(column=column, title="定时发布", published_at=hours_ago(-1))
    page = reading(client, article)
    assert "没有了" in page.split("下一篇：")[1].split("</p>")[0]

    Article.objects.filter(pk=scheduled.pk).update(published_at=hours_ago(0.01))
    assert links_of(reading(client, article), "下一篇") == [scheduled.pk]


@pytest.fixture
def shared_redis(settings):
    """The site's cache as production has it (fedsite.cache_backends) on a real Redis,
    under a key prefix of this test's own; required under CI=true."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"Redis at {REDIS_URL} is unreachable ({error}), and CI=true requires it.")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({error})")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "fedsite.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield cache
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def test_a_change_of_the_frame_on_another_server_shows_here(shared_redis, client, shelf):
    """The frame generation lives in the shared cache: another app server's save of a
    column reaches this one's next reading, as its article saves do through the row."""
    article = shelf[3]
    reading(client, article)
    Column.objects.filter(pk=article.column_id).update(name="另一台服务器改的")
    another_server = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": shared_redis.key_prefix})
    another_server.incr(FRAME_KEY)  # what that server's save did to the shared Redis

    assert "另一台服务器改的" in reading(client, article)


def test_parts_kept_for_another_release_are_not_read(client, shelf, monkeypatch):
    article = shelf[3]
    reading(client, article)
    monkeypatch.setattr(kept, "_release", lambda: "a-new-release")
    Article.objects.filter(pk=article.pk).update(title="部署后才看得到")  # as a migration might

    assert "部署后才看得到" in reading(client, article)


def test_a_hostile_address_is_a_404_not_an_error(client, shelf):
    for path in ("/articles/0/", "/articles/99999999999999999999999/", "/articles/-1/"):
        assert client.get(path).status_code == 404


# -- The prepared statement (PostgreSQL) ----------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL prepares the article's statement"
)


@on_postgresql
def test_the_statement_is_prepared_again_on_a_new_connection(client, shelf):
    article = shelf[3]

    def read():
        with CaptureQueriesContext(connection) as queries:
            page = reading(client, article)
        return sum("PREPARE" in q["sql"] for q in queries.captured_queries), page

    read()
    assert read()[0] == 0  # the same connection
    # What Django sends when it connects again (after CONN_MAX_AGE, or a database
    # restart): the statements the server may still hold are cleared and made anew.
    connection_created.send(sender=type(connection), connection=connection)
    prepared, page = read()
    assert prepared == 1
    assert links_of(page, "下一篇") == [shelf[4].pk]


@on_postgresql
def test_behind_a_pooler_in_transaction_mode_nothing_is_prepared(client, shelf, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    monkeypatch.setattr(connection, "fedsite_prepared", None, raising=False)
    with CaptureQueriesContext(connection) as queries:
        page = reading(client, shelf[3])
    assert not any("PREPARE" in q["sql"] or "EXECUTE" in q["sql"] for q in queries.captured_queries)
    assert links_of(page, "上一篇") == [shelf[2].pk]


def test_a_reader_with_a_malformed_csrf_cookie_gets_the_page(client, shelf):
    """Django's CSRF middleware marks such a request for a new cookie; that is the
    reader's, not a token the kept page asked for."""
    client.cookies["csrftoken"] = "x"
    assert links_of(reading(client, shelf[3]), "下一篇") == [shelf[4].pk]
