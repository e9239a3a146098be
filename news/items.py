"""The items of an article list (<li class="article-item">), written in Python.

Every list of articles on the site has these items: the home page's blocks, all
news and a column, an indicator's sources and an article's 相关稿件. They are the
part of a page made again for every request when the rest of the page is kept
(fedsite.kept), and the template engine took longer to write a list of them than
the rest of the request took, so they are written here, once, for every template
({% article_items %}, news_tags) and view.
"""

from functools import lru_cache
from html import escape  # Django's escape is this, behind a check for lazy text

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import article_addresses


def article_items(articles, show_summary=False, show_pin=False, empty_note=False, address=None):
    """The <li> of each article: its title linked (置顶 first when `show_pin` and it is
    pinned), its date, its summary when `show_summary`; "暂无文章。" for no articles
    when `empty_note`. `articles` need id, title, published_at and is_pinned, and
    excerpt for the summary. `address` is article_addresses(), for a caller that
    writes several lists."""
    address = address or article_addresses()
    zone = timezone.get_current_timezone()  # once, not for each date (a context lookup)
    language = get_language()  # 置顶 in it
    html = [
        _item(
            address(article.id),
            article.title,
            article.published_at,
            zone,
            bool(show_pin and article.is_pinned),
            article.excerpt if show_summary else None,
            language,
        )
        for article in articles
    ]
    if not html and empty_note:
        html.append(f"<li>{escape(_('暂无文章。'))}</li>")
    return mark_safe("".join(html))


@lru_cache(maxsize=4096)
def _item(address, title, published_at, zone, pinned, summary, language):
    """One item, kept by what it shows (the same text for the same values): a list
    read again after an edit writes only the items that changed."""
    if published_at is not None:
        when = published_at.astimezone(zone)
        date = f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
        moment = when.isoformat()
    else:
        date = moment = ""
    pin = f'<span class="pin">{escape(_("置顶"))}</span>' if pinned else ""
    if summary is not None:
        summary = f'<p class="article-item__summary">{escape(summary)}</p>'
    return (
        '<li class="article-item">\n'
        f'  <a class="article-item__title" href="{escape(address)}">{pin}{escape(title)}</a>\n'
        f'  <time class="article-item__date" datetime="{moment}">{date}</time>\n'
        f"  {summary or ''}\n</li>\n"
    )


def headlines(pinned, address=None):
    """The home page's 要闻: its newest pinned articles with their summaries, or
    nothing when none is pinned."""
    if not pinned:
        return ""
    heading = escape(_("要闻"))
    items = article_items(pinned, show_summary=True, address=address)
    return mark_safe(
        '<section class="block block--pinned" aria-labelledby="pinned-heading">\n'
        f'  <h2 id="pinned-heading">{heading}</h2>\n'
        f'  <ul class="article-list">{items}</ul>\n'
        "</section>"
    )
