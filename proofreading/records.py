"""What proofreading writes: the stored check of an article (ArticleCheck), an "ignore
here" record, an accepted suggestion (on the article being saved, which then goes the
normal way through news.workflow), and the open findings an approval must confirm."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from news.models import Article

from .checker import Checker
from .models import ArticleCheck, IgnoredFinding
from .text import ArticleText


def article_store_check(*, article, findings):
    """Keep `findings` as the article's last check."""
    open_findings = [finding for finding in findings if not finding.ignored]
    values = {
        "findings": [finding.as_json() for finding in findings],
        "open_count": len(open_findings),
        "serious_count": sum(finding.is_serious for finding in open_findings),
        "checked_at": timezone.now(),
    }
    check, _created = ArticleCheck.objects.update_or_create(article=article, defaults=values)
    return check


def article_proofread(*, article, checker=None, **known):
    """Check `article` and store the result; its findings."""
    findings = (checker or Checker()).check(article, **known)
    article_store_check(article=article, findings=findings)
    return findings


def articles_proofread(ids):
    """Check again the articles with these ids that still exist (after a commit)."""
    checker = Checker()
    for article in Article.objects.filter(pk__in=ids).order_by("pk"):
        article_proofread(article=article, checker=checker)


def proofread_after_commit(ids, using=None):
    """Check the articles again once the transaction that changed them commits: a
    check that fails never undoes the editor's save, and a save followed by an
    approval in one request is checked once it is all written."""
    ids = sorted({pk for pk in ids if pk})
    if ids:
        transaction.on_commit(lambda: articles_proofread(ids), using=using)


def articles_holding(words):
    """Articles whose text holds any of `words` (a word list changed)."""
    condition = Q()
    for word in words:
        if word:
            condition |= Q(title__contains=word) | Q(summary__contains=word)
            condition |= Q(body_text__contains=word)
    if not condition:
        return Article.objects.none()
    return Article.objects.filter(condition)


def current_findings(article, checker=None):
    return (checker or Checker()).check(article)


def open_findings(article, checker=None):
    return [finding for finding in current_findings(article, checker) if not finding.ignored]


@transaction.atomic
def finding_ignore(*, article, key, by):
    """Record "ignore here" for the finding `key` of the stored `article`; returns the
    finding, or None when the article no longer has it."""
    findings = current_findings(article)
    finding = next((finding for finding in findings if finding.key == key), None)
    if finding is None:
        return None
    IgnoredFinding.objects.get_or_create(
        article=article,
        spot=finding.spot,
        defaults={
            "kind": finding.kind,
            "wrong": finding.wrong[:200],
            "sentence": finding.sentence,
            "why": finding.why,
            "ignored_by": by,
        },
    )
    proofread_after_commit([article.pk])
    return finding


def suggestion_apply(*, article, key):
    """Write the suggestion of finding `key` into `article` (its title, summary or body
    as about to be saved, not yet saved); returns the finding, or None when the text
    no longer has it or it has no suggestion. Saving is the caller's: the article
    form saves it the normal way, so the version check and the history apply."""
    text = ArticleText(article.title, article.summary, article.body)
    findings = Checker().check(article)
    finding = next((finding for finding in findings if finding.key == key), None)
    if finding is None or finding.suggestion is None or finding.start is None:
        return None
    start, end, new = _narrowed(finding)
    field, value = text.replace(start, end, new)
    setattr(article, field, value)
    return finding


def _narrowed(finding):
    """The smallest edit that makes the suggestion: 再接再励 -> 再接再厉 rewrites only
    励, so formatting around the rest (再接<strong>再</strong>励) is kept."""
    wrong, right = finding.wrong, finding.suggestion
    prefix = 0
    while prefix < min(len(wrong), len(right)) and wrong[prefix] == right[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(wrong), len(right)) - prefix and wrong[-1 - suffix] == right[-1 - suffix]
    ):
        suffix += 1
    return (
        finding.start + prefix,
        finding.end - suffix,
        right[prefix : len(right) - suffix],
    )


def approval_issues(article):
    """What approving `article` asks the reviewer to confirm: its open findings, one
    line each (registered with news.workflow in ProofreadingConfig.ready)."""
    return [finding.summary() for finding in open_findings(article)]
