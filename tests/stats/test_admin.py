"""The editors' side of the work figures, through the admin as a logged-in superuser
(the superuser_client fixture): figures typed on an indicator's page as the report
writes them (8万余, 约3万, 58.1万), and the import of a county's spreadsheet in
three steps: upload, preview (every bad row with its reason), confirm.
"""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stats.models import YearlyValue
from tests.stats.factories import IndicatorFactory, YearlyValueFactory
from tests.stats.files import (
    BILLION_LAUGHS,
    EXTERNAL_FILE,
    with_entities,
    xlsx_file,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:stats_indicator_import"
HEADER = "year,group,indicator,unit,value,qualifier,kind,as_of,source_url"
GOOD_FILE = "\r\n".join(
    [
        HEADER,
        "2021,思想引领,巾帼大宣讲,场次,535,,yearly,,",
        "2021,思想引领,宣教活动参与人次,人次,8万余,,yearly,,",
        "2021,家庭文明建设,美丽庭院,户,58.1万,,running_total,2022-03-08,",
    ]
)
BAD_FILE = "\r\n".join(
    [
        HEADER,
        "2021,思想引领,巾帼大宣讲,场次,535,,yearly,,",
        "2021,思想引领,宣教活动参与人次,人次,8万余,about,yearly,,",
        "1800,家庭文明建设,美丽庭院,户,58.1万,,running_total,2022-03-08,",
    ]
)


@pytest.fixture
def indicators(db):
    return {
        name: IndicatorFactory(group__name=group, name=name, unit=unit)
        for group, name, unit in [
            ("思想引领", "巾帼大宣讲", "场次"),
            ("思想引领", "宣教活动参与人次", "人次"),
            ("家庭文明建设", "美丽庭院", "户"),
        ]
    }


def page(response):
    return response.content.decode()


def text_of(response):
    """The page as a reader sees it: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page(response)))


def database_state():
    return sorted(
        YearlyValue.objects.values_list(
            "indicator_id", "year", "kind", "value", "qualifier", "scale", "as_of", "updated_at"
        )
    )


def upload(client, content, name="2021年数据.csv"):
    data = content.encode("utf-8-sig") if isinstance(content, str) else content
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data)})


def payload_of(response):
    match = re.search(r'name="payload" value="([^"]+)"', page(response))
    assert match, "the preview has no confirm form"
    return html.unescape(match.group(1))


def preview_rows(response):
    """{line: (row class, [errors])} from the preview table."""
    body = re.search(r'<table id="import-preview">.*?</table>', page(response), re.DOTALL)
    assert body, "no preview table"
    rows = {}
    for css, cells in re.findall(r'<tr class="([^"]+)">(.*?)</tr>', body.group(0), re.DOTALL):
        line = int(re.search(r"<td>(\d+)</td>", cells).group(1))
        errors = [html.unescape(e) for e in re.findall(r"<li>(.*?)</li>", cells)]
        rows[line] = (css, errors)
    return rows


class TestFiguresTypedOnTheIndicatorPage:
    def change_url(self, indicator):
        return reverse("admin:stats_indicator_change", args=[indicator.pk])

    def post_inline_row(self, client, indicator, written, **row):
        """The indicator's change form as the browser posts it, with one new inline row."""
        data = {
            "group": indicator.group_id,
            "name": indicator.name,
            "slug": indicator.slug,
            "unit": indicator.unit,
            "description": "",
            "order": indicator.order,
            "values-TOTAL_FORMS": "1",
            "values-INITIAL_FORMS": "0",
            "values-MIN_NUM_FORMS": "0",
            "values-MAX_NUM_FORMS": "1000",
            "values-0-id": "",
            "values-0-indicator": indicator.pk,
            "values-0-year": "2021",
            "values-0-kind": "yearly",
            "values-0-written": written,
            "values-0-as_of": "",
            "values-0-source_article": "",
            "values-0-note": "",
            "_save": "保存",
        }
        data.update({f"values-0-{key}": value for key, value in row.items()})
        return client.post(self.change_url(indicator), data)

    def test_the_change_page_shows_the_figures_as_the_report_writes_them(
        self, superuser_client, indicators
    ):
        indicator = indicators["宣教活动参与人次"]
        YearlyValueFactory(
            indicator=indicator, year=2021, value=80000, qualifier="more_than", scale="wan"
        )
        YearlyValueFactory(indicator=indicator, year=2020, value=75000, scale="wan")

        response = superuser_client.get(self.change_url(indicator))

        assert response.status_code == 200
        assert re.search(r'name="values-0-written" value="8万余"', page(response))
        assert re.search(r'name="values-1-written" value="7.5万"', page(response))

    def test_a_figure_typed_as_8_wan_yu_is_stored_as_80000_more_than_in_wan(
        self, superuser_client, indicators
    ):
        indicator = indicators["宣教活动参与人次"]

        response = self.post_inline_row(superuser_client, indicator, "8万余")

        assert response.status_code == 302, text_of(response)
        value = YearlyValue.objects.get(indicator=indicator)
        assert (value.value, value.qualifier, value.scale) == (80000, "more_than", "wan")
        assert value.display == "8万余人次"

    @pytest.mark.parametrize(
        ("written", "shown"),
        [
            ("约3万", "约3万人次"),
            ("近万", "近万人次"),
            ("713.5", "713.5人次"),
            ("11000", "11000人次"),
        ],
    )
    def test_other_figures_are_stored_as_typed(self, superuser_client, indicators, written, shown):
        indicator = indicators["宣教活动参与人次"]
        assert self.post_inline_row(superuser_client, indicator, written).status_code == 302
        assert YearlyValue.objects.get(indicator=indicator).display == shown

    def test_a_figure_that_cannot_be_read_shows_a_form_error(self, superuser_client, indicators):
        indicator = indicators["宣教活动参与人次"]

        response = self.post_inline_row(superuser_client, indicator, "abc")

        assert response.status_code == 200
        assert "无法识别的数值：abc" in text_of(response)
        assert not YearlyValue.objects.exists()

    def test_a_running_total_without_its_date_shows_a_form_error(
        self, superuser_client, indicators
    ):
        indicator = indicators["美丽庭院"]

        response = self.post_inline_row(superuser_client, indicator, "58.1万", kind="running_total")

        assert response.status_code == 200
        assert "累计数必须填写截至日期。" in text_of(response)
        assert not YearlyValue.objects.exists()

    def test_a_figure_too_large_to_store_shows_a_form_error(self, superuser_client, indicators):
        """The importer refuses 数值过大; a figure typed by hand must not crash or
        be stored beyond the column's 14 digits either."""
        indicator = indicators["宣教活动参与人次"]

        response = self.post_inline_row(superuser_client, indicator, "99999999999999万")

        assert response.status_code == 200
        assert not YearlyValue.objects.exists()


class TestImport:
    def test_the_import_page_offers_an_upload_form(self, superuser_client):
        response = superuser_client.get(reverse(IMPORT_URL))
        assert response.status_code == 200
        assert 'type="file"' in page(response)
        assert "导入年度数据" in text_of(response)

    def test_a_bad_file_is_previewed_with_every_error_and_cannot_be_confirmed(
        self, superuser_client, indicators
    ):
        YearlyValueFactory(indicator=indicators["巾帼大宣讲"], value=500)
        before = database_state()

        response = upload(superuser_client, BAD_FILE)

        assert response.status_code == 200
        text = text_of(response)
        assert "有 2 行有错误，整个文件未导入，数据库没有任何改动。" in text
        rows = preview_rows(response)
        assert rows[3] == ("import-error", ["数值“8万余”与限定“about”矛盾"])
        assert rows[4] == ("import-error", ["年度应在 1949 到 2100 之间，表中为 1800"])
        assert 'name="payload"' not in page(response)
        assert "确认导入" not in text
        assert database_state() == before

    def test_a_good_file_is_previewed_with_counts_and_a_confirm_form(
        self, superuser_client, indicators
    ):
        YearlyValueFactory(indicator=indicators["巾帼大宣讲"], value=535)  # unchanged
        YearlyValueFactory(
            indicator=indicators["宣教活动参与人次"],
            value=70000,
            qualifier="more_than",
            scale="wan",
        )
        before = database_state()

        response = upload(superuser_client, GOOD_FILE)

        assert response.status_code == 200
        assert "共 3 行，全部无误：新增 1 条，更新 1 条，不变 1 条。" in text_of(response)
        assert {line: kind for line, (kind, _) in preview_rows(response).items()} == {
            2: "import-unchanged",
            3: "import-update",
            4: "import-create",
        }
        assert payload_of(response)
        assert database_state() == before  # nothing is written before the confirmation

    def test_the_preview_shows_kinds_in_words_and_the_date_of_a_running_total(
        self, superuser_client, indicators
    ):
        response = upload(superuser_client, GOOD_FILE)

        rows = re.findall(r'<tr class="import-[^"]+">(.*?)</tr>', page(response), re.DOTALL)
        cells = [
            [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in rows
        ]
        # 类型 and 截至日期, row by row.
        assert [row[3:5] for row in cells] == [
            ["年度", "—"],
            ["年度", "—"],
            ["累计", "2022年3月8日"],
        ]
        assert "running_total" not in text_of(response).split("预览")[1].split("确认")[0]

    def test_confirming_writes_the_figures_and_returns_to_the_indicator_list(
        self, superuser_client, indicators
    ):
        payload = payload_of(upload(superuser_client, GOOD_FILE))

        response = superuser_client.post(reverse(IMPORT_URL), {"payload": payload})

        assert response.status_code == 302
        assert response.url == reverse("admin:stats_indicator_changelist")
        assert sorted(str(value) for value in YearlyValue.objects.all()) == [
            "宣教活动参与人次 2021年：8万余人次",
            "巾帼大宣讲 2021年：535场次",
            "美丽庭院 2021年：58.1万户",
        ]
        message = text_of(superuser_client.get(response.url))
        assert "已导入 2021年数据.csv：新增 3 条，更新 0 条。" in message

    def test_an_xlsx_upload_can_be_confirmed(self, superuser_client, indicators):
        data = xlsx_file(
            [
                [
                    2021,
                    "家庭文明建设",
                    "美丽庭院",
                    "户",
                    581000,
                    None,
                    "累计",
                    datetime.date(2022, 3, 8),
                    None,
                ]
            ]
        )
        payload = payload_of(upload(superuser_client, data, name="2021年数据.xlsx"))

        assert superuser_client.post(reverse(IMPORT_URL), {"payload": payload}).status_code == 302
        value = YearlyValue.objects.get()
        assert (value.display, str(value.as_of)) == ("58.1万户", "2022-03-08")

    @pytest.mark.parametrize("where", ["data", "signature"])
    def test_a_tampered_payload_is_refused_and_nothing_is_written(
        self, superuser_client, indicators, where
    ):
        payload = payload_of(upload(superuser_client, GOOD_FILE))
        data, _, signature = payload.rpartition(":")
        if where == "data":
            data = data[:-2] + ("AA" if data[-2:] != "AA" else "BB")
        else:
            signature = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")

        response = superuser_client.post(
            reverse(IMPORT_URL), {"payload": f"{data}:{signature}"}, follow=True
        )

        assert not YearlyValue.objects.exists()
        assert response.redirect_chain[-1][0] == reverse(IMPORT_URL)
        assert "预览已过期或无效，请重新上传文件。" in text_of(response)

    def test_a_confirmation_checks_the_rows_again_against_the_database(
        self, superuser_client, indicators
    ):
        payload = payload_of(upload(superuser_client, GOOD_FILE))
        indicators["美丽庭院"].delete()  # the indicator is gone before the confirmation

        response = superuser_client.post(reverse(IMPORT_URL), {"payload": payload})

        assert response.status_code == 200
        assert "没有这个指标：家庭文明建设 / 美丽庭院" in text_of(response)
        assert not YearlyValue.objects.exists()

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("数据.csv", b"", "所提交的是空文件。"),
            ("数据.xlsx", b"year,group\n", "这不是有效的 XLSX 文件"),
            ("数据.csv", "2021,思想引领,巾帼大宣讲,535".encode(), "表头缺少必需的列"),
            ("数据.csv", bytes(range(256)), "这不是 CSV 文本文件。"),
        ],
    )
    def test_an_unreadable_file_shows_why_on_the_upload_form(
        self, superuser_client, indicators, name, data, message
    ):
        response = upload(superuser_client, data, name=name)
        assert response.status_code == 200
        assert message in text_of(response)
        assert 'name="payload"' not in page(response)


