"""The editor's image upload in a real Chromium: CKEditor sends Django's CSRF token
with every upload, and an upload without it is refused with a message the editor
shows (issue 9: the upload view was csrf_exempt and took posts from any site)."""

import pytest
from django.conf import settings

from .conftest import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = pytest.mark.browser

# What CKEditor's uploadimage plugin does with a pasted or dropped picture.
UPLOAD_A_PICTURE = """
() => new Promise((resolve) => {
  const editor = CKEDITOR.instances.id_body;
  const canvas = document.createElement("canvas");
  canvas.width = 40;
  canvas.height = 30;
  canvas.toBlob((blob) => {
    const file = new File([blob], "粘贴.png", {type: "image/png"});
    const loader = editor.uploadRepository.create(file);
    loader.on("uploaded", () => resolve({status: "uploaded", url: loader.url}));
    loader.on("error", () => resolve({status: "error", message: loader.message}));
    loader.upload(editor.config.uploadUrl);
  }, "image/png");
})
"""


@pytest.fixture
def editor_page(superuser, desktop, expect):
    page = desktop
    page.goto(f"/{settings.ADMIN_PATH}/login/")
    page.locator("#id_username").fill(ADMIN_USERNAME)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/")
    page.goto(f"/{settings.ADMIN_PATH}/news/article/add/")
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    return page


def test_a_pasted_picture_is_uploaded_with_the_pages_csrf_token(editor_page):
    token = editor_page.locator("input[name=csrfmiddlewaretoken]").first.input_value()

    with editor_page.expect_request("**/ckeditor/upload/**") as request:
        result = editor_page.evaluate(UPLOAD_A_PICTURE)

    assert request.value.headers.get("x-csrftoken") == token
    assert result["status"] == "uploaded", result
    assert result["url"].startswith("/media/uploads/")


def test_an_upload_without_the_token_is_refused_with_a_message(editor_page):
    editor_page.evaluate("CKEDITOR.instances.id_body.config.fileTools_requestHeaders = {}")

    result = editor_page.evaluate(UPLOAD_A_PICTURE)

    assert result["status"] == "error"
    assert "上传被拒绝" in result["message"]
