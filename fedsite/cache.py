"""Caching public pages without ever missing a scheduled article.

A cached page is keyed by a site-wide *generation* number that every content save
bumps (so an edit shows at once on every app server sharing the Redis cache), and
it is kept no longer than until the next scheduled article's publish time (so an
article approved for 08:00 appears at 08:00 even on a page cached at 07:59). No
cron job, no worker.

Only anonymous GET/HEAD requests are cached; staff always see fresh pages.

This module holds the mechanism and knows no content: each app declares in its
AppConfig.ready() which models' saves change public pages (`invalidate_on_save`) and,
for content that goes live by the clock, when that next happens (`changes_at`).
The query parameters pages may read are in fedsite.parameters.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import parameters

GENERATION_KEY = "fedsite:generation"
NEXT_PUBLICATION_KEY = "fedsite:next-publication:{generation}"
PAGE_TIMEOUT = 300  # seconds; edits invalidate at once through the generation
BROWSER_MAX_AGE = 60

# Functions giving the next moment public pages change by the clock alone (a
# scheduled article going live), or None; registered with `changes_at`.
_SCHEDULES = []


def site_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh cache: start from the clock so numbers never repeat after a flush.
        generation = int(timezone.now().timestamp() * 1000)
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def bump_site_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet
        site_generation()
        cache.incr(GENERATION_KEY)


def _content_changed(sender, **kwargs):
    # Now, so this request's own next page is fresh, and again after the commit, so
    # that no server keeps a page built from the old data in the moment between.
    bump_site_generation()
    transaction.on_commit(bump_site_generation)


def invalidate_on_save(*models):
    """Every save or delete of these models changes public pages: bump the generation."""
    for model in models:
        label = model._meta.label
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"cache-{label}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"cache-del-{label}")


def changes_at(next_change):
    """Register `next_change()`: the next datetime at which public pages change with
    no save (a scheduled article's publish time), or None. Cached pages expire then."""
    if next_change not in _SCHEDULES:
        _SCHEDULES.append(next_change)


def seconds_until_next_publication(generation):
    """Seconds until the next scheduled change goes live, or None if none is waiting."""
    key = NEXT_PUBLICATION_KEY.format(generation=generation)
    now = timezone.now().timestamp()
    moment = cache.get(key)
    if moment is None or 0 < moment <= now:
        upcoming = [when for when in (change() for change in _SCHEDULES) if when]
        moment = min(upcoming).timestamp() if upcoming else 0
        cache.set(key, moment, PAGE_TIMEOUT)
    if not moment:
        return None
    return moment - now


def page_timeout(generation):
    remaining = seconds_until_next_publication(generation)
    if remaining is None:
        return PAGE_TIMEOUT
    return max(0, min(PAGE_TIMEOUT, int(remaining)))


def cache_public_page(view, reads=()):
    """Cache a public view's response for anonymous readers (see module docstring).

    `reads` names the query parameters the view reads, besides ?script= which every
    page honours (fedsite.reader). A request with any other parameter (?utm_…, ?x=1,
    ?x=2, …), or with a value its rule refuses (fedsite.parameters), is served fresh
    and never stored, so junk addresses cannot fill the cache."""
    names = {"script", *reads}

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        query = parameters.canonical(request, names)
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated or query is None:
            return view(request, *args, **kwargs)
        generation = site_generation()
        # The key is made of checked values in a fixed order, never the raw address.
        digest = hashlib.sha256(
            repr((request.get_host(), request.path, query, _variant(request))).encode()
        ).hexdigest()
        key = f"fedsite:page:{generation}:{digest}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            timeout = page_timeout(generation)
            if response.status_code == 200 and timeout > 0 and not response.cookies:
                cache.set(key, response, timeout)
        timeout = page_timeout(generation)
        patch_cache_control(response, public=True, max_age=min(BROWSER_MAX_AGE, timeout))
        return response

    return wrapper


def _variant(request):
    """Request properties that change a page besides its address: the reader's
    script, text size and contrast (fedsite.reader)."""
    reader = getattr(request, "reader", None)
    return reader.variant if reader else ""
