"""The site's Content-Security-Policy and Permissions-Policy in a real Chromium
(README, "Security").

Public pages allow no inline script or style and still work: the reader's forms and
preferences, the search, the chart with its stylesheet. CKEditor works on the article
form under its measured allowances: typing, a pasted picture uploaded, the image
dialog's upload and image browser, saving. Any report of a refused script, style,
frame or feature on any page's console fails the test (conftest.new_context); these
tests also check that the pages were sent the policy they rely on."""

import base64
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from news.models import Article

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME, MARCH8_TITLE, TIMEOUT_MS

pytestmark = pytest.mark.browser

EDITOR_READY = (
    "() => window.CKEDITOR && CKEDITOR.instances.id_body"
    " && CKEDITOR.instances.id_body.status === 'ready'"
)
# A real paste event on CKEditor's editable with a picture on the clipboard
# (as tests/browser/test_editor_paste.py).
PASTE_PICTURE = """(payload) => {
    const body = document.querySelector('iframe.cke_wysiwyg_frame').contentDocument.body;
    const data = new DataTransfer();
    const bytes = Uint8Array.from(atob(payload), c => c.charCodeAt(0));
    data.items.add(new File([bytes], 'photo.png', {type: 'image/png'}));
    body.focus();
    body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                    cancelable: true}));
}"""
DIALOG = "table.cke_dialog >> visible=true"
DIALOG_URL = "() => [...document.querySelectorAll('.cke_dialog input.cke_dialog_ui_input_text')]"


