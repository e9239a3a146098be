"""Image uploads: the checks every stored image passes, and the editor's upload view.

An upload is judged by its content, never by its name or the browser's claimed
type: Pillow must recognise it as one of the formats we serve, within a byte and
a pixel budget. Stored names are generated, so they cannot collide or traverse.
"""

import io
import json
import re
import uuid

from ckeditor_uploader import views as ckeditor_views
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.signals import pre_save
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from PIL import ExifTags, Image, ImageOps, ImageSequence, UnidentifiedImageError

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


def without_metadata(file):
    """The image, turned upright and saved again with no metadata but its colour
    profile (issue 9, item 21).

    Phone photos carry their GPS position in EXIF, and editing apps copy it into XMP;
    IPTC, PNG text chunks and comments can hold places and names too. For photos of
    women at a federation event or a shelter none of it may be published, so every
    image the site stores goes through here: the pixels are kept, every block is
    dropped, whatever it is called. Animated GIF/WebP/PNG keep their frames."""
    file.seek(0)
    with Image.open(file) as image:
        image_format = image.format
        icc_profile = image.info.get("icc_profile")
        options = {"format": image_format}
        if icc_profile and image_format != "GIF":
            options["icc_profile"] = icc_profile
        if getattr(image, "n_frames", 1) > 1:
            frames, durations = [], []
            for frame in ImageSequence.Iterator(image):
                durations.append(frame.info.get("duration", 100))
                frames.append(_bare(frame.copy(), frame.info))
            options.update(
                save_all=True,
                append_images=frames[1:],
                duration=durations,
                loop=image.info.get("loop", 0),
            )
            picture = frames[0]
        elif image.getexif().get(ExifTags.Base.Orientation, 1) != 1:
            picture = _bare(ImageOps.exif_transpose(image), image.info)
        else:
            picture = _bare(image, image.info)
        if image_format == "JPEG":
            # An upright JPEG keeps its own quantisation: saving it again loses
            # (almost) nothing. A turned one is a new picture.
            keep = picture is image
            options.update(quality="keep" if keep else 90, optimize=True)
            if keep:
                options["subsampling"] = "keep"
        elif image_format == "WEBP" and image.info.get("lossless"):
            options["lossless"] = True
        buffer = io.BytesIO()
        picture.save(buffer, **options)
    file.seek(0)
    # Keep the name: an ImageField reads the stored picture's size through the file it
    # was given, and a nameless file counts as no file (the cover's width and height
    # were saved empty, and every page then opened the cover to measure it).
    return ContentFile(buffer.getvalue(), name=getattr(file, "name", None))


def _bare(picture, info):
    # Pillow writes back some of what it read (a JPEG comment, a GIF's XMP) from
    # .info; keep only what the pixels need to look the same.
    picture.info = {key: info[key] for key in ("transparency", "background") if key in info}
    return picture


def _strip_new_images(sender, instance, **kwargs):
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.ImageField):
            image = getattr(instance, field.attname)
            if image and not image._committed:
                image.file = without_metadata(image.file)
                # Turned upright, a portrait photo swaps its width and height.
                field.update_dimension_fields(instance, force=True)


def strip_images_on_save(app_config):
    """Every newly uploaded image of the app's models (a cover, the WeChat QR code,
    a logo) is stored without metadata, whichever form or command saves it."""
    for model in app_config.get_models():
        pre_save.connect(_strip_new_images, sender=model, dispatch_uid=f"img-{model._meta.label}")


def validate_image(file):
    """Model and form field validator. Only a new upload is inspected: a file already
    in storage was inspected when it arrived, and re-reading it on every later save
    failed on a closed file (issue 9: an article with a cover could not be saved again)."""
    if getattr(file, "_committed", False):
        return
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
    except (
        OSError,
        ValueError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
        SuspiciousFileOperation,
    ):
        return None


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


def writes_articles(user):
    # Only those who write articles put images into them, or browse the uploaded ones.
    return user.has_perm("news.add_article") or user.has_perm("news.change_article")


# Django's own CSRF check (Origin or Referer, and the token that the editor sends as
# X-CSRFToken, static/js/editor-config.js), run inside the view rather than by
# the middleware so that a refusal reaches CKEditor as a message it shows.
_csrf_check = CsrfViewMiddleware(lambda request: None)


@csrf_exempt  # checked inside (_csrf_check), with an answer the editor can show
@require_POST
@staff_member_required
def editor_image_upload(request):
    if _csrf_check.process_view(request, None, (), {}) is not None:
        return _editor_response(
            request, error=_("上传被拒绝：请求不是从本站的编辑页面发出的。请刷新页面后重试。")
        )
    if not writes_articles(request.user):
        return _editor_response(request, error=_("您没有编辑文章的权限，不能上传图片。"))
    upload = request.FILES.get("upload")
    if upload is None:
        return _editor_response(request, error=_("没有收到文件。"))
    try:
        extension = inspect_image(upload)
    except ValidationError as error:
        return _editor_response(request, error=" ".join(error.messages))
    saved = default_storage.save(generated_name("uploads", extension), without_metadata(upload))
    return _editor_response(request, url=default_storage.url(saved))


@never_cache
@staff_member_required
def editor_image_browse(request):
    """django-ckeditor's image browser, for staff who write articles (as the upload)."""
    if not writes_articles(request.user):
        raise PermissionDenied
    return ckeditor_views.browse(request)
