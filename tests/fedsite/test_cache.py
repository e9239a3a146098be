"""Cached public pages and scheduled articles (fedsite.cache).

The public pages are cached for anonymous readers, yet an article approved for
08:00 must be on them at 08:00 even if they were cached at 07:59, and an edit must
show at once. The scheduling test runs on the local-memory cache and on a real
Redis server, as production shares one Redis between app servers.

The site's clock (django.utils.timezone.now) is set by the `clock` fixture. The
caches expire entries by the real clock, so a test that relies on an entry having
expired waits for it in real time (about a second).
"""

import datetime
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import parse_http_date

from fedsite.cache import GENERATION_KEY, cache_public_page, per_generation
from news import workflow
from news.models import Article, Column
from tests.factories import ArticleFactory
from tests.helpers import change_form
from tests.stats.factories import YearlyValueFactory

pytestmark = pytest.mark.django_db

# Emptied by the tests: a database of its own (TEST_REDIS_URL lets runs side by side
# on one machine each take another).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}
SECOND = datetime.timedelta(seconds=1)


class Clock:
    """What the site believes the time is; it stands still until a test sets it."""

    def __init__(self, start):
        self.current = start

    def now(self):
        return self.current

    def set(self, moment):
        self.current = moment


@pytest.fixture
def clock(monkeypatch):
    # A whole second, so "one second before" is exactly 1.0 s in every computation.
    clock = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


def redis_unreachable_reason():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL} is unreachable ({error})"
    return None


