"""Editors and reviewers doing their daily work in a real Chromium (issue 9): a cover
image uploaded in the admin and approved, a 修改稿 of an article with a picture
approved at the first click, an unchanged 保存 that keeps an article in review, and
a refusal shown as a refusal, on the article, with nothing lost. What CKEditor posts
back is what the browser really sends, so serialization noise is real here."""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from news.models import Article
from news.workflow import article_submit
from tests.factories import ArticleFactory, ColumnFactory
from tests.helpers import draft_by, image_bytes

pytestmark = pytest.mark.browser

PASSWORD = "browser-tests-only-pw-2026"  # noqa: S105 (throwaway test accounts)
ROLES = importlib.import_module("news.migrations.0003_roles")
PHOTO_BODY = '<p>志愿者为社区老人义诊120人次。</p><p><img src="{src}" alt="义诊现场"></p>'


def role_user(username, permissions):
    """A staff account with a role's permissions (news/migrations/0003_roles.py); the
    groups themselves do not survive the flush between transactional tests."""
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _ in permissions},
            codename__in=[codename for _, codename in permissions],
        )
    )
    return user


@pytest.fixture
def editor(browser_db):
    return role_user("bianji", ROLES.EDITOR_PERMISSIONS)


@pytest.fixture
def reviewer(browser_db):
    return role_user("shenhe", ROLES.REVIEWER_PERMISSIONS)


@pytest.fixture
def column(browser_db):
    return ColumnFactory(name="部门动态", slug="bmdt")


@pytest.fixture
def stored_photo(browser_db):
    """A picture stored where the editor's upload puts it; the server gives it width
    and height in the body, which CKEditor drops when it posts the body back."""
    name = default_storage.save(
        "uploads/2026/03/yizhen.png", ContentFile(image_bytes(size=(320, 200)))
    )
    yield settings.MEDIA_URL + name
    default_storage.delete(name)


@pytest.fixture
def cover_file(tmp_path):
    path = tmp_path / "表彰大会现场.jpg"
    Image.new("RGB", (800, 450), (176, 24, 43)).save(path, format="JPEG", quality=85)
    return path


def log_in(new_context, user):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"/{settings.ADMIN_PATH}/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/")
    return page


def open_article(page, article):
    """The article's change page with CKEditor loaded: from here on, the body the
    form posts is the one CKEditor writes."""
    page.goto(f"/{settings.ADMIN_PATH}/news/article/{article.pk}/change/")
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )


def messages(page):
    return page.locator(".messagelist li")


def test_reviewer_approves_and_saves_again_an_article_with_a_cover_uploaded_in_the_admin(
    reviewer, column, cover_file, new_context, expect, screenshot
):
    page = log_in(new_context, reviewer)
    page.goto(f"/{settings.ADMIN_PATH}/news/article/add/")
    page.wait_for_function("() => window.CKEDITOR && CKEDITOR.instances.id_body.status === 'ready'")
    page.locator("#id_title").fill("市妇联召开三八表彰大会")
    page.locator("#id_column").select_option(label="部门动态")
    page.evaluate("CKEDITOR.instances.id_body.setData('<p>大会表彰了一批先进集体和个人。</p>')")
    page.locator("#id_cover").set_input_files(cover_file)
    page.locator("input[name=_continue]").click()
    expect(messages(page).first).to_contain_text("成功添加")
    article = Article.objects.get()
    assert article.cover.name.startswith("covers/")

    page.locator("input[name=_approve]").click()  # the second save of the stored cover

    expect(messages(page)).to_have_text(["「市妇联召开三八表彰大会」：已发布"])
    open_article(page, article)
    page.locator("#id_title").fill("市妇联隆重召开三八表彰大会")
    page.locator("input[name=_continue]").click()
    expect(messages(page).first).to_contain_text("成功修改")
    screenshot(page, "staff-1-cover-approved")
    article.refresh_from_db()
    assert (article.status, article.title) == (
        Article.Status.PUBLISHED,
        "市妇联隆重召开三八表彰大会",
    )
    assert default_storage.exists(article.cover.name)


def test_a_change_to_a_published_article_with_a_picture_is_approved_at_the_first_click(
    editor, reviewer, column, stored_photo, new_context, expect, screenshot
):
    published = ArticleFactory(
        column=column, title="巾帼志愿服务进社区", body=PHOTO_BODY.format(src=stored_photo)
    )
    assert 'width="320"' in published.body

    writing = log_in(new_context, editor)
    open_article(writing, published)
    writing.locator("#id_title").fill("巾帼志愿服务走进社区")
    writing.locator("input[name=_continue]").click()  # 保存为修改稿
    expect(messages(writing)).to_contain_text(["另存为修改稿"])
    change = published.pending_changes.get()
    writing.locator("input[name=_submit]").click()
    expect(messages(writing).first).to_contain_text("待审核")

    reviewing = log_in(new_context, reviewer)
    open_article(reviewing, change)
    reviewing.locator("input[name=_approve]").click()

    expect(messages(reviewing)).to_have_text(["「巾帼志愿服务走进社区」：已发布"])
    screenshot(reviewing, "staff-2-change-approved")
    published.refresh_from_db()
    assert published.title == "巾帼志愿服务走进社区"
    assert 'width="320" height="200"' in published.body
    assert not published.pending_changes.exists()


def test_an_unchanged_save_of_a_submitted_article_with_a_picture_keeps_it_in_review(
    editor, column, stored_photo, new_context, expect
):
    submitted = draft_by(editor, column, body=PHOTO_BODY.format(src=stored_photo))
    article_submit(article=submitted, by=editor)

    page = log_in(new_context, editor)
    open_article(page, submitted)
    page.locator("input[name=_continue]").click()

    expect(messages(page).first).to_be_visible()
    expect(page.locator(".messagelist")).not_to_contain_text("退出审核队列")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.REVIEW
    assert 'width="320" height="200"' in submitted.body


def test_sending_back_without_a_comment_is_refused_on_the_article_with_the_typing_kept(
    editor, reviewer, column, new_context, expect, screenshot
):
    submitted = draft_by(editor, column, title="巾帼志愿服务进社区")
    article_submit(article=submitted, by=editor)
    change_url = f"/{settings.ADMIN_PATH}/news/article/{submitted.pk}/change/"

    page = log_in(new_context, reviewer)
    open_article(page, submitted)
    page.locator("#id_title").fill("巾帼志愿服务走进社区")
    page.locator("input[name=_send_back]").click()

    expect(page.locator(".messagelist li.error")).to_have_text(
        "退回时请填写审核意见，告诉编辑要改什么。"
    )
    expect(page.locator(".messagelist li.success")).to_have_count(0)
    assert page.url.endswith(change_url)
    expect(page.locator("#id_title")).to_have_value("巾帼志愿服务走进社区")
    screenshot(page, "staff-3-send-back-refused")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.title) == (Article.Status.REVIEW, "巾帼志愿服务进社区")
