import io
from collections import defaultdict
from urllib.parse import urlencode

import segno
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from fedsite import parameters

from .forms import SearchForm
from .models import Article, Column
from .search import has_match, highlight, parse_query, result_page, snippet
from .workflow import can_preview

RELATED_COUNT = 5

HOME_PINNED = 5
HOME_LATEST = 10
HOME_PER_COLUMN = 6


def home(request):
    columns = list(Column.objects.all())
    live = Article.objects.live().for_listing()
    # The newest few of every column in one query (a window function), so the home
    # page costs the same number of queries however many columns there are.
    ranked = live.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("column_id")],
            order_by=[F("is_pinned").desc(), F("published_at").desc(), F("id").desc()],
        )
    ).filter(rank__lte=HOME_PER_COLUMN)
    by_column = defaultdict(list)
    for article in ranked.order_by("column_id", "rank"):
        by_column[article.column_id].append(article)
    return render(
        request,
        "news/home.html",
        {
            "pinned": live.filter(is_pinned=True)[:HOME_PINNED],
            "latest": live[:HOME_LATEST],
            "column_blocks": [(column, by_column[column.id]) for column in columns],
            "nav_columns": columns,
        },
    )


class ArticleListView(ListView):
    """All news, newest first, 20 a page. ?page=abc or a page past the end is a 404."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.live().for_listing()

    def paginate_queryset(self, queryset, page_size):
        # ?page= by the rule the page cache shares (fedsite.parameters); Django's own
        # reading would take ?page=٣ as 3 and ?page=last as a page.
        self.kwargs[self.page_kwarg] = parameters.read(self.request, "page", default=1)
        return super().paginate_queryset(queryset, page_size)


class ColumnArticleListView(ArticleListView):
    """One column: pinned first, then newest first."""

    def get(self, request, *args, **kwargs):
        self.column = get_object_or_404(Column, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().in_column(self.column).pinned_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            column=self.column, current_column_slug=self.column.slug, **kwargs
        )


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("column"), pk=pk)
    preview = not article.is_live()
    if preview and not can_preview(request.user):
        # Drafts, withdrawn and scheduled articles do not exist for the public.
        raise Http404
    if not preview:
        article.register_view()
    previous, following = article.neighbours()
    response = render(
        request,
        "news/article_detail.html",
        {
            "article": article,
            "preview": preview,
            "previous": previous,
            "next": following,
            "current_column_slug": article.column.slug,
            "attachments": article.attachments.all(),
            "related": article.related()[:RELATED_COUNT] if not preview else [],
            # The work figures this article reports (stats app), one query.
            "figures": article.cited_values.select_related("indicator").order_by(
                "indicator__group__order", "indicator__order", "indicator_id"
            ),
        },
    )
    if preview:
        # A staff preview must never be stored by a browser or a shared cache.
        add_never_cache_headers(response)
    return response


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
    query = parse_query(form.cleaned_data["q"] if form.is_valid() else "")
    page = None
    if query:
        articles = Article.objects.live()
        if form.cleaned_data.get("column"):
            articles = articles.in_column(form.cleaned_data["column"])
        if form.cleaned_data.get("year"):
            articles = articles.filter(published_at__year=form.cleaned_data["year"])
        number = parameters.read(request, "page", default=1)
        page = result_page(articles, query, number, SEARCH_PAGE_SIZE, SEARCH_MAX_RESULTS)
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
        kept = {"q": form.cleaned_data["q"]}
        if form.cleaned_data.get("column"):
            kept["column"] = form.cleaned_data["column"].slug
        if form.cleaned_data.get("year"):
            kept["year"] = form.cleaned_data["year"]
        base_query = urlencode(kept) + "&"
    context = {"form": form, "query": query, "page": page, "base_query": base_query}
    return render(request, "news/search.html", context)
