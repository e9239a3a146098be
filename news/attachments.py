"""Article attachments: checked by content, stored under generated names, and
served only as downloads.

A file is accepted when its bytes are what its extension claims: PDF, Word and
Excel (old binary and new OOXML), WPS Office (.wps, .et, .dps, which are OLE2
compound files like old Office) and JPEG/PNG/GIF/WebP images. Files carrying VBA
macros are refused (OOXML by their vbaProject part, OLE2 by their macro storages).
Downloads go through `download`, with the detected content type,
`Content-Disposition: attachment` and a sandbox policy, so a browser never renders
or runs one.
"""

import os
import struct
import unicodedata
import uuid
import zipfile

import olefile
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from fedsite.uploads import inspect_image, without_metadata

from .file_types import IMAGE_EXTENSIONS, TYPES
from .models import Attachment
from .workflow import can_preview

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

EXTENSION_ALIASES = {"jpeg": "jpg"}
ALLOWED_LABEL = "PDF、Word（doc/docx）、Excel（xls/xlsx）、WPS（wps/et/dps）或图片"


def _extension(name):
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    return EXTENSION_ALIASES.get(extension, extension)


def _ooxml_kind(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "macro"
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


# Where Word, Excel and WPS keep VBA macros inside an OLE2 compound file.
_OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}


def _ole_has_macros(file):
    """Whether an OLE2 compound file carries a VBA project. A file olefile cannot
    read is judged by its signature alone."""
    file.seek(0)
    try:
        with olefile.OleFileIO(file) as ole:
            names = {
                part.lower() for entry in ole.listdir(streams=True, storages=True) for part in entry
            }
    except (OSError, ValueError, IndexError, TypeError, struct.error):
        return False
    return bool(names & _OLE_MACRO_STORAGES)


def detect_type(file, name):
    """Return the extension the content proves, or raise ValidationError."""
    extension = _extension(name)
    if extension not in TYPES:
        raise ValidationError(
            _("不支持 .%(ext)s 文件。可以上传 %(allowed)s。"),
            code="bad_extension",
            params={"ext": extension or "?", "allowed": ALLOWED_LABEL},
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("附件不能超过 %(limit)s（此文件 %(size)s）。"),
            code="too_large",
            params={"limit": filesizeformat(limit), "size": filesizeformat(file.size)},
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    mismatch = ValidationError(
        _("文件内容与扩展名 .%(ext)s 不符，可能已损坏或被改名，未上传。"),
        code="content_mismatch",
        params={"ext": extension},
    )
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise mismatch
    elif extension in {"doc", "xls", "wps", "et", "dps"}:
        if head != OLE2:
            raise mismatch
        if _ole_has_macros(file):
            raise ValidationError(_("含有宏的文档不能上传，请另存为不含宏的格式。"), code="macro")
        file.seek(0)
    elif extension in {"docx", "xlsx"}:
        kind = _ooxml_kind(file)
        file.seek(0)
        if kind == "macro":
            raise ValidationError(_("含有宏的文档不能上传，请另存为不含宏的格式。"), code="macro")
        if kind != extension:
            raise mismatch
    elif extension in IMAGE_EXTENSIONS:
        try:
            detected = inspect_image(file)
        except ValidationError as error:
            if error.code in {"too_large", "too_many_pixels"}:
                raise  # say what is wrong: the photo is too big, not damaged
            raise mismatch from None
        if detected != extension:
            raise mismatch
    return extension


def clean_original_name(name):
    """The client's file name, for display and the download only: no path, no
    control characters, at most 120 characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    stem, dot, extension = base.rpartition(".")
    if len(base) > 120:
        base = f"{stem[: 119 - len(extension)]}.{extension}" if dot else base[:120]
    return base or "附件"


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "title", "order"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not hasattr(upload, "content_type"):  # unchanged, already stored
            return upload
        extension = detect_type(upload, upload.name)
        self.instance.original_name = clean_original_name(upload.name)
        self.instance.file_type = extension
        if extension in IMAGE_EXTENSIONS:
            # A photo offered for download keeps no location either (issue 9, item 21).
            upload = without_metadata(upload)
        self.instance.size = upload.size
        today = timezone.localdate()
        upload.name = f"{today:%Y%m}-{uuid.uuid4().hex}.{extension}"
        return upload


def download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk)
    article = attachment.article
    if not article.is_live() and not can_preview(request.user):
        raise Http404
    content_type = TYPES.get(attachment.file_type, ("application/octet-stream",))[0]
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name or os.path.basename(attachment.file.name),
        content_type=content_type,
    )
    # Even if a browser tried to show it, it could run nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if not article.is_live():  # a staff-only file: no shared cache may keep it
        response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def delete_unused_file(sender, instance, **kwargs):
    """An attachment taken off (from the form, with its article, by a 修改稿's
    approval) takes its stored file with it, once the deletion is committed and no
    other attachment uses that file (a 修改稿 shares its original's): an attachment
    removed because it should never have been published does not stay in storage."""
    name, storage = instance.file.name, instance.file.storage
    if not name:
        return

    def delete():
        if not Attachment.objects.filter(file=name).exists():
            storage.delete(name)

    transaction.on_commit(delete)
