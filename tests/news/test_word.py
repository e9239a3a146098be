"""从 Word 导入 (issue 14), reading: what a real .docx becomes (text, structure,
pictures, the 供稿 and date lines) and what the report names, and the hostile
documents refused before anything is stored. The admin and the command are in
test_word_import.py; LibreOffice's conversions in test_word_libreoffice.py."""

import datetime
import io
import zipfile
import zlib

import pytest
from docx import Document

from news.sanitize import clean_html, html_to_text, parse
from news.word import package, structure
from news.word.importing import read_word
from news.word.package import MAX_ENTRIES, WordRefused
from tests.helpers import image_bytes
from tests.news import word_files
from tests.news.word_files import DATA, LEAD, PHOTO_DESCRIPTION, TITLE

FULL_TEXT = [
    LEAD + "会议要求，巾帼建新功（摘要）。",
    "一、基本情况",
    "（一）组织领导",
    "1.加强统筹。各级妇联要把表彰工作摆上重要议程。",
    "（1）按时报送材料。",
    "健康咨询",
    "法律服务",
    # A table row is one line with its cells separated by tabs (news.sanitize).
    "类别\t02",
    "10\t11\t合计",
    "20\t21",
    "详见市妇联网站",
    "全市共表彰先进个人一百二十名。",
    "现场气氛热烈。",
    "获奖名单见附件",
    "会议号召全市妇女干部担当作为。",
]


@pytest.fixture(scope="module")
def report():
    return read_word(word_files.full_report(), "表彰大会.docx")


def body_tree(document):
    return parse(clean_html(document.body))


def tags(document, name):
    return [element for element in body_tree(document).elements() if element.tag == name]


def text_of(element):
    return "".join(
        child if isinstance(child, str) else text_of(child) for child in element.children
    )


def note(document, what):
    return next(note for note in document.notes if note.what == what)


# -- text and structure ---------------------------------------------------------------


def test_the_text_comes_through_exactly_as_written_without_typed_indentation(report):
    assert html_to_text(clean_html(report.body)).split("\n") == FULL_TEXT


def test_the_centred_large_first_paragraph_is_the_title_and_leaves_the_body(report):
    assert (report.title, report.title_found) == (TITLE, True)
    assert TITLE not in report.body


def test_the_source_line_is_offered_as_the_source_and_leaves_the_body(report):
    assert (report.source, report.author) == ("市妇联办公室", "")
    assert "供稿" not in report.body


def test_the_date_line_is_the_publish_time_suggestion_on_beijing_time(report):
    assert report.date == datetime.date(2026, 3, 8)
    suggested = report.suggested_publish_time.astimezone(
        datetime.timezone(datetime.timedelta(hours=8))
    )
    assert (suggested.date(), suggested.hour) == (datetime.date(2026, 3, 8), 9)
    assert "2026年3月8日" not in report.body


def test_gbt_9704_numbering_gives_headings_and_subheadings_and_keeps_1_and_bracket_1_as_text(
    report,
):
    assert [text_of(h) for h in tags(report, "h2")] == ["一、基本情况"]
    assert [text_of(h) for h in tags(report, "h3")] == ["（一）组织领导"]
    paragraphs = [text_of(p) for p in tags(report, "p")]
    assert "1.加强统筹。各级妇联要把表彰工作摆上重要议程。" in paragraphs
    assert "（1）按时报送材料。" in paragraphs


def test_bold_italic_underline_lists_and_links_are_kept(report):
    assert [text_of(e) for e in tags(report, "strong")] == ["会议要求"]
    assert [text_of(e) for e in tags(report, "u")] == ["巾帼建新功"]
    assert [text_of(e) for e in tags(report, "em")] == ["（摘要）"]
    (bullets,) = tags(report, "ul")
    assert [text_of(li) for li in bullets.children] == ["健康咨询", "法律服务"]
    (link,) = tags(report, "a")
    assert (link.attrs["href"], text_of(link)) == ("https://www.example.gov.cn/fl/", "市妇联网站")


def test_merged_table_cells_keep_their_spans(report):
    cells = {text_of(cell): cell.attrs for cell in tags(report, "td")}
    assert cells["类别"] == {"colspan": "2"}
    assert cells["合计"] == {"rowspan": "2"}
    assert len(tags(report, "tr")) == 3


def test_no_fonts_colours_or_styles_reach_the_body(report):
    for element in body_tree(report).elements():
        assert not {"style", "class", "id"} & element.attrs.keys()


