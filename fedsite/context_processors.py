from django.conf import settings

from .cache import FRAME_KEY, per_generation
from .models import ExternalLink, SiteProfile
from .reader import Preferences


def site(request):
    """The site's name and particulars, and the reader's preferences, on every page
    (the column navigation comes from news.context_processors). Nothing is fetched
    until a template uses it."""
    footer = _Lazy(_footer)
    return {
        "site_name": settings.SITE_NAME,
        "site_full_name": settings.SITE_FULL_NAME,
        "admin_path": settings.ADMIN_PATH,
        "site_profile": _Lazy(lambda: footer._get()[0]),
        "footer_links": _Lazy(lambda: footer._get()[1]),
        "reader": getattr(request, "reader", Preferences()),
    }


def _footer():
    """The site profile and footer links: the same on every page and rarely edited,
    so kept in the cache until the next change of the frame (fedsite.cache): an
    article's save leaves them standing."""
    return per_generation(
        "fedsite:footer",
        lambda: (SiteProfile.current(), list(ExternalLink.objects.all())),
        60 * 60,
        generation_key=FRAME_KEY,
    )


class _Lazy:
    """Evaluates `load` on first use only, so a page without a footer asks nothing."""

    def __init__(self, load):
        self._load = load
        self._value = None
        self._loaded = False

    def _get(self):
        if not self._loaded:
            self._value, self._loaded = self._load(), True
        return self._value

    def __getattr__(self, name):
        return getattr(self._get(), name)

    def __iter__(self):
        return iter(self._get())

    def __bool__(self):
        return bool(self._get())

    def __len__(self):
        return len(self._get())
