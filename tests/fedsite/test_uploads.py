"""Image uploads: the editor's upload endpoint and the article cover field.

Every file here is made in memory (Pillow for the real images), uploaded through
the Django test client, and judged by what the editor receives back and by what
lands in MEDIA_ROOT, which each test points at its own empty folder.
"""

import base64
import json
import re
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageCms

from news.models import Article
from news.sanitize import parse
from tests.helpers import article_form, image_bytes, logged_in, messages_of, stored_files

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
    superuser_client, upload_url, media_root, image_format, content_type, extension
):
    content = image_bytes(image_format)

    response = upload(superuser_client, upload_url, f"现场照片.{extension}", content, content_type)

    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == 1
    assert data["url"].startswith("/media/uploads/")
    [stored] = stored_files(media_root)
    assert GENERATED_NAME.match(stored).group("extension") == extension
    assert data["url"] == "/media/" + stored
    with Image.open(media_root / stored) as kept, Image.open(BytesIO(content)) as sent:
        assert (kept.format, kept.size) == (sent.format, sent.size)


def test_stored_name_is_generated_not_taken_from_the_client(
    superuser_client, upload_url, media_root
):
    """A hostile name cannot climb out of the media folder or overwrite a file."""
    content = image_bytes("PNG")

    response = upload(superuser_client, upload_url, "../../../etc/passwd.png", content)

    assert response.json()["uploaded"] == 1
    [stored] = stored_files(media_root)
    assert GENERATED_NAME.match(stored)
    assert ".." not in response.json()["url"]
    assert "passwd" not in response.json()["url"]


def test_extension_comes_from_the_content_not_the_name(superuser_client, upload_url, media_root):
    response = upload(superuser_client, upload_url, "photo.png", image_bytes("JPEG"), "image/png")

    assert response.json()["uploaded"] == 1
    [stored] = stored_files(media_root)
    assert stored.endswith(".jpg")


def test_two_uploads_with_the_same_name_are_both_kept(superuser_client, upload_url, media_root):
    first = upload(superuser_client, upload_url, "image.png", image_bytes("PNG", (10, 10)))
    second = upload(superuser_client, upload_url, "image.png", image_bytes("PNG", (20, 20)))

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
    superuser_client, upload_url, media_root, name, content, content_type
):
    response = upload(superuser_client, upload_url, name, content, content_type)

    message = assert_refused(response, media_root)
    assert "JPG" in message  # tells the editor what to upload instead


def test_image_format_we_do_not_serve_is_refused_by_name(superuser_client, upload_url, media_root):
    response = upload(superuser_client, upload_url, "scan.bmp", image_bytes("BMP"), "image/bmp")

    message = assert_refused(response, media_root)
    assert "BMP" in message


def test_image_over_the_size_limit_is_refused(settings, superuser_client, upload_url, media_root):
    settings.IMAGE_UPLOAD_MAX_BYTES = 10_000
    content = image_bytes("PNG", (80, 80), noise=True)
    assert len(content) > 10_000

    response = upload(superuser_client, upload_url, "big.png", content)

    message = assert_refused(response, media_root)
    assert "不能超过" in message


def test_size_refusal_does_not_claim_a_limit_of_zero(settings, superuser_client, upload_url):
    """A limit under 1 MB (set in the environment) must still be stated truthfully."""
    settings.IMAGE_UPLOAD_MAX_BYTES = 500 * 1024
    content = image_bytes("PNG", (420, 420), noise=True)
    assert len(content) > 500 * 1024

    message = upload(superuser_client, upload_url, "big.png", content).json()["error"]["message"]

    assert "不能超过 0 MB" not in message, message


def test_image_at_the_size_limit_is_accepted(settings, superuser_client, upload_url, media_root):
    content = image_bytes("PNG", (80, 80), noise=True)
    settings.IMAGE_UPLOAD_MAX_BYTES = len(content)

    response = upload(superuser_client, upload_url, "big.png", content)

    assert response.json()["uploaded"] == 1
    assert len(stored_files(media_root)) == 1