def test_word_heading_styles_in_english_and_chinese_become_h2_to_h4():
    document = Document()
    document.add_heading("活动概况", level=1)
    document.add_heading("工作举措", level=2)
    document.add_heading("具体做法", level=3)
    styles = document.styles
    chinese = styles.add_style("标题 1", 1)  # WPS and Chinese templates name it so
    document.add_paragraph("下一步工作", style=chinese)
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_word(buffer.getvalue(), "小标题.docx")

    assert [(e.tag, text_of(e)) for e in body_tree(read).elements()] == [
        ("h2", "活动概况"),
        ("h3", "工作举措"),
        ("h4", "具体做法"),
        ("h2", "下一步工作"),
    ]


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、基本情况", 2),
        ("十二、其他", 2),
        ("（一）组织领导", 3),
        ("(二)工作措施", 3),
        ("1.加强统筹", None),
        ("（1）按时报送", None),
        ("（一）加强领导。各级妇联要把表彰工作摆上重要议程。", None),
        ("一、" + "很长的一段文字" * 7, None),
        ("一些情况", None),
    ],
)
def test_which_lines_are_gbt_9704_headings(line, level):
    assert structure.heading_level(line) == level


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("（市妇联办公室 供稿）", {"source": "市妇联办公室"}),
        ("(市妇联权益部供稿)", {"source": "市妇联权益部"}),
        ("来源：市妇联宣传部", {"source": "市妇联宣传部"}),
        ("（作者：张三）", {"author": "张三"}),
        ("文/李四", {"author": "李四"}),
        ("（市妇联办公室供稿　作者：王五）", {"source": "市妇联办公室", "author": "王五"}),
        ("来源：市妇联 作者：张三", {"source": "市妇联", "author": "张三"}),
        ("通讯员 赵六", {"author": "赵六"}),
        ("（一）组织领导", None),
        ("市妇联召开会议，部署全年工作。", None),
        ("文明实践活动", None),
        ("通讯员培训班开班", None),
        ("照片由市妇联提供", None),
    ],
)
def test_which_lines_are_source_lines(line, found):
    assert structure.source_line(line) == found


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("2026年3月8日", datetime.date(2026, 3, 8)),
        ("2026 年 12 月 31 日", datetime.date(2026, 12, 31)),
        ("二〇二一年三月八日", datetime.date(2021, 3, 8)),
        ("二〇二一年十二月二十八日", datetime.date(2021, 12, 28)),
        ("（2026-03-08）", datetime.date(2026, 3, 8)),
        ("2026年2月30日", None),
        ("3月8日上午，市妇联召开大会。", None),
    ],
)
def test_which_lines_are_date_lines(line, date):
    assert structure.date_line(line) == date


def test_without_a_title_the_file_name_is_offered_and_said_to_be_a_guess():
    document = Document()
    document.add_paragraph("志愿者为社区老人义诊。")
    document.add_paragraph("活动受到欢迎。")
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_word(buffer.getvalue(), "C:\\稿件\\义诊活动.docx")

    assert (read.title, read.title_found) == ("义诊活动", False)
    assert html_to_text(clean_html(read.body)) == "志愿者为社区老人义诊。\n活动受到欢迎。"


def test_a_centred_bold_first_paragraph_in_the_body_size_is_the_title():
    document = Document()
    word_files.centred(document, "巾帼志愿服务进社区", size=16, bold=True)
    word_files.body_paragraph(document, "志愿者为社区老人义诊。", size=16)
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_word(buffer.getvalue(), "x.docx")

    assert (read.title, read.title_found) == ("巾帼志愿服务进社区", True)


def test_chinese_automatic_numbering_is_named_since_the_site_shows_it_as_1_2_3():
    document = Document()
    document.add_paragraph("基本情况", style="List Number")
    document.add_paragraph("下一步工作", style="List Number")
    numbering = document.part.numbering_part.element
    for number_format in numbering.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}numFmt"
    ):
        number_format.set(number_format.keys()[0], "chineseCounting")
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_word(buffer.getvalue(), "x.docx")

    assert note(read, "自动编号").items == ["基本情况", "下一步工作"]
    assert [e.tag for e in body_tree(read).elements()] == ["ol", "li", "li"]


def test_the_title_style_is_the_title():
    document = Document()
    document.add_paragraph("巾帼志愿服务进社区", style="Title")
    document.add_paragraph("志愿者为社区老人义诊。")
    buffer = io.BytesIO()
    document.save(buffer)

    assert read_word(buffer.getvalue(), "x.docx").title == "巾帼志愿服务进社区"


def test_the_same_document_reads_to_the_same_bytes():
    data = word_files.full_report()
    assert read_word(data, "a.docx").body == read_word(data, "a.docx").body


# -- pictures --------------------------------------------------------------------------


def test_both_pictures_come_through_with_the_description_as_alt_text_and_a_reminder_for_the_other(
    report,
):
    assert [(p.position, p.alt, p.format, p.size, p.kept) for p in report.pictures] == [
        (1, PHOTO_DESCRIPTION, "JPEG", (640, 480), True),
        (2, "", "PNG", (640, 480), True),
    ]
    assert report.pictures_without_alt == [report.pictures[1]]
    images = [element for element in parse(report.body).elements() if element.tag == "img"]
    assert [image.attrs["alt"] for image in images] == [PHOTO_DESCRIPTION, ""]
    assert all(image.attrs["src"].startswith("data:image/") for image in images)


