"""Spreadsheet files as counties send them, built in memory for the import tests."""

import csv
import io
import zipfile

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


# -- Hostile workbooks (issue 9): each answered 500 in the import ------------------------

SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def rewritten_zip(data, changes):
    """A copy of a zip (a workbook) with members changed, {name: text -> text}, or
    added, {name: text}."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            content = source.read(name)
            if name in changes:
                content = changes.pop(name)(content.decode()).encode()
            target.writestr(name, content)
        for name, text in changes.items():
            target.writestr(name, text)
    return buffer.getvalue()


def with_doctype(xml, doctype):
    """`xml` with a document type declaration before its root element."""
    if xml.startswith("<?xml"):
        declaration, rest = xml.split("?>", 1)
        return f"{declaration}?>{doctype}{rest}"
    return doctype + xml


def with_shared_string(data, text, doctype=""):
    """The workbook of one row with its indicator name moved to a shared-strings table
    (as Excel and WPS store text), written as `text`, with `doctype` before it."""
    table = (
        f'{doctype}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    )
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
    inline = '<c r="C2" t="inlineStr"><is><t>巾帼大宣讲</t></is></c>'
    return rewritten_zip(
        data,
        {
            "xl/sharedStrings.xml": table,
            "[Content_Types].xml": lambda xml: xml.replace("</Types>", override + "</Types>"),
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                inline, '<c r="C2" t="s"><v>0</v></c>'
            ),
        },
    )


def with_entities(data, entities):
    """The workbook with `entities` = (a DOCTYPE, the text that uses it) in its
    shared-strings table."""
    doctype, text = entities
    return with_shared_string(data, text, doctype)


# Ten entities of ten times the one before: a billion "lol"s from 200 bytes.
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    + "]>",
    "&lol9;",
)
# An external entity that would read a file of the server into a cell.
EXTERNAL_FILE = ('<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', "&secret;")
# A parameter entity that would fetch a DTD from another server.
EXTERNAL_DTD = (
    '<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>',
    "巾帼大宣讲",
)
# Even a harmless entity: Excel and WPS never write one.
INTERNAL_ENTITY = ('<!DOCTYPE x [<!ENTITY name "巾帼大宣讲">]>', "&name;")


def zip_bomb(data, unpacked_bytes):
    """The workbook with one more member that unpacks to `unpacked_bytes` of zeros
    (a thousandth of that packed)."""
    buffer = io.BytesIO(rewritten_zip(data, {}))
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/image1.png", "w") as member:
            for _ in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()
