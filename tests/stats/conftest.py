import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Charts are cached; each test draws its own, whatever ids the database reuses."""
    cache.clear()
    yield
    cache.clear()