def picture(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def directives(response):
    """The response's Content-Security-Policy as {directive: [sources]}."""
    policy = response.headers["content-security-policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def assert_strict(response):
    """No inline script or style, nothing evaluated, no other site's script."""
    policy = directives(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "script-src-attr" not in policy and "style-src-attr" not in policy
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["permissions-policy"].startswith("accelerometer=()")


def computed(locator, property_name):
    return locator.evaluate(f"(node) => getComputedStyle(node).{property_name}")


def test_public_pages_run_under_the_strict_policy_and_still_work(
    demo_site, desktop, expect, console
):
    page = desktop
    addresses = [
        "/",
        "/news/",
        demo_site.column.get_absolute_url(),
        demo_site.get_absolute_url(),
        "/search/?q=美丽庭院",
        "/stats/",
        "/stats/jinguo-daxuanjiang/",
        "/feeds/",
        "/jiucuo/",
    ]
    for address in addresses:
        response = page.goto(address)
        assert response.status == 200, address
        assert_strict(response)

    # The header's search form.
    page.goto("/")
    page.locator(".header-search input[name=q]").fill("巾帼")
    page.locator(".header-search [type=submit]").click()
    page.wait_for_url("**/search/?q=*")
    expect(page.locator("main")).to_contain_text(MARCH8_TITLE)

    # The chart is drawn with the stylesheet it links, in the reader's colours.
    page.goto("/stats/jinguo-daxuanjiang/")
    bar = page.locator(".chart-wide .color-0 rect").first
    expect(bar).to_be_visible()
    assert computed(bar, "fill") == "rgb(176, 24, 43)"  # --chart-bar
    title = page.locator(".chart-wide .title").first
    assert computed(title, "fontSize") == "15px"

    # 我要纠错: a form that posts to the site, CSRF token and all.
    page.goto("/jiucuo/")
    page.get_by_label("问题描述").fill("第二段的日期应为三月八日。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/jiucuo/thanks/")
    assert page.locator("h1").count() == 1

    # 大字版, 高对比度 and 繁體: links to the preferences view, remembered by cookie.
    page.goto(demo_site.get_absolute_url())
    page.locator('.reader-tools a[href*="size=large"]').click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bsize-large\b"))
    page.locator('.reader-tools a[href*="contrast=high"]').click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    page.locator('.reader-tools a[href*="script=hant"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    page.goto("/stats/jinguo-daxuanjiang/")
    assert computed(page.locator(".chart-wide .color-0 rect").first, "fill") == (
        "rgb(255, 235, 59)"  # the high-contrast --chart-bar
    )

    assert [message for message in console if message.startswith("pageerror")] == []


def log_in(page):
    page.goto(f"/{settings.ADMIN_PATH}/login/")
    page.locator("#id_username").fill(ADMIN_USERNAME)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/")


def test_the_admin_runs_under_the_staff_policy(demo_site, superuser, desktop, console):
    """No inline script or style anywhere in the admin but on the article form."""
    page = desktop
    log_in(page)
    admin = f"/{settings.ADMIN_PATH}"
    for address in [
        f"{admin}/",
        f"{admin}/news/article/",
        f"{admin}/news/article/{demo_site.pk}/history/",
        f"{admin}/news/column/add/",
        f"{admin}/stats/indicator/",
        f"{admin}/fedsite/siteprofile/",
        f"{admin}/password_change/",
    ]:
        response = page.goto(address)
        assert response.status == 200, address
        policy = directives(response)
        self_, *nonce = policy["script-src"]  # a nonce only where a page uses one
        assert self_ == "'self'" and len(nonce) <= 1
        assert all(source.startswith("'nonce-") for source in nonce)
        assert policy["style-src"] == ["'self'"]
        assert "script-src-attr" not in policy
        assert policy["frame-ancestors"] == ["'self'"]
    assert [message for message in console if message.startswith("pageerror")] == []


def test_ckeditor_works_on_the_article_form_under_its_allowances(
    demo_site, superuser, desktop, expect, console
):
    page = desktop
    log_in(page)
    response = page.goto(f"/{settings.ADMIN_PATH}/news/article/add/")
    policy = directives(response)
    # Inline event handlers and styles for CKEditor; inline script elements only with
    # the page's nonce, never 'unsafe-inline' or 'unsafe-eval' for them.
    assert policy["script-src-attr"] == ["'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))
    assert any(source.startswith("'nonce-") for source in policy["script-src"])

    page.locator("#id_title").fill("内容安全策略下的编辑器")
    page.locator("#id_column").select_option(label="部门动态")
    page.wait_for_function(EDITOR_READY)
    editable = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    editable.click()
    page.keyboard.type("活动现场：")
    page.locator(".cke_button__bold").click()
    page.keyboard.type("巾帼建功")
    expect(editable.locator("strong")).to_have_text("巾帼建功")

    # A pasted picture is uploaded at once (XHR) and swapped for its stored address.
    page.evaluate(PASTE_PICTURE, base64.b64encode(picture((176, 24, 43))).decode())
    expect(editable.locator("img[src^='/media/uploads/']")).to_have_count(1)
    page.keyboard.press("Control+End")

    # The image dialog's 上传 tab: a file field in a frame, sent to the same view.
    page.locator(".cke_button__image").click()
    page.wait_for_selector(DIALOG)
    page.locator("a.cke_dialog_tab[title='上传']").click()
    page.frame_locator("iframe.cke_dialog_ui_input_file").locator(
        "input[type=file]"
    ).set_input_files(
        {"name": "会场.png", "mimeType": "image/png", "buffer": picture((0, 90, 160))}
    )
    page.locator(".cke_dialog_ui_fileButton").click()
    page.wait_for_function(f"{DIALOG_URL}.some(i => i.value.startsWith('/media/uploads/'))")
    page.locator(".cke_dialog_ui_button_ok").click()
    expect(editable.locator("img[src^='/media/uploads/']")).to_have_count(2)
    page.keyboard.press("Control+End")

    # 浏览服务器: the image browser hands an uploaded picture back to the dialog.
    page.locator(".cke_button__image").click()
    page.wait_for_selector(DIALOG)
    # A new window loads a whole page: more time than a step in this one.
    with page.expect_popup(timeout=2 * TIMEOUT_MS) as opened:
        page.get_by_role("button", name="浏览服务器").click()
    browser_window = opened.value
    # The popup starts as about:blank, whose load can satisfy wait_for_load_state
    # before the browser's own page (and the script that answers a click) is there.
    browser_window.wait_for_url("**/ckeditor/browse/**", timeout=2 * TIMEOUT_MS)
    browser_window.wait_for_load_state("load", timeout=2 * TIMEOUT_MS)
    first = browser_window.locator("button[data-src]").first
    chosen = first.get_attribute("data-src")
    assert chosen.startswith("/media/uploads/")
    with browser_window.expect_event("close", timeout=2 * TIMEOUT_MS):
        first.click()
    page.wait_for_function(f"{DIALOG_URL}.some(i => i.value === {chosen!r})")
    page.locator(".cke_dialog_ui_button_ok").click()
    expect(editable.locator("img")).to_have_count(3)

    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get(title="内容安全策略下的编辑器")
    assert "<strong>巾帼建功</strong>" in article.body
    assert len(re.findall(r'<img src="/media/uploads/', article.body)) == 3
    # The reopened form's editor is ready again: its frame's script ran with the nonce.
    page.wait_for_function(EDITOR_READY)
    expect(editable).to_contain_text("巾帼建功")
    assert [message for message in console if message.startswith("pageerror")] == []


def test_an_old_version_opens_in_the_editor_to_be_restored(demo_site, superuser, desktop, expect):
    """simple-history's page for one version shows the article form, CKEditor and all."""
    page = desktop
    log_in(page)
    version = demo_site.history.earliest("history_date")
    address = reverse("admin:news_article_simple_history", args=[demo_site.pk, version.history_id])

    response = page.goto(address)

    assert directives(response)["script-src-attr"] == ["'unsafe-inline'"]
    page.wait_for_function(EDITOR_READY)
    body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    expect(body).to_contain_text("巾帼")