def test_image_with_too_many_pixels_is_refused(settings, superuser_client, upload_url, media_root):
    """A small file can still decode to a huge picture (a decompression bomb)."""
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    content = image_bytes("PNG", (101, 100))  # one flat colour: a few hundred bytes

    response = upload(superuser_client, upload_url, "wide.png", content)

    message = assert_refused(response, media_root)
    assert "101×100" in message


def test_post_without_a_file_is_answered_with_a_message(superuser_client, upload_url, media_root):
    response = superuser_client.post(upload_url, {})

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


def test_get_is_not_an_upload(superuser_client, upload_url):
    assert superuser_client.get(upload_url).status_code == 405


# -- The editor's image dialog ---------------------------------------------------------


def script_nonce(response):
    """The nonce the response's Content-Security-Policy allows a script with (the staff
    policy has no 'unsafe-inline' for script elements)."""
    [nonce] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return nonce


def test_image_dialog_gets_a_callback_script_with_the_address(
    superuser_client, upload_url, media_root
):
    response = upload(
        superuser_client, upload_url, "a.png", image_bytes("PNG"), query="?CKEditorFuncNum=1"
    )

    assert response["Content-Type"].startswith("text/html")
    [stored] = stored_files(media_root)
    nonce = script_nonce(response)
    assert response.content.decode() == (
        f'<script nonce="{nonce}">'
        f'window.parent.CKEDITOR.tools.callFunction(1, "/media/{stored}", "");</script>'
    )
    # The dialog's frame shows it: a same-origin frame only.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_image_dialog_gets_the_refusal_in_the_callback(superuser_client, upload_url, media_root):
    response = upload(
        superuser_client, upload_url, "a.png", b"not an image", query="?CKEditorFuncNum=3"
    )

    body = response.content.decode()
    match = re.fullmatch(
        r'<script nonce="[^"]+">'
        r'window\.parent\.CKEDITOR\.tools\.callFunction\(3, "", (".*")\);</script>',
        body,
    )
    assert match, body
    assert "JPG" in json.loads(match.group(1))
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "func_num", ["1);alert(1)//", "1</script><script>alert(1)</script>", "-1", "1.5", "abc"]
)
def test_hostile_callback_number_is_not_written_into_a_script(
    superuser_client, upload_url, media_root, func_num
):
    query = "?" + urlencode({"CKEditorFuncNum": func_num})

    response = upload(superuser_client, upload_url, "a.png", image_bytes("PNG"), query=query)

    assert response["Content-Type"] == "application/json"
    assert b"<script" not in response.content
    assert b"alert" not in response.content
    assert response.json()["uploaded"] == 1


def test_json_requested_by_drag_and_drop_wins_over_the_dialog_form(
    superuser_client, upload_url, media_root
):
    response = upload(
        superuser_client,
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
    superuser_client, column, media_root, name, content
):
    cover = SimpleUploadedFile(name, content, content_type="image/jpeg")

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 200  # the form is shown again
    assert "cover" in response.context["adminform"].form.errors
    assert 'class="errorlist' in response.content.decode()
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_cover_with_too_many_pixels_is_refused_with_our_message(
    settings, superuser_client, column, media_root
):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    cover = SimpleUploadedFile("cover.png", image_bytes("PNG", (200, 100)), "image/png")

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["cover"]
    assert "200×100" in message
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_cover_image_is_stored_under_a_generated_name_with_its_size(
    superuser_client, column, media_root
):
    cover = SimpleUploadedFile("../封面.png", image_bytes("JPEG", (64, 48)), "image/png")

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert re.fullmatch(r"covers/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.cover.name)
    assert stored_files(media_root) == [article.cover.name]
    # Stored in the row: a page must not have to open the file to size the picture
    # (a model instance would measure it again on load and hide an empty column).
    assert Article.objects.values_list("cover_width", "cover_height").get() == (64, 48)


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
    superuser_client, upload_url, media_root
):
    raw = phone_photo()
    assert exif_of(BytesIO(raw))[0]  # the test photo does carry EXIF

    response = upload(superuser_client, upload_url, "IMG_0001.jpg", raw, "image/jpeg")

    assert json.loads(response.content)["uploaded"] == 1
    [name] = stored_files(media_root)
    exif, size = exif_of(media_root / name)
    assert exif == {}
    assert size == (40, 60)  # turned upright as the phone meant it


