"""Importing yearly figures from the spreadsheets counties send (CSV or XLSX).

`read_rows` turns a file into dictionaries; `plan_import` checks every row and
compares it with the database, without writing; `apply_import` writes a plan that
has no bad row, in one transaction. A file with any bad row changes nothing.

The columns are the open-data export's, or their Chinese names (stats.columns), so
an export can be edited and imported back.
A value may be written as the report writes it: 8万余, 约3万, 近万, 58.1万.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlparse

from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from django.db import transaction
from django.http.request import validate_host
from django.urls import Resolver404, resolve

from fedsite.text import decode_text
from news.models import Article

from . import figures
from .columns import COLUMNS, HEADER_ALIASES, REQUIRED, unguarded
from .models import FIRST_YEAR, LAST_YEAR, Indicator, YearlyValue

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# A workbook of MAX_ROWS rows unpacks to a few MB; the limits stop a zip bomb, and a
# sheet that declares 16,384 columns (A1:XFD…), from filling the memory.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 64

KIND_NAMES = {
    "yearly": YearlyValue.Kind.YEARLY,
    "年度": YearlyValue.Kind.YEARLY,
    "running_total": YearlyValue.Kind.RUNNING_TOTAL,
    "累计": YearlyValue.Kind.RUNNING_TOTAL,
}
QUALIFIER_NAMES = {
    "exact": figures.EXACT,
    "准确": figures.EXACT,
    "准确数": figures.EXACT,
    "more_than": figures.MORE_THAN,
    "余": figures.MORE_THAN,
    "多于": figures.MORE_THAN,
    "about": figures.ABOUT,
    "约": figures.ABOUT,
    "nearly": figures.NEARLY,
    "近": figures.NEARLY,
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class RowResult:
    line: int
    raw: dict
    action: str = ""  # "create", "update", "unchanged"
    errors: list[str] = field(default_factory=list)
    indicator: Indicator | None = None
    fields: dict = field(default_factory=dict)
    existing: YearlyValue | None = None
    scale_given: bool = False

    @property
    def new_display(self):
        if not self.fields:
            return ""
        f = self.fields
        return figures.format_figure(f["value"], f["qualifier"], f["scale"], self.indicator.unit)

    @property
    def old_display(self):
        return self.existing.display if self.existing else ""


@dataclass
class ImportPlan:
    rows: list[RowResult]

    @property
    def bad_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.bad_rows

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def created_count(self):
        return self.count("create")

    @property
    def updated_count(self):
        return self.count("update")

    @property
    def unchanged_count(self):
        return self.count("unchanged")


def read_rows(name, data):
    """Rows of a CSV or XLSX file as dictionaries keyed by the English column names.
    The format is judged by content: an XLSX file is a zip archive."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB。")
    if not data:
        raise ImportFileError("文件是空的。")
    if data[:4] == b"PK\x03\x04":
        table = _xlsx_table(data)
    elif name.lower().endswith((".xlsx", ".xls")):
        raise ImportFileError("这不是有效的 XLSX 文件（旧版 .xls 请另存为 .xlsx 或 CSV）。")
    else:
        table = _csv_table(data)
    return _as_dicts(table)


def _xlsx_table(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # The sizes a zip states are the sizes Python's zipfile will unpack (a
            # member that unpacks to more is refused), so a zip bomb stops here.
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise ImportFileError(
                    f"这个 XLSX 文件解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，"
                    "请只保留要导入的数据后另存再试。"
                )
            _refuse_entities(archive)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS)
            return [list(row) for row in rows]
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:
        # A damaged or hand-made workbook fails inside openpyxl's zip and XML readers
        # with whatever they hit (BadZipFile, ParseError, KeyError, TypeError,
        # zlib.error, defusedxml's refusal of entity declarations, ...), also while
        # the rows are read. For staff it is one thing: not a workbook we can read.
        raise ImportFileError(
            "这不是有效的 XLSX 文件。请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。"
        ) from error


def _refuse_entities(archive):
    """Parse every XML member with defusedxml, refusing DTDs and entities (Excel and
    WPS never write one). openpyxl does so itself only where it does not use lxml,
    and lxml is installed wherever python-docx is (the Word import's tests), so the
    refusal must not depend on which parser openpyxl picked."""
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels")):
            defused_fromstring(archive.read(member), forbid_dtd=True)


