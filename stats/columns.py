"""The columns of the open-data export (CSV and JSON), which the importer reads back:
an export can be edited in a spreadsheet and imported again unchanged
(tests/stats/test_importing.py). Both directions are defined here, side by side."""

from decimal import Decimal

COLUMNS = [
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
REQUIRED = {"year", "group", "indicator", "value"}
# The Chinese names a county's own sheet may use in its header row.
HEADER_ALIASES = {
    "年度": "year",
    "年份": "year",
    "分组": "group",
    "指标": "indicator",
    "指标名称": "indicator",
    "单位": "unit",
    "数值": "value",
    "数据": "value",
    "限定": "qualifier",
    "类型": "kind",
    "截至日期": "as_of",
    "截至": "as_of",
    "来源网址": "source_url",
    "来源": "source_url",
}


def export_row(value, source_url):
    """A YearlyValue (with its indicator and group) as a row of the export."""
    return {
        "year": value.year,
        "group": value.indicator.group.name,
        "indicator": value.indicator.name,
        "unit": value.indicator.unit,
        "value": value.value,
        "qualifier": value.qualifier,
        "kind": value.kind,
        "as_of": value.as_of.isoformat() if value.as_of else "",
        "source_url": source_url,
    }


# Excel and WPS run a cell that starts with = + - @ (or a tab or line break before
# one) as a formula, and WPS also takes the full-width ＝＋－＠. OWASP's advice on CSV
# injection: such a text cell gets a leading single quote, which the spreadsheet reads
# as "this is text". Numbers are written as numbers, so a value of -3 stays -3.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_cell(cell):
    """A cell of a CSV export, safe to open in a spreadsheet (see FORMULA_STARTS)."""
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f")
    if isinstance(cell, int):
        return str(cell)
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguarded(text):
    """The text of a cell as it was before spreadsheet_cell guarded it."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
