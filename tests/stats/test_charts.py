"""The charts need nothing a strict Content-Security-Policy refuses (no inline style,
no style attribute, no script), take their style from static/css/charts.css, and the
same figures draw the same bytes."""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.cache import cache

from stats import charts
from tests.stats.factories import IndicatorFactory, YearlyValueFactory

STYLESHEET = Path(settings.BASE_DIR) / "static/css/charts.css"


@pytest.fixture
def series(db):
    indicator = IndicatorFactory(name="巾帼大宣讲", unit="场次")
    values = [
        YearlyValueFactory(indicator=indicator, year=year, value=value)
        for year, value in [(2019, 480), (2020, 500), (2021, 535), (2022, 12000)]
    ]
    return indicator, values


def drawings(svg):
    return [ElementTree.fromstring(part + "</svg>") for part in svg.split("</svg>")[:-1]]


def test_the_static_stylesheet_is_the_one_pygal_writes():
    """A change to the chart style (or a new pygal) must be written out again with
    `python -m stats.charts > static/css/charts.css`."""
    assert STYLESHEET.read_text(encoding="utf-8") == charts.stylesheet()


def test_the_stylesheet_is_scoped_to_the_charts():
    css = re.sub(r"/\*.*?\*/", "", charts.stylesheet(), flags=re.DOTALL)
    rules = [rule.split("{")[0].strip() for rule in css.split("}") if "{" in rule]
    assert rules
    for selectors in rules:
        for selector in selectors.split(","):
            assert selector.strip().startswith(".pygal-chart"), selector


def test_a_drawing_has_no_inline_style_script_or_random_id(series):
    indicator, values = series

    svg = charts.series_svg(indicator, values, "年度")

    assert len(drawings(svg)) == 2  # wide and narrow
    for root in drawings(svg):
        assert "pygal-chart" in root.get("class").split()
        assert root.get("id") is None
        for element in root.iter():
            name = element.tag.rpartition("}")[2]
            assert name not in {"style", "script"}
            assert "style" not in element.attrib
            assert not [attribute for attribute in element.attrib if attribute.startswith("on")]
        # Still the whole chart: its title, a bar per year and the values above them.
        text = "".join(root.itertext())
        assert "巾帼大宣讲（年度，单位：场次）" in text
        assert all(f"{year}年" in text for year in (2019, 2020, 2021, 2022))
        assert "1.2万" in text
    assert "<!--" not in svg


def test_the_same_figures_draw_the_same_bytes(series):
    indicator, values = series

    first = charts.series_svg(indicator, values, "年度")
    cache.clear()
    second = charts.series_svg(indicator, values, "年度")

    assert first == second