@pytest.fixture
def real_redis_cache(settings):
    """The site's cache switched to a real Redis server, emptied before and after.

    On CI (CI=true) Redis is part of the environment, so its absence is a failure;
    elsewhere the test is skipped with the reason."""
    reason = redis_unreachable_reason()
    if reason:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{reason}, and CI=true requires it.")
        pytest.skip(f"{reason}; start redis-server to run this test.")
    settings.CACHES = REDIS_CACHES
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def locmem_cache(settings):
    """The local-memory cache (whatever REDIS_URL says), whose entries a test can count."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    return cache


@pytest.fixture(params=["locmem", "redis"])
def site_cache(request):
    """Each test using this runs twice: on the local-memory cache and on real Redis."""
    if request.param == "redis":
        request.getfixturevalue("real_redis_cache")
    return request.param


@pytest.fixture
def reviewer(django_user_model):
    """Here a superuser named reviewer (not the 审核 user of tests/conftest.py)."""
    return django_user_model.objects.create_superuser("reviewer", password="pw-for-tests-only")


def public_pages(column):
    """The cached pages a new article appears on."""
    return {
        "home": reverse("news:home"),
        "all news": reverse("news:list"),
        "column": column.get_absolute_url(),
        "RSS feed": reverse("news:feed"),
    }


def shows(response, title):
    assert response.status_code == 200
    return title in response.content.decode()


# -- Scheduled articles ------------------------------------------------------------------


def test_scheduled_article_appears_on_cached_pages_at_its_time(
    site_cache, clock, column, reviewer, django_assert_num_queries
):
    title = "关于表彰2025年度三八红旗手的决定"
    publish_at = clock.now() + 60 * SECOND
    draft = ArticleFactory(
        title=title, column=column, status=Article.Status.DRAFT, published_at=publish_at
    )
    workflow.article_approve(article=draft, by=reviewer)
    assert draft.is_scheduled
    reader = Client()
    pages = public_pages(column)

    clock.set(publish_at - SECOND)
    for name, url in pages.items():
        assert not shows(reader.get(url), title), f"{name} shows it a second early"
        with django_assert_num_queries(0):  # the copy just cached
            assert not shows(reader.get(url), title), f"cached {name} shows it early"

    # The pages were cached for at most the one second left; let that second pass.
    time.sleep(1.05)
    clock.set(publish_at + SECOND)
    for name, url in pages.items():
        assert shows(reader.get(url), title), f"{name} still misses it a second after its time"


def test_browser_keeps_a_page_no_longer_than_until_the_next_scheduled_article(
    clock, column, reviewer
):
    draft = ArticleFactory(
        column=column, status=Article.Status.DRAFT, published_at=clock.now() + 30 * SECOND
    )
    workflow.article_approve(article=draft, by=reviewer)

    response = Client().get(reverse("news:home"))

    assert response.headers["Cache-Control"] == "public, max-age=30"


def test_article_page_of_a_scheduled_article_is_404_until_its_time(clock, column, reviewer):
    publish_at = clock.now() + 60 * SECOND
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=publish_at)
    workflow.article_approve(article=draft, by=reviewer)
    reader = Client()

    clock.set(publish_at - SECOND)
    before = reader.get(draft.get_absolute_url())
    clock.set(publish_at + SECOND)
    after = reader.get(draft.get_absolute_url())

    assert before.status_code == 404
    assert after.status_code == 200


# -- Edits -------------------------------------------------------------------------------


def test_edited_title_shows_at_once_on_cached_pages(site_cache, superuser_client, column):
    article = ArticleFactory(column=column, title="市妇联召开执委会议")
    reader = Client()
    pages = public_pages(column)
    for url in pages.values():
        assert shows(reader.get(url), "市妇联召开执委会议")

    response = superuser_client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        change_form(article, title="市妇联召开十三届三次执委会议", _continue="保存"),
    )

    assert response.status_code == 302
    for name, url in pages.items():
        assert shows(reader.get(url), "市妇联召开十三届三次执委会议"), f"{name} is stale"


def test_withdrawn_article_leaves_cached_pages_at_once(superuser_client, column):
    article = ArticleFactory(column=column, title="已撤回的旧消息")
    reader = Client()
    assert shows(reader.get(reverse("news:home")), "已撤回的旧消息")

    workflow.article_withdraw(article=article, by=superuser_client.user)

    assert not shows(reader.get(reverse("news:home")), "已撤回的旧消息")


# -- Headers and who is served from the cache --------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["news:home", "news:list", "news:feed", "news:feed_atom", "sitemap"]
)
def test_anonymous_reader_gets_a_public_page_served_again_without_queries(
    url_name, article, django_assert_num_queries
):
    reader = Client()
    first = reader.get(reverse(url_name))

    with django_assert_num_queries(0):
        second = reader.get(reverse(url_name))

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    for response in (first, second):
        directives = dict(
            part.strip().partition("=")[::2] for part in response["Cache-Control"].split(",")
        )
        assert "public" in directives
        assert 0 < int(directives["max-age"]) <= 60


def test_column_page_is_served_again_without_queries(article, django_assert_num_queries):
    reader = Client()
    reader.get(article.column.get_absolute_url())

    with django_assert_num_queries(0):
        response = reader.get(article.column.get_absolute_url())

    assert article.title in response.content.decode()


def test_logged_in_staff_are_never_served_a_cached_page(superuser_client, column):
    article = ArticleFactory(column=column, title="原标题")
    reader = Client()
    assert shows(reader.get(reverse("news:home")), "原标题")
    # A change that bypasses the signals, so the cached copy stays as it was.
    Article.objects.filter(pk=article.pk).update(title="新标题")
    assert shows(reader.get(reverse("news:home")), "原标题")  # the public copy is cached

    response = superuser_client.get(reverse("news:home"))

    assert shows(response, "新标题")
    assert "public" not in response.get("Cache-Control", "")


def test_page_rendered_for_staff_is_not_stored_for_the_public(superuser_client, column):
    article = ArticleFactory(column=column, title="原标题")
    assert shows(superuser_client.get(reverse("news:home")), "原标题")
    Article.objects.filter(pk=article.pk).update(title="新标题")

    response = Client().get(reverse("news:home"))

    assert shows(response, "新标题")


def test_staff_preview_of_a_draft_is_never_cached(superuser_client, column):
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, title="尚未发布的通知")

    response = superuser_client.get(draft.get_absolute_url())

    assert shows(response, "尚未发布的通知")
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= directives
    assert "public" not in directives
    assert Client().get(draft.get_absolute_url()).status_code == 404


# -- Query strings -----------------------------------------------------------------------


def stored_pages(locmem_cache):
    return [key for key in locmem_cache._cache if ":fedsite:page:" in key]


def test_page_with_an_unknown_query_parameter_is_served_fresh_and_not_stored(locmem_cache, article):
    """Shared links carry ?utm_source=…; a robot can vary ?x=1, ?x=2, … without end.
    Neither may fill the cache."""
    reader = Client()
    assert shows(reader.get("/", {"utm_source": "x"}), article.title)
    entries = len(locmem_cache._cache)

    with CaptureQueriesContext(connection) as queries:
        again = reader.get("/", {"utm_source": "x"})
    assert shows(again, article.title)
    assert len(queries) > 0, "the second request was served from the cache"

    for number in range(20):
        assert shows(reader.get("/", {"x": number}), article.title)
    assert len(locmem_cache._cache) == entries
    assert stored_pages(locmem_cache) == []
    reader.get("/")  # the plain address is stored: the count would show a stored page
    assert len(stored_pages(locmem_cache)) == 1


@pytest.mark.parametrize(
    "url", ["/news/?page=2", "/feed/?script=hant"], ids=["list-page-2", "feed-traditional"]
)
def test_page_with_the_query_parameters_it_reads_is_cached(url, column, django_assert_num_queries):
    ArticleFactory.create_batch(21, column=column)  # a list page holds 20
    reader = Client()
    first = reader.get(url)

    with django_assert_num_queries(0):
        second = reader.get(url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content


def stored_page_count(site_cache):
    """How many public pages the cache holds, on either backend."""
    if site_cache == "redis":
        return len(cache._cache.get_client().keys("*fedsite:page:*"))
    return len([key for key in cache._cache if ":fedsite:page:" in key])


def junk_values(parameter, count):
    """`count` different junk values of a parameter the site knows."""
    kinds = [
        lambda n: str(uuid.UUID(int=n)),
        lambda n: f"{n:04d}"[::-1] + "x",
        lambda n: "0" + str(n + 1),  # page 01, 02, …: a second address for a page
        lambda n: "٣" * (n % 4 + 1),  # Arabic-Indic digits, which int() accepts
        lambda n: str(10**30 + n),
        lambda n: f"-{n + 1}",
        lambda n: f"{n}\x00",
        lambda n: f"<script>{n}</script>",
    ]
    return [kinds[n % len(kinds)](n) for n in range(count)]


# (address, the parameter given there): parameters the site reads somewhere, with
# values no view accepts, or given to a view that does not read them at all.
JUNK_REQUESTS = [
    ("/", "page"),
    ("/", "year"),
    ("/feed/", "year"),
    ("/feed/", "page"),
    ("/feed/atom/", "script"),
    ("/news/", "script"),
    ("/news/", "page"),
    ("/news/bmdt/", "page"),
    ("/news/bmdt/feed/", "p"),
    ("/stats/", "year"),
    ("/stats/", "page"),
    ("/stats/export.csv", "year"),
    ("/sitemap.xml", "p"),
]


@pytest.mark.parametrize(("url", "parameter"), JUNK_REQUESTS)
def test_junk_values_of_known_parameters_never_fill_the_cache(site_cache, url, parameter, article):
    reader = Client(raise_request_exception=False)

    for value in junk_values(parameter, 24):
        response = reader.get(url, {parameter: value})
        assert response.status_code in {200, 404}, value

    assert stored_page_count(site_cache) == 0
    assert reader.get(url).status_code == 200
    assert stored_page_count(site_cache) == 1, "the plain address is stored"


@pytest.mark.parametrize(
    "query", ["page=1&page=2", "page=2&script=hant&script=hans", "script=hant&x=1"]
)
def test_a_repeated_or_extra_parameter_is_served_but_not_stored(site_cache, column, query):
    ArticleFactory.create_batch(21, column=column)
    reader = Client()

    for _ in range(3):
        assert reader.get(f"/news/?{query}").status_code == 200

    assert stored_page_count(site_cache) == 0


def test_the_same_valid_parameters_in_any_order_are_one_stored_page(site_cache, column):
    ArticleFactory.create_batch(21, column=column)
    reader = Client()

    first = reader.get("/news/?page=2&script=hant")
    second = reader.get("/news/?script=hant&page=2")

    assert first.content == second.content
    assert stored_page_count(site_cache) == 1


@pytest.mark.parametrize("page", ["٣", "３", "02", "last", ""])
def test_the_list_reads_its_page_by_the_same_rule_as_the_cache(column, page):
    """?page=٣ was page 3 to the list (int() reads Arabic-Indic digits) while the cache
    refused it: one rule now decides for both (fedsite.parameters)."""
    ArticleFactory.create_batch(41, column=column)

    assert Client().get("/news/", {"page": page}).status_code == 404


# -- One cache round trip a request ------------------------------------------------------


class RoundTrips:
    """Counts what the site asks of the cache: calls of the cache's API (any backend;
    a call made inside another, as locmem's get_many calling get, is not counted
    again) and, on Redis, the commands sent to the server, each a round trip."""

    API = ("get", "get_many", "set", "set_many", "add", "incr", "decr", "delete", "touch")

    def __init__(self, monkeypatch):
        self.calls = []
        self.sent = 0
        self._depth = 0
        backend = caches["default"]
        for name in self.API:
            monkeypatch.setattr(backend, name, self._counting(name, getattr(backend, name)))
        original_send = redis.connection.AbstractConnection.send_packed_command

        def send_packed_command(connection, *args, **kwargs):
            self.sent += 1
            return original_send(connection, *args, **kwargs)

        monkeypatch.setattr(
            redis.connection.AbstractConnection, "send_packed_command", send_packed_command
        )

    def _counting(self, name, method):
        def counted(*args, **kwargs):
            if not self._depth:
                self.calls.append(name)
            self._depth += 1
            try:
                return method(*args, **kwargs)
            finally:
                self._depth -= 1

        return counted

    def reset(self):
        self.calls, self.sent = [], 0


@pytest.fixture
def round_trips(site_cache, monkeypatch):
    return RoundTrips(monkeypatch)


@pytest.fixture
def every_cached_page(column):
    """The address of every kind of cached public page, with something on each."""
    articles = ArticleFactory.create_batch(25, column=column)  # list page 2 exists
    ArticleFactory(column=column, is_pinned=True)
    ArticleFactory(column=column, status=Article.Status.PUBLISHED, published_at=None)
    figure = YearlyValueFactory(source_article=articles[0])
    return [
        "/",
        "/news/",
        "/news/?page=2",
        column.get_absolute_url(),
        articles[0].get_absolute_url(),
        reverse("news:article_qr", args=[articles[0].pk]),
        "/feed/",
        "/feed/atom/",
        "/feed/?script=hant",
        reverse("news:column_feed", args=[column.slug]),
        reverse("news:feeds"),
        "/stats/",
        figure.indicator.get_absolute_url(),
        "/stats/export.csv",
        "/sitemap.xml",
    ]


def test_a_warm_page_costs_one_cache_round_trip_and_no_query(
    site_cache, round_trips, every_cached_page, django_assert_num_queries
):
    """Issue 11: at most one cache round trip per cached request, on a shared Redis as
    in production (counted at the socket) and on the local-memory cache."""
    reader = Client()
    first = {url: reader.get(url) for url in every_cached_page}

    for url in every_cached_page:
        round_trips.reset()
        with django_assert_num_queries(0):
            response = reader.get(url)
        assert response.status_code == 200, url
        assert response.content == first[url].content, url
        assert round_trips.calls == ["get_many"], url
        if site_cache == "redis":
            assert round_trips.sent == 1, url


def test_a_not_modified_answer_costs_one_cache_round_trip(site_cache, round_trips, article):
    reader = Client()
    etag = reader.get("/")["ETag"]
    round_trips.reset()

    response = reader.get("/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert round_trips.calls == ["get_many"]


def test_a_save_on_another_app_server_shows_on_the_next_request_here(real_redis_cache, column):
    """No server keeps anything of its own: another server's save (its database write
    and its bump of the generation in the shared Redis) reaches this one's next page."""
    article = ArticleFactory(column=column, title="原标题")
    reader = Client()
    for url in public_pages(column).values():
        assert shows(reader.get(url), "原标题")
    another_server = RedisCache(REDIS_URL, {})

    Article.objects.filter(pk=article.pk).update(title="另一台服务器改的标题")
    another_server.incr(GENERATION_KEY)

    for name, url in public_pages(column).items():
        assert shows(reader.get(url), "另一台服务器改的标题"), f"{name} is stale"


