"""/healthz tells the monitor and the load balancer whether this app server reaches
the database and the cache (issue 12): 200 when both answer, 503 naming what failed,
cheap, never cached, no session. The database's failure is tested against a real
app server in tests/fedsite/test_errors.py."""

import http.client
import os

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from scripts.stack import AppServer, app_environment, free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_the_database_and_the_cache_answer(
    gated_cache, django_assert_num_queries
):
    client = Client()
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content.decode() == "数据库：正常\n缓存：正常\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_healthz_names_the_cache_when_redis_is_down(gated_cache, gate):
    gate.shut()

    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert "缓存：无法访问" in response.content.decode()
    assert "数据库：正常" in response.content.decode()


def test_healthz_is_never_cached_and_starts_no_session(gated_cache):
    client = Client()
    first = client.get(reverse("healthz"))
    second = client.get(reverse("healthz"))

    for response in (first, second):
        assert "no-store" in response["Cache-Control"]
        assert "ETag" not in response
        assert not response.cookies
    assert not client.cookies
    assert not Session.objects.exists()


def test_healthz_only_answers_reads():
    assert Client().post(reverse("healthz")).status_code == 405


def test_the_monitor_reaches_healthz_over_plain_http_behind_the_https_proxy(tmp_path):
    """In production every other address redirects to HTTPS; the monitor asks each
    app server on 127.0.0.1 directly, with the site's host name."""
    environment = app_environment(
        {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        DJANGO_SECRET_KEY="tests-only-not-secret",
        DJANGO_ALLOWED_HOSTS="www.example.gov.cn",
        DJANGO_BEHIND_HTTPS_PROXY="true",
        DJANGO_SECURE_COOKIES="true",
    )
    with AppServer(free_port(), tmp_path, environment, workers=1).start() as server:
        server.wait(timeout=60)
        health = get_without_following(server.port, "/healthz")
        home = get_without_following(server.port, "/")

    assert health.status == 200
    assert home.status == 301
    assert home.headers["Location"] == "https://www.example.gov.cn/"


def get_without_following(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "www.example.gov.cn"})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()
