"""Caching public pages without ever missing a scheduled article.

Each public page is stored once per address and reader variant, tagged with the
site-wide *generation* number that every content save bumps and with the moment it
stops being fresh: at most PAGE_TIMEOUT after it was built, and never past the next
scheduled article's publish time. A request reads the generation and its page
together, in one cache round trip (get_many: one MGET on Redis), and the page is
served only if its tag is the current generation and that moment has not come. So an
edit shows on the next request on every app server sharing the Redis cache (no
server keeps anything of its own), an article approved for 08:00 appears at 08:00
even on a page built at 07:59, and nothing runs by cron.

A served page carries an ETag (a hash of the stored body, computed once when it is
stored) and a Last-Modified (when that body was first stored), and a browser or feed
reader that already has it gets 304 Not Modified.

Only anonymous GET/HEAD requests without a session cookie read or fill the cache
(PageCacheMiddleware, near the top of MIDDLEWARE, so a served page skips the
session, CSRF and authentication layers), and a response that sets a cookie, holds
a CSRF token, writes the session, shows flash messages or says private/no-store is
never stored: staff, sessions, drafts and previews never come from or go into the
shared cache.

This module holds the mechanism and knows no content: each app declares in its
AppConfig.ready() which models' saves change public pages (`invalidate_on_save`) and,
for content that goes live by the clock, when that next happens (`changes_at`).
The query parameters pages may read are in fedsite.parameters. `per_generation` keeps
anything else that only a save changes (the footer, the column navigation).
"""

import hashlib
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import parameters
from .reader import preferences_for

GENERATION_KEY = "fedsite:generation"
# The frame generation: bumped by every content save but an article's own (a column,
# the footer, a figure, an attachment, a new rendition, a restore). What an article
# page shows besides its article, its neighbours and the request's own values comes
# from these, so its page kept in parts (news.article_page) is valid while its
# article's updated_at and this number stay the same: an article saved elsewhere
# leaves it standing, where it bumps the site generation and every list with it.
FRAME_KEY = "fedsite:generation:frame"
# (generation, timestamp of the next scheduled change or 0 for none): asked of the apps
# once per generation, read in the same round trip as the page.
SCHEDULE_KEY = "fedsite:schedule"
# One entry per address and variant, overwritten when rebuilt; "v3" names the layout
# of _Page and what it holds (the finished response), so a deploy that changes either
# never reads an entry of the old kind.
PAGE_KEY = "fedsite:page:v3:{digest}"
PAGE_TIMEOUT = 300  # seconds; edits invalidate at once through the generation
BROWSER_MAX_AGE = 60
# Set for each response served (or by the HTTP layer), not stored with the page.
_PER_RESPONSE_HEADERS = {"cache-control", "expires", "etag", "last-modified", "content-length"}

# Functions giving the next moment public pages change by the clock alone (a
# scheduled article going live), or None; registered with `changes_at`.
_SCHEDULES = []


def site_generation():
    """The current generation: one round trip (two more on a fresh cache)."""
    return current_generation(cache.get(GENERATION_KEY))


def frame_generation():
    """The current frame generation (FRAME_KEY), as site_generation()."""
    return current_generation(cache.get(FRAME_KEY), FRAME_KEY)


def current_generation(stored, key=GENERATION_KEY):
    """The generation `key` (stored: its value as read, or None on a fresh cache)."""
    if stored is not None:
        return stored
    # A fresh cache: start from the clock so numbers never repeat after a flush.
    generation = _starting_generation()
    cache.add(key, generation, None)
    return cache.get(key, generation)


def per_generation(key, compute, timeout=PAGE_TIMEOUT, generation_key=GENERATION_KEY, values=None):
    """`compute()`'s value, kept in the cache until the next content save: for what
    many pages show and only a save changes (the site profile, the footer links, the
    column navigation). One round trip when kept (the generation and the value in one
    get_many, or `values`, a get_many the caller made with both keys among its own),
    whichever app server asks. `generation_key=FRAME_KEY` keeps it past an article's
    own save (the footer, the home page's columns). Not for anything that changes by
    the clock (`changes_at`): only the page cache knows the schedule.

    The value is tagged with the generation read *before* computing it, so a save
    committed while it is computed (whose second bump follows its commit) makes the
    tag stale rather than the value."""
    if values is None:
        values = cache.get_many([generation_key, key])
    generation = current_generation(values.get(generation_key), generation_key)
    kept = values.get(key)
    if kept is not None and kept[0] == generation:
        return kept[1]
    value = compute()
    cache.set(key, (generation, value), timeout)
    return value


