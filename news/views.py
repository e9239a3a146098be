import base64
import io
from collections import defaultdict
from functools import lru_cache, partial
from types import MappingProxyType
from urllib.parse import urlencode

import segno
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from fedsite import kept, parameters

from . import article_page, positions
from .forms import SearchForm
from .highlight import has_match, highlight, snippet
from .items import article_items, headlines
from .models import Article, article_addresses
from .search import parse_query, result_page

HOME_PINNED = 5
HOME_LATEST = 10
HOME_PER_COLUMN = 6


HOME_COLUMNS_KEY = "news:home:columns"  # (frame generation, the columns' ids in order)


def home(request):
    # The lists change with every article published; the rest of the page only with
    # the frame: a kept page (fedsite.kept) whose lists are filled in per request.
    # One cache round trip for the kept page and the columns it has a block for.
    kept_page = kept.lookup(request, "home", also=[HOME_COLUMNS_KEY])
    columns = kept_page.per_frame(
        HOME_COLUMNS_KEY, lambda: [column.pk for column in positions.ranking().columns]
    )
    lists = home_lists(columns)
    render = partial(render_home, columns=columns, lists=dict.fromkeys(lists))
    return HttpResponse(kept_page.page(render, lists))


def home_lists(columns):
    """The HTML of the home page's lists, by the name of their place in the page, for
    the columns of these ids."""
    # The newest of all news and of every column in one query, each part a short scan
    # of a position index (news.positions), so the page reads about as many rows as
    # it shows however many articles there are. The headlines (要闻, the newest pinned
    # of all columns) are among them: a column's pinned articles lead its order.
    rows = Article.objects.newest_listed(columns, HOME_LATEST, HOME_PER_COLUMN)
    # What the lists are written from besides the rows: the language, the time zone
    # and the addresses' prefix.
    setting = (get_language(), timezone.get_current_timezone_name(), get_script_prefix())
    return _lists_of(tuple(rows), tuple(columns), setting)


@lru_cache(maxsize=16)
def _lists_of(rows, columns, setting):
    """The lists written from the rows the query read (every request reads them): the
    same rows give the same HTML, so the last few are kept by the rows themselves,
    and a list read after an edit is written again once."""
    rows = {row.id: row for row in rows}.values()  # in all news and in its column
    newest_first = sorted(rows, key=lambda a: (a.published_at, a.id), reverse=True)
    by_column = defaultdict(list)
    for article in sorted(rows, key=lambda a: (a.is_pinned, a.published_at, a.id), reverse=True):
        if len(by_column[article.column_id]) < HOME_PER_COLUMN:
            by_column[article.column_id].append(article)
    pinned = [article for article in newest_first if article.is_pinned][:HOME_PINNED]
    address = article_addresses()
    lists = {
        "pinned_section": headlines(pinned, address),
        "latest": article_items(newest_first[:HOME_LATEST], empty_note=True, address=address),
    }
    for column in columns:
        lists[f"column_{column}"] = article_items(
            by_column[column], show_pin=True, empty_note=True, address=address
        )
    return MappingProxyType(lists)  # shared by the requests that read the same rows


def render_home(request, columns, lists):
    """The home page for the columns of these ids, with the given HTML of each list
    (`lists`, as home_lists() makes them), or where a list's value is None, its
    kept page marker."""
    items = {name: kept.marker(name) if html is None else html for name, html in lists.items()}
    by_id = positions.ranking().column_by_id  # the navigation's, cached
    context = {
        "pinned_section": items["pinned_section"],
        "latest_items": items["latest"],
        "column_blocks": [(by_id[pk], items[f"column_{pk}"]) for pk in columns if pk in by_id],
    }
    return render_to_string("news/home.html", context, request)


