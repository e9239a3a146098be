"""Pages kept in parts: rendered once with markers, filled in per request (issue 11).

Some public pages are the same for every reader of one variant (fedsite.reader) but
for a few values: the address they are asked at (scheme, host, path and query) and
what changes with every article published (the newest articles on the home page,
an article's previous, next and related articles, its 阅读量). Such a page is
rendered through its template once, with a marker wherever one of these goes, and
the rendering, cut at the markers, is kept in the cache. A request then fills the
markers in: its own address, and the parts its view made (HTML written without the
template engine, which cost more than the rest of the request).

What a kept rendering was made from is in its tag: the frame generation
(fedsite.cache: every content save but an article's own), the view's own stamp (an
article's updated_at), and in the key the release (the templates and the static
files' manifest this process serves with: a deploy never reads the old renderings).
Reading it costs one cache round trip, with the frame generation; the page cache
(fedsite.cache.PageCacheMiddleware) may keep the filled page besides, by the site
generation, as it keeps any other.

The rendering sees an anonymous reader with no flash messages, whoever asked first,
and may not ask for a CSRF token: every reader gets it. The test that compares each
kept page with the page rendered from the request holds the templates to this.
"""

import hashlib
import os
import re
import secrets
from functools import cache as once
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.template.defaultfilters import urlencode
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .cache import FRAME_KEY, current_generation, per_generation

# Kept an hour at most, which bounds what the cache holds to the pages read in an
# hour (an article's rendering is about 13 KB); a page read again is rendered again.
KEPT_TIMEOUT = 60 * 60
KEPT_KEY = "fedsite:kept:{release}:{name}:{variant}"

# A marker is letters, digits and colons: HTML escaping and JSON leave it as it is,
# and |urlencode writes its colons as %3A, so the filling knows to encode the value
# too. The token is new in each process, so no stored text can contain one.
_TOKEN = secrets.token_hex(8)
_MARKER = re.compile(rf"fs{_TOKEN}(:|%3A)([a-z0-9_]+)(?:\1)")
_ENCODED = "%3A"


def marker(name):
    """Where the value `name` of `fills` goes in a kept page (a-z, 0-9 and _)."""
    return mark_safe(f"fs{_TOKEN}:{name}:")


def page(request, name, render, fills, stamp=None):
    """The page `name` for this request, as HTML text (see Lookup.page)."""
    return lookup(request, name).page(render, fills, stamp)


def lookup(request, name, also=()):
    """What is kept of the page `name` for this request, read with the frame
    generation and the cache keys `also` in one round trip (Lookup.values: a page
    that needs a kept value before it can make its fills asks for it here)."""
    key = KEPT_KEY.format(release=_release(), name=name, variant=request.reader.variant)
    return Lookup(request, key, cache.get_many([FRAME_KEY, key, *also]))


class Lookup:
    def __init__(self, request, key, values):
        self.request, self.key, self.values = request, key, values

    def per_frame(self, key, compute):
        """The value kept under `key` (one of `also`) for this frame generation, or
        compute()'s, kept for the next request: for what a page needs before its
        fills and only the frame changes (the home page's columns)."""
        return per_generation(key, compute, KEPT_TIMEOUT, FRAME_KEY, values=self.values)

    def page(self, render, fills, stamp=None):
        """The page as HTML text. `render(marked_request)` renders it whole (its
        template given marked_request as its request and `marker(...)` where each
        value of `fills` goes); it runs when nothing is kept for this release,
        variant, frame generation and `stamp`, and may return None for a page that
        is no longer there (then so does this). `fills` gives, for this request,
        the HTML of each marker the view placed."""
        frame = current_generation(self.values.get(FRAME_KEY), FRAME_KEY)
        kept = self.values.get(self.key)
        values = _address_values(self.request) | fills
        if kept is not None and kept[0] == frame and kept[1] == stamp:
            try:
                return _fill(kept[2], values)
            except KeyError:
                # Rendered before a change this request already sees, in the moment
                # between a save's two bumps (a column removed): render it again.
                pass
        kept = _render(self.request, render, frame)
        if kept is None:
            return None
        cache.set(self.key, kept, KEPT_TIMEOUT)
        return _fill(kept[2], values)


