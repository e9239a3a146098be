"""Spreadsheet files as counties send them, built in memory for the import tests."""

import csv
import io

from openpyxl import Workbook

HEADER = ["year", "group", "indicator", "unit", "value", "qualifier", "kind", "as_of", "source_url"]


def csv_file(rows, header=HEADER, encoding="utf-8-sig", delimiter=","):
    """A CSV (or tab-separated) file's bytes, with CRLF line ends as Excel writes them."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return text.getvalue().encode(encoding)


def xlsx_file(rows, header=HEADER):
    """An XLSX workbook's bytes; cells keep their Python types (int, float, date)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2021年数据"
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
