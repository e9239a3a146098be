"""Redis is only a cache (issue 12): when it cannot be reached every page still
answers, uncached, with one warning in the log; when it returns caching resumes by
itself, and nothing written before the outage and changed during it is served.

The cache is a real Redis server behind a TCP gate (tests/gate.py) that the tests
shut, hang and open, as a stopped server, a hung network and a restart would."""

import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fedsite import cache_backends
from fedsite.cache import (
    FRAME_KEY,
    GENERATION_KEY,
    bump_site_generation,
    frame_generation,
    site_generation,
)
from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import change_form
from tests.stats.factories import YearlyValueFactory

pytestmark = pytest.mark.django_db


def wait_for_the_retry():
    """Until the backend tries Redis again (0.3 s here, tests/fedsite/conftest.py)."""
    time.sleep(cache.retry_after)


@pytest.fixture
def site(column):
    """An article, its column and the figures the stats pages show."""
    article = ArticleFactory(column=column, title="市妇联召开执委会议")
    value = YearlyValueFactory()
    return {
        "home": reverse("news:home"),
        "all news": reverse("news:list"),
        "column": column.get_absolute_url(),
        "article": article.get_absolute_url(),
        "RSS": reverse("news:feed"),
        "Atom": reverse("news:feed_atom"),
        "feeds": reverse("news:feeds"),
        "search": reverse("news:search") + "?q=执委",
        "stats": reverse("stats:overview"),
        "indicator": value.indicator.get_absolute_url(),
        "open data": reverse("stats:export_json"),
        "sitemap": reverse("sitemap"),
        "robots.txt": reverse("robots"),
    }


def outage_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "fedsite.cache_backends" and "无法访问" in record.getMessage()
    ]


def test_every_public_page_answers_while_redis_is_down_with_one_warning(
    gated_cache, gate, site, caplog
):
    caplog.set_level(logging.WARNING, logger="fedsite.cache_backends")
    reader = Client()
    gate.shut()

    for _ in range(3):
        for name, url in site.items():
            assert reader.get(url).status_code == 200, name

    [warning] = outage_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert "Redis" in warning.getMessage()


def test_an_edit_saved_while_redis_is_down_shows_at_once_and_after_it_returns(
    gated_cache, gate, article, as_reviewer
):
    """Redis kept the page from before the edit; the save's bump of the generation
    was lost. On its return the backend first forgets what it failed to write."""
    reader = Client()
    assert article.title in reader.get(article.get_absolute_url()).content.decode()
    gate.shut()

    article.title = "停电期间修改的标题"
    article.save()  # as the admin's save does: the bump of the generation is lost
    during = reader.get(article.get_absolute_url()).content.decode()
    gate.open()
    wait_for_the_retry()
    after = reader.get(article.get_absolute_url()).content.decode()

    assert "停电期间修改的标题" in during
    assert "停电期间修改的标题" in after


def test_caching_resumes_by_itself_when_redis_returns(gated_cache, gate, article, caplog):
    caplog.set_level(logging.WARNING, logger="fedsite.cache_backends")
    reader = Client()
    url = article.get_absolute_url()
    gate.shut()
    assert reader.get(url).status_code == 200
    gate.open()
    wait_for_the_retry()

    first = reader.get(url)
    # Changed in the database without a save (no bump): a cached page does not show it.
    Article.objects.filter(pk=article.pk).update(title="没有经过保存的标题")
    second = reader.get(url)

    assert first.status_code == second.status_code == 200
    assert "没有经过保存的标题" not in second.content.decode()
    assert second["ETag"] == first["ETag"]
    assert any("已恢复" in record.getMessage() for record in caplog.records)


def test_a_redis_that_hangs_costs_one_read_timeout_not_one_per_request(
    settings, gated_cache, gate, site
):
    """A server that accepts and never answers: the first request waits for the
    socket timeout (0.5 s), the requests in the next RETRY_AFTER do not try at all."""
    options = {**settings.CACHES["default"]["OPTIONS"], "RETRY_AFTER": 10}
    settings.CACHES = {"default": {**settings.CACHES["default"], "OPTIONS": options}}
    reader = Client()
    reader.get(site["home"])  # templates and the connection pool warmed
    gate.hang()

    started = time.monotonic()
    assert reader.get(site["home"]).status_code == 200
    first = time.monotonic() - started
    timings = []
    for _ in range(5):
        started = time.monotonic()
        assert reader.get(site["home"]).status_code == 200
        timings.append(time.monotonic() - started)

    # Without the pause each request would wait 0.5 s for each of its cache calls.
    assert first < 3 * cache_backends.READ_TIMEOUT
    assert max(timings) < cache_backends.READ_TIMEOUT, timings


def test_a_save_does_not_fail_while_redis_is_down(gated_cache, gate, article, as_reviewer):
    gate.shut()

    response = as_reviewer.post(
        reverse("admin:news_article_change", args=[article.pk]),
        change_form(article, title="缓存停止时保存的标题"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "缓存停止时保存的标题"


def test_past_the_limit_of_lost_writes_the_whole_cache_is_cleared_on_return(
    gated_cache, gate, monkeypatch
):
    monkeypatch.setattr(cache_backends, "LOST_KEYS_KEPT", 3)
    cache.set("before", "kept from before the outage")
    gate.shut()
    for number in range(5):
        cache.set(f"during-{number}", number)  # lost
    gate.open()
    wait_for_the_retry()

    assert cache.get("before") is None
    cache.set("after", "written again")
    assert cache.get("after") == "written again"


def test_a_few_lost_writes_are_forgotten_one_by_one_on_return(gated_cache, gate):
    cache.set("page", "before the edit")
    cache.set("unrelated", "still good")
    gate.shut()
    cache.set("page", "after the edit")  # lost: Redis keeps "before the edit"
    gate.open()
    wait_for_the_retry()

    assert cache.get("page") is None
    assert cache.get("unrelated") == "still good"


def test_the_generations_move_together_or_not_at_all(gated_cache, gate):
    """A save bumps the site and frame generations in one MULTI/EXEC: a reader never
    sees one moved without the other (fedsite.cache)."""
    site, frame = site_generation(), frame_generation()

    bump_site_generation()
    assert (site_generation(), frame_generation()) == (site + 1, frame + 1)
    bump_site_generation(frame=False)  # an article's own save
    assert (site_generation(), frame_generation()) == (site + 2, frame + 1)

    gate.shut()
    bump_site_generation()  # lost: remembered, and forgotten on return
    gate.open()
    time.sleep(0.5)
    assert site_generation() not in (site + 2, site + 3)
    assert frame_generation() not in (frame + 1, frame + 2)


def test_a_missing_generation_starts_from_the_clock(gated_cache):
    gated_cache.delete_many([GENERATION_KEY, FRAME_KEY])
    before = int(time.time() * 1000)

    bump_site_generation()

    assert site_generation() > before and frame_generation() > before