def test_a_cover_photo_loses_its_location_and_records_its_upright_size(
    superuser_client, column, media_root
):
    cover = SimpleUploadedFile("封面.jpg", phone_photo(), "image/jpeg")

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 302
    article = Article.objects.get()
    exif, size = exif_of(media_root / article.cover.name)
    assert exif == {}
    assert size == (40, 60)
    assert Article.objects.values_list("cover_width", "cover_height").get() == (40, 60)


def test_an_image_without_metadata_keeps_every_pixel(superuser_client, upload_url, media_root):
    raw = image_bytes("PNG", (30, 20), noise=True)

    upload(superuser_client, upload_url, "图.png", raw)

    [name] = stored_files(media_root)
    with Image.open(media_root / name) as kept, Image.open(BytesIO(raw)) as sent:
        assert kept.tobytes() == sent.tobytes()


# -- No location in any metadata block, on any path (issue 9, item 21) -----------------

XMP_WITH_GPS = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="39,54.45N" '
    b'exif:GPSLongitude="116,23.28E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def gps_exif():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    return exif


def saved(image_format, **options):
    buffer = BytesIO()
    Image.new("RGB", (48, 32), (30, 120, 200)).save(buffer, image_format, **options)
    return buffer.getvalue()


def png_with_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 39.9075, 116.3881")
    info.add_itxt("XML:com.adobe.xmp", XMP_WITH_GPS.decode())
    return saved("PNG", pnginfo=info, exif=gps_exif())


LOCATED_IMAGES = {
    "jpeg-exif-gps": (lambda: saved("JPEG", exif=gps_exif()), "jpg"),
    "jpeg-gps-only-in-xmp": (lambda: saved("JPEG", xmp=XMP_WITH_GPS), "jpg"),
    "jpeg-comment": (lambda: saved("JPEG", comment=b"GPS 39.9075, 116.3881"), "jpg"),
    "png-text-chunks-and-exif": (png_with_text_chunks, "png"),
    "webp-exif-and-xmp": (lambda: saved("WEBP", exif=gps_exif(), xmp=XMP_WITH_GPS), "webp"),
    "gif-comment": (lambda: saved("GIF", comment=b"GPS 39.9075, 116.3881"), "gif"),
}


def assert_no_location(content):
    for marker in (b"GPS", b"39.9075", b"39,54", b"xmpmeta", b"Exif"):
        assert marker not in content, marker
    with Image.open(BytesIO(content)) as image:
        assert not image.getexif()
        assert not {"xmp", "XML:com.adobe.xmp", "comment", "Comment", "exif"} & set(image.info)


@pytest.mark.parametrize("make", [m for m, _ in LOCATED_IMAGES.values()], ids=LOCATED_IMAGES)
def test_an_editor_upload_keeps_no_location_in_any_metadata_block(
    superuser_client, upload_url, media_root, make
):
    raw = make()
    assert b"GPS" in raw or b"Exif" in raw  # the test file does carry a location

    response = upload(superuser_client, upload_url, "照片", raw)

    assert response.json()["uploaded"] == 1
    [name] = stored_files(media_root)
    assert_no_location((media_root / name).read_bytes())


