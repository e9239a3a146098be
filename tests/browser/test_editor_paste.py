"""Pictures pasted into CKEditor (issue 9, item 4): a picture on the clipboard is
uploaded through the checked upload view (location stripped) and survives the save;
one that cannot be uploaded (a file:/// picture from Word) is named in Chinese."""

import base64
import io
import re

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from news.models import Article

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = pytest.mark.browser

# Dispatches a real paste event on CKEditor's editable, carrying what the clipboard
# would: a PNG/JPEG file, or HTML. CKEditor reads event.clipboardData as for a Ctrl+V.
PASTE = """([kind, payload]) => {
    const body = document.querySelector('iframe.cke_wysiwyg_frame').contentDocument.body;
    const data = new DataTransfer();
    if (kind === 'file') {
        const bytes = Uint8Array.from(atob(payload), c => c.charCodeAt(0));
        data.items.add(new File([bytes], 'image.jpg', {type: 'image/jpeg'}));
    } else {
        data.setData('text/html', payload);
    }
    body.focus();
    body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                    cancelable: true}));
}"""


def phone_photo():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (176, 24, 43)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def open_new_article(page, expect, title):
    page.goto(f"/{settings.ADMIN_PATH}/")
    page.locator("#id_username").fill(ADMIN_USERNAME)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/")
    page.goto(f"/{settings.ADMIN_PATH}/news/article/add/")
    page.locator("#id_title").fill(title)
    page.locator("#id_column").select_option(label="部门动态")
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    editable = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    editable.click()
    page.keyboard.type("活动现场：")
    return editable


def test_a_picture_pasted_from_the_clipboard_is_uploaded_and_kept(
    demo_site, superuser, desktop, expect
):
    page = desktop
    editable = open_new_article(page, expect, "粘贴图片的文章")

    page.evaluate(PASTE, ["file", base64.b64encode(phone_photo()).decode()])

    # uploadimage sends it to our view and swaps in the stored address.
    page.wait_for_function(
        '() => /<img[^>]+src="\\/media\\/uploads\\/[^"]+\\.jpg"/'
        ".test(CKEDITOR.instances.id_body.getData())"
    )
    expect(editable.locator("img[src^='/media/uploads/']")).to_have_count(1)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    article = Article.objects.get(title="粘贴图片的文章")
    match = re.search(r'<img src="(/media/uploads/[^"]+\.jpg)"', article.body)
    assert match, article.body
    name = match.group(1).removeprefix(settings.MEDIA_URL)
    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    assert b"Exif" not in content
    assert not Image.open(io.BytesIO(content)).getexif()
    assert "第 1 张图片" not in " ".join(page.locator(".messagelist li.warning").all_inner_texts())


def test_a_picture_pasted_from_word_that_cannot_be_uploaded_is_named(
    demo_site, superuser, desktop, expect
):
    page = desktop
    editable = open_new_article(page, expect, "从 Word 粘贴的文章")
    word_html = (
        '<p class="MsoNormal">会场照片<img width="553" height="311" '
        'src="file:///C:/Users/fl/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg" '
        'alt="会场"></p>'
    )

    page.evaluate(PASTE, ["html", word_html])
    expect(editable).to_contain_text("会场照片")
    page.locator("input[name=_continue]").click()

    warnings = page.locator(".messagelist li.warning")
    expect(warnings.filter(has_text="第 1 张图片（会场）来自本机文件，无法上传")).to_have_count(1)
    article = Article.objects.get(title="从 Word 粘贴的文章")
    assert "会场照片" in article.body
    assert "<img" not in article.body  # no empty picture left behind
