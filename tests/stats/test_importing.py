"""Importing the spreadsheets counties send, with real files: CSV as Excel and WPS
save it on Chinese Windows (UTF-8 with a byte-order mark, or GB18030; commas or
tabs), and XLSX written by openpyxl with real numbers and dates in the cells.

The promise to staff: a file with any bad row changes nothing, and every bad row
is named by its line in the file with a reason in Chinese. The open-data export
can be imported back unchanged.
"""

import codecs
import csv
import datetime
import io
import time
import zipfile
from decimal import Decimal

import pytest

from news.models import Article
from stats.columns import COLUMNS, HEADER_ALIASES
from stats.importing import ImportFileError, apply_import, plan_import, read_rows
from stats.models import YearlyValue
from tests.factories import ArticleFactory
from tests.stats.factories import IndicatorFactory, RunningTotalFactory, YearlyValueFactory
from tests.stats.files import (
    BILLION_LAUGHS,
    EXTERNAL_DTD,
    EXTERNAL_FILE,
    HEADER,
    INTERNAL_ENTITY,
    csv_file,
    rewritten_zip,
    with_doctype,
    with_entities,
    with_shared_string,
    xlsx_file,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

MARCH_8 = datetime.date(2022, 3, 8)

# Rows as counties write them: the figure as the report writes it, kind and
# qualifier often left empty.
GOOD_ROWS = [
    ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "yearly", "", ""],
    ["2021", "思想引领", "宣教活动参与人次", "人次", "8万余", "", "yearly", "", ""],
    ["2021", "家庭文明建设", "美丽庭院", "户", "58.1万", "", "running_total", "2022-03-08", ""],
    ["2021", "家庭文明建设", "美丽庭院创建授课", "课时", "713.5", "", "", "", ""],
    ["2021", "组织建设", "“领头雁”培训人数", "人", "近万", "", "累计", "2022/3/8", ""],
]
GOOD_DISPLAYS = {
    ("巾帼大宣讲", "yearly"): "535场次",
    ("宣教活动参与人次", "yearly"): "8万余人次",
    ("美丽庭院", "running_total"): "58.1万户",
    ("美丽庭院创建授课", "yearly"): "713.5课时",
    ("“领头雁”培训人数", "running_total"): "近万人",
}


@pytest.fixture
def indicators(db):
    """The indicators of the March 8 report that the files below use."""
    made = {}
    for group, name, unit, slug in [
        ("思想引领", "巾帼大宣讲", "场次", "jinguo-daxuanjiang"),
        ("思想引领", "宣教活动参与人次", "人次", "xuanjiao-canyu"),
        ("家庭文明建设", "美丽庭院", "户", "meili-tingyuan"),
        ("家庭文明建设", "美丽庭院创建授课", "课时", "tingyuan-shouke"),
        ("组织建设", "“领头雁”培训人数", "人", "lingtouyan-renshu"),
    ]:
        made[name] = IndicatorFactory(group__name=group, name=name, unit=unit, slug=slug)
    return made


def plan_for(name, data):
    return plan_import(read_rows(name, data))


def import_file(name, data):
    """Preview then write, as staff do; returns (created, updated)."""
    plan = plan_for(name, data)
    assert not plan.bad_rows, [(row.line, row.errors) for row in plan.bad_rows]
    return apply_import(plan)


def displays():
    """What the site shows for each stored figure."""
    return {
        (value.indicator.name, value.kind): value.display
        for value in YearlyValue.objects.select_related("indicator")
    }


def database_state():
    return sorted(
        YearlyValue.objects.values_list(
            "indicator_id",
            "year",
            "kind",
            "value",
            "qualifier",
            "scale",
            "as_of",
            "source_article_id",
            "updated_at",
        )
    )


def errors_by_line(plan):
    return {row.line: row.errors for row in plan.bad_rows}


