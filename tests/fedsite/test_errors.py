"""A database outage is a fast 503 page in Chinese, and the site comes back by itself
when the database does (issue 12; fedsite/errors.py, CONN_HEALTH_CHECKS,
connect_timeout).

Each test runs a real gunicorn app server (deploy/gunicorn.conf.py) whose PostgreSQL
is a port where nothing listens, a gate that hangs, or the real test database behind
a gate the test shuts and opens (tests/gate.py)."""

import os
import time
from urllib.parse import quote

import pytest
from django.db import connection

from scripts.stack import AppServer, app_environment, free_port, http_get
from tests.gate import Gate

# Search results are never cached (fedsite/cache.py), and a search always asks the
# database: no cached piece of an earlier request answers for it.
UNCACHED = "/search/?q=%E5%A6%87%E8%81%94"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs the PostgreSQL test database"
)


def app_server(tmp_path, database_url, **settings):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment = app_environment(
        base,
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="tests-only-not-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
        **settings,
    )
    return AppServer(free_port(), tmp_path, environment, workers=1)


def timed_get(url):
    started = time.monotonic()
    status, headers, body = http_get(url, timeout=30)
    return status, headers, body.decode(), time.monotonic() - started


def test_a_database_that_refuses_connections_gives_a_fast_503_page_in_chinese(tmp_path):
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/fedsite"
    with app_server(tmp_path, nowhere).start() as server:
        server.wait()
        timed_get(server.url(UNCACHED))  # the first request loads the templates

        status, headers, page, seconds = timed_get(server.url(UNCACHED))
        health_status, _, health, _ = timed_get(server.url("/healthz"))
        log = server.log.read_text()

    assert status == 503
    assert seconds < 1
    assert "网站暂时无法访问" in page and "请过一会儿刷新本页" in page
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    for detail in ("Traceback", "OperationalError", "psycopg2", "5432", "postgres"):
        assert detail not in page
    assert health_status == 503
    assert "数据库：无法访问" in health and "缓存：正常" in health
    # One line per outage and process in the log, not a traceback per request.
    assert "数据库无法访问，答以 503" in log
    assert "Traceback" not in log


def test_a_database_that_hangs_gives_the_503_page_within_the_connect_timeout(tmp_path):
    gate = Gate().hang()  # accepts and never answers
    try:
        hung = f"postgres://postgres@127.0.0.1:{gate.port}/fedsite"
        with app_server(tmp_path, hung, DJANGO_DB_CONNECT_TIMEOUT="2").start() as server:
            server.wait()
            status, _, page, seconds = timed_get(server.url(UNCACHED))
    finally:
        gate.close()

    assert status == 503
    assert "网站暂时无法访问" in page
    assert 2 <= seconds < 5  # libpq's connect_timeout, not gunicorn's 30 s


def gated_test_database(gate):
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "postgres")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"])
    return f"postgres://{credentials}@127.0.0.1:{gate.port}/{settings['NAME']}"


@pytest.fixture
def database_gate(django_db_setup):
    """The real PostgreSQL test database behind a gate."""
    settings = connection.settings_dict
    gate = Gate(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)).open()
    yield gate
    gate.close()


@postgresql_only
def test_the_site_comes_back_by_itself_when_the_database_returns(tmp_path, database_gate):
    with app_server(tmp_path, gated_test_database(database_gate)).start() as server:
        server.wait()
        before = timed_get(server.url(UNCACHED))[0]
        master = server.pid()

        database_gate.shut()
        during, _, page, seconds = timed_get(server.url(UNCACHED))
        health_during = timed_get(server.url("/healthz"))[0]
        database_gate.open()
        after = timed_get(server.url(UNCACHED))[0]
        health_after = timed_get(server.url("/healthz"))[0]
        same_master = server.pid() == master
        log = server.log.read_text()

    assert (before, during, after) == (200, 503, 200)
    assert seconds < 1 and "网站暂时无法访问" in page
    assert (health_during, health_after) == (503, 200)
    # Neither the app server nor its worker was restarted.
    assert same_master
    assert log.count("Booting worker") == 1


@postgresql_only
def test_a_connection_cut_by_a_database_restart_is_replaced_without_an_error(
    tmp_path, database_gate
):
    """The worker keeps its connection between requests (CONN_MAX_AGE); after a
    restart that connection is dead, and the health check replaces it before use."""
    with app_server(tmp_path, gated_test_database(database_gate)).start() as server:
        server.wait()
        assert timed_get(server.url(UNCACHED))[0] == 200

        database_gate.shut()  # every connection it carried is reset
        database_gate.open()

        assert timed_get(server.url(UNCACHED))[0] == 200