@pytest.mark.parametrize(("make", "ext"), LOCATED_IMAGES.values(), ids=LOCATED_IMAGES)
def test_a_cover_keeps_no_location_in_any_metadata_block(
    superuser_client, column, media_root, make, ext
):
    cover = SimpleUploadedFile(f"封面.{ext}", make())

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover)
    )

    assert response.status_code == 302
    assert_no_location((media_root / Article.objects.get().cover.name).read_bytes())


def test_an_image_attachment_keeps_no_location(superuser_client, column, media_root):
    photo = SimpleUploadedFile("现场.jpg", saved("JPEG", exif=gps_exif(), xmp=XMP_WITH_GPS))

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, files=[photo])
    )

    assert response.status_code == 302
    attachment = Article.objects.get().attachments.get()
    stored = (media_root / attachment.file.name).read_bytes()
    assert_no_location(stored)
    assert attachment.size == len(stored)


@pytest.mark.django_db
def test_the_wechat_qr_image_keeps_no_location(media_root):
    from fedsite.models import SiteProfile

    profile = SiteProfile.current()
    profile.wechat_qr = SimpleUploadedFile("qr.png", png_with_text_chunks())
    profile.save()

    assert_no_location((media_root / profile.wechat_qr.name).read_bytes())


# -- Pasted pictures (issue 9, item 4) --------------------------------------------------


def data_url(content, mime="image/jpeg"):
    import base64

    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def test_a_pasted_picture_is_stored_through_the_checked_path_on_save(
    superuser_client, column, media_root
):
    body = f'<p>现场<img alt="合影" src="{data_url(saved("JPEG", exif=gps_exif()))}"></p>'

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, body=body), follow=True
    )

    article = Article.objects.get()
    [name] = stored_files(media_root)
    assert GENERATED_NAME.match(name)
    assert f'src="/media/{name}" alt="合影" width="48" height="32"' in article.body
    assert "data:" not in article.body
    assert_no_location((media_root / name).read_bytes())
    assert not [m for m in messages_of(response) if "第 1 张图片" in m]


def test_pictures_that_cannot_be_kept_are_named_in_chinese_at_save(
    superuser_client, column, media_root, settings
):
    settings.IMAGE_UPLOAD_MAX_BYTES = 2000
    large = data_url(image_bytes("PNG", (60, 60), noise=True), "image/png")
    body = (
        '<p><img src="file:///C:/Users/fl/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png">'
        f'</p><p><img alt="大图" src="{large}">'
        f'<img src="{data_url(b"BM not a bitmap", "image/bmp")}"></p>'
        '<p><img alt="公众号配图" src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/640?wx_fmt=jpeg"></p>'
    )

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, body=body), follow=True
    )

    shown = "\n".join(messages_of(response))
    assert "第 1 张图片（clip_image001.png）来自本机文件，无法上传" in shown
    assert "第 2 张图片（大图）图片过大" in shown
    assert "第 3 张图片格式不支持" in shown
    assert "第 4 张图片（公众号配图）显示的是其他网站（mmbiz.qpic.cn）上的图片" in shown
    assert "微信公众号的图片链接会过期" in shown
    images = [e for e in parse(Article.objects.get().body).elements() if e.tag == "img"]
    # No empty <img> left behind: only the hot-linked picture, which still shows.
    assert [image.attrs["src"][:22] for image in images] == ["https://mmbiz.qpic.cn/"]
    assert stored_files(media_root) == []


