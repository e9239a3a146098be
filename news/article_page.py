"""The public article page, kept in parts and filled in per request (issue 11).

An article's page is the same for every reader of one variant but for its address,
its 阅读量 and its links to the previous, next and related articles of its column,
which change whenever another article of the column is published. So it is a kept
page (fedsite.kept): rendered once through its one template with markers for these,
tagged with the frame generation and the article's updated_at (every save of the
article sets it), and filled in from one query per request (the article's row with
its neighbours and related articles: ArticleQuerySet.reading). A save of another
article leaves the rendering standing (it bumps the site generation, which the lists
and the page cache follow, not the frame); a save of this one, or of anything in the
frame (its column, an attachment, a figure, the footer), makes the next request
render it again, on whichever app server.

Previews (drafts, scheduled, withdrawn; staff only) are rendered whole every time
and never kept.
"""

from functools import partial
from html import escape  # Django's escape is this, behind a check for lazy text

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from fedsite import kept

from .items import article_items
from .models import Article, article_addresses
from .workflow import can_preview

RELATED_COUNT = 5


def response(request, pk):
    """The article page: kept and filled in for a live article, rendered whole as a
    preview for staff, else 404."""
    found = Article.objects.reading(pk, RELATED_COUNT)
    if found is None:
        raise Http404
    if not found.article.is_live():
        return _preview(request, pk, found)
    fills = {
        "view_count": str(found.article.view_count),
        "links": _links(found.previous, found.next, found.related),
    }
    render = partial(_render_kept, pk)
    html = kept.page(request, f"article:{pk}", render, fills, stamp=found.article.updated_at)
    if html is None:  # withdrawn between the two queries
        raise Http404
    return HttpResponse(html)


def _render_kept(pk, marked_request):
    article = _full_article(pk)
    if article is None or not article.is_live():
        return None
    marked_request.stamp = article.updated_at
    article.view_count = kept.marker("view_count")
    return _render(marked_request, article, kept.marker("links"), preview=False)


def _render(request, article, links, preview):
    """The page, through the one template every article page uses."""
    context = {
        "article": article,
        "preview": preview,
        "current_column_slug": article.column.slug,
        "attachments": article.attachments.all(),
        # The work figures this article reports (stats app), one query.
        "figures": article.cited_values.select_related("indicator").order_by(
            "indicator__group__order", "indicator__order", "indicator_id"
        ),
        "article_links": links,
    }
    return render_to_string("news/article_detail.html", context, request)


def _links(previous, following, related):
    """The links to the previous, next and related articles: the one part of the page
    made for every request, so written here rather than through the template engine,
    which took 0.6 ms for these few lines, a third of the whole request."""
    address = article_addresses()
    html = [f'<nav class="article-nav" aria-label="{escape(_("上一篇和下一篇"))}">\n']
    for label, row in ((_("上一篇"), previous), (_("下一篇"), following)):
        if row is None:
            link = escape(_("没有了"))
        else:
            link = f'<a href="{escape(address(row.id))}">{escape(row.title)}</a>'
        html.append(f"  <p>{escape(label)}：{link}</p>\n")
    html.append("</nav>\n")
    if related:
        heading = escape(_("相关稿件"))
        html.append(
            '<section class="related" aria-labelledby="related-heading">\n'
            f'  <h2 id="related-heading">{heading}</h2>\n  <ul class="article-list">'
            f"{article_items(related)}</ul>\n</section>\n"
        )
    return mark_safe("".join(html))


def _full_article(pk):
    # The body and the rest the page shows; not the search index columns.
    articles = Article.objects.select_related("column").defer(
        "body_text", "search_index", "title_index"
    )
    return articles.filter(pk=pk).first()


def _preview(request, pk, found):
    if not can_preview(request.user):
        # Drafts, withdrawn and scheduled articles do not exist for the public.
        raise Http404
    article = _full_article(pk)
    if article is None:
        raise Http404
    page = HttpResponse(render_whole(request, article, found, preview=True))
    # A staff preview must never be stored by a browser or a shared cache.
    add_never_cache_headers(page)
    return page


def render_whole(request, article, found, preview=False):
    """The page rendered from the request in one go, as a preview is (and as the
    kept parts, filled in, must give to the byte): `found` is the article's Reading."""
    links = _links(found.previous, found.next, [] if preview else found.related)
    return _render(request, article, links, preview)
