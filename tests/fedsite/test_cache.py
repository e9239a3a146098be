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
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news import workflow
from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import change_form

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"
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