class TestEditorUploadComesFromThisSite:
    """The editor's upload is checked by Django's CSRF protection: a page on another
    site cannot post images under a logged-in editor's name (issue 9). The browser
    side, CKEditor sending the token, is tests/browser/test_editor_upload_csrf.py."""

    REFUSAL = "上传被拒绝：请求不是从本站的编辑页面发出的。请刷新页面后重试。"

    @pytest.fixture
    def editor(self, django_user_model):
        """An editor's browser: logged in, with the CSRF cookie the admin page sets."""
        user = django_user_model.objects.create_superuser("csrf-editor", password="pw-tests")
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        browser.get(reverse("admin:news_article_add"))
        browser.token = browser.cookies["csrftoken"].value
        return browser

    def post(self, browser, upload_url, secure=False, **headers):
        file = SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")
        return browser.post(upload_url, {"upload": file}, secure=secure, headers=headers)

    def test_an_upload_from_the_editor_page_with_its_token_is_accepted(
        self, editor, upload_url, media_root
    ):
        response = self.post(
            editor, upload_url, Origin="http://testserver", X_CSRFToken=editor.token
        )

        assert response.json()["uploaded"] == 1
        assert len(stored_files(media_root)) == 1

    @pytest.mark.parametrize(
        ("secure", "headers"),
        [
            (False, {"Origin": "http://evil.example"}),
            (False, {"Origin": "null"}),
            (False, {"Origin": "http://testserver.evil.example"}),
            (True, {"Origin": "http://testserver"}),  # the page was https, this is not
            (True, {"Referer": "https://evil.example/page"}),
            (True, {}),  # https without Origin or Referer
        ],
        ids=[
            "foreign-origin",
            "null-origin",
            "lookalike-origin",
            "scheme-mismatch",
            "foreign-referer",
            "no-origin-or-referer",
        ],
    )
    def test_an_upload_from_another_site_is_refused_even_with_a_token(
        self, editor, upload_url, media_root, secure, headers
    ):
        response = self.post(editor, upload_url, secure, X_CSRFToken=editor.token, **headers)

        assert assert_refused(response, media_root) == self.REFUSAL

    def test_an_upload_without_the_token_is_refused(self, editor, upload_url, media_root):
        response = self.post(editor, upload_url, Origin="http://testserver")

        assert assert_refused(response, media_root) == self.REFUSAL