def _render(request, render, frame):
    """(frame, stamp, pieces): the rendering cut at the markers into text and (name,
    encoded) between. The stamp is what render() read, through the marked request."""
    marked = _MarkedRequest(request)
    html = render(marked)
    if html is None:
        return None
    if marked.asked_for_csrf_token:
        raise ImproperlyConfigured(
            "A kept page asked for a CSRF token: a page every reader gets cannot hold "
            "one browser's token."
        )
    found = _MARKER.split(html)
    # split() gives text, separator, name, text, …: keep (name, encoded) pairs.
    pieces = [found[0]]
    for index in range(1, len(found), 3):
        pieces.append((found[index + 1], found[index] == _ENCODED))
        pieces.append(found[index + 2])
    return (frame, marked.stamp, tuple(pieces))


def _fill(pieces, values):
    """Each marker's value written as the template would have: through |urlencode
    where the marker went through it, HTML as it is, text escaped."""
    filled, written = list(pieces), {}
    for index in range(1, len(filled), 2):
        place = filled[index]
        text = written.get(place)
        if text is None:  # the host is in a page ten times: written once
            name, encoded = place
            value = values[name]
            text = written[place] = urlencode(value) if encoded else conditional_escape(value)
        filled[index] = text
    return "".join(filled)


def _address_values(request):
    return {
        "scheme": request.scheme,
        "host": request.get_host(),  # checked against ALLOWED_HOSTS
        "path": request.path,
        "full_path": request.get_full_path(),
        "absolute": request.build_absolute_uri(),
    }


class _MarkedRequest:
    """The request as a kept rendering sees it: its address as markers, an anonymous
    reader with no flash messages, and otherwise its own (the reader's preferences,
    the URL match). `stamp` is for render() to set: what the rendering was made
    from besides the frame (an article's updated_at, read with the article)."""

    _messages = ()
    # What a rendering may read of the request itself: nothing of one reader's
    # (cookies, session, query), which would end up in every reader's page.
    _SHARED = frozenset({"method", "reader", "resolver_match", "urlconf", "LANGUAGE_CODE"})
    # Of META, not the reader's cookies, nor what CSRF middleware put there from them.
    _PRIVATE_META = frozenset({"HTTP_COOKIE", "CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE"})

    def __init__(self, request):
        self._request = request
        self.user = AnonymousUser()
        self.stamp = None
        # Its own copy, to see whether the rendering asked for a CSRF token
        # (get_token marks it here).
        self.META = {k: v for k, v in request.META.items() if k not in self._PRIVATE_META}

    def __getattr__(self, name):
        if name in self._SHARED:
            return getattr(self._request, name)
        raise AttributeError(f"a kept page cannot read request.{name}: it is every reader's")

    @property
    def asked_for_csrf_token(self):
        return bool(self.META.get("CSRF_COOKIE_NEEDS_UPDATE"))

    @property
    def scheme(self):
        return marker("scheme")

    @property
    def path(self):
        return marker("path")

    def get_host(self):
        return marker("host")

    def get_full_path(self, force_append_slash=False):
        return marker("full_path")

    def build_absolute_uri(self, location=None):
        if location is None:
            return marker("absolute")
        request = self._request
        url = request.build_absolute_uri(location)
        origin = f"{request.scheme}://{request.get_host()}"
        if url.startswith(origin + "/"):
            return f"{marker('scheme')}://{marker('host')}{url[len(origin) :]}"
        return url  # elsewhere (pictures on object storage)


@once
def _release():
    """A digest of what renderings are made with: the templates, the translations,
    the project's Python code, the static files' manifest and FEDSITE_RELEASE if the
    deploy names one. Kept renderings of another release are never read. Computed
    when the site starts (fedsite.apps), before any template is loaded, so a worker
    started before a deploy keeps the digest of the files it rendered with."""
    digest = hashlib.sha256(os.environ.get("FEDSITE_RELEASE", "").encode())
    base = Path(settings.BASE_DIR)
    sources = [(Path(folder), "*") for folder in settings.TEMPLATES[0]["DIRS"]]
    sources += [(Path(folder), "*.mo") for folder in settings.LOCALE_PATHS]
    # The project's own apps (folders at the top of the repository), not the
    # installed packages.
    sources += [
        (Path(config.path), "*.py")
        for config in apps.get_app_configs()
        if Path(config.path).parent == base
    ]
    for folder, pattern in sources:
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def release():
    """The release digest (_release), for fedsite.apps to compute at start."""
    return _release()
