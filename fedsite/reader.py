"""Reader preferences: 简/繁 script, larger text (适老化) and high contrast.

The choice lives in one cookie and works without JavaScript: the switches are
plain links to `preferences`, which sets the cookie and sends the reader back.
Traditional script is produced on the server with OpenCC's phrase-level `s2tw`
conversion (发展/头发 become 發展/頭髮, not a character-by-character guess), for any
public page and, on request (?script=hant), for the feeds.

s2tw still guesses wrong on the federation's own words: it reads 联系 in 全市妇联系统
as one word (婦聯繫統) and writes 新征程 as 新徵程 (issue 13). The words listed in
繁体用词 (TraditionalPhrase, edited by staff in the admin) are written as listed, and
the text between them is converted by s2tw as before. A change to the list bumps
the page cache's generation and forgets the cached list (fedsite.apps), so cached
繁體 pages follow at once.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

COOKIE = "fedsite_reader"
COOKIE_AGE = 365 * 24 * 60 * 60
SCRIPTS = ("hans", "hant")
SIZES = ("normal", "large", "xlarge")
CONTRASTS = ("normal", "high")
# Pages and feeds; not the open-data exports, which stay in the canonical script.
CONVERTIBLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "text/xml")


@dataclass(frozen=True)
class Preferences:
    script: str = "hans"
    size: str = "normal"
    contrast: str = "normal"

    @classmethod
    def from_cookie(cls, value):
        parts = (value or "").split(".")
        script, size, contrast = (parts + ["", "", ""])[:3]
        return cls(
            script=script if script in SCRIPTS else "hans",
            size=size if size in SIZES else "normal",
            contrast=contrast if contrast in CONTRASTS else "normal",
        )

    def as_cookie(self):
        return f"{self.script}.{self.size}.{self.contrast}"

    @property
    def traditional(self):
        return self.script == "hant"

    @property
    def lang(self):
        return "zh-Hant" if self.traditional else "zh-Hans"

    @property
    def html_class(self):
        return f"size-{self.size} contrast-{self.contrast}"

    @property
    def variant(self):
        """What a cached page depends on besides its address."""
        return self.as_cookie()


@lru_cache(maxsize=1)
def _to_traditional():
    return opencc.OpenCC("s2tw")


PHRASES_KEY = "fedsite:traditional-phrases"
PHRASES_TIMEOUT = 300  # seconds; a save of the list forgets it at once (fedsite.apps)


def traditional_phrases():
    """{simplified: traditional} of the 繁体用词 list, from the cache (one round trip;
    a query when the list changed)."""
    from .models import TraditionalPhrase  # (this module is imported before the models)

    phrases = cache.get(PHRASES_KEY)
    if phrases is None:
        phrases = dict(TraditionalPhrase.objects.values_list("simplified", "traditional"))
        cache.set(PHRASES_KEY, phrases, PHRASES_TIMEOUT)
    return phrases


def forget_traditional_phrases(**kwargs):
    """After a save of the list: now, and again after the commit, so that no
    request that read the list before the commit keeps it."""
    cache.delete(PHRASES_KEY)
    transaction.on_commit(lambda: cache.delete(PHRASES_KEY))


@lru_cache(maxsize=8)
def _phrase_pattern(simplified):
    # Longest first: at any place the longest listed word wins (妇联系统 over 妇联).
    ordered = sorted(simplified, key=lambda phrase: (-len(phrase), phrase))
    return re.compile("|".join(re.escape(phrase) for phrase in ordered))


def to_traditional(text, phrases=None):
    """`text` in traditional script: each listed phrase as listed, the text between
    them by s2tw. `phrases`: {simplified: traditional}, the 繁体用词 list if None."""
    phrases = traditional_phrases() if phrases is None else phrases
    convert = _to_traditional().convert
    if not phrases:
        return convert(text)
    pieces = []
    done = 0
    for match in _phrase_pattern(frozenset(phrases)).finditer(text):
        pieces.append(convert(text[done : match.start()]))
        pieces.append(phrases[match.group()])
        done = match.end()
    pieces.append(convert(text[done:]))
    return "".join(pieces)


def preferences_for(request):
    prefs = Preferences.from_cookie(request.COOKIES.get(COOKIE))
    # A feed reader cannot keep a cookie: ?script=hant asks for one response only.
    if request.GET.get("script") in SCRIPTS:
        prefs = Preferences(request.GET["script"], prefs.size, prefs.contrast)
    return prefs


class ReaderPreferencesMiddleware:
    """Attach the reader's preferences to the request; convert public responses
    to traditional script when asked. The admin is never converted."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH.strip("/") + "/"

    def __call__(self, request):
        request.reader = preferences_for(request)
        response = self.get_response(request)
        if request.reader.traditional and self._convertible(request, response):
            charset = response.charset or "utf-8"
            response.content = to_traditional(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

    def _convertible(self, request, response):
        return (
            not getattr(response, "streaming", False)
            and not request.path.startswith(self.admin_prefix)
            and not response.has_header("Content-Disposition")
            and response.get("Content-Type", "").split(";")[0].strip() in CONVERTIBLE_TYPES
        )


@require_GET
def preferences(request):
    """Set one preference (?script=, ?size=, ?contrast=) and go back to ?next=."""
    current = Preferences.from_cookie(request.COOKIES.get(COOKIE))
    chosen = Preferences(
        script=request.GET.get("script", current.script),
        size=request.GET.get("size", current.size),
        contrast=request.GET.get("contrast", current.contrast),
    )
    chosen = Preferences.from_cookie(chosen.as_cookie())  # drops anything unknown
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        COOKIE,
        chosen.as_cookie(),
        max_age=COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