def _csv_table(data):
    text = decode_text(data)  # UTF-8 (with BOM) or GB18030, as Excel and WPS save CSV
    if "\x00" in text:
        raise ImportFileError("这不是 CSV 文本文件。")
    header = text.split("\n", 1)[0]
    # Excel's "Unicode text" export is tab-separated; everything else uses commas.
    delimiter = "\t" if "\t" in header and "," not in header else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"CSV 文件格式有误：{error}") from error


def _as_dicts(table):
    # Number the lines before dropping blank ones, so a reported line is the line
    # staff see in Excel.
    numbered = [
        (line, row)
        for line, row in enumerate(table, start=1)
        if any(cell_text(cell) for cell in row)
    ]
    if not numbered:
        raise ImportFileError("文件中没有数据。")
    header_line, header_cells = numbered[0]
    header = [HEADER_ALIASES.get(cell_text(cell), cell_text(cell).lower()) for cell in header_cells]
    missing = REQUIRED - set(header)
    if missing:
        names = "、".join(sorted(missing))
        raise ImportFileError(
            f"第 {header_line} 行的表头缺少必需的列：{names}（第一行应为列名，见 README）。"
        )
    if len(numbered) - 1 > MAX_ROWS:
        raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行。")
    rows = []
    for line, cells in numbered[1:]:
        rows.append(
            (
                line,
                {
                    key: cells[i] if i < len(cells) else None
                    for i, key in enumerate(header)
                    if key in COLUMNS
                },
            )
        )
    return rows


