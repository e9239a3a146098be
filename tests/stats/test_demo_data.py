"""The demo figures are the March 8 report's (市妇联：巾帼勇担当 展现新作为): every
figure the site shows must be one the report printed, written as it printed it,
and linked to the report as its source. A second load changes nothing, and never
undoes a correction an editor has made since.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from news.models import Article
from stats.models import YearlyValue

pytestmark = pytest.mark.django_db

REPORT_TITLE = "市妇联：巾帼勇担当 展现新作为"
MARCH_8 = datetime.date(2022, 3, 8)
RUNNING_TOTALS = {
    "美丽庭院",
    "精品庭院",
    "妇女微家",
    "市级示范妇女微家",
    "“领头雁”培训",
    "“领头雁”培训人数",
}


def load_demo():
    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_stats", stdout=io.StringIO())


@pytest.fixture
def demo():
    load_demo()
    return Article.objects.get(title=REPORT_TITLE)


def all_values():
    return list(YearlyValue.objects.select_related("indicator", "source_article"))


def test_every_figure_of_the_report_is_loaded_and_cites_it(demo):
    values = all_values()
    assert len(values) >= 33
    assert {value.source_article for value in values} == {demo}


def test_every_figure_is_written_exactly_as_the_report_prints_it(demo):
    missing = [
        f"{value.indicator.name}: {value.display}"
        for value in all_values()
        if value.display not in demo.body_text
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("indicator", "shown"),
    [
        ("宣教活动参与人次", "8万余人次"),
        ("美丽庭院", "58.1万户"),
        ("精品庭院", "11.6万户"),
        ("“领头雁”培训人数", "近万人"),
        ("新增妇联执委", "约3万人"),
        ("美丽庭院创建授课", "713.5课时"),
        ("巾帼家政技能培训", "11000人"),
        ("幸福婚姻大讲堂参与人数", "139万名"),
        ("美丽庭院授课受益群众", "3.9万人次"),
    ],
)
def test_the_report_figures_read_as_printed(demo, indicator, shown):
    value = YearlyValue.objects.get(indicator__name=indicator)
    assert value.display == shown
    assert shown in demo.body_text


def test_the_running_totals_are_those_the_report_gives_as_of_march_8(demo):
    running = YearlyValue.objects.filter(kind=YearlyValue.Kind.RUNNING_TOTAL)
    assert {value.indicator.name for value in running} == RUNNING_TOTALS
    assert {value.as_of for value in running} == {MARCH_8}
    assert not YearlyValue.objects.filter(
        kind=YearlyValue.Kind.YEARLY, as_of__isnull=False
    ).exists()


def test_all_figures_are_for_2021(demo):
    assert set(YearlyValue.objects.values_list("year", flat=True)) == {2021}


@pytest.mark.parametrize(
    ("indicator", "qualifier"),
    [
        ("宣教活动参与人次", YearlyValue.Qualifier.MORE_THAN),
        ("新增妇联执委", YearlyValue.Qualifier.ABOUT),
        ("“领头雁”培训人数", YearlyValue.Qualifier.NEARLY),
        ("巾帼大宣讲", YearlyValue.Qualifier.EXACT),
    ],
)
def test_the_reports_qualifiers_are_kept(demo, indicator, qualifier):
    assert YearlyValue.objects.get(indicator__name=indicator).qualifier == qualifier


def test_a_second_load_creates_nothing(demo):
    before = sorted(YearlyValue.objects.values_list("id", "value", "updated_at"))
    load_demo()
    assert sorted(YearlyValue.objects.values_list("id", "value", "updated_at")) == before


def test_a_second_load_keeps_a_figure_an_editor_corrected(demo):
    corrected = YearlyValue.objects.get(indicator__name="巾帼大宣讲")
    corrected.value = 536
    corrected.note = "据市妇联复核更正"
    corrected.save()

    load_demo()

    corrected.refresh_from_db()
    assert (corrected.value, corrected.note) == (536, "据市妇联复核更正")
    assert YearlyValue.objects.filter(indicator__name="巾帼大宣讲").count() == 1


def test_a_second_load_puts_back_a_figure_that_is_missing(demo):
    count = YearlyValue.objects.count()
    YearlyValue.objects.get(indicator__name="美丽庭院").delete()
    load_demo()
    assert YearlyValue.objects.count() == count
    assert YearlyValue.objects.get(indicator__name="美丽庭院").display == "58.1万户"


def test_the_figures_cannot_be_loaded_without_the_report(db):
    with pytest.raises(CommandError, match="请先运行 load_demo_content"):
        call_command("load_demo_stats", stdout=io.StringIO())
    assert not YearlyValue.objects.exists()
