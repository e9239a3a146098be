"""Fixtures shared by the news tests: users in the roles of news/migrations/0003_roles.py,
clients logged in as them, and a media folder of the test's own.

The column, article and editor_client fixtures come from tests/conftest.py; plain helper
functions (forms, image bytes) are in tests/helpers.py."""

import pytest

from tests.helpers import logged_in, staff


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