def cell_text(cell):
    """A cell as text: 2021.0 -> "2021", a date -> "2022-03-08", None -> "",
    '=SUM(1) -> =SUM(1)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        cell = cell.date()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unguarded(str(cell).strip())


def plan_import(rows, default_source=None):
    """Check every row and compare it with the database; writes nothing."""
    indicators = {
        (indicator.group.name, indicator.name): indicator
        for indicator in Indicator.objects.select_related("group")
    }
    results = [_check_row(line, raw, indicators, default_source) for line, raw in rows]
    _mark_duplicates(results)
    _compare_with_database(results)
    return ImportPlan(results)


def _check_row(line, raw, indicators, default_source):
    row = RowResult(line=line, raw={key: cell_text(value) for key, value in raw.items()})
    text = row.raw
    errors = row.errors

    year = _year(raw.get("year"), errors)
    indicator = indicators.get((text.get("group", ""), text.get("indicator", "")))
    if indicator is None:
        errors.append(f"没有这个指标：{text.get('group', '')} / {text.get('indicator', '')}")
    elif text.get("unit") and text["unit"] != indicator.unit:
        errors.append(f"单位应为“{indicator.unit}”，表中为“{text['unit']}”")
    row.indicator = indicator

    kind = KIND_NAMES.get(text.get("kind") or "yearly")
    if kind is None:
        errors.append(f"类型应为 yearly（年度）或 running_total（累计），表中为“{text['kind']}”")

    value = qualifier = scale = None
    try:
        value, qualifier, scale = _value(raw.get("value"), text.get("qualifier", ""))
    except figures.FigureError as error:
        errors.append(str(error))
    # A bare number (58100, as the export writes it) says nothing about how the
    # report writes it; _compare_with_database keeps the stored way or picks one.
    row.scale_given = scale != figures.PLAIN

    as_of = _date(raw.get("as_of"), errors)
    if kind == YearlyValue.Kind.RUNNING_TOTAL and as_of is None and not errors:
        errors.append("累计数必须填写截至日期（as_of）")
    if kind == YearlyValue.Kind.YEARLY and as_of is not None:
        errors.append("年度数不填截至日期；若为累计数，类型请填 running_total（累计）")

    source = _source(text.get("source_url", ""), errors) or default_source

    if not errors:
        row.fields = {
            "year": year,
            "kind": kind,
            "value": value,
            "qualifier": qualifier,
            "scale": scale,
            "as_of": as_of,
        }
        if source is not None:
            # An empty source_url keeps the article a figure already cites.
            row.fields["source_article"] = source
    return row


def _year(cell, errors):
    text = cell_text(cell)
    if not re.fullmatch(r"\d{4}", text):
        errors.append(f"年度应为四位数字，表中为“{text}”")
        return None
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(f"年度应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间，表中为 {year}")
        return None
    return year


def _value(cell, qualifier_text):
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        try:
            value, qualifier, scale = Decimal(str(cell)), figures.EXACT, figures.PLAIN
        except InvalidOperation as error:
            raise figures.FigureError(f"无法识别的数值：{cell}") from error
        if not value.is_finite():  # a NaN cell cannot even be compared with 0
            raise figures.FigureError(f"无法识别的数值：{cell}")
        if value < 0:
            raise figures.FigureError(f"数值不能为负数：{cell}")
    else:
        value, qualifier, scale = figures.parse_figure(cell_text(cell))
    if value >= figures.MAX_VALUE:
        raise figures.FigureError(f"数值过大：{cell_text(cell)}")
    if qualifier_text:
        stated = QUALIFIER_NAMES.get(qualifier_text)
        if stated is None:
            raise figures.FigureError(
                f"限定应为 exact、more_than、about 或 nearly，表中为“{qualifier_text}”"
            )
        if qualifier != figures.EXACT and stated != qualifier:
            raise figures.FigureError(f"数值“{cell_text(cell)}”与限定“{qualifier_text}”矛盾")
        qualifier = stated
    return value, qualifier, scale


_DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def _date(cell, errors):
    if cell is None or cell_text(cell) == "":
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    text = cell_text(cell)
    for fmt in _DATE_FORMATS:
        try:
            date = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if FIRST_YEAR <= date.year <= LAST_YEAR:
            return date
    errors.append(f"截至日期应为 2022-03-08 这样的日期，表中为“{text}”")
    return None


def _source(url, errors):
    """The article a figure comes from, given as its address on this site."""
    if not url:
        return None
    try:
        parsed = urlparse(url)
        foreign = parsed.netloc and not validate_host(parsed.hostname or "", settings.ALLOWED_HOSTS)
    except ValueError:  # not an address at all: http://[abc/
        foreign = True
    if foreign:
        errors.append(f"来源网址不是本站文章的地址：{url}")
        return None
    try:
        match = resolve(parsed.path)
    except Resolver404:
        match = None
    if match is None or match.view_name != "news:article":
        errors.append(f"来源网址不是本站文章的地址：{url}")
        return None
    article = Article.objects.filter(pk=match.kwargs["pk"]).first()
    if article is None:
        errors.append(f"来源文章不存在：{url}")
    return article


def _mark_duplicates(results):
    seen = {}
    for row in results:
        if row.errors:
            continue
        key = (row.indicator.pk, row.fields["year"], row.fields["kind"])
        if key in seen:
            row.errors.append(f"与第 {seen[key]} 行重复（同一指标、年度和类型只能有一个数值）")
        else:
            seen[key] = row.line


def _compare_with_database(results):
    good = [row for row in results if not row.errors]
    existing = {
        (value.indicator_id, value.year, value.kind): value
        for value in YearlyValue.objects.filter(
            indicator__in={row.indicator.pk for row in good}
        ).select_related("indicator", "source_article")
    }
    for row in good:
        current = existing.get((row.indicator.pk, row.fields["year"], row.fields["kind"]))
        row.existing = current
        if not row.scale_given:
            row.fields["scale"] = current.scale if current else _default_scale(row.fields["value"])
        if current is None:
            row.action = "create"
        elif all(getattr(current, name) == new for name, new in row.fields.items()):
            row.action = "unchanged"
        else:
            row.action = "update"


def _default_scale(value):
    # 581000 reads as 58.1万 in a report; 11000 stays 11000.
    return figures.WAN if value >= 100_000 and value % 1000 == 0 else figures.PLAIN


@transaction.atomic
def apply_import(plan):
    """Write a plan with no bad row. Returns the number of values created and updated."""
    if not plan.is_valid:
        raise ValueError("导入文件有错误的行，未做任何修改。")
    created = updated = 0
    for row in plan.rows:
        if row.action == "create":
            YearlyValue.objects.create(indicator=row.indicator, **row.fields)
            created += 1
        elif row.action == "update":
            for name, new in row.fields.items():
                setattr(row.existing, name, new)
            row.existing.save()
            updated += 1
    return created, updated
