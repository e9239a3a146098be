"""Chinese figures as the federation's reports write them: 535场次, 58.1万户, 8万余人次,
约3万人, 近万人. Staff type them that way, the importer reads them that way, and the site
writes them back exactly as the report did, so the public never sees a figure the
federation did not publish (11000人 stays 11000人, 近万人 is not 近1万人).
"""

from decimal import Decimal

import pytest

from stats.figures import (
    ABOUT,
    EXACT,
    MORE_THAN,
    NEARLY,
    PLAIN,
    WAN,
    YI,
    FigureError,
    format_figure,
    parse_figure,
)

# (as written, value, qualifier, scale), every one from the March 8 report or the
# ways counties write figures in their spreadsheets.
READINGS = [
    ("535", Decimal("535"), EXACT, PLAIN),
    ("713.5", Decimal("713.5"), EXACT, PLAIN),
    ("58.1万", Decimal("581000"), EXACT, WAN),
    ("11.6万", Decimal("116000"), EXACT, WAN),
    ("8万余", Decimal("80000"), MORE_THAN, WAN),
    ("3.9万", Decimal("39000"), EXACT, WAN),
    ("约3万", Decimal("30000"), ABOUT, WAN),
    ("近万", Decimal("10000"), NEARLY, WAN),
    ("139万", Decimal("1390000"), EXACT, WAN),
    ("11000", Decimal("11000"), EXACT, PLAIN),
    ("200余", Decimal("200"), MORE_THAN, PLAIN),
    ("200多", Decimal("200"), MORE_THAN, PLAIN),
    ("超过500", Decimal("500"), MORE_THAN, PLAIN),
    ("逾500", Decimal("500"), MORE_THAN, PLAIN),
    ("１．５亿", Decimal("150000000"), EXACT, YI),
    ("近亿", Decimal("100000000"), NEARLY, YI),
    ("８万余", Decimal("80000"), MORE_THAN, WAN),
    ("1,000", Decimal("1000"), EXACT, PLAIN),
    (" 535 ", Decimal("535"), EXACT, PLAIN),
    ("0", Decimal("0"), EXACT, PLAIN),
]


@pytest.mark.parametrize(("written", "value", "qualifier", "scale"), READINGS)
def test_a_figure_is_read_as_number_qualifier_and_way_of_writing(written, value, qualifier, scale):
    assert parse_figure(written) == (value, qualifier, scale)


# (value, qualifier, scale, unit, as the report writes it)
WRITINGS = [
    (535, EXACT, PLAIN, "场次", "535场次"),
    (Decimal("713.5"), EXACT, PLAIN, "课时", "713.5课时"),
    (581000, EXACT, WAN, "户", "58.1万户"),
    (116000, EXACT, WAN, "户", "11.6万户"),
    (80000, MORE_THAN, WAN, "人次", "8万余人次"),
    (39000, EXACT, WAN, "人次", "3.9万人次"),
    (30000, ABOUT, WAN, "人", "约3万人"),
    (10000, NEARLY, WAN, "人", "近万人"),
    (1390000, EXACT, WAN, "名", "139万名"),
    (11000, EXACT, PLAIN, "人", "11000人"),
    (200, MORE_THAN, PLAIN, "个", "200余个"),
    (150000000, EXACT, YI, "元", "1.5亿元"),
    (100000000, NEARLY, YI, "元", "近亿元"),
    (20000, NEARLY, WAN, "人", "近2万人"),
    (Decimal("535.00"), EXACT, PLAIN, "场次", "535场次"),
]


@pytest.mark.parametrize(("value", "qualifier", "scale", "unit", "expected"), WRITINGS)
def test_a_figure_is_written_as_the_report_writes_it(value, qualifier, scale, unit, expected):
    assert format_figure(value, qualifier, scale, unit) == expected


def test_nearly_ten_thousand_reads_jin_wan_not_jin_one_wan():
    assert format_figure(*parse_figure("近万"), unit="人") == "近万人"


def test_eleven_thousand_written_plainly_is_not_turned_into_wan():
    value, qualifier, scale = parse_figure("11000")
    assert format_figure(value, qualifier, scale, "人") == "11000人"


@pytest.mark.parametrize(
    "written",
    [
        "535",
        "713.5",
        "58.1万",
        "11.6万",
        "8万余",
        "3.9万",
        "约3万",
        "近万",
        "139万",
        "11000",
        "200余",
        "近亿",
        "约1.5亿",
        "0",
        "2782",
    ],
)
def test_reading_then_writing_gives_back_the_written_text(written):
    assert format_figure(*parse_figure(written)) == written


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [("200多", "200余"), ("超过500", "500余"), ("８万余", "8万余"), ("1,000", "1000")],
)
def test_other_ways_of_writing_come_back_in_the_reports_usual_form(variant, canonical):
    assert format_figure(*parse_figure(variant)) == canonical


def test_a_figure_with_three_decimals_in_wan_is_written_back_unrounded():
    """1.056万人次 is exactly 10560: the site must not publish it as 1.06万人次."""
    assert format_figure(*parse_figure("1.056万"), unit="人次") == "1.056万人次"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "数值不能为空"),
        ("   ", "数值不能为空"),
        ("abc", "无法识别的数值：abc"),
        ("-5", "数值不能为负数：-5"),
        ("－5", "数值不能为负数"),
        ("约8万余", "数值的限定词重复：约8万余"),
        ("近", "无法识别的数值：近"),
        ("万", "无法识别的数值：万"),
        ("近万余", "无法识别的数值"),
        ("1.2.3", "无法识别的数值"),
        ("8千", "无法识别的数值"),
    ],
)
def test_an_unreadable_figure_is_refused_with_a_chinese_reason(written, message):
    with pytest.raises(FigureError) as error:
        parse_figure(written)
    assert message in str(error.value)


def test_the_unreadable_figure_message_shows_examples_of_what_is_accepted():
    with pytest.raises(FigureError, match="示例：535、713.5、58.1万、8万余、约3万、近万"):
        parse_figure("abc")
