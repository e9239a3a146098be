"""Every content change invalidates the cached public pages (news.cache)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .cache import bump_site_generation


def content_changed(sender, **kwargs):
    # Now, so this request's own next page is fresh, and again after the commit, so
    # that no server keeps a page built from the old data in the moment between.
    bump_site_generation()
    transaction.on_commit(bump_site_generation)


def watch(*models):
    for model in models:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"cache-{model._meta.label}")
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"cache-del-{model._meta.label}"
        )
