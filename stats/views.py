import csv
from collections import defaultdict

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from fedsite import parameters

from . import charts
from .columns import COLUMNS, export_row, spreadsheet_cell
from .models import Indicator, YearlyValue


def year_on_year(value, previous):
    """同比: the relative change from the previous year's value of the same kind,
    or None where there is no previous value or it is zero."""
    if previous is None or not previous.value:
        return None
    return (value.value - previous.value) / previous.value * 100


def _chosen_year(request, years):
    """The year asked for in ?year=, or the latest. Anything else is a 404."""
    year = parameters.read(request, "year")
    if year is None:
        return years[0] if years else None
    if year not in years:
        raise Http404
    return year


def _reading_order(value):
    indicator = value.indicator
    return (indicator.group.order, indicator.group_id, indicator.order, indicator.id, value.kind)


@require_GET
def overview(request):
    years = list(YearlyValue.objects.years())
    year = _chosen_year(request, years)
    # The year's figures and the year before's (for 同比) in one query.
    both = (
        list(YearlyValue.objects.filter(year__in=[year, year - 1]).with_indicator()) if year else []
    )
    values = [value for value in both if value.year == year]
    previous = {(value.indicator_id, value.kind): value for value in both if value.year != year}
    groups = defaultdict(list)
    for value in sorted(values, key=_reading_order):
        value.change = year_on_year(value, previous.get((value.indicator_id, value.kind)))
        groups[value.indicator.group].append(value)
    return render(
        request,
        "stats/overview.html",
        {"years": years, "year": year, "groups": list(groups.items())},
    )


@require_GET
def indicator_detail(request, slug):
    indicator = get_object_or_404(Indicator.objects.select_related("group"), slug=slug)
    values = list(indicator.values.with_source().order_by("year", "kind"))
    series = []
    for kind, label in YearlyValue.Kind.choices:
        rows = [value for value in values if value.kind == kind]
        if not rows:
            continue
        previous = None
        for value in rows:
            value.change = year_on_year(
                value, previous if previous and previous.year == value.year - 1 else None
            )
            previous = value
        series.append(
            {
                "kind": kind,
                "label": label,
                "rows": rows,
                "svg": charts.series_svg(indicator, rows, label),
            }
        )
    sources = {value.source_article for value in values if value.source_article}
    sources = sorted(
        (article for article in sources if article.is_live()),
        key=lambda article: article.published_at,
        reverse=True,
    )
    return render(
        request,
        "stats/indicator_detail.html",
        {"indicator": indicator, "series": series, "sources": sources},
    )


def _export_rows(request):
    values = (
        YearlyValue.objects.with_indicator()
        .with_source()
        .order_by(
            "year",
            "indicator__group__order",
            "indicator__group_id",
            "indicator__order",
            "indicator_id",
            "kind",
        )
    )
    for value in values.iterator(chunk_size=2000):
        article = value.source_article
        if article and article.is_live():
            yield export_row(value, request.build_absolute_uri(article.get_absolute_url()))
        else:
            yield export_row(value, "")


@require_GET
def export_csv(request):
    # UTF-8 with a byte-order mark: Excel and WPS on Chinese Windows then open the
    # file as UTF-8 instead of guessing GBK and showing mojibake.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fedsite-stats.csv"'
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in _export_rows(request):
        writer.writerow({name: spreadsheet_cell(cell) for name, cell in row.items()})
    return response


@require_GET
def export_json(request):
    rows = list(_export_rows(request))
    for row in rows:
        number = row["value"]
        row["value"] = int(number) if number == number.to_integral_value() else float(number)
        row["as_of"] = row["as_of"] or None
        row["source_url"] = row["source_url"] or None
    return JsonResponse(
        {"fields": COLUMNS, "values": rows},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