class TestGoodFiles:
    @pytest.mark.parametrize(
        ("name", "encoding", "delimiter"),
        [
            ("2021年数据.csv", "utf-8-sig", ","),  # Excel: "CSV UTF-8"
            ("2021年数据.csv", "gb18030", ","),  # Excel and WPS on Chinese Windows: "CSV"
            ("2021年数据.txt", "utf-8-sig", "\t"),  # tab-separated text
            ("2021年数据.txt", "gb18030", "\t"),  # Excel: "Text (Tab delimited)"
            ("2021年数据.csv", "utf-8", ","),  # no byte-order mark
        ],
    )
    def test_a_good_text_file_creates_every_figure(self, indicators, name, encoding, delimiter):
        data = csv_file(GOOD_ROWS, encoding=encoding, delimiter=delimiter)
        assert import_file(name, data) == (5, 0)
        assert displays() == GOOD_DISPLAYS

    def test_a_tab_separated_file_saved_by_excel_as_unicode_text_is_read(self, indicators):
        """Excel's "Unicode text (*.txt)" is the tab-separated format that keeps
        Chinese on any Windows; it is UTF-16 with a byte-order mark."""
        text = "\r\n".join("\t".join(row) for row in [HEADER, *GOOD_ROWS])
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        assert import_file("2021年数据.txt", data) == (5, 0)
        assert displays() == GOOD_DISPLAYS

    def test_running_totals_keep_their_as_of_date_and_figures_their_qualifier(self, indicators):
        import_file("2021.csv", csv_file(GOOD_ROWS))
        running = YearlyValue.objects.get(indicator=indicators["“领头雁”培训人数"])
        assert running.kind == YearlyValue.Kind.RUNNING_TOTAL
        assert running.as_of == MARCH_8
        assert (running.value, running.qualifier, running.scale) == (10000, "nearly", "wan")
        yearly = YearlyValue.objects.get(indicator=indicators["巾帼大宣讲"])
        assert yearly.as_of is None

    def test_chinese_column_names_are_understood(self, indicators):
        header = ["年度", "分组", "指标", "单位", "数值", "限定", "类型", "截至日期", "来源网址"]
        assert import_file("2021.csv", csv_file(GOOD_ROWS, header=header)) == (5, 0)
        assert displays() == GOOD_DISPLAYS

    def test_optional_columns_may_be_left_out(self, indicators):
        data = csv_file(
            [["2021", "思想引领", "巾帼大宣讲", "535"]],
            header=["year", "group", "indicator", "value"],
        )
        assert import_file("2021.csv", data) == (1, 0)
        assert displays() == {("巾帼大宣讲", "yearly"): "535场次"}

    def test_a_source_url_links_the_figure_to_the_article(self, indicators):
        article = ArticleFactory()
        row = [
            "2021",
            "思想引领",
            "巾帼大宣讲",
            "场次",
            "535",
            "",
            "",
            "",
            f"http://testserver{article.get_absolute_url()}",
        ]
        import_file("2021.csv", csv_file([row]))
        assert YearlyValue.objects.get().source_article == article


class TestXlsx:
    def test_a_good_workbook_with_numbers_dates_and_text_creates_every_figure(self, indicators):
        rows = [
            [2021, "思想引领", "巾帼大宣讲", "场次", 535, None, "yearly", None, None],
            [2021.0, "思想引领", "宣教活动参与人次", "人次", "8万余", None, None, None, None],
            [2021, "家庭文明建设", "美丽庭院", "户", 581000, None, "running_total", MARCH_8, None],
            [2021.0, "家庭文明建设", "美丽庭院创建授课", "课时", 713.5, None, None, None, None],
            [
                2021,
                "组织建设",
                "“领头雁”培训人数",
                "人",
                "近万",
                None,
                "累计",
                datetime.datetime(2022, 3, 8),
                None,
            ],
        ]
        assert import_file("2021年数据.xlsx", xlsx_file(rows)) == (5, 0)
        assert displays() == GOOD_DISPLAYS
        running = YearlyValue.objects.get(indicator=indicators["美丽庭院"])
        assert running.as_of == MARCH_8
        assert running.value == Decimal("581000")

    def test_a_plain_number_in_a_workbook_stays_as_written(self, indicators):
        """11000 written as a number is shown 11000, not 1.1万."""
        rows = [[2021, "组织建设", "“领头雁”培训人数", "人", 11000, None, None, None, None]]
        import_file("2021.xlsx", xlsx_file(rows))
        assert displays() == {("“领头雁”培训人数", "yearly"): "11000人"}

    def test_the_format_is_judged_by_content_not_by_the_name(self, indicators):
        rows = [[2021, "思想引领", "巾帼大宣讲", "场次", 535, None, None, None, None]]
        assert import_file("数据.csv", xlsx_file(rows)) == (1, 0)


