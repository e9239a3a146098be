"""Image uploads: the checks every stored image passes, and the editor's upload view.

An upload is judged by its content, never by its name or the browser's claimed
type: Pillow must recognise it as one of the formats we serve, within a byte and
a pixel budget. Stored names are generated, so they cannot collide or traverse.
"""

import io
import json
import re
import time
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
from django.views.decorators.clickjacking import xframe_options_sameorigin
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
                # Stored now rather than by the field a moment later, so that the
                # renditions exist before the row (and the page-cache generation
                # bumped after it) can send a reader to them.
                image.save(image.name, image.file, save=False)
                make_renditions(image.name, image.storage)


def strip_images_on_save(app_config):
    """Every newly uploaded image of the app's models (a cover, the WeChat QR code,
    a logo) is stored without metadata, with its renditions, whichever form or
    command saves it."""
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


def _local_name(src):
    """The storage name of an address under MEDIA_URL, or None."""
    if not src.startswith(settings.MEDIA_URL):
        return None
    name = src[len(settings.MEDIA_URL) :]
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    return name


_UNREADABLE = (
    OSError,
    ValueError,
    UnidentifiedImageError,
    Image.DecompressionBombError,
    SuspiciousFileOperation,
)


def local_image_size(src):
    """(width, height) of an image stored under MEDIA_URL, or None. Reads only the
    file's header; used once on save, never per page view."""
    name = _local_name(src)
    if name is None:
        return None
    try:
        with default_storage.open(name, "rb") as file, Image.open(file) as image:
            return image.size
    except _UNREADABLE:
        return None


# -- Renditions (issue 11) -----------------------------------------------------------
#
# Every stored picture gets smaller copies once, when it arrives (or from
# `manage.py make_renditions` for older ones), so that a page never resizes
# anything and a phone never downloads a 20-megapixel photo. Their names follow
# from the original's name, so a page finds them without a query:
#   covers/2026/11/<hex>.jpg -> renditions/covers/2026/11/<hex>.w720.webp (and .w720.jpg)
# In a folder of their own, so that the editor's image browser (uploads/) lists
# only what staff uploaded.

RENDITION_WIDTHS = (360, 720, 1080, 1440)
RENDITIONS_FOLDER = "renditions"
# Beside WebP, the original's own format for browsers without WebP (Safari before
# 14, still on older iPhones), by stored extension. A WebP original needs no
# second format. GIFs get none: small or animated, and resizing loses the palette.
FALLBACK_EXTENSIONS = {"jpg": "jpg", "png": "png", "webp": None}
_SAVE_OPTIONS = {
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "jpg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG", "optimize": False},
}
# The article column at the browser's default 16px (static/css/site.css, .article
# max-width 46em): no picture on a page is shown wider.
CONTENT_WIDTH = 736


def rendition_extensions(name):
    """The formats of a stored picture's renditions, fallback last: ("webp", "jpg"),
    ("webp",) for a WebP original, () when it gets none."""
    extension = name.rpartition(".")[2].lower()
    if extension not in FALLBACK_EXTENSIONS:
        return ()
    fallback = FALLBACK_EXTENSIONS[extension]
    return ("webp", fallback) if fallback else ("webp",)


def rendition_name(name, width, extension):
    stem = name.rpartition(".")[0]
    return f"{RENDITIONS_FOLDER}/{stem}.w{width}.{extension}"


def make_renditions(name, storage=default_storage, *, replace=False):
    """Store the renditions of the picture `name` that are missing (all of them with
    `replace`); the widths it has, ascending. Never wider than the original. A
    picture Pillow cannot read or resize gets none: the page shows the original."""
    extensions = rendition_extensions(name)
    if not extensions:
        return []
    try:
        with storage.open(name, "rb") as file, Image.open(file) as image:
            if getattr(image, "n_frames", 1) > 1:
                return []  # animated: only the original moves
            upright = _upright_size(image)
            widths = [width for width in RENDITION_WIDTHS if width < upright[0]]
            wanted = [
                (width, extension)
                for width in widths
                for extension in extensions
                if replace or not storage.exists(rendition_name(name, width, extension))
            ]
            if not wanted:
                return widths
            picture = _rendition_base(image, upright, max(width for width, _ext in wanted))
            # Largest first, each made from the one before: a smaller source makes
            # the next resize cheaper, and every step shrinks by a third or more.
            for width in sorted({width for width, _ext in wanted}, reverse=True):
                height = max(1, round(upright[1] * width / upright[0]))
                picture = _resized(picture, (width, height))
                for extension in extensions:
                    if (width, extension) in wanted:
                        _store(storage, rendition_name(name, width, extension), picture, extension)
    except _UNREADABLE:
        return []
    return widths


def _upright_size(image):
    width, height = image.size
    # EXIF orientations 5 to 8 turn the picture a quarter: width and height swap.
    # Only files stored before issue 9 still carry one (without_metadata turns them).
    if image.getexif().get(ExifTags.Base.Orientation, 1) in {5, 6, 7, 8}:
        return height, width
    return width, height


