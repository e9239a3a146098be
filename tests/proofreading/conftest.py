"""Fixtures for the proofreading tests: a checker with the staff lists given in the
test (no database needed for the text checks), and the demo site with its figures."""

import io

import pytest
from django.core.management import call_command

from news.models import Article
from proofreading.checker import Checker
from proofreading.findings import SENSITIVE, WORDING
from proofreading.lexicon import Entry, matcher_for
from proofreading.text import ArticleText

MARCH8_TITLE = "市妇联：巾帼勇担当 展现新作为"
STAFF = (
    Entry(WORDING, "三八妇女节", "“三八”国际妇女节", "节日全称"),
    Entry(WORDING, "全国妇女联合会", "中华全国妇女联合会", "组织全称"),
    Entry(SENSITIVE, "内部资料", "", "不得公开"),
)


@pytest.fixture(scope="session")
def checker():
    """A checker with the built-in lists and STAFF, as an office would have them."""
    return Checker(matcher=matcher_for(STAFF))


@pytest.fixture(scope="session")
def check_text(checker):
    """check_text("<p>…</p>", title="…"): the findings of kinds 1 to 4."""

    def check(body, title="", summary=""):
        return checker.check_text(ArticleText(title, summary, body))

    return check


@pytest.fixture
def demo(db):
    """The demo content and work figures as `make run` loads them; the March 8 report."""
    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_stats", stdout=io.StringIO())
    return Article.objects.get(title=MARCH8_TITLE)
