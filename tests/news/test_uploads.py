"""Image uploads: the editor's upload endpoint and the article cover field.

Every file here is made in memory (Pillow for the real images), uploaded through
the Django test client, and judged by what the editor receives back and by what
lands in MEDIA_ROOT, which each test points at its own empty folder.
"""

import json
import re
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from news.models import Article
from tests.helpers import article_form, image_bytes, logged_in, stored_files

pytestmark = pytest.mark.usefixtures("media_root")

GENERATED_NAME = re.compile(r"^uploads/\d{4}/\d{2}/[0-9a-f]{32}\.(?P<extension>jpg|png|gif|webp)$")


@pytest.fixture
def upload_url():
    return reverse("ckeditor_upload")


def cut_off(content):
    """The first two thirds of a file: the header is whole, the pixels stop short."""
    return content[: len(content) * 2 // 3]


def upload(client, url, name, content, content_type="image/png", query=""):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(url + query, {"upload": file})


# -- Accepted images -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "content_type", "extension"),
    [
        ("PNG", "image/png", "png"),
        ("JPEG", "image/jpeg", "jpg"),
        ("GIF", "image/gif", "gif"),
        ("WEBP", "image/webp", "webp"),
    ],
)
def test_staff_uploads_an_image_and_gets_its_address(
    editor_client, upload_url, media_root, image_format, content_type, extension
):
    content = image_bytes(image_format)

    response = upload(editor_client, upload_url, f"现场照片.{extension}", content, content_type)

    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == 1
    assert data["url"].startswith("/media/uploads/")
    [stored] = stored_files(media_root)
    assert GENERATED_NAME.match(stored).group("extension") == extension
    assert data["url"] == "/media/" + stored
    assert (media_root / stored).read_bytes() == content


def test_stored_name_is_generated_not_taken_from_the_client(editor_client, upload_url, media_root):
    """A hostile name cannot climb out of the media folder or overwrite a file."""
    content = image_bytes("PNG")

    response = upload(editor_client, upload_url, "../../../etc/passwd.png", content)

    assert response.json()["uploaded"] == 1
    [stored] = stored_files(media_root)
    assert GENERATED_NAME.match(stored)
    assert ".." not in response.json()["url"]
    assert "passwd" not in response.json()["url"]


def test_extension_comes_from_the_content_not_the_name(editor_client, upload_url, media_root):
    response = upload(editor_client, upload_url, "photo.png", image_bytes("JPEG"), "image/png")

    assert response.json()["uploaded"] == 1
    [stored] = stored_files(media_root)
    assert stored.endswith(".jpg")


def test_two_uploads_with_the_same_name_are_both_kept(editor_client, upload_url, media_root):
    first = upload(editor_client, upload_url, "image.png", image_bytes("PNG", (10, 10)))
    second = upload(editor_client, upload_url, "image.png", image_bytes("PNG", (20, 20)))

    assert first.json()["url"] != second.json()["url"]
    assert len(stored_files(media_root)) == 2


# -- Refused files ---------------------------------------------------------------------


def assert_refused(response, media_root):
    assert response.status_code == 200  # CKEditor reads the refusal from the body
    data = response.json()
    assert data["uploaded"] == 0
    message = data["error"]["message"]
    assert re.search(r"[\u4e00-\u9fff]", message), f"not a Chinese message: {message!r}"
    assert stored_files(media_root) == []
    return message


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param(
            "notice.png", "这是一段文字，不是图片。".encode(), "image/png", id="text-as-png"
        ),
        pytest.param("logo.svg", SVG, "image/svg+xml", id="svg"),
        pytest.param("logo.png", SVG, "image/png", id="svg-as-png"),
        pytest.param("page.html", HTML, "text/html", id="html"),
        pytest.param("page.jpg", HTML, "image/jpeg", id="html-as-jpg"),
        pytest.param("empty.png", b"", "image/png", id="empty"),
        pytest.param(
            "cut.png",
            cut_off(image_bytes("PNG", (64, 64), noise=True)),
            "image/png",
            id="truncated-png",
        ),
        pytest.param(
            "cut.jpg",
            cut_off(image_bytes("JPEG", (64, 64), noise=True)),
            "image/jpeg",
            id="jpeg-cut-off-in-the-pixels",
        ),
        pytest.param(
            "broken.png", image_bytes("PNG")[:16] + b"\x00" * 200, "image/png", id="corrupt-png"
        ),
    ],
)
def test_files_that_are_not_usable_images_are_refused(
    editor_client, upload_url, media_root, name, content, content_type
):
    response = upload(editor_client, upload_url, name, content, content_type)

    message = assert_refused(response, media_root)
    assert "JPG" in message  # tells the editor what to upload instead