# (the bad row, the reason staff read for it)
BAD_ROWS = {
    "unknown indicator": (
        ["2021", "思想引领", "巾帼大宣传", "场次", "535", "", "", "", ""],
        "没有这个指标：思想引领 / 巾帼大宣传",
    ),
    "indicator in another group": (
        ["2021", "组织建设", "巾帼大宣讲", "场次", "535", "", "", "", ""],
        "没有这个指标：组织建设 / 巾帼大宣讲",
    ),
    "wrong unit": (
        ["2021", "思想引领", "巾帼大宣讲", "次", "535", "", "", "", ""],
        "单位应为“场次”，表中为“次”",
    ),
    "year 1800": (
        ["1800", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", ""],
        "年度应在 1949 到 2100 之间，表中为 1800",
    ),
    "year in Chinese numerals": (
        ["二〇二一", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", ""],
        "年度应为四位数字，表中为“二〇二一”",
    ),
    "year missing": (
        ["", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", ""],
        "年度应为四位数字，表中为“”",
    ),
    "negative value": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "-5", "", "", "", ""],
        "数值不能为负数：-5",
    ),
    "unreadable value": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "五百余", "", "", "", ""],
        "无法识别的数值：五百余（示例：535、713.5、58.1万、8万余、约3万、近万）",
    ),
    "empty value": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "", "", "", "", ""],
        "数值不能为空。",
    ),
    "running total without as_of": (
        ["2021", "家庭文明建设", "美丽庭院", "户", "58.1万", "", "running_total", "", ""],
        "累计数必须填写截至日期（as_of）",
    ),
    "yearly with as_of": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "yearly", "2022-03-08", ""],
        "年度数不填截至日期；若为累计数，类型请填 running_total（累计）",
    ),
    "unreadable as_of": (
        ["2021", "家庭文明建设", "美丽庭院", "户", "58.1万", "", "累计", "三月八日", ""],
        "截至日期应为 2022-03-08 这样的日期，表中为“三月八日”",
    ),
    "bad kind": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "每年", "", ""],
        "类型应为 yearly（年度）或 running_total（累计），表中为“每年”",
    ),
    "bad qualifier": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "大约", "", "", ""],
        "限定应为 exact、more_than、about 或 nearly，表中为“大约”",
    ),
    "contradictory qualifier": (
        ["2021", "思想引领", "宣教活动参与人次", "人次", "8万余", "about", "", "", ""],
        "数值“8万余”与限定“about”矛盾",
    ),
    "qualifier twice in the value": (
        ["2021", "思想引领", "宣教活动参与人次", "人次", "约8万余", "", "", "", ""],
        "数值的限定词重复：约8万余",
    ),
    "duplicate of an earlier row": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "540", "", "年度", "", ""],
        "与第 2 行重复（同一指标、年度和类型只能有一个数值）",
    ),
    "source_url of a page that is not an article": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", "http://testserver/news/"],
        "来源网址不是本站文章的地址：http://testserver/news/",
    ),
    "source_url of nothing on this site": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", "来源：市妇联"],
        "来源网址不是本站文章的地址：来源：市妇联",
    ),
    "source_url of an article that does not exist": (
        ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", "/articles/999999/"],
        "来源文章不存在：/articles/999999/",
    ),
}


