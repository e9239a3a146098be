"""从 Word 导入 in a real Chromium (issue 14): an editor opens 文章 → 新增, imports a
.docx through the admin, reads the preview (its pictures really load, the report
names the tracked change), confirms, and submits the draft for review; the reviewer
then finds it in the review queue, with its pictures stored."""

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from news.models import Article
from news.sanitize import html_to_text
from tests.browser.test_staff_flows import editor, log_in, messages, reviewer  # noqa: F401
from tests.factories import ColumnFactory
from tests.news import word_files

pytestmark = pytest.mark.browser


@pytest.fixture
def column(browser_db):
    return ColumnFactory(name="部门动态", slug="bmdt")


@pytest.fixture
def report_file(tmp_path):
    path = tmp_path / "三八表彰大会.docx"
    path.write_bytes(word_files.full_report())
    return path


def test_an_editor_imports_a_word_document_and_submits_the_draft_for_review(
    editor,  # noqa: F811
    reviewer,  # noqa: F811
    column,
    report_file,
    new_context,
    expect,
    screenshot,
):
    page = log_in(new_context, editor)
    page.goto(f"/{settings.ADMIN_PATH}/news/article/add/")
    page.get_by_role("link", name="从 Word 导入").click()
    page.locator("#id_file").set_input_files(report_file)
    page.locator("#id_column").select_option(label="部门动态")
    page.locator("input[name=_preview]").click()

    expect(page.locator("#id_title")).to_have_value(word_files.TITLE)
    expect(page.locator("#id_source")).to_have_value("市妇联办公室")
    expect(page.locator("#word-notes")).to_contain_text("插入：“一百二十”")
    expect(page.locator("#word-preview h2")).to_have_text("一、基本情况")
    previews = page.locator("#word-preview img")
    expect(previews).to_have_count(2)
    for index in range(2):  # the preview's pictures really show
        assert previews.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "word-import-1-preview")
    assert Article.objects.count() == 0

    page.locator("input[name=_confirm]").click()

    expect(messages(page).first).to_contain_text("已从 Word 导入")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    page.locator("input[name=_submit]").click()

    expect(page.locator(".messagelist")).to_contain_text("：待审核")
    screenshot(page, "word-import-2-submitted")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert html_to_text(article.body).startswith("3月8日上午")
    assert article.body.count('src="/media/uploads/') == 2

    reviewing = log_in(new_context, reviewer)
    reviewing.goto(f"/{settings.ADMIN_PATH}/news/article/?queue=review")
    expect(reviewing.locator("#result_list")).to_contain_text(word_files.TITLE)
    reviewing.goto(article.get_absolute_url())  # the staff preview of the submitted draft
    body_pictures = reviewing.locator("img[src^='/media/uploads/']")
    expect(body_pictures).to_have_count(2)
    expect(body_pictures.first).to_have_attribute("alt", word_files.PHOTO_DESCRIPTION)
    for src in body_pictures.evaluate_all("images => images.map(img => img.getAttribute('src'))"):
        assert default_storage.exists(src.removeprefix(settings.MEDIA_URL))