def test_image_format_we_do_not_serve_is_refused_by_name(editor_client, upload_url, media_root):
    response = upload(editor_client, upload_url, "scan.bmp", image_bytes("BMP"), "image/bmp")

    message = assert_refused(response, media_root)
    assert "BMP" in message


def test_image_over_the_size_limit_is_refused(settings, editor_client, upload_url, media_root):
    settings.IMAGE_UPLOAD_MAX_BYTES = 10_000
    content = image_bytes("PNG", (80, 80), noise=True)
    assert len(content) > 10_000

    response = upload(editor_client, upload_url, "big.png", content)

    message = assert_refused(response, media_root)
    assert "不能超过" in message


def test_size_refusal_does_not_claim_a_limit_of_zero(settings, editor_client, upload_url):
    """A limit under 1 MB (set in the environment) must still be stated truthfully."""
    settings.IMAGE_UPLOAD_MAX_BYTES = 500 * 1024
    content = image_bytes("PNG", (420, 420), noise=True)
    assert len(content) > 500 * 1024

    message = upload(editor_client, upload_url, "big.png", content).json()["error"]["message"]

    assert "不能超过 0 MB" not in message, message


def test_image_at_the_size_limit_is_accepted(settings, editor_client, upload_url, media_root):
    content = image_bytes("PNG", (80, 80), noise=True)
    settings.IMAGE_UPLOAD_MAX_BYTES = len(content)

    response = upload(editor_client, upload_url, "big.png", content)

    assert response.json()["uploaded"] == 1
    assert len(stored_files(media_root)) == 1


def test_image_with_too_many_pixels_is_refused(settings, editor_client, upload_url, media_root):
    """A small file can still decode to a huge picture (a decompression bomb)."""
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    content = image_bytes("PNG", (101, 100))  # one flat colour: a few hundred bytes

    response = upload(editor_client, upload_url, "wide.png", content)

    message = assert_refused(response, media_root)
    assert "101×100" in message


def test_post_without_a_file_is_answered_with_a_message(editor_client, upload_url, media_root):
    response = editor_client.post(upload_url, {})

    assert_refused(response, media_root)


# -- Who may upload --------------------------------------------------------------------