def bump_site_generation(frame=True):
    """A content change: every page built before it is stale. `frame=False` for an
    article's own save, which leaves the frame generation (FRAME_KEY) as it is."""
    keys = (GENERATION_KEY, FRAME_KEY) if frame else (GENERATION_KEY,)
    together = getattr(cache, "incr_together", None)
    if together is not None:
        # Both or neither (fedsite.cache_backends): between two separate increments a
        # request could read the new site generation with the old frame, and store a
        # page built from a kept rendering of the old data under the new number.
        together(keys, start=_starting_generation)
        return
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not there yet
            current_generation(None, key)
            cache.incr(key)


def _starting_generation():
    return int(timezone.now().timestamp() * 1000)


def _content_changed(sender, **kwargs):
    # Now, so this request's own next page is fresh, and again after the commit, so
    # that no server keeps a page built from the old data in the moment between.
    bump_site_generation()
    transaction.on_commit(bump_site_generation)


def _article_changed(sender, **kwargs):
    bump_site_generation(frame=False)
    transaction.on_commit(lambda: bump_site_generation(frame=False))


def invalidate_on_save(*models, frame=True):
    """Every save or delete of these models changes public pages: bump the generation
    and, unless `frame=False` (an article's own save, whose page is keyed by its
    updated_at besides: news.article_page), the frame generation.

    The whole site, not the pages that show the object, on purpose. What a save
    touches is wide (every page carries the column navigation and the footer; an
    article's page lists its neighbours, 相关稿件 and the figures it reports, 本文数据,
    so a stats value reaches article pages too), and the one narrowing that would pay
    (skipping the save of a draft that never was public) needs the row's previous
    state read atomically with the write: a pre_save read can see "draft" while a
    concurrent publish commits, and then the withdrawn or re-drafted article would
    stay on cached pages. A bump instead costs one rebuild per address on its next
    request, written over the old entry, with no extra round trip."""
    receiver = _content_changed if frame else _article_changed
    for model in models:
        label = model._meta.label
        post_save.connect(receiver, sender=model, dispatch_uid=f"cache-{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"cache-del-{label}")


def changes_at(next_change):
    """Register `next_change()`: the next datetime at which public pages change with
    no save (a scheduled article's publish time), or None. Cached pages expire then."""
    if next_change not in _SCHEDULES:
        _SCHEDULES.append(next_change)


def cache_public_page(view, reads=()):
    """Mark a public view as cacheable for anonymous readers; PageCacheMiddleware
    stores and serves its pages (see module docstring).

    `reads` names the query parameters the view reads, besides ?script= which every
    page honours (fedsite.reader). A request with any other parameter (?utm_…, ?x=1,
    ?x=2, …), or with a value its rule refuses (fedsite.parameters), is served fresh
    and never stored, so junk addresses cannot fill the cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.page_cache_reads = frozenset({"script", *reads})
    return wrapper


class PageCacheMiddleware:
    """Serve and store the pages of views marked with `cache_public_page`.

    It sits near the top of MIDDLEWARE, under the security headers and the static
    files only: a page served from the cache costs the URL match, one cache round
    trip and no session, CSRF, authentication or message work, and what is stored is
    the finished response, as the middleware below it left it (converted to
    traditional script for a 繁體 reader, with every header the page carries), so a
    served page needs no conversion either. Whether a response may be stored is
    decided on that finished response: a CSRF cookie, a session write or a flash
    message set by any layer below keeps it out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _page_key(request)
        if key is None:
            return self.get_response(request)
        # The one round trip of a warm request: the generation, the schedule (needed
        # only to store a page, and small) and the page.
        values = cache.get_many([GENERATION_KEY, SCHEDULE_KEY, key])
        generation = current_generation(values.get(GENERATION_KEY))
        now = timezone.now().timestamp()
        page = values.get(key)
        page = _Page._make(page) if page is not None else None
        if page is None or page.generation != generation or page.fresh_until <= now:
            response = self.get_response(request)
            if not _storable(request, response):
                return response
            moment = _next_change(generation, values.get(SCHEDULE_KEY), now)
            page = _page_of(response, generation, moment, now, previous=page)
            if page.fresh_until > now:
                cache.set(key, tuple(page), PAGE_TIMEOUT)
        # A stored page is sent from its stored form, so the first reader gets the
        # same bytes and headers as every later one (one body, never a feed's chunks).
        return _serve(request, page, now)


def _page_key(request):
    """The cache key of the page this request asks for, or None when the request
    neither reads nor fills the shared cache."""
    if request.method not in {"GET", "HEAD"}:
        return None
    # A session cookie means a browser that has signed in (staff): it neither reads
    # nor fills the shared cache, even once its session has expired. Without one the
    # reader is anonymous (AuthenticationMiddleware finds nobody), known at no cost.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    reads = getattr(match.func, "page_cache_reads", None)
    if reads is None:
        return None
    query = parameters.canonical(request, reads)
    if query is None:
        return None
    # The reader's script, text size and contrast change the page (fedsite.reader).
    variant = preferences_for(request).variant
    # The key is made of checked values in a fixed order, never the raw address.
    digest = hashlib.sha256(
        repr((request.scheme, request.get_host(), request.path, query, variant)).encode()
    ).hexdigest()
    return PAGE_KEY.format(digest=digest)


class _Page(NamedTuple):
    """A stored page (kept in the cache as a plain tuple)."""

    generation: int
    fresh_until: float  # timestamp: PAGE_TIMEOUT after it was built, or the next scheduled change
    etag: str
    last_modified: int  # timestamp, whole seconds
    headers: dict
    body: bytes


def _storable(request, response):
    """Whether the response is the same for every anonymous reader of the address."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # {% csrf_token %} or get_token() put this browser's token in the page
        # (CsrfViewMiddleware sets its cookie too, which the line above sees).
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (hasattr(request, "session") and request.session.modified)
        and not getattr(get_messages(request), "used", False)
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _next_change(generation, kept, now):
    """Timestamp of the next scheduled change, or 0 for none. The kept answer serves
    if it belongs to this generation (a save may have scheduled something sooner)
    and has not passed; else the apps are asked (a query) and the answer kept."""
    if kept is not None and kept[0] == generation and not 0 < kept[1] <= now:
        return kept[1]
    upcoming = [when for when in (change() for change in _SCHEDULES) if when]
    moment = min(upcoming).timestamp() if upcoming else 0
    cache.set(SCHEDULE_KEY, (generation, moment), PAGE_TIMEOUT)
    return moment


def _page_of(response, generation, moment, now, previous):
    body = response.content  # joins a feed's or a CSV's many writes into one body
    digest = hashlib.sha256(body).hexdigest()
    etag = f'"{digest[:32]}"'
    if previous is not None and previous.etag == etag:
        # Rebuilt after a save elsewhere with the same bytes: readers keep their copy.
        last_modified = previous.last_modified
    else:
        # HTTP dates have whole seconds: a date after any this address sent before, so
        # If-Modified-Since never matches other bytes, even twice in one second.
        last_modified = int(now)
        if previous is not None:
            last_modified = max(last_modified, previous.last_modified + 1)
    headers = {
        name: value for name, value in response.items() if name.lower() not in _PER_RESPONSE_HEADERS
    }
    fresh_until = now + PAGE_TIMEOUT
    if moment:
        fresh_until = min(fresh_until, moment)
    return _Page(generation, fresh_until, etag, last_modified, headers, body)


def _serve(request, page, now):
    response = HttpResponse(page.body, headers=page.headers)
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    max_age = max(0, min(BROWSER_MAX_AGE, int(page.fresh_until - now)))
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Cookie"])  # the reader's script, size and contrast
    # 304 Not Modified for If-None-Match (or, without it, If-Modified-Since).
    return get_conditional_response(
        request, etag=page.etag, last_modified=page.last_modified, response=response
    )
