"""Issue 15's quality bar: no false alarm on good text (the restored March 8 report,
the demo content, the generated corpus of 10,000 articles give no finding of kinds
1, 2 and 4), and every planted error found (at least 100, across all six kinds).
`manage.py proofread_bench` prints the same figures for the README."""

from collections import Counter

from news.models import Article
from proofreading.checker import Checker
from proofreading.findings import COMMON_ERROR, KINDS, MECHANICS, WORDING
from proofreading.lexicon import matcher_for
from proofreading.management.commands.proofread_bench import (
    STAFF,
    corpus_articles,
    planted_cases,
    recall,
)
from proofreading.models import Wording
from proofreading.text import ArticleText


def test_every_planted_error_is_found_and_nothing_else(db):
    cases = planted_cases()
    assert len(cases) >= 100
    assert set(Counter(case.kind for case in cases)) == set(KINDS)

    found, missed, extra = recall(Checker(matcher=matcher_for(STAFF)))

    assert [case.what for case in missed] == []
    assert sum(found.values()) == len(cases)
    assert [(case.what, finding.why) for case, finding in extra] == []


def test_the_demo_site_gives_no_finding_at_all(demo):
    """Not only kinds 1, 2 and 4: the report agrees with its figures and the samples
    have no dead links, with the example wordings the migration ships active."""
    assert Wording.objects.filter(is_example=True).count() >= 3
    checker = Checker()
    for article in Article.objects.all():
        assert checker.check(article) == [], article.title


def test_ten_thousand_generated_articles_give_no_false_alarm():
    checker = Checker(matcher=matcher_for(STAFF))
    kinds = Counter()
    for article in corpus_articles(10_000):
        for finding in checker.check_text(ArticleText.of(article)):
            kinds[finding.kind] += 1
    assert {kind: kinds[kind] for kind in (COMMON_ERROR, WORDING, MECHANICS)} == {
        COMMON_ERROR: 0,
        WORDING: 0,
        MECHANICS: 0,
    }