def test_the_preview_shows_small_copies_of_the_pictures_through_the_sanitizer(report):
    preview = parse(report.preview_html())
    images = [element for element in preview.elements() if element.tag == "img"]
    assert len(images) == 2
    assert all(image.attrs["src"].startswith("data:image/jpeg;base64,") for image in images)
    assert len(report.preview_html()) < len(report.body)


def test_a_description_word_made_up_by_itself_does_not_count_as_one():
    data = word_files.simple(pictures=1)
    document = Document(io.BytesIO(data))
    document.inline_shapes[0]._inline.docPr.set("descr", "图片包含 人员, 室内\n\n描述已自动生成")
    buffer = io.BytesIO()
    document.save(buffer)

    (picture,) = read_word(buffer.getvalue(), "x.docx").pictures

    assert (picture.alt, picture.automatic_alt) == ("", True)


def test_a_bmp_picture_is_kept_as_png_without_loss():
    document = Document()
    document.add_paragraph("正文。")
    bmp = image_bytes("BMP", size=(64, 48), color=(10, 200, 30))
    document.add_picture(io.BytesIO(bmp))
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_word(buffer.getvalue(), "x.docx")

    (picture,) = read.pictures
    assert (picture.format, picture.size, picture.kept) == ("PNG", (64, 48), True)
    (image,) = [element for element in parse(read.body).elements() if element.tag == "img"]
    assert image.attrs["src"].startswith("data:image/png;base64,")


def test_an_emf_picture_is_left_out_and_named():
    data = word_files.simple(pictures=1)
    archive = zipfile.ZipFile(io.BytesIO(data))
    (media,) = [name for name in archive.namelist() if name.startswith("word/media/")]
    emf_name = media.rsplit(".", 1)[0] + ".emf"
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>", b'<Default Extension="emf" ContentType="image/x-emf"/></Types>'
    )
    rels = archive.read("word/_rels/document.xml.rels").replace(
        media.removeprefix("word/").encode(), emf_name.removeprefix("word/").encode()
    )
    emf = word_files.rewritten(
        data,
        replace={"[Content_Types].xml": types, "word/_rels/document.xml.rels": rels},
        add={emf_name: b"\x01\x00\x00\x00" + b"\0" * 100},
    )

    read = read_word(emf, "x.docx")

    assert "<img" not in read.body
    (picture,) = read.pictures
    assert "EMF/WMF" in picture.problem
    assert note(read, "图片").items == [f"第 1 张：{picture.problem}"]


# -- the report of what could not be kept ------------------------------------------------


def test_tracked_changes_are_accepted_and_each_is_shown(report):
    changes = note(report, "修订")
    assert "接受全部修订" in changes.outcome
    assert changes.items == ["插入：“一百二十”", "删除：“三百”"]
    assert "三百" not in report.body


def test_comments_are_left_out_and_shown_with_their_author(report):
    assert note(report, "批注").items == ["李四：请核实会议名称"]
    assert "请核实" not in report.body


def test_a_text_box_is_moved_into_the_body_and_said_so(report):
    boxes = note(report, "文本框")
    assert boxes.items == ["获奖名单见附件"]
    assert "已放入正文" in boxes.outcome


def test_fonts_are_named_as_not_kept(report):
    fonts = note(report, "字体、字号和颜色")
    assert fonts.items == ["字体：仿宋_GB2312"]


def test_a_libreoffice_document_brings_its_footnote_as_a_numbered_note_at_the_end():
    read = read_word((DATA / "libreoffice.docx").read_bytes(), "libreoffice.docx")

    assert (read.title, read.source, read.date) == (
        "巾帼志愿服务进社区",
        "市妇联宣传部",
        datetime.date(2026, 3, 5),
    )
    cleaned = clean_html(read.body)
    assert "<sup>[1]</sup>" in cleaned
    assert cleaned.endswith("<hr><ol><li><p>数据来自市妇联统计。</p></li></ol>")
    assert 'href="#' not in cleaned
    assert [note.what for note in read.notes] == ["修订", "批注", "文本框"]
    (picture,) = read.pictures
    assert picture.alt == "志愿者为老人量血压"