def _rendition_base(image, upright, largest):
    """The picture upright, in RGB(A), decoded no larger than the largest rendition
    needs: a JPEG decodes at 1/2, 1/4 or 1/8 scale (draft), which makes a
    20-megapixel photo's renditions several times faster."""
    scale = largest / upright[0]
    raw = image.size
    image.draft("RGB", (int(raw[0] * scale) + 1, int(raw[1] * scale) + 1))
    icc_profile = image.info.get("icc_profile")
    picture = ImageOps.exif_transpose(image)
    if picture.mode not in {"RGB", "RGBA"}:
        alpha = picture.mode in {"LA", "PA", "RGBa", "La"} or "transparency" in picture.info
        keeps_colours = picture.mode in {"L", "P", "LA", "PA"}
        picture = picture.convert("RGBA" if alpha else "RGB")
        if not keeps_colours:
            icc_profile = None  # a CMYK profile does not describe RGB pixels
    # No EXIF, XMP or comments: only the colour profile, as without_metadata keeps.
    picture.info = {"icc_profile": icc_profile} if icc_profile else {}
    return picture


def _resized(picture, size):
    resized = picture.resize(size, Image.LANCZOS, reducing_gap=3.0)
    resized.info = picture.info
    return resized


def _store(storage, name, picture, extension):
    options = dict(_SAVE_OPTIONS[extension])
    if picture.info.get("icc_profile"):
        options["icc_profile"] = picture.info["icc_profile"]
    if extension == "jpg" and picture.mode == "RGBA":
        picture = picture.convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, **options)
    if storage.exists(name):
        storage.delete(name)
    stored = storage.save(name, ContentFile(buffer.getvalue()))
    if stored != name:  # a page finds a rendition by its name alone
        raise SuspiciousFileOperation(f"rendition stored as {stored}, not {name}")
    _seen.pop(name, None)


# Which renditions exist, as pages ask (a cover, the logo): a file system check the
# first time, then remembered by the process. A rendition once made stays (names
# are never reused), so "there" is kept; "not there" is asked again after a
# minute, so that `manage.py make_renditions` shows without a restart.
_seen = {}
_MISSING_FOR = 60.0


def _exists(storage, name):
    known = _seen.get(name)
    now = time.monotonic()
    if known is not None and (known is True or now - known < _MISSING_FOR):
        return known is True
    exists = storage.exists(name)
    if len(_seen) > 20_000:
        _seen.clear()
    _seen[name] = True if exists else now
    return exists


def stored_rendition_widths(name, width=None, storage=default_storage):
    """The widths of the picture's renditions that are in storage, ascending (the
    fallback format of each is written last, so its presence means both are)."""
    extensions = rendition_extensions(name)
    found = []
    for step in RENDITION_WIDTHS:
        if width is not None and step >= width:
            break
        if not extensions or not _exists(storage, rendition_name(name, step, extensions[-1])):
            break
        found.append(step)
    return found


def srcset(name, widths, extension, storage=default_storage, original_width=None):
    """A srcset attribute's value: the renditions in one format, and the original
    last when it is in that format and its width is known."""
    candidates = [
        f"{storage.url(rendition_name(name, width, extension))} {width}w" for width in widths
    ]
    if original_width and name.rpartition(".")[2].lower() == extension:
        candidates.append(f"{storage.url(name)} {original_width}w")
    return ", ".join(candidates)


def sizes(display_width=None):
    """How wide a picture shows: its own width (max-width: 100% in site.css), at
    most the article column, and the whole screen on a narrower one."""
    width = min(display_width or CONTENT_WIDTH, CONTENT_WIDTH)
    return f"(max-width: {width}px) 100vw, {width}px"


def responsive_image(src, display_width=None):
    """srcset and sizes for a picture in an article body (news.sanitize), in the
    original's format: an <img> cannot offer a WebP that an older browser would
    fail to show. Empty for pictures elsewhere or without renditions. Read on save."""
    name = _local_name(src)
    if name is None or not rendition_extensions(name):
        return {}
    size = local_image_size(src)
    if size is None:
        return {}
    widths = stored_rendition_widths(name, size[0])
    if not widths:
        return {}
    extension = rendition_extensions(name)[-1]
    return {
        "srcset": srcset(name, widths, extension, original_width=size[0]),
        "sizes": sizes(display_width or size[0]),
    }


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
    # The staff policy runs no inline script without this response's nonce (fedsite.security).
    return HttpResponse(
        f'<script nonce="{request.csp_nonce}">{script}</script>',
        content_type="text/html; charset=utf-8",
    )


def writes_articles(user):
    # Only those who write articles put images into them, or browse the uploaded ones.
    return user.has_perm("news.add_article") or user.has_perm("news.change_article")


# Django's own CSRF check (Origin or Referer, and the token that the editor sends as
# X-CSRFToken, static/js/editor-config.js), run inside the view rather than by
# the middleware so that a refusal reaches CKEditor as a message it shows.
_csrf_check = CsrfViewMiddleware(lambda request: None)


@csrf_exempt  # checked inside (_csrf_check), with an answer the editor can show
# The image dialog posts here from a frame of the editor page when the browser cannot
# upload by XHR: the one response of ours that may be framed, and only by our pages.
@xframe_options_sameorigin
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
    make_renditions(saved)
    return _editor_response(request, url=default_storage.url(saved))


@never_cache
@staff_member_required
def editor_image_browse(request):
    """django-ckeditor's image browser, for staff who write articles (as the upload)."""
    if not writes_articles(request.user):
        raise PermissionDenied
    return ckeditor_views.browse(request)
