"""Fixtures of the site-layer tests: the cache as production has it
(fedsite.cache_backends) on a real Redis behind a gate the test can shut."""

import os
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.core.cache import cache

from tests.gate import Gate

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RETRY_AFTER = 0.3  # seconds between tries; production waits 1 s (fedsite.cache_backends)


def require_redis():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        reason = f"Redis at {REDIS_URL} is unreachable ({error})"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{reason}, and CI=true requires it.")
        pytest.skip(f"{reason}; start redis-server to run this test.")


@pytest.fixture
def gate():
    """The site's cache: the real Redis of TEST_REDIS_URL, reached through a gate."""
    require_redis()
    target = urlsplit(REDIS_URL)
    gate = Gate(target.hostname, target.port or 6379).open()
    yield gate
    gate.close()


@pytest.fixture
def gated_cache(settings, gate):
    """ResilientRedisCache (as production has it) through the gate, under a key prefix
    of its own so that a test sees only its own keys."""
    db = urlsplit(REDIS_URL).path or "/0"
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "fedsite.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{gate.port}{db}",
            "KEY_PREFIX": prefix,
            "OPTIONS": {"RETRY_AFTER": RETRY_AFTER},
        }
    }
    yield cache
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)
