"""Pictures in articles: the cover's stored name, and pictures pasted into the body,
checked and stored like an editor upload (fedsite.uploads)."""

import base64
import binascii
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from fedsite.uploads import generated_name, inspect_image, make_renditions, without_metadata

from .sanitize import ImageRefused, clean_body


def cover_upload_to(instance, filename):
    # The field's validator has already accepted the content; take the extension
    # from the content again rather than from the client's name.
    return generated_name("covers", inspect_image(instance.cover.file))


# Pictures pasted into the editor (issue 9, item 4).


def _pasted_image(src):
    """A data: picture (pasted from the clipboard, Word or WPS) checked like an
    upload: (extension, content without metadata), or ImageRefused saying why."""
    header, _comma, payload = src.partition(",")
    if not header.lower().startswith("data:image/"):
        raise ImageRefused(_("格式不支持"))
    if len(payload) * 3 // 4 > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ImageRefused(
            _("图片过大（不能超过 %(limit)s）")
            % {"limit": filesizeformat(settings.IMAGE_UPLOAD_MAX_BYTES)}
        )
    try:
        if header.lower().endswith(";base64"):
            data = base64.b64decode("".join(payload.split()), validate=True)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise ImageRefused(_("图片数据不完整")) from None
    upload = ContentFile(data, name="pasted")
    try:
        extension = inspect_image(upload)
    except ValidationError as error:
        if error.code in {"too_large", "too_many_pixels"}:
            detail = error.messages[0].rstrip("。")
            raise ImageRefused(_("图片过大（%(detail)s）") % {"detail": detail}) from None
        raise ImageRefused(_("格式不支持（只能用 JPG、PNG、GIF 或 WebP 图片）")) from None
    return extension, without_metadata(upload)


def keep_pasted_image(src):
    """Store a pasted data: picture as an editor upload, with its renditions; its
    address."""
    extension, content = _pasted_image(src)
    saved = default_storage.save(generated_name("uploads", extension), content)
    make_renditions(saved)
    return default_storage.url(saved)


def _check_pasted_image(src):
    _pasted_image(src)
    return src


def _is_own(src):
    if src.startswith(settings.MEDIA_URL):  # ours, also in a bucket of its own
        return True
    host = urlsplit(src).hostname if "//" in src else None
    if host is None:
        return True
    return any(
        host == allowed.lstrip(".") or (allowed.startswith(".") and host.endswith(allowed))
        for allowed in settings.ALLOWED_HOSTS
    )


# Image hosts known to stop serving pictures to other sites.
EXPIRING_HOSTS = {"mmbiz.qpic.cn": _("微信公众号"), "mmbiz.qlogo.cn": _("微信公众号")}


def body_image_problems(raw_body):
    """What staff must hear about the pictures of a body about to be saved, in
    Chinese, one message per picture: those that cannot be kept (and are left out)
    and those shown from other sites, which may vanish."""
    messages = []
    for image in clean_body(raw_body, keep_image=_check_pasted_image).images:
        which = _("第 %(n)d 张图片") % {"n": image.position}
        if image.label:
            which += f"（{image.label[:60]}）"
        if image.src is None:
            messages.append(
                _(
                    "%(which)s%(reason)s，已从正文中去掉。请把图片保存到电脑，再用工具栏的“图像”按钮上传。"
                )
                % {"which": which, "reason": image.problem}
            )
        elif not _is_own(image.src):
            host = urlsplit(image.src).hostname
            site = EXPIRING_HOSTS.get(host)
            messages.append(
                _(
                    "%(which)s显示的是其他网站（%(host)s）上的图片%(note)s，对方删除或禁止引用后读者就看不到了。请把图片保存到电脑，再用“图像”按钮上传。"
                )
                % {
                    "which": which,
                    "host": host,
                    "note": _("，%(site)s的图片链接会过期") % {"site": site} if site else "",
                }
            )
    return messages
