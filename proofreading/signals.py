"""Keeping the stored checks current: an article is checked again after a save that
changes its text, after a change to a figure citing it, and after a change to the
word lists touching a word it holds. Every check runs after the commit
(records.proofread_after_commit)."""

from django.db.models.signals import post_delete, post_save, pre_save

from news import workflow
from news.models import Article
from stats.models import YearlyValue

from . import records
from .models import SensitiveWord, Wording

TEXT_FIELDS = {"title", "summary", "body"}


def connect():
    post_save.connect(_article_saved, sender=Article, dispatch_uid="proofreading-article")
    pre_save.connect(_remember_source, sender=YearlyValue, dispatch_uid="proofreading-value")
    post_save.connect(_value_changed, sender=YearlyValue, dispatch_uid="proofreading-value")
    post_delete.connect(_value_changed, sender=YearlyValue, dispatch_uid="proofreading-value")
    for model in (Wording, SensitiveWord):
        pre_save.connect(_remember_word, sender=model, dispatch_uid=f"proofreading-{model}")
        post_save.connect(_word_changed, sender=model, dispatch_uid=f"proofreading-{model}")
        post_delete.connect(_word_changed, sender=model, dispatch_uid=f"proofreading-{model}")
    # Approving an article with open findings asks the reviewer to confirm it.
    workflow.add_approval_check(records.approval_issues)


def _article_saved(sender, instance, raw=False, update_fields=None, using=None, **kwargs):
    if raw or (update_fields is not None and not TEXT_FIELDS.intersection(update_fields)):
        return
    records.proofread_after_commit([instance.pk], using=using)


def _remember_source(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._proofreading_old_source = (
            YearlyValue.objects.filter(pk=instance.pk)
            .values_list("source_article_id", flat=True)
            .first()
        )


def _value_changed(sender, instance, raw=False, using=None, **kwargs):
    if raw:
        return
    old = getattr(instance, "_proofreading_old_source", None)
    records.proofread_after_commit([instance.source_article_id, old], using=using)


def _word(instance):
    return instance.wrong if isinstance(instance, Wording) else instance.word


def _remember_word(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        old = sender.objects.filter(pk=instance.pk).first()
        instance._proofreading_old_word = _word(old) if old else ""


def _word_changed(sender, instance, raw=False, using=None, **kwargs):
    if raw:
        return
    words = {_word(instance), getattr(instance, "_proofreading_old_word", "")}
    ids = records.articles_holding(words).values_list("pk", flat=True)
    records.proofread_after_commit(list(ids), using=using)
