"""Fixtures shared by every test: a column and an article, users in the roles of
news/migrations/0003_roles.py with clients logged in as them, a media folder of the
test's own, and an empty cache. Plain helper functions are in tests/helpers.py."""

import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, ColumnFactory
from tests.helpers import logged_in, staff


@pytest.fixture
def column(db):
    return ColumnFactory(name="部门动态", slug="bmdt")


@pytest.fixture
def article(column):
    return ArticleFactory(column=column)


@pytest.fixture
def superuser_client(client, django_user_model):
    """A client logged in as a superuser named editor (for tests about what the admin can do,
    not about roles: those use as_editor, as_reviewer, as_superuser)."""
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


@pytest.fixture
def editor(django_user_model):
    """A staff user in the 编辑 group (writes and submits), named bianji."""
    return staff(django_user_model, "bianji", "编辑")


@pytest.fixture
def reviewer(django_user_model):
    """A staff user in the 审核 group (reviews and publishes), named shenhe."""
    return staff(django_user_model, "shenhe", "审核")


@pytest.fixture
def superuser(django_user_model):
    """A superuser, who may do everything, named admin."""
    return django_user_model.objects.create_superuser("admin")


@pytest.fixture
def as_editor(editor):
    """A client logged in as the editor."""
    return logged_in(editor)


@pytest.fixture
def as_reviewer(reviewer):
    """A client logged in as the reviewer."""
    return logged_in(reviewer)


@pytest.fixture
def as_superuser(superuser):
    """A client logged in as the superuser."""
    return logged_in(superuser)


@pytest.fixture
def media_root(settings, tmp_path):
    """MEDIA_ROOT pointed at an empty folder of the test's own (tmp_path/"media")."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