def test_smartart_charts_shapes_objects_equations_and_page_headers_are_named():
    document = Document()
    document.add_paragraph("正文。")
    document.sections[0].header.paragraphs[0].text = "市妇联简报"
    paragraph = document.add_paragraph()
    paragraph._p.append(
        word_files.parse_xml(
            f"<w:r {word_files.NAMESPACES} "
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
            '<w:drawing><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
            'drawingml/2006/diagram"/></a:graphic></w:drawing>'
            '<w:drawing><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
            'drawingml/2006/chart"/></a:graphic></w:drawing>'
            '<w:object><o:OLEObject ProgID="Excel.Sheet.12"/></w:object>'
            "<m:oMath/></w:r>"
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_word(buffer.getvalue(), "x.docx")

    assert {note.what: note.items for note in read.notes} == {
        "SmartArt 图形": [],
        "图表": [],
        "嵌入对象": ["Excel.Sheet.12"],
        "公式": [],
        "页眉页脚": ["市妇联简报"],
    }


# -- hostile documents ---------------------------------------------------------------------


def refusal(data, name="x.docx"):
    with pytest.raises(WordRefused) as refused:
        read_word(data, name)
    return str(refused.value)


def test_a_macro_document_is_refused():
    data = word_files.rewritten(word_files.simple(), add={"word/vbaProject.bin": b"\0" * 64})
    assert "含有宏" in refusal(data)
    assert "含有宏" in refusal(word_files.simple(), name="报告.docm")


def test_an_external_template_is_refused_but_hyperlinks_are_not():
    data = word_files.simple()
    remote = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
        b'" Target="http://203.0.113.9/template.dotm" TargetMode="External"/></Relationships>'
    )
    hostile = word_files.rewritten(data, add={"word/_rels/settings.xml.rels": remote})

    message = refusal(hostile)

    assert "外部的附加模板" in message and "http://203.0.113.9/template.dotm" in message
    assert read_word(word_files.full_report(), "x.docx")  # its hyperlink is external too


def test_a_linked_picture_is_refused():
    data = word_files.simple(pictures=1)
    archive = zipfile.ZipFile(io.BytesIO(data))
    rels = archive.read("word/_rels/document.xml.rels")
    linked = rels.replace(b'Target="media/', b'TargetMode="External" Target="file:///C:/')
    hostile = word_files.rewritten(data, replace={"word/_rels/document.xml.rels": linked})
    assert "外部的链接的图片" in refusal(hostile)


def test_xml_entities_are_refused():
    data = word_files.simple()
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = archive.read("word/document.xml")
    laughs = (
        b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    hostile_document = laughs + document.split(b"?>", 1)[1].replace(b"</w:t>", b"&lol2;</w:t>", 1)
    hostile = word_files.rewritten(data, replace={"word/document.xml": hostile_document})
    assert "实体" in refusal(hostile)


def test_a_zip_bomb_is_refused(monkeypatch):
    # The real limit is 200 MB; the same check with a smaller one keeps the test quick.
    monkeypatch.setattr(package, "MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/media/zeros.bin", b"\0" * (9 * 1024 * 1024))
    assert len(bomb.getvalue()) < 20_000
    assert "压缩炸弹" in refusal(bomb.getvalue())


def test_a_zip_that_understates_its_sizes_is_refused():
    data = word_files.rewritten(word_files.simple(), add={"word/media/big.bin": b"\0" * 100_000})
    lying = bytearray(data)
    # The central directory's uncompressed size of the last entry, cut to 10 bytes.
    entry = data.rfind(b"PK\x01\x02")
    lying[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    # zipfile stops at the declared size and then fails the CRC; our reading stops
    # there too (news.word.package._read_entry): refused either way.
    message = refusal(bytes(lying))
    assert "压缩炸弹" in message or "已损坏" in message


def test_too_many_entries_are_refused():
    many = word_files.rewritten(
        word_files.simple(), add={f"word/media/x{n}.bin": b"" for n in range(MAX_ENTRIES)}
    )
    assert "部件" in refusal(many)


def test_a_huge_picture_refuses_the_whole_document(settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    message = refusal(word_files.simple(pictures=1))
    assert "第 1 张图片过大" in message and "压缩图片" in message


def png_claiming(width, height):
    """A tiny PNG whose header claims width × height pixels, as a decompression bomb's does."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = crc.to_bytes(4, "big")
    return bytes(data)


def test_a_decompression_bomb_picture_refuses_the_whole_document():
    data = word_files.simple(pictures=1)
    archive = zipfile.ZipFile(io.BytesIO(data))
    (media,) = [name for name in archive.namelist() if name.startswith("word/media/")]
    bomb = png_claiming(20000, 20000)  # 400 megapixels, by its header
    hostile = word_files.rewritten(data, replace={media: bomb})
    assert "第 1 张图片过大" in refusal(hostile)


def test_what_is_not_a_word_document_is_refused_in_chinese():
    assert "不是 Word 文档" in refusal(b"%PDF-1.7 not a docx")
    assert "只能导入" in refusal(b"whatever", name="报告.pdf")
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "不是 Word 文档" in refusal(xlsx.getvalue())
