import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, ColumnFactory


@pytest.fixture
def column(db):
    return ColumnFactory(name="部门动态", slug="bmdt")


@pytest.fixture
def article(column):
    return ArticleFactory(column=column)


@pytest.fixture
def editor_client(client, django_user_model):
    """A client logged in as a superuser (the roles arrive with the workflow issue)."""
    user = django_user_model.objects.create_superuser("editor", password="pw-for-tests-only")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, as cached pages would leak between tests."""
    cache.clear()
    yield
    cache.clear()