def test_anonymous_visitor_cannot_upload(upload_url, media_root):
    response = upload(Client(), upload_url, "a.png", image_bytes("PNG"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert stored_files(media_root) == []


def test_logged_in_user_who_is_not_staff_cannot_upload(
    client, django_user_model, upload_url, media_root
):
    client.force_login(django_user_model.objects.create_user("reader", password="pw-tests-only"))

    response = upload(client, upload_url, "a.png", image_bytes("PNG"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert stored_files(media_root) == []


def test_staff_user_who_cannot_write_articles_cannot_upload(
    django_user_model, upload_url, media_root
):
    """Staff who only answer 纠错 reports, say, have no reason to put files on the site."""
    clerk = django_user_model.objects.create_user("jiucuo", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_errorreport"))

    response = upload(logged_in(clerk), upload_url, "a.png", image_bytes("PNG"))

    assert assert_refused(response, media_root) == "您没有编辑文章的权限，不能上传图片。"


def test_editor_in_the_editors_group_uploads_an_image(as_editor, upload_url, media_root):
    response = upload(as_editor, upload_url, "现场照片.png", image_bytes("PNG"))

    assert response.json()["uploaded"] == 1
    [stored] = stored_files(media_root)
    assert response.json()["url"] == "/media/" + stored


def test_get_is_not_an_upload(editor_client, upload_url):
    assert editor_client.get(upload_url).status_code == 405


# -- The editor's image dialog ---------------------------------------------------------


def test_image_dialog_gets_a_callback_script_with_the_address(
    editor_client, upload_url, media_root
):
    response = upload(
        editor_client, upload_url, "a.png", image_bytes("PNG"), query="?CKEditorFuncNum=1"
    )

    assert response["Content-Type"].startswith("text/html")
    [stored] = stored_files(media_root)
    assert response.content.decode() == (
        f'<script>window.parent.CKEDITOR.tools.callFunction(1, "/media/{stored}", "");</script>'
    )


def test_image_dialog_gets_the_refusal_in_the_callback(editor_client, upload_url, media_root):
    response = upload(
        editor_client, upload_url, "a.png", b"not an image", query="?CKEditorFuncNum=3"
    )

    body = response.content.decode()
    match = re.fullmatch(
        r'<script>window\.parent\.CKEDITOR\.tools\.callFunction\(3, "", (".*")\);</script>', body
    )
    assert match, body
    assert "JPG" in json.loads(match.group(1))
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "func_num", ["1);alert(1)//", "1</script><script>alert(1)</script>", "-1", "1.5", "abc"]
)
def test_hostile_callback_number_is_not_written_into_a_script(
    editor_client, upload_url, media_root, func_num
):
    query = "?" + urlencode({"CKEditorFuncNum": func_num})

    response = upload(editor_client, upload_url, "a.png", image_bytes("PNG"), query=query)

    assert response["Content-Type"] == "application/json"
    assert b"<script" not in response.content
    assert b"alert" not in response.content
    assert response.json()["uploaded"] == 1


def test_json_requested_by_drag_and_drop_wins_over_the_dialog_form(
    editor_client, upload_url, media_root
):
    response = upload(
        editor_client,
        upload_url,
        "a.png",
        image_bytes("PNG"),
        query="?CKEditorFuncNum=1&responseType=json",
    )

    assert response.json()["uploaded"] == 1


# -- Cover images through the admin ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("cover.jpg", "不是图片".encode(), id="text-as-jpg"),
        pytest.param("cover.svg", SVG, id="svg"),
        pytest.param("cover.png", image_bytes("PNG")[:40], id="truncated-png"),
    ],
)
def test_cover_that_is_not_an_image_is_refused_in_the_admin(
    editor_client, column, media_root, name, content
):
    cover = SimpleUploadedFile(name, content, content_type="image/jpeg")

    response = editor_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 200  # the form is shown again
    assert "cover" in response.context["adminform"].form.errors
    assert 'class="errorlist' in response.content.decode()
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_cover_with_too_many_pixels_is_refused_with_our_message(
    settings, editor_client, column, media_root
):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    cover = SimpleUploadedFile("cover.png", image_bytes("PNG", (200, 100)), "image/png")

    response = editor_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["cover"]
    assert "200×100" in message
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_cover_image_is_stored_under_a_generated_name_with_its_size(
    editor_client, column, media_root
):
    cover = SimpleUploadedFile("../封面.png", image_bytes("JPEG", (64, 48)), "image/png")

    response = editor_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert re.fullmatch(r"covers/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.cover.name)
    assert stored_files(media_root) == [article.cover.name]
    assert (article.cover_width, article.cover_height) == (64, 48)


# -- Where the photo was taken is not published -------------------------------------


def phone_photo(width=60, height=40):
    """A JPEG as a phone writes it: EXIF with a GPS position and an orientation
    saying "rotate 90° to view" (so the upright picture is height × width)."""
    image = Image.new("RGB", (width, height), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPSInfo
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def exif_of(path):
    with Image.open(path) as image:
        return dict(image.getexif()), image.size


def test_a_photo_uploaded_in_the_editor_loses_its_location_and_stands_upright(
    editor_client, upload_url, media_root
):
    raw = phone_photo()
    assert exif_of(BytesIO(raw))[0]  # the test photo does carry EXIF

    response = upload(editor_client, upload_url, "IMG_0001.jpg", raw, "image/jpeg")

    assert json.loads(response.content)["uploaded"] == 1
    [name] = stored_files(media_root)
    exif, size = exif_of(media_root / name)
    assert exif == {}
    assert size == (40, 60)  # turned upright as the phone meant it


def test_a_cover_photo_loses_its_location_and_records_its_upright_size(
    editor_client, column, media_root
):
    cover = SimpleUploadedFile("封面.jpg", phone_photo(), "image/jpeg")

    response = editor_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 302
    article = Article.objects.get()
    exif, size = exif_of(media_root / article.cover.name)
    assert exif == {}
    assert size == (40, 60)
    assert (article.cover_width, article.cover_height) == (40, 60)


def test_an_image_without_exif_is_stored_byte_for_byte(editor_client, upload_url, media_root):
    raw = image_bytes("PNG", (30, 20))

    upload(editor_client, upload_url, "图.png", raw)

    [name] = stored_files(media_root)
    assert (media_root / name).read_bytes() == raw
