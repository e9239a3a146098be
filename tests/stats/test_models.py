"""The rules a yearly figure keeps, in the model's validation (what staff meet in a
form) and again in the database (what no code path can get round).

A figure is either a year's activity (年度) or a running total as of a date (累计:
截至目前全市共创建美丽庭院58.1万户). A running total without its date would be
read as one year's work, so it is refused; each indicator has one figure per year
and kind.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from stats.models import YearlyValue
from tests.stats.factories import IndicatorFactory, RunningTotalFactory, YearlyValueFactory

pytestmark = pytest.mark.django_db

MARCH_8 = datetime.date(2022, 3, 8)
DUPLICATE_MESSAGE = "包含 指标，年度 和 类型 的 年度数值 已经存在。"  # Django's own, in Chinese


def refused_by_database(**fields):
    """Saving these fields straight to the database (no validation) fails."""
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyValue.objects.create(**fields)


def validation_messages(value):
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    return error.value.message_dict


class TestYearlyOrRunningTotal:
    def test_a_running_total_needs_its_as_of_date(self):
        value = YearlyValue(
            indicator=IndicatorFactory(),
            year=2021,
            value=581000,
            kind=YearlyValue.Kind.RUNNING_TOTAL,
            as_of=None,
        )
        with pytest.raises(ValidationError) as error:
            value.clean()
        assert error.value.message_dict["as_of"] == ["累计数必须填写截至日期。"]

    def test_the_database_refuses_a_running_total_without_as_of(self):
        refused_by_database(
            indicator=IndicatorFactory(),
            year=2021,
            value=581000,
            kind=YearlyValue.Kind.RUNNING_TOTAL,
            as_of=None,
        )
        assert not YearlyValue.objects.exists()

    def test_a_yearly_figure_with_an_as_of_date_is_refused(self):
        value = YearlyValue(
            indicator=IndicatorFactory(),
            year=2021,
            value=535,
            kind=YearlyValue.Kind.YEARLY,
            as_of=MARCH_8,
        )
        with pytest.raises(ValidationError) as error:
            value.clean()
        assert error.value.message_dict["as_of"] == ["年度数不填截至日期。"]

    def test_a_running_total_with_its_date_and_a_plain_yearly_figure_are_valid(self):
        indicator = IndicatorFactory()
        for value in [
            YearlyValue(indicator=indicator, year=2021, value=535),
            YearlyValue(
                indicator=indicator,
                year=2021,
                value=581000,
                kind=YearlyValue.Kind.RUNNING_TOTAL,
                as_of=MARCH_8,
            ),
        ]:
            value.full_clean()  # raises if refused


class TestOneFigurePerIndicatorYearAndKind:
    def test_a_second_yearly_figure_for_the_same_year_is_refused_by_the_database(self):
        first = YearlyValueFactory(year=2021, value=535)
        refused_by_database(indicator=first.indicator, year=2021, value=540)
        assert YearlyValue.objects.get().value == 535

    def test_a_second_running_total_for_the_same_year_is_refused_by_the_database(self):
        first = RunningTotalFactory(year=2021, value=581000)
        refused_by_database(
            indicator=first.indicator,
            year=2021,
            value=590000,
            kind=YearlyValue.Kind.RUNNING_TOTAL,
            as_of=datetime.date(2022, 6, 1),
        )

    def test_model_validation_names_the_duplicate(self):
        first = YearlyValueFactory(year=2021)
        duplicate = YearlyValue(indicator=first.indicator, year=2021, value=540)
        assert validation_messages(duplicate)["__all__"] == [DUPLICATE_MESSAGE]

    def test_a_yearly_figure_and_a_running_total_of_the_same_year_coexist(self):
        yearly = YearlyValueFactory(year=2021, value=71)
        RunningTotalFactory(indicator=yearly.indicator, year=2021, value=10000)
        assert yearly.indicator.values.count() == 2

    def test_the_same_indicator_has_one_figure_in_each_of_several_years(self):
        first = YearlyValueFactory(year=2020)
        YearlyValueFactory(indicator=first.indicator, year=2021)
        assert sorted(first.indicator.values.values_list("year", flat=True)) == [2020, 2021]


class TestYearAndValueRange:
    @pytest.mark.parametrize("year", [1800, 1948, 2101])
    def test_a_year_outside_1949_to_2100_is_refused_by_validation(self, year):
        value = YearlyValue(indicator=IndicatorFactory(), year=year, value=535)
        assert "year" in validation_messages(value)

    @pytest.mark.parametrize("year", [1800, 1948, 2101])
    def test_a_year_outside_1949_to_2100_is_refused_by_the_database(self, year):
        refused_by_database(indicator=IndicatorFactory(), year=year, value=535)

    @pytest.mark.parametrize("year", [1949, 2100])
    def test_the_first_and_last_years_are_accepted(self, year):
        YearlyValue(indicator=IndicatorFactory(), year=year, value=535).full_clean()
        YearlyValueFactory(year=year)

    def test_a_negative_value_is_refused_by_validation(self):
        value = YearlyValue(indicator=IndicatorFactory(), year=2021, value=Decimal("-1"))
        assert "value" in validation_messages(value)

    def test_a_negative_value_is_refused_by_the_database(self):
        refused_by_database(indicator=IndicatorFactory(), year=2021, value=Decimal("-0.5"))

    def test_zero_is_a_valid_value(self):
        YearlyValue(indicator=IndicatorFactory(), year=2021, value=0).full_clean()


class TestDisplay:
    @pytest.mark.parametrize(
        ("unit", "value", "qualifier", "scale", "shown"),
        [
            ("户", 581000, "exact", "wan", "58.1万户"),
            ("人次", 80000, "more_than", "wan", "8万余人次"),
            ("课时", Decimal("713.5"), "exact", "plain", "713.5课时"),
            ("人", 10000, "nearly", "wan", "近万人"),
            ("人", 30000, "about", "wan", "约3万人"),
            ("人", 11000, "exact", "plain", "11000人"),
        ],
    )
    def test_a_stored_figure_displays_as_the_report_wrote_it(
        self, unit, value, qualifier, scale, shown
    ):
        stored = YearlyValueFactory(
            indicator__unit=unit, value=value, qualifier=qualifier, scale=scale
        )
        stored.refresh_from_db()  # as the database gives it back: Decimal("581000.00")
        assert stored.display == shown

    def test_the_written_form_leaves_out_the_unit(self):
        stored = YearlyValueFactory(
            indicator__unit="人次", value=80000, qualifier="more_than", scale="wan"
        )
        assert stored.written == "8万余"

    def test_the_name_of_a_figure_says_indicator_year_and_figure(self):
        stored = YearlyValueFactory(indicator__name="巾帼大宣讲", indicator__unit="场次", value=535)
        assert str(stored) == "巾帼大宣讲 2021年：535场次"

    def test_is_running_total_tells_the_two_kinds_apart(self):
        assert RunningTotalFactory().is_running_total
        assert not YearlyValueFactory().is_running_total
