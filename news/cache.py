"""Caching public pages without ever missing a scheduled article.

A cached page is keyed by a site-wide *generation* number that every content save
bumps (so an edit shows at once on every app server sharing the Redis cache), and
it is kept no longer than until the next scheduled article's publish time (so an
article approved for 08:00 appears at 08:00 even on a page cached at 07:59). No
cron job, no worker.

Only anonymous GET/HEAD requests are cached; staff always see fresh pages.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import parameters

GENERATION_KEY = "fedsite:generation"
NEXT_PUBLICATION_KEY = "fedsite:next-publication:{generation}"
PAGE_TIMEOUT = 300  # seconds; edits invalidate at once through the generation
BROWSER_MAX_AGE = 60


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


def seconds_until_next_publication(generation):
    """Seconds until the next scheduled article goes live, or None if none is waiting."""
    from .models import Article

    key = NEXT_PUBLICATION_KEY.format(generation=generation)
    now = timezone.now().timestamp()
    moment = cache.get(key)
    if moment is None or 0 < moment <= now:
        upcoming = (
            Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        moment = upcoming.timestamp() if upcoming else 0
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
    page honours (news.reader). A request with any other parameter (?utm_…, ?x=1,
    ?x=2, …), or with a value its rule refuses (news.parameters), is served fresh
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
    script, text size and contrast (news.reader)."""
    reader = getattr(request, "reader", None)
    return reader.variant if reader else ""
