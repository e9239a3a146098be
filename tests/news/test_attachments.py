"""Article attachments: real files, made in the test, uploaded through the article
form's attachment inline by a logged-in superuser, then listed on the public page
and downloaded the way a reader's browser would.

Each test points MEDIA_ROOT at its own empty folder, so "nothing was stored" can
be checked by looking at the disk.
"""

import datetime
import io
import re
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

from news.attachments import IMAGE_EXTENSIONS, clean_original_name
from news.models import Article, Attachment
from tests.helpers import article_form, image_bytes, ole_compound_file, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

GENERATED_NAME = re.compile(r"^attachments/\d{4}/\d{2}/\d{6}-[0-9a-f]{32}\.(?P<extension>[a-z]+)$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


# -- Files as the federation's staff actually have them ----------------------------------

OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf_bytes():
    return (
        b"%PDF-1.4\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def ole2_bytes():
    """The 512-byte header of a compound file (old Word/Excel, WPS) and one sector."""
    return OLE2_HEADER + b"\x00" * 504 + b"\xff" * 512


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bytes(*, with_macro=False):
    entries = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document><w:body><w:p>关于评选的通知</w:p></w:body></w:document>",
    }
    if with_macro:
        entries["word/vbaProject.bin"] = OLE2_HEADER + b"\x00" * 100
    return zip_bytes(entries)


def xlsx_bytes():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["区县", "参与人次"])
    sheet.append(["城关区", 12000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- Posting the article form ------------------------------------------------------------


def upload_file(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_article(client, column, *files, button="_save"):
    return client.post(reverse("admin:news_article_add"), article_form(column, files, button))


def inline_errors(response):
    [inline] = response.context["inline_admin_formsets"]
    return [message for form in inline.formset.errors for message in form.get("file", [])]


# -- Accepted files ----------------------------------------------------------------------

ACCEPTED = [
    pytest.param("2025年工作要点.pdf", pdf_bytes, "pdf", id="pdf"),
    pytest.param("推荐表.doc", ole2_bytes, "doc", id="doc"),
    pytest.param("推荐表.docx", docx_bytes, "docx", id="docx"),
    pytest.param("统计表.xls", ole2_bytes, "xls", id="xls"),
    pytest.param("统计表.xlsx", xlsx_bytes, "xlsx", id="xlsx-openpyxl"),
    pytest.param("通知.wps", ole2_bytes, "wps", id="wps"),
    pytest.param("汇总.et", ole2_bytes, "et", id="et"),
    pytest.param("汇报.dps", ole2_bytes, "dps", id="dps"),
    pytest.param("现场.png", lambda: image_bytes("PNG", (40, 30)), "png", id="png"),
    pytest.param("现场.jpeg", lambda: image_bytes("JPEG", (40, 30)), "jpg", id="jpeg"),
]


@pytest.mark.parametrize(("name", "make", "file_type"), ACCEPTED)
def test_accepted_attachment_is_stored_under_a_generated_name_with_type_and_size(
    superuser_client, column, media_root, name, make, file_type
):
    content = make()

    response = add_article(superuser_client, column, upload_file(name, content))

    assert response.status_code == 302, inline_errors(response)
    attachment = Attachment.objects.get()
    assert attachment.article == Article.objects.get()
    assert attachment.original_name == name
    assert attachment.file_type == file_type
    stored = (media_root / attachment.file.name).read_bytes()
    assert attachment.size == len(stored)
    assert GENERATED_NAME.match(attachment.file.name).group("extension") == file_type
    assert stored_files(media_root) == [attachment.file.name]
    if file_type in IMAGE_EXTENSIONS:  # saved again without metadata: the same picture
        assert Image.open(io.BytesIO(stored)).size == Image.open(io.BytesIO(content)).size
    else:
        assert stored == content


def test_client_file_name_never_reaches_the_disk(superuser_client, column, media_root):
    hostile = upload_file("../../../etc/推荐表.pdf", pdf_bytes())

    add_article(superuser_client, column, hostile)

    attachment = Attachment.objects.get()
    [stored] = stored_files(media_root)
    assert GENERATED_NAME.match(stored)
    assert ".." not in attachment.file.name
    assert "推荐表" not in attachment.file.name
    assert attachment.original_name == "推荐表.pdf"


def test_two_files_of_the_same_name_are_both_kept(superuser_client, column, media_root):
    first = upload_file("通知.pdf", pdf_bytes())
    second = upload_file("通知.pdf", pdf_bytes() + b"% second\n")

    add_article(superuser_client, column, first, second)

    assert Attachment.objects.count() == 2
    assert len(stored_files(media_root)) == 2


def test_attachment_at_the_size_limit_is_accepted(settings, superuser_client, column, media_root):
    content = pdf_bytes()
    settings.ATTACHMENT_MAX_BYTES = len(content)

    response = add_article(superuser_client, column, upload_file("通知.pdf", content))

    assert response.status_code == 302
    assert Attachment.objects.get().size == len(content)


# -- Refused files -----------------------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

REFUSED = [
    pytest.param("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "不支持 .exe 文件", id="exe"),
    pytest.param("通知.pdf", HTML, "与扩展名 .pdf 不符", id="html-as-pdf"),
    pytest.param(
        "照片.docx", image_bytes("PNG", (40, 30)), "与扩展名 .docx 不符", id="png-as-docx"
    ),
    pytest.param("通知.doc", "这是一段文字。".encode(), "与扩展名 .doc 不符", id="text-as-doc"),
    pytest.param(
        "统计表.xlsx",
        zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "data/sheet.csv": "a,b\n"}),
        "与扩展名 .xlsx 不符",
        id="zip-without-xl-as-xlsx",
    ),
    pytest.param("统计表.xlsx", docx_bytes(), "与扩展名 .xlsx 不符", id="docx-as-xlsx"),
    pytest.param("照片.jpg", image_bytes("PNG", (40, 30)), "与扩展名 .jpg 不符", id="png-as-jpg"),
    pytest.param("空白.pdf", b"", "空文件", id="empty-file"),
    pytest.param(
        "推荐表.docx", docx_bytes(with_macro=True), "含有宏的文档不能上传", id="docx-with-macro"
    ),
    pytest.param(
        "旧版推荐表.doc", ole_compound_file(["Macros"]), "含有宏的文档不能上传", id="doc-with-macro"
    ),
    pytest.param(
        "统计.xls",
        ole_compound_file(["_VBA_PROJECT_CUR"]),
        "含有宏的文档不能上传",
        id="xls-with-macro",
    ),
    pytest.param("页面.html", HTML, "不支持 .html 文件", id="html"),
]


def test_an_old_format_document_without_macros_is_accepted(superuser_client, column, media_root):
    """A real compound file (as Word 97-2003 and WPS write) with ordinary storages."""
    document = ole_compound_file(["WordDocument", "ObjectPool"])

    response = add_article(superuser_client, column, upload_file("旧版通知.doc", document))

    assert response.status_code == 302
    assert Attachment.objects.get().file_type == "doc"


@pytest.mark.parametrize(("name", "content", "expected"), REFUSED)
def test_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(
    superuser_client, column, media_root, name, content, expected
):
    response = add_article(superuser_client, column, upload_file(name, content))

    assert response.status_code == 200  # the form is shown again
    [message] = inline_errors(response)
    assert expected in message
    assert CHINESE.search(message)
    assert expected in response.content.decode()
    assert not Attachment.objects.exists()
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_refusal_names_the_types_that_may_be_uploaded(superuser_client, column):
    response = add_article(superuser_client, column, upload_file("setup.exe", b"MZ" + b"\x00" * 60))

    [message] = inline_errors(response)
    assert "PDF" in message
    assert "Word" in message
    assert "WPS" in message


def test_attachment_over_the_size_limit_is_refused(settings, superuser_client, column, media_root):
    settings.ATTACHMENT_MAX_BYTES = 1000
    content = pdf_bytes() + b"%" * 2000

    response = add_article(superuser_client, column, upload_file("报告.pdf", content))

    assert response.status_code == 200
    [message] = inline_errors(response)
    assert "附件不能超过" in message
    assert "1000\xa0字节" in message  # the limit, stated truthfully
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_photo_over_the_image_limit_is_refused_for_its_size_not_called_corrupt(
    settings, superuser_client, column, media_root
):
    """An editor attaching a large photo must learn that it is too large, not be told
    the file is damaged or renamed."""
    settings.IMAGE_UPLOAD_MAX_BYTES = 2000
    photo = image_bytes("PNG", (60, 60), noise=True)  # does not compress
    assert len(photo) > 2000

    response = add_article(superuser_client, column, upload_file("现场.png", photo))

    assert response.status_code == 200
    [message] = inline_errors(response)
    assert "不能超过" in message
    assert "不符" not in message
    assert stored_files(media_root) == []


def test_one_bad_file_among_good_ones_saves_none_of_them(superuser_client, column, media_root):
    good = upload_file("通知.pdf", pdf_bytes())
    bad = upload_file("附表.xlsx", b"PK\x03\x04 not really a zip")

    response = add_article(superuser_client, column, good, bad)

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


# -- The public page ---------------------------------------------------------------------


@pytest.fixture
def published_with_files(superuser_client, column):
    """A live article with a PDF and an Excel table, uploaded and approved in one go."""
    pdf = upload_file("2025年三八红旗手推荐通知.pdf", pdf_bytes())
    xlsx = upload_file("推荐汇总表.xlsx", xlsx_bytes())
    response = add_article(superuser_client, column, pdf, xlsx, button="_approve")
    assert response.status_code == 302, inline_errors(response)
    article = Article.objects.get()
    assert article.is_live()
    return article


def test_article_page_lists_attachments_under_the_body_with_type_and_size(published_with_files):
    pdf, xlsx = published_with_files.attachments.all()

    response = Client().get(published_with_files.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    body_at = html.index('class="article__body"')
    section = re.search(r'<section class="attachments".*?</section>', html, re.DOTALL)
    assert section and section.start() > body_at
    items = re.findall(r"<li>(.*?)</li>", section.group(0), re.DOTALL)
    assert len(items) == 2
    assert "2025年三八红旗手推荐通知.pdf" in items[0]
    assert f"（PDF，{pdf.size}\xa0字节）" in items[0]
    assert f'href="{pdf.get_absolute_url()}"' in items[0]
    assert "推荐汇总表.xlsx" in items[1]
    assert "（Excel，" in items[1]
    assert "KB）" in items[1]  # an openpyxl workbook is a few kilobytes
    assert f'href="{xlsx.get_absolute_url()}"' in items[1]


def test_article_without_attachments_has_no_attachment_section(client, article):
    response = client.get(article.get_absolute_url())

    assert 'class="attachments"' not in response.content.decode()


def test_attachment_title_is_shown_instead_of_the_file_name(superuser_client, column):
    data = article_form(column, [upload_file("scan_0001.pdf", pdf_bytes())], "_approve")
    data["attachments-0-title"] = "推荐表填写说明"
    superuser_client.post(reverse("admin:news_article_add"), data)
    article = Article.objects.get()

    html = Client().get(article.get_absolute_url()).content.decode()

    assert "推荐表填写说明" in html
    assert "scan_0001.pdf" not in html


# -- Downloads ---------------------------------------------------------------------------


def downloaded(response):
    content = b"".join(response.streaming_content)
    response.close()
    return content


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        pytest.param("工作要点.pdf", pdf_bytes, "application/pdf", id="pdf"),
        pytest.param("推荐表.doc", ole2_bytes, "application/msword", id="doc"),
        pytest.param(
            "推荐表.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            id="docx",
        ),
        pytest.param(
            "统计表.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            id="xlsx",
        ),
        pytest.param("通知.wps", ole2_bytes, "application/vnd.ms-works", id="wps"),
        pytest.param("现场.png", lambda: image_bytes("PNG", (40, 30)), "image/png", id="png"),
    ],
)
def test_download_is_an_attachment_with_the_detected_type_and_the_chinese_name(
    superuser_client, column, name, make, content_type
):
    content = make()
    claimed_by_the_browser = "text/html"  # ignored: the type comes from the content
    upload = upload_file(name, content, claimed_by_the_browser)
    add_article(superuser_client, column, upload, button="_approve")
    attachment = Attachment.objects.get()

    response = Client().get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "html" not in response["Content-Type"]
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert downloaded(response) == content


def test_download_of_a_draft_attachment_is_404_for_the_public_and_200_for_staff(
    superuser_client, column
):
    add_article(superuser_client, column, upload_file("内部材料.pdf", pdf_bytes()))
    attachment = Attachment.objects.get()
    assert attachment.article.status == Article.Status.DRAFT

    public = Client().get(attachment.get_absolute_url())
    staff = superuser_client.get(attachment.get_absolute_url())

    assert public.status_code == 404
    assert staff.status_code == 200
    assert downloaded(staff) == pdf_bytes()


def test_draft_attachment_is_404_for_staff_who_may_not_see_articles(
    superuser_client, column, django_user_model
):
    """Staff who keep only the statistics cannot preview a draft article, so they
    cannot download its files either."""
    add_article(superuser_client, column, upload_file("内部材料.pdf", pdf_bytes()))
    attachment = Attachment.objects.get()
    clerk = Client()
    clerk.force_login(
        django_user_model.objects.create_user("stats-clerk", password="x", is_staff=True)
    )
    assert clerk.get(attachment.article.get_absolute_url()).status_code == 404

    response = clerk.get(attachment.get_absolute_url())

    assert response.status_code == 404


def test_download_of_a_scheduled_article_attachment_waits_for_its_time(superuser_client, column):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = article_form(
        column,
        [upload_file("明日公布名单.pdf", pdf_bytes())],
        "_approve",
        published_at_0=tomorrow.isoformat(),
        published_at_1="09:00",
    )
    superuser_client.post(reverse("admin:news_article_add"), data)
    attachment = Attachment.objects.get()
    assert attachment.article.is_scheduled

    assert Client().get(attachment.get_absolute_url()).status_code == 404


def test_download_of_an_unknown_attachment_is_404(client):
    assert client.get(reverse("news:attachment", kwargs={"pk": 999999})).status_code == 404


def test_download_of_a_file_missing_from_disk_is_404(superuser_client, column, media_root):
    add_article(superuser_client, column, upload_file("通知.pdf", pdf_bytes()), button="_approve")
    attachment = Attachment.objects.get()
    (media_root / attachment.file.name).unlink()

    assert Client().get(attachment.get_absolute_url()).status_code == 404


# -- The name kept for display -----------------------------------------------------------


@pytest.mark.parametrize(
    ("client_name", "kept"),
    [
        pytest.param("通知.pdf", "通知.pdf", id="plain"),
        pytest.param("../../etc/通知.pdf", "通知.pdf", id="relative-path"),
        pytest.param(r"C:\Users\张敏\桌面\推荐表.docx", "推荐表.docx", id="windows-path"),
        pytest.param("通\x00知\r\n.pdf", "通知.pdf", id="control-characters"),
        pytest.param("报告\u202efdp.exe", "报告fdp.exe", id="right-to-left-override"),
        pytest.param("  通知.pdf. ", "通知.pdf", id="surrounding-dots-and-spaces"),
        pytest.param("../", "附件", id="nothing-left"),
    ],
)
def test_clean_original_name_keeps_only_a_safe_base_name(client_name, kept):
    assert clean_original_name(client_name) == kept


def test_clean_original_name_shortens_a_long_name_but_keeps_its_extension():
    name = clean_original_name("关" * 300 + ".xlsx")

    assert len(name) == 120
    assert name.endswith(".xlsx")


# -- A removed attachment takes its file with it -------------------------------------------


def test_a_removed_attachment_deletes_its_file_once_the_removal_is_committed(
    published_with_files, media_root, django_capture_on_commit_callbacks
):
    pdf, xlsx = published_with_files.attachments.order_by("file_type")
    assert (media_root / pdf.file.name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        pdf.delete()

    assert not (media_root / pdf.file.name).exists()
    assert (media_root / xlsx.file.name).exists()


def test_a_file_two_attachments_share_stays_until_the_last_one_goes(
    published_with_files, media_root, django_capture_on_commit_callbacks
):
    """A 修改稿 lists its original's files (news.workflow): removing its copy must not
    take the file from the published article."""
    pdf = published_with_files.attachments.get(file_type="pdf")
    change = Article.objects.create(
        title="修改稿", column=published_with_files.column, body="<p>修改后的正文</p>"
    )
    copy = Attachment.objects.create(
        article=change, file=pdf.file.name, original_name=pdf.original_name, file_type="pdf"
    )

    with django_capture_on_commit_callbacks(execute=True):
        copy.delete()
    assert (media_root / pdf.file.name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        published_with_files.delete()
    assert not (media_root / pdf.file.name).exists()
    assert stored_files(media_root / "attachments") == []
