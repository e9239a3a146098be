"""The deployment checks of news/checks.py, as `manage.py check --deploy` runs them
before a release."""

import pytest
from django.core import checks

from fedsite.checks import shared_cache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
    }
}


def test_production_on_the_per_process_cache_is_warned_about(settings):
    """With several workers, an edit would show only in the process that saved it."""
    settings.DEBUG = False
    settings.CACHES = LOCMEM

    [warning] = shared_cache(None)

    assert warning.id == "fedsite.W001"
    assert warning.level == checks.WARNING
    assert "REDIS_URL" in warning.hint


@pytest.mark.parametrize(
    ("debug", "caches"),
    [pytest.param(False, REDIS, id="production-on-redis"), pytest.param(True, LOCMEM, id="debug")],
)
def test_a_shared_cache_or_a_development_server_is_not_warned_about(settings, debug, caches):
    settings.DEBUG = debug
    settings.CACHES = caches

    assert shared_cache(None) == []


def test_the_warning_is_among_the_deploy_checks_only(settings):
    settings.DEBUG = False
    settings.CACHES = LOCMEM

    deploy = checks.run_checks(tags=[checks.Tags.caches], include_deployment_checks=True)
    everyday = checks.run_checks(tags=[checks.Tags.caches])

    assert "fedsite.W001" in {message.id for message in deploy}
    assert "fedsite.W001" not in {message.id for message in everyday}