def test_a_reader_of_the_figures_sees_every_column_named_in_chinese(client, django_user_model):
    """With view permission only, the figures are shown read-only: the 数值 column
    was headed by the property's name, WRITTEN."""
    value = YearlyValueFactory(value=535)
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_indicator", "view_yearlyvalue"])
    )
    client.force_login(user)

    response = client.get(reverse("admin:stats_indicator_change", args=[value.indicator_id]))

    headers = re.findall(r'<th class="column-[^"]+">(.*?)</th>', page(response), re.DOTALL)
    assert [header.split("<")[0].strip() for header in headers] == [
        "年度",
        "类型",
        "数值",
        "截至日期",
        "来源文章",
        "备注",
    ]


class TestImportPermissions:
    @pytest.fixture
    def staff_client(self, client, django_user_model):
        def login(*codenames):
            user = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
            user.user_permissions.set(
                Permission.objects.filter(content_type__app_label="stats", codename__in=codenames)
            )
            client.force_login(user)
            return client

        return login

    @pytest.mark.parametrize(
        "codenames",
        [(), ("view_yearlyvalue", "view_indicator"), ("add_yearlyvalue",), ("change_yearlyvalue",)],
        ids=["none", "view-only", "add-only", "change-only"],
    )
    def test_staff_without_add_and_change_permission_get_403(
        self, staff_client, indicators, codenames
    ):
        client = staff_client(*codenames)
        assert client.get(reverse(IMPORT_URL)).status_code == 403
        assert upload(client, GOOD_FILE).status_code == 403
        assert not YearlyValue.objects.exists()

    def test_staff_with_add_and_change_permission_may_import(self, staff_client, indicators):
        client = staff_client("add_yearlyvalue", "change_yearlyvalue")
        assert client.get(reverse(IMPORT_URL)).status_code == 200

    def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(self, client):
        response = client.get(reverse(IMPORT_URL))
        assert response.status_code == 302
        assert reverse("admin:login") in response.url