def test_a_scheduled_article_appears_on_time_without_waiting_for_the_cache_to_expire(
    site_cache, clock, column, reviewer
):
    """A stored page knows when it stops being fresh (the next scheduled time), by the
    site's clock, not by the cache's whole-second expiry."""
    publish_at = clock.now() + 60 * SECOND
    draft = ArticleFactory(
        title="定时发布的通知", column=column, status=Article.Status.DRAFT, published_at=publish_at
    )
    workflow.article_approve(article=draft, by=reviewer)
    reader = Client()
    clock.set(publish_at - SECOND)
    assert not shows(reader.get("/"), "定时发布的通知")

    clock.set(publish_at)

    assert shows(reader.get("/"), "定时发布的通知")


def test_rebuilt_pages_replace_their_entry_rather_than_pile_up(locmem_cache, column):
    """One entry per address: after ten saves the cache holds one copy of the page."""
    article = ArticleFactory(column=column)
    reader = Client()
    for number in range(10):
        Article.objects.get(pk=article.pk).save()
        assert reader.get("/").status_code == 200, number

    assert len(stored_pages(locmem_cache)) == 1


def test_a_value_kept_per_generation_is_computed_once_until_the_next_save(
    site_cache, round_trips, column
):
    """cache.per_generation: for what many pages show and only a save changes."""
    computed = []

    def compute():
        computed.append(1)
        return ["首页", column.name]

    first = per_generation("test:navigation", compute)
    round_trips.reset()
    again = per_generation("test:navigation", compute)
    assert round_trips.calls == ["get_many"]
    assert first == again and len(computed) == 1

    Column.objects.filter(pk=column.pk).update(name="新栏目名")
    column.refresh_from_db()
    column.save()  # a save bumps the generation

    assert per_generation("test:navigation", compute) == ["首页", "新栏目名"]
    assert len(computed) == 2


