"""Chinese figures: reading 8万余 or 约3万 into a number and a qualifier, and
writing them back the way a Chinese report does (58.1万户, 8万余人次, 近万人).

The number is kept as a Decimal so it sorts and charts; the qualifier (exact,
more than, about, nearly) and the scale (plain or 万) are kept beside it, so the
figure still reads as the federation wrote it: 11000人 stays 11000人 and is not
turned into 1.1万人.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

EXACT, MORE_THAN, ABOUT, NEARLY = "exact", "more_than", "about", "nearly"
PLAIN, WAN, YI = "plain", "wan", "yi"

SCALE_FACTOR = {PLAIN: Decimal(1), WAN: Decimal(10_000), YI: Decimal(100_000_000)}
SCALE_SUFFIX = {PLAIN: "", WAN: "万", YI: "亿"}
# What the database column (14 digits, 2 decimals) can hold.
MAX_VALUE = Decimal(10) ** 12
_SUFFIX_SCALE = {"万": WAN, "亿": YI}

# 约3万, 近万, 8万余, 200多, 超过500, 逾千 is not supported (千 is not used in reports).
_FIGURE = re.compile(
    r"(?P<prefix>约|近|超过|逾)?(?P<number>\d+(?:\.\d+)?)?(?P<scale>万|亿)?(?P<suffix>余|多)?"
)


class FigureError(ValueError):
    """A figure that cannot be read; the message is shown to staff as it is."""


def parse_figure(text):
    """Read a figure as a report writes it. Returns (value, qualifier, scale).

    >>> parse_figure("8万余")
    (Decimal('80000'), 'more_than', 'wan')
    """
    # NFKC turns full-width digits and points (８．５) into ASCII ones.
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "")
    if not cleaned:
        raise FigureError("数值不能为空。")
    if cleaned.startswith("-"):
        raise FigureError(f"数值不能为负数：{text}")
    match = _FIGURE.fullmatch(cleaned)
    if not match:
        raise FigureError(f"无法识别的数值：{text}（示例：535、713.5、58.1万、8万余、约3万、近万）")
    prefix, number, scale_mark, suffix = match.group("prefix", "number", "scale", "suffix")
    if number is None:
        # Only "近万" / "近亿" may leave out the number: it means nearly one 万.
        if prefix != "近" or scale_mark is None or suffix:
            raise FigureError(f"无法识别的数值：{text}")
        number = "1"
    if prefix and suffix:
        raise FigureError(f"数值的限定词重复：{text}")
    qualifier = EXACT
    if suffix or prefix in {"超过", "逾"}:
        qualifier = MORE_THAN
    elif prefix == "约":
        qualifier = ABOUT
    elif prefix == "近":
        qualifier = NEARLY
    scale = _SUFFIX_SCALE.get(scale_mark, PLAIN)
    try:
        value = Decimal(number) * SCALE_FACTOR[scale]
    except InvalidOperation as error:  # pragma: no cover - the pattern admits digits only
        raise FigureError(f"无法识别的数值：{text}") from error
    if value >= MAX_VALUE:
        raise FigureError(f"数值过大：{text}")
    return value, qualifier, scale


def format_number(value, scale=PLAIN):
    """713.5 -> "713.5"; 581000 at scale 万 -> "58.1万"; no trailing zeros."""
    # Round the stored number (kept to 0.01), never the scaled one: 10560 at 万 is
    # 1.056万, as the report printed it, not 1.06万.
    scaled = Decimal(value).quantize(Decimal("0.01")) / SCALE_FACTOR[scale]
    text = format(scaled.normalize(), "f")
    return text + SCALE_SUFFIX[scale]


def format_figure(value, qualifier=EXACT, scale=PLAIN, unit=""):
    """The figure as a Chinese report writes it: 58.1万户, 8万余人次, 约3万人, 近万人."""
    scaled = Decimal(value) / SCALE_FACTOR[scale]
    if qualifier == NEARLY and scale != PLAIN and scaled == 1:
        number = SCALE_SUFFIX[scale]  # 近万, not 近1万
    else:
        number = format_number(value, scale)
    prefix = {ABOUT: "约", NEARLY: "近"}.get(qualifier, "")
    suffix = "余" if qualifier == MORE_THAN else ""
    return f"{prefix}{number}{suffix}{unit}"