class TestBadRows:
    """A bad row sits at line 4, after two good rows (lines 2 and 3) and before a
    good one (line 5); the file must change nothing at all."""

    GOOD_BEFORE = [GOOD_ROWS[0], GOOD_ROWS[2]]  # 巾帼大宣讲 535 at line 2
    GOOD_AFTER = [GOOD_ROWS[3]]

    @pytest.fixture
    def existing(self, indicators):
        """Figures already on the site, which the good rows would change."""
        YearlyValueFactory(indicator=indicators["巾帼大宣讲"], value=500)
        RunningTotalFactory(indicator=indicators["美丽庭院"], value=550000, scale="wan")
        return database_state()

    @pytest.mark.parametrize(("bad_row", "reason"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
    def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(
        self, existing, bad_row, reason
    ):
        data = csv_file([*self.GOOD_BEFORE, bad_row, *self.GOOD_AFTER])
        plan = plan_for("2021.csv", data)

        assert errors_by_line(plan) == {4: [reason]}
        assert not plan.is_valid
        with pytest.raises(ValueError, match="未做任何修改"):
            apply_import(plan)
        assert database_state() == existing

    @pytest.mark.parametrize(("bad_row", "reason"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
    def test_a_bad_row_in_a_workbook_is_named_by_its_line_too(self, existing, bad_row, reason):
        data = xlsx_file([*self.GOOD_BEFORE, bad_row, *self.GOOD_AFTER])
        plan = plan_for("2021.xlsx", data)
        assert errors_by_line(plan) == {4: [reason]}
        assert database_state() == existing

    def test_every_bad_row_is_reported_not_only_the_first(self, existing):
        rows = [
            GOOD_ROWS[0],
            BAD_ROWS["wrong unit"][0],
            GOOD_ROWS[3],
            BAD_ROWS["year 1800"][0],
            BAD_ROWS["bad kind"][0],
        ]
        plan = plan_for("2021.csv", csv_file(rows))
        assert errors_by_line(plan) == {
            3: [BAD_ROWS["wrong unit"][1]],
            5: [BAD_ROWS["year 1800"][1]],
            6: [BAD_ROWS["bad kind"][1]],
        }

    def test_a_row_with_several_faults_lists_each(self, existing):
        row = ["1800", "思想引领", "巾帼大宣讲", "次", "-5", "", "", "", ""]
        plan = plan_for("2021.csv", csv_file([row]))
        assert errors_by_line(plan) == {
            2: [
                "年度应在 1949 到 2100 之间，表中为 1800",
                "单位应为“场次”，表中为“次”",
                "数值不能为负数：-5",
            ],
        }

    def test_a_negative_number_in_a_workbook_cell_is_refused(self, existing):
        rows = [[2021, "思想引领", "巾帼大宣讲", "场次", -5, None, None, None, None]]
        plan = plan_for("2021.xlsx", xlsx_file(rows))
        assert errors_by_line(plan) == {2: ["数值不能为负数：-5"]}

    def test_a_blank_line_does_not_shift_the_line_numbers_staff_see(self, existing):
        """Staff find the row by the line number Excel shows beside it."""
        text = "\r\n".join(
            [
                ",".join(HEADER),
                ",".join(GOOD_ROWS[0]),
                ",,,,,,,,",
                ",".join(BAD_ROWS["wrong unit"][0]),
            ]
        )
        plan = plan_for("2021.csv", text.encode("utf-8-sig"))
        assert errors_by_line(plan) == {4: [BAD_ROWS["wrong unit"][1]]}

    def test_a_blank_row_in_a_workbook_does_not_shift_the_line_numbers(self, existing):
        rows = [GOOD_ROWS[0], [None] * len(HEADER), BAD_ROWS["wrong unit"][0]]
        plan = plan_for("2021.xlsx", xlsx_file(rows))
        assert errors_by_line(plan) == {4: [BAD_ROWS["wrong unit"][1]]}

    def test_a_source_url_on_another_website_is_refused(self, existing):
        """/articles/N/ on another site is not our article N."""
        article = ArticleFactory()
        row = [
            "2021",
            "思想引领",
            "巾帼大宣讲",
            "场次",
            "535",
            "",
            "",
            "",
            f"https://www.other-federation.example/articles/{article.pk}/",
        ]
        plan = plan_for("2021.csv", csv_file([row]))
        assert list(errors_by_line(plan)) == [2]
        assert "来源网址不是本站文章的地址" in errors_by_line(plan)[2][0]


class TestPreview:
    def test_the_preview_counts_what_will_be_created_updated_and_left_unchanged(self, indicators):
        YearlyValueFactory(indicator=indicators["巾帼大宣讲"], value=535)  # unchanged
        YearlyValueFactory(
            indicator=indicators["宣教活动参与人次"],
            value=70000,
            qualifier="more_than",
            scale="wan",
        )
        before = database_state()

        plan = plan_for("2021.csv", csv_file(GOOD_ROWS[:3]))

        assert (plan.created_count, plan.updated_count, plan.unchanged_count) == (1, 1, 1)
        assert [(row.action, row.old_display, row.new_display) for row in plan.rows] == [
            ("unchanged", "535场次", "535场次"),
            ("update", "7万余人次", "8万余人次"),
            ("create", "", "58.1万户"),
        ]
        assert database_state() == before  # a preview writes nothing

    def test_confirming_the_preview_creates_and_updates_as_counted(self, indicators):
        YearlyValueFactory(indicator=indicators["巾帼大宣讲"], value=535)
        YearlyValueFactory(
            indicator=indicators["宣教活动参与人次"],
            value=70000,
            qualifier="more_than",
            scale="wan",
        )

        assert apply_import(plan_for("2021.csv", csv_file(GOOD_ROWS[:3]))) == (1, 1)
        assert displays() == {
            ("巾帼大宣讲", "yearly"): "535场次",
            ("宣教活动参与人次", "yearly"): "8万余人次",
            ("美丽庭院", "running_total"): "58.1万户",
        }

    def test_a_changed_qualifier_alone_is_an_update(self, indicators):
        YearlyValueFactory(indicator=indicators["宣教活动参与人次"], value=80000, scale="wan")
        plan = plan_for("2021.csv", csv_file([GOOD_ROWS[1]]))
        assert plan.rows[0].action == "update"

    def test_importing_the_same_file_twice_changes_nothing_the_second_time(self, indicators):
        import_file("2021.csv", csv_file(GOOD_ROWS))
        plan = plan_for("2021.csv", csv_file(GOOD_ROWS))
        assert plan.unchanged_count == len(GOOD_ROWS)
        assert (plan.created_count, plan.updated_count) == (0, 0)


class TestExportImportedBack:
    @pytest.fixture
    def published(self, indicators):
        report = ArticleFactory(title="市妇联：巾帼勇担当 展现新作为")
        draft = ArticleFactory(title="草稿", status=Article.Status.DRAFT, published_at=None)
        figures = [
            YearlyValueFactory(
                indicator=indicators["巾帼大宣讲"], value=535, source_article=report
            ),
            YearlyValueFactory(indicator=indicators["巾帼大宣讲"], year=2020, value=480),
            YearlyValueFactory(
                indicator=indicators["宣教活动参与人次"],
                value=80000,
                qualifier="more_than",
                scale="wan",
                source_article=report,
            ),
            RunningTotalFactory(
                indicator=indicators["美丽庭院"], value=581000, scale="wan", source_article=report
            ),
            YearlyValueFactory(
                indicator=indicators["美丽庭院创建授课"],
                value=Decimal("713.5"),
                source_article=draft,
            ),
            RunningTotalFactory(
                indicator=indicators["“领头雁”培训人数"],
                value=10000,
                qualifier="nearly",
                scale="wan",
                source_article=report,
            ),
            YearlyValueFactory(indicator=indicators["“领头雁”培训人数"], value=11000),
        ]
        return figures

    def test_the_csv_export_imports_back_with_every_row_unchanged(self, client, published):
        shown = displays()
        before = database_state()
        export = client.get("/stats/export.csv").content

        plan = plan_for("fedsite-stats.csv", export)

        assert not plan.bad_rows
        assert plan.unchanged_count == len(published)
        assert apply_import(plan) == (0, 0)
        assert database_state() == before
        assert displays() == shown
        assert shown[("宣教活动参与人次", "yearly")] == "8万余人次"
        assert shown[("美丽庭院", "running_total")] == "58.1万户"

    def test_both_exports_have_exactly_the_columns_the_importer_reads(self, client, published):
        """One definition (stats.columns) for both directions."""
        csv_text = client.get("/stats/export.csv").content.decode("utf-8-sig")
        exported = client.get("/stats/export.json").json()

        assert next(csv.reader(io.StringIO(csv_text))) == COLUMNS
        assert exported["fields"] == COLUMNS
        assert all(list(row) == COLUMNS for row in exported["values"])

    def test_the_export_with_its_header_in_chinese_imports_back_unchanged(self, client, published):
        rows = list(
            csv.reader(io.StringIO(client.get("/stats/export.csv").content.decode("utf-8-sig")))
        )
        # Each column under the first of its Chinese names (年度, 分组, 指标, ...).
        chinese = {name: alias for alias, name in reversed(HEADER_ALIASES.items())}
        data = csv_file(rows[1:], header=[chinese[name] for name in rows[0]])

        plan = plan_for("fedsite-stats.csv", data)

        assert not plan.bad_rows
        assert plan.unchanged_count == len(published)

    def test_an_edited_export_updates_only_the_edited_figure(self, client, published):
        rows = list(
            csv.reader(io.StringIO(client.get("/stats/export.csv").content.decode("utf-8-sig")))
        )
        for row in rows:
            if row[2] == "巾帼大宣讲" and row[0] == "2021":
                row[4] = "540"
        data = csv_file(rows[1:], header=rows[0])

        plan = plan_for("fedsite-stats.csv", data)

        assert (plan.created_count, plan.updated_count) == (0, 1)
        apply_import(plan)
        assert displays()[("巾帼大宣讲", "yearly")] == "540场次"
        assert YearlyValue.objects.get(indicator__name="巾帼大宣讲", year=2021).value == 540

    def test_an_empty_source_url_keeps_the_article_a_figure_cites(self, indicators):
        report = ArticleFactory()
        YearlyValueFactory(indicator=indicators["巾帼大宣讲"], value=500, source_article=report)
        row = ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", ""]

        assert import_file("2021.csv", csv_file([row])) == (0, 1)

        value = YearlyValue.objects.get()
        assert (value.value, value.source_article) == (535, report)

    def test_an_empty_source_url_of_an_unchanged_figure_is_unchanged(self, indicators):
        YearlyValueFactory(
            indicator=indicators["巾帼大宣讲"], value=535, source_article=ArticleFactory()
        )
        row = ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", ""]
        assert plan_for("2021.csv", csv_file([row])).unchanged_count == 1


class TestUnreadableFiles:
    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("数据.csv", b"", "文件是空的。"),
            ("数据.csv", bytes(range(256)) * 4, "这不是 CSV 文本文件。"),
            ("数据.xlsx", "year,group\n2021,思想引领\n".encode(), "这不是有效的 XLSX 文件"),
            ("数据.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "旧版 .xls 请另存为"),
            ("数据.xlsx", b"PK\x03\x04" + bytes(100), "这不是有效的 XLSX 文件。"),
            ("数据.csv", b"\r\n\r\n,,,\r\n", "文件中没有数据。"),
            ("数据.csv", "2021,思想引领,巾帼大宣讲,535\r\n".encode(), "表头缺少必需的列"),
            (
                "数据.csv",
                "年度,指标,数值\r\n2021,巾帼大宣讲,535\r\n".encode(),
                "表头缺少必需的列：group",
            ),
        ],
        ids=[
            "empty",
            "binary",
            "xlsx-not-zip",
            "old-xls",
            "broken-zip",
            "only-blank-lines",
            "no-header",
            "header-without-group",
        ],
    )
    def test_a_file_that_cannot_be_read_is_refused_with_a_chinese_message(
        self, name, data, message
    ):
        with pytest.raises(ImportFileError, match=message):
            read_rows(name, data)

    def test_a_zip_that_is_not_a_workbook_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("说明.txt", "不是表格")
        with pytest.raises(ImportFileError, match="这不是有效的 XLSX 文件。"):
            read_rows("数据.xlsx", buffer.getvalue())

    def test_a_file_over_two_megabytes_is_refused(self):
        with pytest.raises(ImportFileError, match="文件超过 2 MB"):
            read_rows("数据.csv", b"a" * (2 * 1024 * 1024 + 1))


class TestHostileWorkbooks:
    """Broken, hand-made and entity-laden workbooks are refused with a Chinese reason,
    never a server error, and change nothing (issue 9)."""

    ROW = ["2021", "思想引领", "巾帼大宣讲", "场次", 535, "", "yearly", "", ""]

    @pytest.fixture
    def workbook(self, indicators):
        return xlsx_file([self.ROW])

    def refused(self, data, message="这不是有效的 XLSX 文件。"):
        before = database_state()
        with pytest.raises(ImportFileError, match=message):
            read_rows("数据.xlsx", data)
        assert database_state() == before

    def test_a_shared_strings_table_is_read(self, workbook):
        """The control for the entity tests below: the same file without a DOCTYPE."""
        assert import_file("数据.xlsx", with_shared_string(workbook, "巾帼大宣讲")) == (1, 0)

    @pytest.mark.parametrize(
        "entities",
        [BILLION_LAUGHS, EXTERNAL_FILE, EXTERNAL_DTD, INTERNAL_ENTITY],
        ids=["billion-laughs", "external-file", "external-dtd", "internal-entity"],
    )
    def test_entities_in_the_shared_strings_are_refused(self, workbook, entities):
        self.refused(with_entities(workbook, entities))

    @pytest.mark.parametrize(
        "member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
    )
    @pytest.mark.parametrize(
        "entities", [BILLION_LAUGHS, EXTERNAL_FILE], ids=["billion-laughs", "external-file"]
    )
    def test_entities_anywhere_in_the_workbook_are_refused(self, workbook, member, entities):
        doctype, reference = entities
        changes = {member: lambda xml: with_doctype(xml.replace("巾帼大宣讲", reference), doctype)}
        self.refused(rewritten_zip(workbook, changes))

    def test_the_library_parses_workbooks_with_defusedxml(self):
        import openpyxl

        assert openpyxl.DEFUSEDXML, "defusedxml must be installed (pyproject.toml)"

    @pytest.mark.parametrize("keep", [0.9, 0.5, 0.1], ids=["end-cut", "half", "start-only"])
    def test_a_truncated_workbook_is_refused(self, workbook, keep):
        self.refused(workbook[: int(len(workbook) * keep)])

    def test_a_workbook_with_damaged_compressed_data_is_refused(self, workbook):
        damaged = bytearray(workbook)
        start = workbook.index(b"xl/worksheets/sheet1.xml") + 40
        damaged[start : start + 200] = bytes(200)
        self.refused(bytes(damaged))

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("</sheetData>", ""),
            ("<v>535</v>", "<v>五百</v>"),
            ('<c r="E2" t="n">', '<c r="E2" t="e">'),
            ('r="2"', 'r="-2"'),
            ("<sheets>", "<sheets><sheet/>"),
        ],
        ids=["unclosed", "text-in-a-number", "odd-type", "negative-row", "sheet-without-id"],
    )
    def test_a_workbook_with_broken_xml_is_refused_or_read(self, workbook, old, new):
        member = "xl/workbook.xml" if old == "<sheets>" else "xl/worksheets/sheet1.xml"
        damaged = rewritten_zip(workbook, {member: lambda xml: xml.replace(old, new)})
        before = database_state()
        try:
            read_rows("数据.xlsx", damaged)
        except ImportFileError as error:
            assert str(error).startswith("这不是有效的 XLSX 文件。")
        assert database_state() == before

    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self, workbook):
        bomb = zip_bomb(workbook, 64 * 1024 * 1024)
        assert len(bomb) < 1024 * 1024

        started = time.perf_counter()
        self.refused(bomb, message="解压后超过 50 MB")
        assert time.perf_counter() - started < 1

    def test_a_sheet_that_declares_every_column_is_read_quickly(self, indicators):
        """A dimension of A1:XFD1048576 made every row 16,384 cells wide."""
        workbook = xlsx_file([self.ROW] * 500)
        wide = rewritten_zip(
            workbook,
            {"xl/worksheets/sheet1.xml": lambda xml: xml.replace("A1:I501", "A1:XFD1048576")},
        )
        started = time.perf_counter()
        rows = read_rows("数据.xlsx", wide)
        assert time.perf_counter() - started < 1
        assert len(rows) == 500