class TestHostileImport:
    """A broken or entity-laden workbook uploaded through the admin gets a reason on
    the upload form, not a server error, and nothing is written (issue 9)."""

    @pytest.fixture
    def workbook(self, indicators):
        row = ["2021", "思想引领", "巾帼大宣讲", "场次", 535, "", "yearly", "", ""]
        return xlsx_file([row])

    @pytest.mark.parametrize(
        ("hostile", "message"),
        [
            (lambda book: with_entities(book, BILLION_LAUGHS), "这不是有效的 XLSX 文件。"),
            (lambda book: with_entities(book, EXTERNAL_FILE), "这不是有效的 XLSX 文件。"),
            (lambda book: book[: len(book) // 2], "这不是有效的 XLSX 文件。"),
            (lambda book: zip_bomb(book, 64 * 1024 * 1024), "解压后超过 50 MB"),
        ],
        ids=["billion-laughs", "external-entity", "truncated", "zip-bomb"],
    )
    def test_a_hostile_workbook_shows_why_and_changes_nothing(
        self, superuser_client, workbook, hostile, message
    ):
        before = database_state()

        response = upload(superuser_client, hostile(workbook), name="2021年数据.xlsx")

        assert response.status_code == 200
        assert message in text_of(response)
        assert 'name="payload"' not in page(response)
        assert database_state() == before
