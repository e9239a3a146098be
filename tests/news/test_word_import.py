"""从 Word 导入 (issue 14), writing: the admin's upload, preview and confirmation, a
draft's body replaced with its history and the optimistic lock, the original as an
attachment, and `manage.py import_docx`. What a document reads as is tested in
test_word.py."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from news.models import Article
from news.sanitize import html_to_text, parse
from news.word import importing
from tests.factories import ColumnFactory
from tests.helpers import change_form, draft_by, messages_of, page
from tests.news import word_files
from tests.news.test_word import FULL_TEXT
from tests.news.word_files import DATA, PHOTO_DESCRIPTION, TITLE

pytestmark = pytest.mark.usefixtures("media_root")

ADD_URL = reverse("admin:news_article_word_import")


def upload(client, data=None, name="表彰大会.docx", url=ADD_URL, **fields):
    data = word_files.full_report() if data is None else data
    return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})


def confirm(client, preview, url=ADD_URL, **changes):
    """Press 确认 on the preview as it was filled in (follows the redirect)."""
    form = preview.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "published_at":
            local = value
            data["published_at_0"] = f"{local:%Y-%m-%d}" if local else ""
            data["published_at_1"] = f"{local:%H:%M:%S}" if local else ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data, follow=True)


def stored_pictures(media_root):
    return sorted(p.relative_to(media_root).as_posix() for p in (media_root / "uploads").rglob("*"))


def test_the_add_page_and_a_draft_offer_the_import_and_a_published_article_does_not(
    as_editor, editor, column, article
):
    assert ADD_URL in page(as_editor.get(reverse("admin:news_article_add")))
    draft = draft_by(editor, column)
    change = page(as_editor.get(reverse("admin:news_article_change", args=[draft.pk])))
    assert reverse("admin:news_article_word_replace", args=[draft.pk]) in change
    published = page(as_editor.get(reverse("admin:news_article_change", args=[article.pk])))
    assert "word-import" not in published


def test_the_preview_shows_title_fields_report_pictures_and_body_and_stores_nothing(
    as_editor, column, media_root
):
    response = upload(as_editor, column=column.pk)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == TITLE
    assert form["source"].value() == "市妇联办公室"
    assert form["column"].value() == column.pk
    assert form["attach_original"].value() is False
    html = page(response)
    for shown in (
        "修订",
        "插入：“一百二十”",
        "删除：“三百”",
        "李四：请核实会议名称",
        "获奖名单见附件",
    ):
        assert shown in html
    assert f"图片说明：{PHOTO_DESCRIPTION}" in html
    assert "没有图片说明（替换文本）" in html
    preview = re.search(r'<div class="word-preview__body">(.*?)</div>\s*</div>', html, re.S)
    assert "<h2>一、基本情况</h2>" in preview.group(1)
    assert preview.group(1).count('src="data:image/jpeg;base64,') == 2
    assert Article.objects.count() == 0
    assert stored_pictures(media_root) == []


def test_confirming_creates_a_draft_with_the_text_structure_and_stored_pictures(
    as_editor, editor, column, media_root
):
    preview = upload(as_editor, column=column.pk)

    response = confirm(as_editor, preview)

    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:news_article_change", args=[article.pk])
    assert (article.status, article.title, article.source, article.column) == (
        Article.Status.DRAFT,
        TITLE,
        "市妇联办公室",
        column,
    )
    assert article.created_by == editor
    assert f"{article.published_at:%Y-%m-%d}" == "2026-03-08"
    assert html_to_text(article.body).split("\n") == FULL_TEXT
    images = [e for e in parse(article.body).elements() if e.tag == "img"]
    assert [image.attrs["alt"] for image in images] == [PHOTO_DESCRIPTION, ""]
    for image in images:
        assert image.attrs["src"].startswith("/media/uploads/")
        assert (image.attrs["width"], image.attrs["height"]) == ("640", "480")
        assert "srcset" in image.attrs  # renditions, as for an editor upload
        stored = media_root / image.attrs["src"].removeprefix("/media/")
        with Image.open(stored) as picture:
            assert not picture.getexif().get(0x8825)  # no GPS position kept
    shown = messages_of(response)
    assert any("已从 Word 导入" in message for message in shown)
    assert any("1 张图片没有图片说明" in message for message in shown)
    version = article.history.get()
    assert version.history_change_reason == "从 Word 导入：表彰大会.docx"
    preview_page = page(as_editor.get(article.get_absolute_url()))
    assert all(image.attrs["src"] in preview_page for image in images)


def test_the_draft_then_goes_through_review_like_any_draft(as_editor, column):
    confirm(as_editor, upload(as_editor, column=column.pk))
    article = Article.objects.get()

    response = as_editor.post(
        reverse("admin:news_article_change", args=[article.pk]),
        {**change_form(article), "_submit": "1"},
        follow=True,
    )

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert "待审核" in " ".join(messages_of(response))


def test_the_fields_can_be_changed_before_confirming(as_editor, column):
    other = ColumnFactory(name="工作动态", slug="gzdt")
    preview = upload(as_editor, column=column.pk)

    confirm(
        as_editor,
        preview,
        title="市妇联隆重召开表彰大会",
        column=other.pk,
        author="张三",
        published_at_0="",
        published_at_1="",
    )

    article = Article.objects.get()
    assert (article.title, article.column, article.author, article.published_at) == (
        "市妇联隆重召开表彰大会",
        other,
        "张三",
        None,
    )


def test_the_original_can_be_attached_and_is_not_by_default(as_editor, column):
    confirm(as_editor, upload(as_editor, column=column.pk))
    assert not Article.objects.get().attachments.exists()

    original = word_files.full_report()
    confirm(as_editor, upload(as_editor, data=original, column=column.pk), attach_original="on")

    attached = Article.objects.order_by("-id").first().attachments.get()
    assert (attached.original_name, attached.file_type) == ("表彰大会.docx", "docx")
    with attached.file.open("rb") as stored:
        assert stored.read() == original


def test_a_hostile_document_is_refused_on_the_upload_page_and_nothing_is_stored(
    as_editor, column, media_root
):
    macro = word_files.rewritten(word_files.simple(), add={"word/vbaProject.bin": b"\0" * 64})

    response = upload(as_editor, data=macro, column=column.pk)

    assert response.status_code == 200
    assert "含有宏的文档不能导入" in page(response)
    assert Article.objects.count() == 0
    assert not (media_root / "attachments").exists()
    assert stored_pictures(media_root) == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(as_editor, column, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000

    response = upload(as_editor, column=column.pk)

    assert "文件不能超过 1000\xa0字节" in page(response)
    assert Article.objects.count() == 0


def test_a_confirmation_with_a_forged_or_someone_elses_token_is_refused(
    as_editor, as_reviewer, column
):
    preview = upload(as_editor, column=column.pk)
    token = preview.context["form"]["token"].value()

    for client, forged in (
        (as_editor, "0" * 32),
        (as_editor, "../../settings"),
        (as_reviewer, token),
    ):
        response = client.post(
            ADD_URL, {"token": forged, "title": "x", "column": column.pk}, follow=True
        )
        assert "这次导入已过期或不存在" in " ".join(messages_of(response))
    assert Article.objects.count() == 0


def test_confirming_forgets_the_upload_and_stale_uploads_are_forgotten(as_editor, column):
    preview = upload(as_editor, column=column.pk)
    token = preview.context["form"]["token"].value()
    confirm(as_editor, preview)
    assert not importing.default_storage.exists(f"{importing.STAGING}/{token}/original")

    abandoned = upload(as_editor, column=column.pk).context["form"]["token"].value()
    later = importing.timezone.now() + importing.STAGED_FOR * 2
    importing.discard_stale(now=later)
    assert not importing.default_storage.exists(f"{importing.STAGING}/{abandoned}/meta.json")


# -- replacing a draft's body ------------------------------------------------------------------


def test_importing_into_a_draft_replaces_its_body_as_a_new_version(as_editor, editor, column):
    draft = draft_by(editor, column, title="表彰大会（初稿）", body="<p>初稿。</p>")
    url = reverse("admin:news_article_word_replace", args=[draft.pk])
    preview = upload(as_editor, url=url)
    assert "column" not in preview.context["form"].fields

    response = confirm(as_editor, preview, url=url)

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert (draft.title, draft.version) == (TITLE, 2)
    assert html_to_text(draft.body).split("\n") == FULL_TEXT
    versions = list(draft.history.order_by("history_date"))
    assert html_to_text(versions[0].body) == "初稿。"
    assert versions[-1].history_change_reason == "从 Word 导入：表彰大会.docx"
    assert any("已从 Word 导入" in message for message in messages_of(response))


def test_a_colleagues_save_between_preview_and_confirmation_refuses_the_replacement(
    as_editor, editor, column
):
    draft = draft_by(editor, column, body="<p>初稿。</p>")
    url = reverse("admin:news_article_word_replace", args=[draft.pk])
    preview = upload(as_editor, url=url)
    draft.body = "<p>同事改过的稿子。</p>"
    draft.version += 1
    draft.save()

    response = confirm(as_editor, preview, url=url)

    assert "保存被拒绝" in " ".join(messages_of(response))
    draft.refresh_from_db()
    assert html_to_text(draft.body) == "同事改过的稿子。"


def test_only_drafts_take_an_import(as_editor, article):
    url = reverse("admin:news_article_word_replace", args=[article.pk])

    response = upload(as_editor, url=url)

    assert response.status_code == 302
    article.refresh_from_db()
    assert TITLE not in article.body


def test_staff_without_the_right_to_write_articles_cannot_import(client, django_user_model):
    viewer = django_user_model.objects.create_user("kanke", is_staff=True)
    client.force_login(viewer)
    assert client.get(ADD_URL).status_code == 403


# -- the command ----------------------------------------------------------------------------------


def test_the_command_imports_many_files_as_drafts_with_a_progress_bar_and_a_summary(
    column, tmp_path
):
    first = tmp_path / "表彰大会.docx"
    first.write_bytes(word_files.full_report())
    second = tmp_path / "义诊.docx"
    second.write_bytes(word_files.simple(pictures=2))
    out = io.StringIO()

    call_command("import_docx", str(first), str(second), "--column", "bmdt", stdout=out)

    output = out.getvalue()
    assert "[----------" in output and "[####################] 2/2" in output
    assert "共 2 个文件：已导入为草稿 2 个（图片 4 张）。" in output
    assert "插入：“一百二十”" in output
    first_article, second_article = Article.objects.order_by("id")
    assert (first_article.title, first_article.status, first_article.created_by) == (
        TITLE,
        Article.Status.DRAFT,
        None,
    )
    assert html_to_text(first_article.body).split("\n") == FULL_TEXT
    assert second_article.body.count('src="/media/uploads/') == 2


def test_the_command_dry_run_creates_nothing_and_a_refusal_is_listed(column, tmp_path):
    good = tmp_path / "good.docx"
    good.write_bytes(word_files.simple())
    bad = tmp_path / "bad.docm"
    bad.write_bytes(word_files.simple())
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_docx", str(good), str(bad), "--column", "bmdt", "--dry-run", stdout=out
        )

    assert exit_.value.code == 1
    output = out.getvalue()
    assert "共 2 个文件：可以导入 1 个（图片 0 张），未导入 1 个。" in output
    assert "含有宏" in output
    assert Article.objects.count() == 0


def test_the_command_reads_libreoffice_saved_files_with_their_footnote(column):
    call_command(
        "import_docx", str(DATA / "libreoffice.docx"), "--column", "bmdt", stdout=io.StringIO()
    )
    article = Article.objects.get()
    assert article.source == "市妇联宣传部"
    assert article.body.endswith("<hr><ol><li><p>数据来自市妇联统计。</p></li></ol>")