class TestHostileCells:
    """Cells no county writes, but a hand-made file can hold, are bad rows (issue 9:
    these answered 500)."""

    def test_a_source_address_that_is_not_an_address_is_a_bad_row(self, indicators):
        row = ["2021", "思想引领", "巾帼大宣讲", "场次", "535", "", "", "", "http://[abc/"]

        plan = plan_for("2021.csv", csv_file([row]))

        assert errors_by_line(plan) == {2: ["来源网址不是本站文章的地址：http://[abc/"]}

    def test_a_number_cell_that_is_not_a_number_is_a_bad_row(self, indicators):
        raw = {
            "year": "2021",
            "group": "思想引领",
            "indicator": "巾帼大宣讲",
            "value": float("nan"),
        }

        plan = plan_import([(2, raw)])

        assert errors_by_line(plan) == {2: ["无法识别的数值：nan"]}

    def test_an_exported_name_guarded_against_formulas_imports_back(self, client, indicators):
        """The CSV export writes a name starting with - as '-… (stats.views); the
        import reads it back as the name."""
        indicator = IndicatorFactory(group__name="思想引领", name="-双学双比-", unit="人")
        YearlyValueFactory(indicator=indicator, value=12)
        export = client.get("/stats/export.csv").content
        assert "'-双学双比-" in export.decode("utf-8-sig")

        plan = plan_for("fedsite-stats.csv", export)

        assert (plan.unchanged_count, plan.bad_rows) == (1, [])
