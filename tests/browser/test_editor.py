"""An editor on a desktop: log in, write an article in CKEditor 4 with a heading, a
list and an uploaded image, approve it, and find it on the site and in the feed."""

import re

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from news.models import Article

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = pytest.mark.browser

TITLE = "市妇联召开2026年巾帼建功推进会"
HEADING = "会议部署三项重点工作"
ITEMS = ["深化巾帼建功行动", "推进美丽庭院创建"]
ALT = "推进会现场"
# The whole tag: the sanitizer writes attributes in its own fixed order.
IMG_SRC = re.compile(r'<img [^>]*src="(/media/uploads/[^"]+\.png)"[^>]*>')


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "推进会.png"
    Image.new("RGB", (320, 200), (176, 24, 43)).save(path, format="PNG")
    return path


def test_editor_writes_formats_uploads_and_publishes_an_article(
    demo_site, superuser, desktop, new_context, live_server, photo, expect, screenshot
):
    page = desktop

    # Log in through the admin's own form.
    page.goto(f"/{settings.ADMIN_PATH}/")
    page.locator("#id_username").fill(ADMIN_USERNAME)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/")
    expect(page.locator("#user-tools")).to_contain_text(ADMIN_USERNAME)

    # 文章 → 增加 in the admin index's app list.
    page.locator("#content-main tr.model-article a.addlink").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/news/article/add/")
    expect(page.locator("h1")).to_contain_text("增加 文章")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_column").select_option(label="部门动态")

    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    editable = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    editable.click()

    # A heading from the 格式 combo (its list sits in a panel iframe).
    page.locator(".cke_combo__format .cke_combo_button").click()
    page.frame_locator("iframe.cke_panel_frame").get_by_text("标题 2", exact=True).click()
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")
    page.keyboard.type("会议总结了一季度工作。")
    page.keyboard.press("Enter")

    # A bulleted list of two items; Enter on an empty item leaves the list.
    page.locator(".cke_button__bulletedlist").click()
    page.keyboard.type(ITEMS[0])
    page.keyboard.press("Enter")
    page.keyboard.type(ITEMS[1])
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    # An image through the dialog's 上传 tab: the file form is in its own iframe and
    # posts to our validating endpoint, whose answer fills in the URL field.
    page.locator(".cke_button__image").click()
    dialog = page.get_by_role("dialog", name="图像属性")
    expect(dialog).to_be_visible()
    dialog.locator(".cke_dialog_tab", has_text="上传").click()
    upload_form = page.frame_locator("iframe.cke_dialog_ui_input_file")
    upload_form.locator("input[type=file]").set_input_files(photo)
    dialog.get_by_role("button", name="上传到服务器").click()
    url_field = dialog.locator("input.cke_dialog_ui_input_text").first
    expect(url_field).to_have_value(re.compile(r"^/media/uploads/.+\.png$"))
    dialog.get_by_label("替换文本").fill(ALT)
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()

    image = page.frame_locator("iframe.cke_wysiwyg_frame").locator("img")
    expect(image).to_have_attribute("src", re.compile(r"^/media/uploads/"))
    screenshot(page, "editor-1-article-form")

    page.locator("input[name=_approve]").click()
    expect(page.locator(".messagelist")).to_contain_text(f"「{TITLE}」：已发布")

    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.PUBLISHED
    assert article.column.name == "部门动态"
    assert f"<h2>{HEADING}</h2>" in article.body
    assert f"<ul><li>{ITEMS[0]}</li><li>{ITEMS[1]}</li></ul>" in re.sub(
        r">\s+<", "><", article.body
    )
    match = IMG_SRC.search(article.body)
    assert match, article.body
    src = match.group(1)
    assert f'alt="{ALT}"' in match.group(0)
    assert default_storage.exists(src.removeprefix(settings.MEDIA_URL)), src

    # The public (a fresh, anonymous browser) sees it on the home page and in the feed.
    public = new_context(viewport={"width": 1280, "height": 900}).new_page()
    public.goto("/")
    expect(public.get_by_role("link", name=TITLE).first).to_be_visible()
    public.get_by_role("link", name=TITLE).first.click()
    public.wait_for_url(f"**{article.get_absolute_url()}")
    expect(public.locator(".article__body h2")).to_have_text(HEADING)
    expect(public.locator(".article__body ul > li")).to_have_text(ITEMS)
    body_image = public.locator(".article__body img")
    expect(body_image).to_have_attribute("src", src)
    assert body_image.evaluate("img => img.complete && img.naturalWidth") == 320
    screenshot(public, "editor-2-published-article")

    response = public.request.get("/feed/")
    assert response.ok, response.status
    feed = response.text()
    assert f"<title>{TITLE}</title>" in feed
    assert f"{live_server.url}{src}" in feed
