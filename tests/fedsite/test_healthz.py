"""/healthz tells the monitor and the load balancer whether this app server reaches
the database and the cache (issue 12): 200 when both answer, 503 naming what failed,
cheap, never cached, no session. The database's failure is tested against a real
app server in tests/fedsite/test_errors.py."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

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
