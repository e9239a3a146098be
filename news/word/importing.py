"""Reading any accepted file into a WordDocument, keeping an upload between its
preview and its confirmation, and the writes: a new draft, or a draft's body
replaced (issue 14). The admin and `manage.py import_docx` call the same functions.

An import never publishes: a new article is made by news.workflow.article_create
(a draft, whatever made it), and a draft's body is replaced by
news.workflow.article_save_edit, so the optimistic lock, the version history and
the review rule apply as to any edit.
"""

import datetime
import io
import json
import os
import re
import uuid
import zipfile

import olefile
from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from fedsite.models import default_source

from .. import workflow
from ..attachments import OLE2, AttachmentForm, _ole_has_macros, clean_original_name
from ..models import Article, Attachment
from . import libreoffice
from .package import MACRO_REFUSED, WordRefused
from .reading import read_docx

ACCEPTED = "Word 文档（.docx），或服务器装有 LibreOffice 时的 .doc、.wps、.odt"
# Files the attachments accept (news.file_types): an .odt original cannot be one.
ATTACHABLE = {"docx", "doc", "wps"}


def extension_of(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def read_word(data, name):
    """The WordDocument of an uploaded file named `name`, or WordRefused."""
    return read_docx(as_docx_checked(data, name), name=name)


def as_docx_checked(data, name):
    """The .docx bytes of an uploaded file named `name` (converted by LibreOffice
    when it is a .doc, .wps or .odt), or WordRefused."""
    extension = extension_of(name)
    if extension in {"docm", "dotm"}:
        raise WordRefused(_(MACRO_REFUSED))
    if extension not in {"docx", "dotx"} | libreoffice.CONVERTED_EXTENSIONS:
        raise WordRefused(_("只能导入%(accepted)s。") % {"accepted": ACCEPTED})
    limit = settings.ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise WordRefused(
            _("文件不能超过 %(limit)s（此文件 %(size)s）。")
            % {"limit": filesizeformat(limit), "size": filesizeformat(len(data))}
        )
    return as_docx(data, extension)


def as_docx(data, extension):
    """The .docx bytes of an accepted file: itself, or LibreOffice's conversion of
    an old Word, WPS or OpenDocument file after checking it for macros."""
    if extension in {"docx", "dotx"}:
        return data
    if extension in {"doc", "wps"}:
        if data[:8] != OLE2:
            raise WordRefused(
                _("文件内容不是 .%(ext)s 文档，可能已损坏或被改名。") % {"ext": extension}
            )
        upload = ContentFile(data)
        if _ole_has_macros(upload) or _ole_is_unreadable(data):
            raise WordRefused(_(MACRO_REFUSED))
    elif extension == "odt":
        _check_odt(data)
    return libreoffice.to_docx(data, extension)


def _ole_is_unreadable(data):
    # A compound file olefile cannot open is handed to nobody.
    try:
        with olefile.OleFileIO(data):
            return False
    except Exception:  # noqa: BLE001 (olefile raises many kinds on broken files)
        return True


def _check_odt(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            kind = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        raise WordRefused(_("文件内容不是 .odt 文档，可能已损坏或被改名。")) from None
    if kind != b"application/vnd.oasis.opendocument.text":
        raise WordRefused(_("文件内容不是 .odt 文档，可能已损坏或被改名。"))
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise WordRefused(_(MACRO_REFUSED))


# -- between the preview and the confirmation ---------------------------------------
#
# The upload waits in the default storage (shared by every app server) under
# attachments/, which nginx never serves (README, "Deploying behind nginx"), named
# by a random token and readable only by the person who uploaded it.

STAGING = "attachments/word-imports"
STAGED_FOR = datetime.timedelta(days=1)
_TOKEN = re.compile(r"[0-9a-f]{32}")


def stage(*, data, name, docx, by):
    """Keep an upload (and its .docx, when converted) for its confirmation; the token."""
    token = uuid.uuid4().hex
    meta = {"name": clean_original_name(name), "user": by.pk, "at": timezone.now().isoformat()}
    default_storage.save(f"{STAGING}/{token}/original", ContentFile(data))
    if docx is not data:
        default_storage.save(f"{STAGING}/{token}/document.docx", ContentFile(docx))
    default_storage.save(f"{STAGING}/{token}/meta.json", ContentFile(json.dumps(meta).encode()))
    return token


class Staged:
    """An upload kept for confirmation: its file name, bytes and WordDocument."""

    def __init__(self, token, by):
        expired = WordRefused(_("这次导入已过期或不存在，请重新上传文件。"))
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):
            raise expired
        folder = f"{STAGING}/{token}"
        try:
            meta = json.loads(_read(f"{folder}/meta.json"))
            self.data = _read(f"{folder}/original")
        except (OSError, ValueError):
            raise expired from None
        if meta.get("user") != by.pk:
            raise expired
        self.token, self.name = token, meta["name"]
        converted = f"{folder}/document.docx"
        self.docx = _read(converted) if default_storage.exists(converted) else self.data

    def document(self):
        return read_docx(self.docx, name=self.name)

    def discard(self):
        discard(self.token)


def _read(name):
    with default_storage.open(name, "rb") as file:
        return file.read()


def discard(token):
    folder = f"{STAGING}/{token}"
    for name in ("original", "document.docx", "meta.json"):
        if default_storage.exists(f"{folder}/{name}"):
            default_storage.delete(f"{folder}/{name}")


def discard_stale(now=None):
    """Forget uploads that were never confirmed, a day after they arrived."""
    now = now or timezone.now()
    try:
        tokens, _files = default_storage.listdir(STAGING)
    except (FileNotFoundError, NotImplementedError):
        return
    for token in tokens:
        if not _TOKEN.fullmatch(token):
            continue
        try:
            at = datetime.datetime.fromisoformat(
                json.loads(_read(f"{STAGING}/{token}/meta.json"))["at"]
            )
        except (OSError, ValueError, KeyError):
            at = None
        if at is None or now - at > STAGED_FOR:
            discard(token)


# -- the writes --------------------------------------------------------------------


def _reason(name):
    # simple_history keeps at most 100 characters of a change reason.
    return (_("从 Word 导入：%(name)s") % {"name": name})[:100]


def check_attachable(data, name):
    """Refuse an original that cannot be an attachment, before anything is saved."""
    if extension_of(name) not in ATTACHABLE:
        raise WordRefused(
            _("原文件（.%(ext)s）不能作为附件：附件只接受 Word（doc/docx）和 WPS（wps）文档。")
            % {"ext": extension_of(name)}
        )
    form = _attachment_form(None, data, name)
    form.is_valid()
    if "file" in form.errors:
        raise WordRefused(" ".join(form.errors["file"]))


def _attachment_form(article, data, name):
    # The attachment inline's own form: the same content checks and stored names.
    return AttachmentForm(
        data={"title": "", "order": 0},
        files={"file": SimpleUploadedFile(clean_original_name(name), data)},
        instance=Attachment(article=article),
    )


def _attach(article, data, name):
    form = _attachment_form(article, data, name)
    if not form.is_valid():
        raise WordRefused(
            " ".join(message for errors in form.errors.values() for message in errors)
        )
    form.save()


@transaction.atomic
def word_import_create(
    *,
    document,
    column,
    by,
    title,
    source="",
    author="",
    published_at=None,
    original=None,
    name="",
):
    """A new draft in `column` from `document`, read from the file `name`.
    `original`: (bytes, file name) to attach as the article's downloadable original,
    or None."""
    if original is not None:
        check_attachable(*original)
    article = Article(
        title=title,
        column=column,
        body=document.body,
        source=source or default_source(),
        author=author,
        published_at=published_at,
    )
    article._change_reason = _reason(name or title)
    workflow.article_create(article=article, by=by)
    if original is not None:
        _attach(article, *original)
    return article


@transaction.atomic
def word_import_replace(
    *,
    article,
    document,
    by,
    opened_version,
    title,
    source="",
    author="",
    published_at=None,
    original=None,
    name="",
):
    """Replace the body (and the fields given) of the draft `article` with
    `document`'s, as an edit saved by `by` from `opened_version`: a new version in
    the history, refused if a colleague saved since. Returns a workflow.Outcome."""
    stored = Article.objects.select_for_update().get(pk=article.pk)
    if stored.status != Article.Status.DRAFT:
        return workflow.Outcome(
            workflow.Kind.REFUSED,
            stored,
            (
                (
                    messages.ERROR,
                    _("只能把 Word 文档导入到草稿中；这篇文章现在是“%(status)s”。")
                    % {"status": stored.get_status_display()},
                ),
            ),
        )
    if original is not None:
        check_attachable(*original)
    stored.body = document.body
    stored.title = title or stored.title
    stored.source = source or stored.source
    stored.author = author
    stored.published_at = published_at
    stored._change_reason = _reason(name or title)
    outcome = workflow.article_save_edit(edited=stored, by=by, opened_version=opened_version)
    if outcome.kind == workflow.Kind.SAVED and original is not None:
        _attach(stored, *original)
    return outcome
