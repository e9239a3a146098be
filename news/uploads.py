"""Image uploads: editor images and cover images, for staff only.

An upload is judged by its content, never by its name or the browser's claimed
type: Pillow must recognise it as one of the formats we serve, within a byte and
a pixel budget. Stored names are generated, so they cannot collide or traverse.
"""

import io
import json
import re
import uuid

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> stored extension. No SVG: it can carry script.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def inspect_image(file):
    """Return the stored extension for a valid image upload, or raise ValidationError."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("图片不能超过 %(limit)s（此文件 %(size)s）。"),
            code="too_large",
            params={
                "limit": filesizeformat(settings.IMAGE_UPLOAD_MAX_BYTES),
                "size": filesizeformat(size),
            },
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                raise ValidationError(
                    _("图片尺寸过大（%(width)s×%(height)s 像素），请缩小后再上传。"),
                    code="too_many_pixels",
                    params={"width": width, "height": height},
                )
            image.verify()
        # verify() checks the container only; decoding proves the pixels are all there
        # (a truncated JPEG passes verify but shows half an image).
        file.seek(0)
        with Image.open(file) as image:
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(
            _("这不是可用的图片文件，请上传 JPG、PNG、GIF 或 WebP 图片。"), code="not_an_image"
        ) from error
    finally:
        file.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            _("不支持 %(format)s 格式，请上传 JPG、PNG、GIF 或 WebP 图片。"),
            code="bad_format",
            params={"format": image_format},
        )
    return IMAGE_FORMATS[image_format]


def without_location(file):
    """The image without its EXIF block, or None when it has none.

    Phone photos carry EXIF, often with the GPS position where they were taken:
    for photos of women at a federation event or a shelter, that must not be
    published. The picture is turned upright first (EXIF orientation), then saved
    again without the block, keeping its colour profile. GIFs carry no EXIF."""
    file.seek(0)
    with Image.open(file) as image:
        image_format = image.format
        if image_format not in {"JPEG", "PNG", "WEBP"} or not image.getexif():
            file.seek(0)
            return None
        upright = ImageOps.exif_transpose(image)
        options = {"icc_profile": image.info.get("icc_profile")}
        if image_format == "JPEG":
            options.update(quality=90, optimize=True)
        buffer = io.BytesIO()
        upright.save(buffer, format=image_format, **options)
    file.seek(0)
    return ContentFile(buffer.getvalue())


def validate_image(file):
    """Model and form field validator."""
    inspect_image(file)


def generated_name(folder, extension):
    """uploads/2026/11/<random>.jpg: the client's file name never reaches the disk."""
    today = timezone.localdate()
    return f"{folder}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def local_image_size(src):
    """(width, height) of an image stored under MEDIA_URL, or None. Reads only the
    file's header; used once on save, never per page view."""
    if not src.startswith(settings.MEDIA_URL):
        return None
    name = src[len(settings.MEDIA_URL) :]
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    try:
        with default_storage.open(name, "rb") as file, Image.open(file) as image:
            return image.size
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError,
            SuspiciousFileOperation):  # fmt: skip
        return None


def cover_upload_to(instance, filename):
    # The field's validator has already accepted the content; take the extension
    # from the content again rather than from the client's name.
    return generated_name("covers", inspect_image(instance.cover.file))


def site_image_upload_to(instance, filename):
    return generated_name("site", inspect_image(instance.wechat_qr.file))


_FUNC_NUM = re.compile(r"\d{1,6}")


def _editor_response(request, url=None, error=None):
    """Answer in the form CKEditor asked for: JSON (drag and drop, paste) or the
    file-browser dialog's callback script."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    if request.GET.get("responseType") == "json" or not _FUNC_NUM.fullmatch(func_num):
        if error:
            return JsonResponse({"uploaded": 0, "error": {"message": error}})
        return JsonResponse({"uploaded": 1, "url": url, "fileName": url.rsplit("/", 1)[-1]})
    # json.dumps escapes quotes; "</" is escaped so the string cannot close the script.
    args = (
        json.dumps(url or "").replace("</", "<\\/"),
        json.dumps(error or "").replace("</", "<\\/"),
    )
    script = f"window.parent.CKEDITOR.tools.callFunction({func_num}, {args[0]}, {args[1]});"
    return HttpResponse(f"<script>{script}</script>", content_type="text/html; charset=utf-8")


@csrf_exempt  # CKEditor 4 posts without Django's token; the staff session is SameSite=Lax.
@require_POST
@staff_member_required
def editor_image_upload(request):
    # Only those who write articles put images into them.
    if not (
        request.user.has_perm("news.add_article") or request.user.has_perm("news.change_article")
    ):
        return _editor_response(request, error=_("您没有编辑文章的权限，不能上传图片。"))
    upload = request.FILES.get("upload")
    if upload is None:
        return _editor_response(request, error=_("没有收到文件。"))
    try:
        extension = inspect_image(upload)
    except ValidationError as error:
        return _editor_response(request, error=" ".join(error.messages))
    saved = default_storage.save(
        generated_name("uploads", extension), without_location(upload) or upload
    )
    return _editor_response(request, url=default_storage.url(saved))