class TestEditorImageBrowser:
    """django-ckeditor's image browser lists every uploaded picture: for those who
    write articles, as the upload (issue 9: any staff member could open it)."""

    def test_staff_who_cannot_write_articles_are_refused(self, django_user_model):
        clerk = django_user_model.objects.create_user("jiucuo", is_staff=True)
        clerk.user_permissions.add(Permission.objects.get(codename="view_errorreport"))

        assert logged_in(clerk).get(reverse("ckeditor_browse")).status_code == 403

    def test_an_editor_browses_the_uploaded_pictures(self, as_editor):
        response = as_editor.get(reverse("ckeditor_browse"))

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]

    def test_a_visitor_is_sent_to_the_login_page(self):
        response = Client().get(reverse("ckeditor_browse"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# -- Renditions (issue 11) --------------------------------------------------------------


def renditions_in(media_root):
    """{stored rendition: (format, size)} below media_root/renditions."""
    found = {}
    for name in stored_files(media_root):
        if name.startswith("renditions/"):
            with Image.open(media_root / name) as image:
                found[name] = (image.format, image.size)
    return found


def expected(original, *widths_and_sizes, extensions=("webp", "jpg")):
    stem = "renditions/" + original.rpartition(".")[0]
    formats = {"webp": "WEBP", "jpg": "JPEG", "png": "PNG"}
    return {
        f"{stem}.w{width}.{extension}": (formats[extension], size)
        for width, size in widths_and_sizes
        for extension in extensions
    }


def test_an_editor_upload_gets_webp_and_jpeg_renditions_below_its_width(
    superuser_client, upload_url, media_root
):
    response = upload(
        superuser_client, upload_url, "a.jpg", image_bytes("JPEG", (1500, 1000)), "image/jpeg"
    )

    original = response.json()["url"].removeprefix("/media/")
    assert renditions_in(media_root) == expected(
        original, (360, (360, 240)), (720, (720, 480)), (1080, (1080, 720)), (1440, (1440, 960))
    )


def test_no_rendition_is_as_wide_as_the_original_or_wider(superuser_client, upload_url, media_root):
    upload(superuser_client, upload_url, "a.jpg", image_bytes("JPEG", (720, 400)), "image/jpeg")
    upload(superuser_client, upload_url, "b.jpg", image_bytes("JPEG", (360, 200)), "image/jpeg")

    assert [(f, size) for f, size in renditions_in(media_root).values()] == [
        ("JPEG", (360, 200)),
        ("WEBP", (360, 200)),
    ]


def test_renditions_of_a_phone_photo_are_upright_and_carry_no_metadata(
    superuser_client, upload_url, media_root
):
    # EXIF with a GPS position and "rotate 90°", and a colour profile worth keeping.
    photo = Image.open(BytesIO(phone_photo(1600, 1000)))
    buffer = BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo.save(buffer, "JPEG", exif=photo.getexif(), icc_profile=srgb)

    upload(superuser_client, upload_url, "IMG_0002.jpg", buffer.getvalue(), "image/jpeg")

    made = renditions_in(media_root)
    assert sorted(size for _format, size in made.values()) == [(360, 576)] * 2 + [(720, 1152)] * 2
    for name in made:
        with Image.open(media_root / name) as image:
            assert dict(image.getexif()) == {}
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info)
            assert image.info.get("icc_profile") == srgb


def test_a_png_keeps_its_transparency_and_its_format_beside_webp(
    superuser_client, upload_url, media_root
):
    image = Image.new("RGBA", (800, 400), (200, 40, 90, 0))
    buffer = BytesIO()
    image.save(buffer, "PNG")

    response = upload(superuser_client, upload_url, "a.png", buffer.getvalue())

    original = response.json()["url"].removeprefix("/media/")
    assert renditions_in(media_root) == expected(
        original, (360, (360, 180)), (720, (720, 360)), extensions=("webp", "png")
    )
    for name in renditions_in(media_root):
        with Image.open(media_root / name) as rendition:
            assert rendition.mode == "RGBA"
            assert rendition.getpixel((0, 0))[3] == 0


def test_a_webp_needs_no_second_format_and_a_gif_gets_none(
    superuser_client, upload_url, media_root
):
    webp = upload(
        superuser_client, upload_url, "a.webp", image_bytes("WEBP", (800, 400)), "image/webp"
    )
    upload(superuser_client, upload_url, "b.gif", image_bytes("GIF", (800, 400)), "image/gif")

    original = webp.json()["url"].removeprefix("/media/")
    assert renditions_in(media_root) == expected(
        original, (360, (360, 180)), (720, (720, 360)), extensions=("webp",)
    )


def test_a_cover_and_a_pasted_picture_get_their_renditions_when_saved(
    superuser_client, column, media_root
):
    cover = SimpleUploadedFile("封面.jpg", image_bytes("JPEG", (800, 400)), "image/jpeg")
    pasted = base64.b64encode(image_bytes("PNG", (400, 300))).decode()
    body = f'<p>正文</p><p><img alt="粘贴" src="data:image/png;base64,{pasted}"></p>'

    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, cover=cover, body=body)
    )

    assert response.status_code == 302
    article = Article.objects.get()
    [img] = [element for element in parse(article.body).elements() if element.tag == "img"]
    body_picture = img.attrs["src"].removeprefix("/media/")
    assert renditions_in(media_root) == {
        **expected(article.cover.name, (360, (360, 180)), (720, (720, 360))),
        **expected(body_picture, (360, (360, 270)), extensions=("webp", "png")),
    }
    assert img.attrs["srcset"].startswith(f"/media/renditions/{body_picture[:-4]}.w360.png 360w")


def test_the_editors_image_browser_lists_uploads_not_their_renditions(
    superuser_client, upload_url, media_root
):
    upload(superuser_client, upload_url, "a.jpg", image_bytes("JPEG", (800, 400)), "image/jpeg")

    response = superuser_client.get(reverse("ckeditor_browse"))

    assert "/media/uploads/" in response.content.decode()
    assert "renditions" not in response.content.decode()
