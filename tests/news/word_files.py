"""Real .docx files for the Word import tests (issue 14), built with python-docx as an
office would type them: a centred large title, the 供稿 and date lines, GB/T 9704
numbering, a list, a table with merged cells, a hyperlink, two photos (one with a
description), a text box, a tracked change and a comment. What python-docx has no
API for (text boxes, tracked changes, hyperlinks) is written as the XML Word itself
writes. Footnotes come from the LibreOffice-saved files in tests/data/word/."""

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.shared import Cm, Pt
from PIL import Image

DATA = Path(__file__).resolve().parents[1] / "data" / "word"
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

TITLE = "市妇联召开“三八”国际妇女节表彰大会"
LEAD = "3月8日上午，市妇联在市民中心召开表彰大会，表彰先进集体和个人。"
PHOTO_DESCRIPTION = "大会现场，获奖代表上台领奖"


def photo(size=(640, 480), color=(176, 24, 43), image_format="JPEG", exif_gps=False):
    """A photo as a phone would give it; with `exif_gps`, carrying a GPS position."""
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    options = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPSInfo: a latitude
        options["exif"] = exif
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def centred(document, text, size=None, bold=False):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    return paragraph


def body_paragraph(document, text, size=16):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = "仿宋_GB2312"
    return paragraph


def add_hyperlink(paragraph, text, url):
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {NAMESPACES} r:id="{rel}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'
        )
    )


def add_tracked_change(paragraph, inserted, deleted):
    """An insertion and a deletion by 张三, not yet accepted or rejected."""
    paragraph._p.append(
        parse_xml(
            f'<w:ins {NAMESPACES} w:id="901" w:author="张三" w:date="2026-03-07T10:00:00Z">'
            f"<w:r><w:t>{inserted}</w:t></w:r></w:ins>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {NAMESPACES} w:id="902" w:author="张三" w:date="2026-03-07T10:00:00Z">'
            f"<w:r><w:delText>{deleted}</w:delText></w:r></w:del>"
        )
    )


def add_text_box(paragraph, text):
    """A text box as Word 2003-2007 wrote it (VML), anchored in `paragraph`."""
    paragraph._p.append(
        parse_xml(
            f'<w:r {NAMESPACES}><w:pict><v:shape style="width:160pt;height:40pt">'
            f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )


def describe_last_picture(document, description):
    """Set the 替换文本 (alt text) of the last inserted picture, as Word's dialog does."""
    doc_pr = document.inline_shapes[-1]._inline.docPr
    doc_pr.set("descr", description)


def full_report(**options):
    """The whole sample: returns the .docx bytes."""
    document = Document()
    centred(document, TITLE, size=22)
    centred(document, "（市妇联办公室 供稿）", size=16)
    intro = body_paragraph(document, "\u3000\u3000" + LEAD)
    emphasis = intro.add_run("会议要求")
    emphasis.bold = True
    intro.add_run("，")
    underlined = intro.add_run("巾帼建新功")
    underlined.underline = True
    italic = intro.add_run("（摘要）")
    italic.italic = True
    intro.add_run("。")
    body_paragraph(document, "一、基本情况")
    body_paragraph(document, "（一）组织领导")
    body_paragraph(document, "1.加强统筹。各级妇联要把表彰工作摆上重要议程。")
    body_paragraph(document, "（1）按时报送材料。")
    document.add_paragraph("健康咨询", style="List Bullet")
    document.add_paragraph("法律服务", style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    for row in range(3):
        for column in range(3):
            table.cell(row, column).text = f"{row}{column}"
    table.cell(0, 0).text, table.cell(0, 1).text = "类别", ""
    table.cell(0, 0).merge(table.cell(0, 1))  # 类别 across two columns
    table.cell(1, 2).text, table.cell(2, 2).text = "合计", ""
    table.cell(1, 2).merge(table.cell(2, 2))  # 合计 down two rows
    link = body_paragraph(document, "详见")
    add_hyperlink(link, "市妇联网站", "https://www.example.gov.cn/fl/")
    changed = body_paragraph(document, "全市共表彰先进个人")
    add_tracked_change(changed, "一百二十", "三百")
    changed.add_run("名。")
    document.add_picture(io.BytesIO(photo(exif_gps=True)), width=Cm(12))
    describe_last_picture(document, PHOTO_DESCRIPTION)
    document.add_picture(io.BytesIO(photo(color=(20, 90, 160), image_format="PNG")), width=Cm(8))
    boxed = body_paragraph(document, "现场气氛热烈。")
    add_text_box(boxed, "获奖名单见附件")
    commented = body_paragraph(document, "会议号召全市妇女干部担当作为。")
    document.add_comment(commented.runs, text="请核实会议名称", author="李四")
    document.add_paragraph("2026年3月8日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def simple(title="巾帼志愿服务进社区", paragraphs=("志愿者为社区老人义诊。",), pictures=0):
    document = Document()
    centred(document, title, size=22)
    for text in paragraphs:
        body_paragraph(document, text)
    for index in range(pictures):
        document.add_picture(io.BytesIO(photo(color=(index * 20 % 255, 80, 120))), width=Cm(10))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewritten(docx, replace=None, add=None):
    """The .docx with some parts replaced or added ({name: bytes}): hostile variants."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, data in add.items():
            out.writestr(name, data)
    return buffer.getvalue()


def long_report(pages=20, pictures=10):
    """A report of about `pages` A4 pages (LibreOffice lays out 20 for the defaults):
    paragraphs in 三号 type and `pictures` photos of 1600×1200, as Word keeps a
    picture 15 cm wide at 220 ppi. The README's import timing."""
    document = Document()
    centred(document, "市妇联2026年工作总结", size=22)
    centred(document, "（市妇联办公室 供稿）", size=16)
    sentence = "全市各级妇联组织围绕中心、服务大局，团结引领广大妇女建功新时代。"
    per_page = 5  # the pictures take about a quarter of the pages
    picture_every = max(1, pages * per_page // max(pictures, 1))
    placed = 0
    for number in range(pages * per_page):
        if number % 25 == 0:
            body_paragraph(document, f"{'一二三四五六七八九十'[number // 25 % 10]}、重点工作")
        body_paragraph(document, "\u3000\u3000" + sentence * 2)
        if placed < pictures and number % picture_every == picture_every - 1:
            image = Image.merge(
                "RGB",
                [
                    Image.effect_noise((1600, 1200), 24),
                    Image.linear_gradient("L").resize((1600, 1200)),
                    Image.effect_noise((1600, 1200), 12),
                ],
            )
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85)
            document.add_picture(io.BytesIO(buffer.getvalue()), width=Cm(15))
            placed += 1
    document.add_paragraph("2026年12月1日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