# -- Conditional GET ---------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["news:home", "news:list", "news:feed", "news:feed_atom"])
def test_a_reader_who_has_the_page_gets_not_modified(site_cache, url_name, article):
    reader = Client()
    first = reader.get(reverse(url_name))
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_tag = reader.get(reverse(url_name), HTTP_IF_NONE_MATCH=etag)
    by_date = reader.get(reverse(url_name), HTTP_IF_MODIFIED_SINCE=last_modified)

    assert first.status_code == 200
    for response in (by_tag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Last-Modified"] == last_modified
        assert "public" in response["Cache-Control"]


def test_the_tag_is_the_same_on_the_first_and_later_requests_and_on_every_server(
    real_redis_cache, article
):
    first = Client().get("/")
    second = Client().get("/")

    assert first["ETag"] == second["ETag"]
    assert first["ETag"].startswith('"') and len(first["ETag"]) == 34


def test_an_edit_changes_the_tag_and_the_date(site_cache, clock, superuser_client, column):
    article = ArticleFactory(column=column, title="市妇联召开执委会议")
    reader = Client()
    before = reader.get("/")

    # In the same second: the date must still move, or If-Modified-Since would match.
    workflow.article_withdraw(article=article, by=superuser_client.user)
    after = reader.get("/", HTTP_IF_NONE_MATCH=before["ETag"])
    by_date = reader.get("/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert after.status_code == by_date.status_code == 200
    assert not shows(after, "市妇联召开执委会议")
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_a_save_that_leaves_the_page_as_it_was_keeps_its_validators(site_cache, clock, column):
    """A draft saved elsewhere bumps the generation; the rebuilt page has the same
    bytes, so readers keep their copy (same tag, same date)."""
    ArticleFactory(column=column, title="已发布的消息")
    reader = Client()
    before = reader.get("/")
    clock.set(clock.now() + 5 * SECOND)

    ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)
    after = reader.get("/", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 304
    assert after["Last-Modified"] == before["Last-Modified"]


def test_the_reader_variant_has_its_own_tag(article):
    reader = Client()
    simplified = reader.get("/feed/")
    traditional = reader.get("/feed/", {"script": "hant"}, HTTP_IF_NONE_MATCH=simplified["ETag"])

    assert traditional.status_code == 200
    assert traditional["ETag"] != simplified["ETag"]


def test_staff_get_no_validators_and_no_not_modified(superuser_client, article):
    etag = Client().get("/")["ETag"]

    response = superuser_client.get("/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "ETag" not in response


# transaction=True: other threads (the live server, the readers) see the rows; the
# rows migrations made (roles, the profile) come back after (serialized_rollback).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_feed_reader_that_has_the_feed_gets_not_modified(live_server, article):
    """feedparser sends If-None-Match and If-Modified-Since, as feed readers do."""
    import feedparser

    url = live_server.url + reverse("news:feed")
    first = feedparser.parse(url)
    assert first.status == 200 and len(first.entries) == 1
    assert first.etag and first.modified

    again = feedparser.parse(url, etag=first.etag, modified=first.modified)
    by_date = feedparser.parse(url, modified=first.modified)

    assert again.status == by_date.status == 304
    assert again.entries == []


def test_a_feed_is_sent_as_one_body(site_cache, superuser_client, article):
    """Django's feed writes XML piece by piece into the response; a WSGI server would
    send each piece on its own. Cached or not, it goes out whole."""
    for response in (
        Client().get("/feed/"),
        Client().get("/feed/"),
        superuser_client.get("/feed/"),
    ):
        assert response.status_code == 200
        assert not response.streaming
        assert len(list(response)) == 1


# -- What never comes from or goes into the shared cache ---------------------------------


def test_a_browser_with_a_session_cookie_neither_reads_nor_fills_the_cache(
    site_cache, column, django_assert_num_queries
):
    """An expired or anonymous session looks like any other from outside: no page
    for it is stored, none is served to it."""
    article = ArticleFactory(column=column, title="原标题")
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "expired-or-unknown"
    assert shows(with_session.get("/"), "原标题")
    assert stored_page_count(site_cache) == 0

    assert shows(Client().get("/"), "原标题")  # stored for the public now
    Article.objects.filter(pk=article.pk).update(title="新标题")  # no signal: stays cached

    assert shows(with_session.get("/"), "新标题")
    assert "ETag" not in with_session.get("/")


def form_page(request):
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


def cookie_page(request):
    response = HttpResponse("只给这一位读者")
    response.set_cookie("chosen", "1")
    return response


def never_cache_page(request):
    response = HttpResponse("只给这一位读者")
    add_never_cache_headers(response)
    return response


def private_page(request):
    response = HttpResponse("只给这一位读者")
    patch_cache_control(response, private=True)
    return response


def thanks_page(request):
    messages.info(request, "谢谢！")  # stored in the session or a cookie until shown
    return HttpResponse("已收到")


def messages_page(request):
    return HttpResponse(" ".join(str(message) for message in get_messages(request)))


# Probe pages behind the page cache, reached through the whole middleware stack, as
# the site's own pages are (the `probe_urls` fixture makes this module the URLconf).
urlpatterns = [
    path("probe/form/", cache_public_page(form_page)),
    path("probe/cookie/", cache_public_page(cookie_page)),
    path("probe/never-cache/", cache_public_page(never_cache_page)),
    path("probe/private/", cache_public_page(private_page)),
    path("probe/thanks/", thanks_page),
    path("probe/messages/", cache_public_page(messages_page)),
]


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_a_page_holding_a_csrf_token_is_never_stored(locmem_cache, probe_urls):
    reader = Client()
    first, second = reader.get("/probe/form/"), reader.get("/probe/form/")

    assert b"csrfmiddlewaretoken" in first.content
    assert stored_pages(locmem_cache) == []
    assert "public" not in second.get("Cache-Control", "")
    # Nor for a reader who already holds a CSRF cookie: the page carries a token.
    assert settings.CSRF_COOKIE_NAME in reader.cookies
    reader.get("/probe/form/")
    assert stored_pages(locmem_cache) == []


@pytest.mark.parametrize("address", ["/probe/cookie/", "/probe/never-cache/", "/probe/private/"])
def test_a_response_for_one_reader_is_never_stored(locmem_cache, probe_urls, address):
    response = Client().get(address)

    assert response.status_code == 200
    assert stored_pages(locmem_cache) == []


def test_a_page_showing_flash_messages_is_never_stored(locmem_cache, probe_urls):
    reader = Client()
    reader.get("/probe/thanks/")

    assert "谢谢" in reader.get("/probe/messages/").content.decode()
    assert stored_pages(locmem_cache) == []
    assert "谢谢" not in Client().get("/probe/messages/").content.decode()


def test_a_traditional_page_is_stored_converted_and_served_without_converting_again(
    locmem_cache, column, monkeypatch
):
    """The 繁體 variant is stored as the reader gets it: a served page runs no
    conversion (fedsite.reader) and no query."""
    article = ArticleFactory(column=column, title="妇女发展报告")
    reader = Client()
    reader.cookies["fedsite_reader"] = "hant.normal.normal"
    first = reader.get(article.get_absolute_url())
    assert "婦女發展報告" in first.content.decode()
    assert "婦女發展報告" not in Client().get(article.get_absolute_url()).content.decode()

    import fedsite.reader

    def refuse(text):
        raise AssertionError("a stored page was converted again")

    monkeypatch.setattr(fedsite.reader, "to_traditional", refuse)
    with CaptureQueriesContext(connection) as queries:
        again = reader.get(article.get_absolute_url())
    assert again.content == first.content
    assert len(queries) == 0


# -- Article pages and their 阅读量 --------------------------------------------------------


def read_article(client, article):
    """One reading, as a browser makes it: the page, then the counting image it shows."""
    response = client.get(article.get_absolute_url())
    counter = re.search(r'<img class="reading-counter" src="([^"]+)"', response.content.decode())
    assert counter, "the page has no counting image"
    image = client.get(counter[1])
    assert image.status_code == 200 and image["Content-Type"] == "image/gif"
    return response


def test_an_article_page_is_cached_and_every_reading_still_counts(
    site_cache, article, django_assert_num_queries
):
    reader = Client()
    read_article(reader, article)

    with django_assert_num_queries(1):  # the count: UPDATE ... view_count + 1
        read_article(reader, article)

    article.refresh_from_db()
    assert article.view_count == 2


def test_the_counting_image_is_never_cached_and_counts_only_live_articles(client, column):
    live = ArticleFactory(column=column)
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)

    response = client.get(reverse("news:article_reading", args=[live.pk]))
    hidden = client.get(reverse("news:article_reading", args=[draft.pk]))

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private"} <= directives
    assert hidden.status_code == 404
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_staff_preview_has_no_counting_image(superuser_client, column):
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)

    response = superuser_client.get(draft.get_absolute_url())

    assert "reading-counter" not in response.content.decode()


# transaction=True: other threads (the live server, the readers) see the rows; the
# rows migrations made (roles, the profile) come back after (serialized_rollback).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readers_at_once_lose_no_reading(site_cache, column):
    """8 readers reading one article 50 times each, at once, on their own database
    connections: 400 readings, served from the page cache."""
    article = ArticleFactory(column=column)
    read_article(Client(), article)
    start = threading.Barrier(8)

    def reader():
        client = Client()
        try:
            start.wait()
            for _ in range(50):
                read_article(client, article)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for finished in [pool.submit(reader) for _ in range(8)]:
            finished.result()

    article.refresh_from_db()
    assert article.view_count == 1 + 8 * 50