class ArticleListView(ListView):
    """All news, newest first, 20 a page. ?page=abc or a page past the end is a 404.

    Page N is a range of positions (news.positions): the deepest page costs what
    the first does, and the number of pages needs no COUNT(*)."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.ranking = positions.ranking()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_order(self):
        return self.ranking.all_news

    def get_paginator(self, queryset, per_page, **kwargs):
        now = timezone.now()
        return positions.PositionPaginator(queryset, per_page, self.get_order(), now, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # ?page= by the rule the page cache shares (fedsite.parameters); Django's own
        # reading would take ?page=٣ as 3 and ?page=last as a page.
        self.kwargs[self.page_kwarg] = parameters.read(self.request, "page", default=1)
        return super().paginate_queryset(queryset, page_size)


class ColumnArticleListView(ArticleListView):
    """One column: pinned first, then newest first."""

    def get(self, request, *args, **kwargs):
        self.ranking = positions.ranking()
        self.column = self.ranking.column(kwargs["slug"])
        if self.column is None:
            raise Http404
        return super(ArticleListView, self).get(request, *args, **kwargs)

    def get_order(self):
        return self.ranking.by_column[self.column.pk]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            column=self.column, current_column_slug=self.column.slug, **kwargs
        )


def article_detail(request, pk):
    # No counting here: the page is cached for anonymous readers, and each reading
    # is counted by the image it loads (article_reading). Kept in parts and filled
    # per request (news.article_page).
    return article_page.response(request, pk)


# A transparent 1×1 GIF. The reading counter is an image, so it counts without
# JavaScript and under a Content-Security-Policy that allows no inline script.
READING_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@require_GET
@never_cache
def article_reading(request, pk):
    """阅读量: count one reading of a live article. The article page, served from the
    page cache to anonymous readers, loads this image on every view; no one may
    cache it. One UPDATE adding 1 in the database, so concurrent readers are never
    lost; drafts and previews are not counted (the preview has no such image)."""
    counted = Article.objects.live().filter(pk=pk).update(view_count=F("view_count") + 1)
    if not counted:
        raise Http404
    return HttpResponse(READING_PIXEL, content_type="image/gif")


@require_GET
def article_qr(request, pk):
    """扫一扫在手机打开当前页: a QR code of the article's address, drawn here as SVG
    (no third-party service sees who reads what)."""
    article = get_object_or_404(Article.objects.live(), pk=pk)
    url = request.build_absolute_uri(article.get_absolute_url())
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=4, border=2, dark="#000", light="#fff", title=_("本文二维码")
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


SEARCH_PAGE_SIZE = 20
SEARCH_MAX_RESULTS = 1000  # browsable; a reader narrows the query rather than paging on


@require_GET
def search(request):
    """/search/?q=...&column=<slug>&year=<yyyy>&page=<n>. Any input gives a normal
    page: an empty or punctuation-only query shows the form, a page past the end
    is a 404."""
    form = SearchForm(request.GET or None)
    ranking = positions.ranking()
    # The column filter's options from the cached navigation rather than a query.
    column_field = form.fields["column"]
    column_field.choices = [("", column_field.empty_label)] + [
        (column.slug, column.name) for column in ranking.columns
    ]
    query = parse_query(form.cleaned_data["q"] if form.is_valid() else "")
    page = None
    if query:
        column, year = form.cleaned_data.get("column"), form.cleaned_data.get("year")
        articles = Article.objects.live()
        # How many articles the search looks through, from the lists' positions when
        # they know it (all news, a column), else counted by the search if it needs it.
        scope = None
        if column:
            articles = articles.in_column(column)
            order = ranking.by_column.get(column.pk)
            scope = order.count if order else None
        else:
            scope = ranking.all_news.count
        if year:
            articles = articles.filter(published_at__year=year)
            scope = None
        number = parameters.read(request, "page", default=1)
        page = result_page(
            articles, query, number, SEARCH_PAGE_SIZE, SEARCH_MAX_RESULTS, scope=scope
        )
        if page is None or (number > 1 and not page.articles):
            raise Http404
        for article in page.articles:
            article.title_html = highlight(article.title, query)
            # The summary if the words are in it, else the stretch of body that has them.
            source = article.summary if has_match(article.summary, query) else article.body_text
            article.snippet_html = snippet(source, query)
    # The links to other pages keep the query and filters, cleaned, never echoed raw.
    base_query = ""
    if query:
        kept = {"q": query.typed}
        if form.cleaned_data.get("column"):
            kept["column"] = form.cleaned_data["column"].slug
        if form.cleaned_data.get("year"):
            kept["year"] = form.cleaned_data["year"]
        base_query = urlencode(kept) + "&"
    context = {"form": form, "query": query, "page": page, "base_query": base_query}
    return render(request, "news/search.html", context)
