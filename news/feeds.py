"""RSS 2.0 and Atom 1.0 feeds, site-wide and per column.

Each entry carries the full cleaned body (RSS content:encoded, Atom content) with
absolute URLs, the summary as its description, and its cover picture as an
enclosure (RSS <enclosure>, Atom <link rel="enclosure">) for readers that show one.
"""

import functools
import mimetypes
from contextvars import ContextVar
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from fedsite.text import clean_text

from . import positions
from .models import Article
from .sanitize import absolutize_urls

FEED_LENGTH = 20

# The request's site root while a feed is being built. A Feed instance is shared
# by every request, so per-request state must not live on it.
_site_root = ContextVar("site_root", default="")
_traditional = ContextVar("traditional", default=False)


def _xml_safe(value):
    if isinstance(value, list | tuple):
        return type(value)(map(_xml_safe, value))
    return clean_text(value) if isinstance(value, str) else value


@functools.lru_cache(maxsize=512)
def _absolute_body(body, site_root):
    """absolutize_urls, remembered per process: parsing and writing every body again
    was a fifth of a feed's time, and the same (body, site root) always gives the
    same text. An edited body is a new key; 512 bodies are a few MB at most."""
    return absolutize_urls(body, site_root)


class XmlSafeMixin:
    """Text is cleaned on its way into the database (fedsite.text), but a row stored
    before that may still hold a control character XML 1.0 cannot carry; the feed
    leaves it out rather than answering 500 (issue 9, item 9)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_xml_safe(args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*_xml_safe(args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class ContentRssFeed(XmlSafeMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(XmlSafeMixin, Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = ContentRssFeed
    language = "zh-cn"

    def __call__(self, request, *args, **kwargs):
        token = _site_root.set(request.build_absolute_uri("/"))
        reader = getattr(request, "reader", None)
        script = _traditional.set(bool(reader and reader.traditional))
        try:
            response = super().__call__(request, *args, **kwargs)
            # Django writes the XML into the response piece by piece, and a WSGI server
            # sends each piece on its own: join them, so the feed goes out as one body.
            response.content = response.content
            return response
        finally:
            _site_root.reset(token)
            _traditional.reset(script)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The text is converted to traditional script on the way out (fedsite.reader);
        # the declared language follows.
        feed.feed["language"] = "zh-hant" if _traditional.get() else self.language
        return feed

    def title(self):
        return settings.SITE_NAME

    def description(self):
        return _("%(site)s最新发布的新闻") % {"site": settings.SITE_NAME}

    def link(self):
        return reverse("news:home")

    def items(self):
        return Article.objects.live().select_related("column")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt

    def item_enclosures(self, item):
        if not item.cover:
            return []
        try:
            length = item.cover.size
        except (OSError, SuspiciousFileOperation):
            # The file has gone from storage: the entry goes out without a picture
            # rather than the whole feed failing.
            return []
        mime_type = mimetypes.guess_type(item.cover.name)[0] or "application/octet-stream"
        url = urljoin(_site_root.get(), item.cover.url)
        return [Enclosure(url, str(length), mime_type)]

    def item_extra_kwargs(self, item):
        return {"content": _absolute_body(item.body, _site_root.get())}

    # Dates in Beijing time (+0800), as the site shows them, rather than UTC.
    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(item.updated_at)

    def item_author_name(self, item):
        return item.author or item.source or None

    def item_categories(self, item):
        return [item.column.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ContentAtomFeed
    subtitle = LatestArticlesFeed.description


class ColumnFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        # From the cached navigation (news.positions) rather than a query of its own.
        column = positions.ranking().column(slug)
        if column is None:
            raise Http404
        return column

    def title(self, column):
        return f"{settings.SITE_NAME} - {column.name}"

    def description(self, column):
        return column.description or _("%(site)s %(column)s栏目最新发布") % {
            "site": settings.SITE_NAME,
            "column": column.name,
        }

    def link(self, column):
        return column.get_absolute_url()

    def items(self, column):
        return Article.objects.live().in_column(column).select_related("column")[:FEED_LENGTH]


class ColumnAtomFeed(ColumnFeed):
    feed_type = ContentAtomFeed
    subtitle = ColumnFeed.description
