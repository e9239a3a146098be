"""Figures against the data (数据核对): the work figures (stats) that cite an article
(本文数据) checked against the numbers its text gives.

- A number in the text with the unit of a cited figure, right after that figure's
  indicator name (开展巾帼大宣讲536场次, the data says 535场次), that differs from it:
  serious, with the data's figure as the suggestion.
- A cited figure found nowhere in the text (as any writing of the same number and
  unit: 11000人 or 1.1万人): the data names the article as its source for a number it
  does not give.

Numbers are read with stats.figures.parse_figure, the reader of the spreadsheet
import, so 8万余, 约3万 and 近万 mean here what they mean in the data.
"""

import functools
import re
from decimal import Decimal

from stats.figures import FigureError, parse_figure

from .findings import SERIOUS
from .mechanics import Spot

# A number as a report writes it: 535, 713.5, 1,900, 58.1万, 8万余, 约3万, 近万.
_NUMBER = r"(?:约|近|超过|逾)?(?:\d+(?:,\d{3})*(?:\.\d+)?(?:万|亿)?|万|亿)(?:余|多)?"
# Where the name of what is counted stands before its number: the same clause.
_CLAUSE_EDGE = re.compile("[。；！？，、：\n]")
NAME_WINDOW = 40
_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


@functools.lru_cache(maxsize=64)
def _pattern(units):
    alternatives = "|".join(re.escape(unit) for unit in sorted(units, key=len, reverse=True))
    # Not inside a longer number (2021年 holds no 021), and 人 is not the 人 of 人次.
    return re.compile(rf"(?<![\d.,]){_NUMBER}\s?(?:{alternatives})(?!次)")


def _occurrences(text, units):
    """(start, end, value, unit) of each figure in `text` with one of `units`."""
    plain = text.translate(_DIGITS)  # full-width digits read as digits, offsets kept
    for match in _pattern(units).finditer(plain):
        written = match.group()
        unit = next(unit for unit in sorted(units, key=len, reverse=True) if written.endswith(unit))
        number = written[: -len(unit)].strip()
        try:
            value, _qualifier, _scale = parse_figure(number)
        except FigureError:
            continue
        yield match.start(), match.end(), value, unit


def _named_before(text, start, name):
    window = text[max(0, start - NAME_WINDOW) : start]
    edges = list(_CLAUSE_EDGE.finditer(window))
    clause = window[edges[-1].end() :] if edges else window
    return name in clause


def _label(value):
    return f"{value.indicator.name}（{value.year}年{value.get_kind_display()}）{value.display}"


def figure_spots(text, values):
    """Spots for the figures `values` (YearlyValue with their indicator) that cite the
    article whose text is `text`."""
    values = list(values)
    if not values:
        return
    units = frozenset(value.indicator.unit for value in values)
    found = list(_occurrences(text, units))
    given = {(unit, value) for _start, _end, value, unit in found}
    reported = set()
    for start, end, number, unit in found:
        same_unit = [value for value in values if value.indicator.unit == unit]
        if any(Decimal(value.value) == number for value in same_unit):
            continue
        named = [value for value in same_unit if _named_before(text, start, value.indicator.name)]
        if not named:
            continue
        # The longest name that stands before it: 省最美绿色家庭 over 最美家庭.
        value = max(named, key=lambda value: len(value.indicator.name))
        reported.add(id(value))
        yield Spot(
            start,
            end,
            value.display,
            f"与工作数据不一致：{_label(value)}",
            SERIOUS,
        )
    for value in values:
        if id(value) in reported or (value.indicator.unit, Decimal(value.value)) in given:
            continue
        yield Spot(None, None, None, f"工作数据{_label(value)}注明出自本文，但正文中没有这个数")
