"""A .docx opened safely: the zip and XML checks that come before any converter
reads it (issue 14).

A .docx is a zip of XML parts. Before mammoth sees one, every part is read here
with hard limits, so that what reaches the converter is known to be small, a Word
document, free of macros and of references to anything outside itself, and free of
DTDs (the only door for XML entity attacks: Word never writes one). A document that
fails any check is refused whole with a Chinese reason (WordRefused), before
anything is stored.
"""

import io
import posixpath
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

# A Word document of a hundred pages with fifty photos has about 60 parts and
# unpacks to some tens of MB; these limits leave room for that and none for a bomb.
MAX_ENTRIES = 1000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_XML_PART_BYTES = 30 * 1024 * 1024

RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = RELATIONSHIPS + "/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}

# External relationships that a reader's Word would follow when opening the file
# (a remote template is how CVE-2017-0199-style documents fetch their payload), by
# the last part of their type, as staff should read them.
EXTERNAL_KINDS = {
    "attachedTemplate": "附加模板",
    "oleObject": "链接的对象",
    "image": "链接的图片",
    "frame": "框架",
    "subDocument": "子文档",
    "externalLinkPath": "外部数据链接",
    "aFChunk": "外部文档片段",
}


class WordRefused(Exception):
    """The document cannot be imported; str() is the reason, in Chinese, for staff."""


class Package:
    """The parts of a checked .docx: `read(name)` gives bytes, `xml(name)` a parsed
    tree (or None when the part is missing), `main` the main document's part name."""

    def __init__(self, parts, main):
        self._parts = parts
        self.main = main

    def names(self):
        return list(self._parts)

    def read(self, name):
        return self._parts.get(name)

    def xml(self, name):
        data = self._parts.get(name)
        return None if data is None else fromstring(data, forbid_dtd=True)

    def relationships(self, part):
        """{id: (type, target, external)} of `part`'s relationships."""
        folder, base = posixpath.split(part)
        tree = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found = {}
        for rel in [] if tree is None else tree.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
            external = rel.get("TargetMode", "").lower() == "external"
            target = rel.get("Target", "")
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
            found[rel.get("Id", "")] = (rel.get("Type", ""), target, external)
        return found

    def part_of_type(self, type_suffix):
        """The main document's related part of that type (footnotes, comments...)."""
        for rel_type, target, external in self.relationships(self.main).values():
            if not external and rel_type.endswith("/" + type_suffix):
                return target
        return None


def open_package(data):
    """Check `data` as a .docx and return its Package, or raise WordRefused."""
    not_word = WordRefused(_("这不是 Word 文档（.docx），或文件已损坏。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_word from None
    if len(entries) > MAX_ENTRIES:
        raise WordRefused(
            _("文档内部有 %(count)d 个部件，远多于正常的 Word 文档，可能是恶意文件，未导入。")
            % {"count": len(entries)}
        )
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_UNPACKED_BYTES:
        raise WordRefused(_bomb_message())
    parts = {}
    with archive:
        for entry in entries:
            if entry.is_dir():
                continue
            parts[entry.filename] = _read_entry(archive, entry)
    _check_macros(parts)
    _check_xml(parts)
    package = Package(parts, _main_part(parts, not_word))
    _check_external(package)
    return package


def _bomb_message():
    return _("文档解压后过大（超过 %(limit)d MB），可能是“压缩炸弹”一类的恶意文件，未导入。") % {
        "limit": MAX_UNPACKED_BYTES // (1024 * 1024)
    }


def _read_entry(archive, entry):
    """The entry's bytes, read in pieces and never more than it declares: a zip
    that lies about its sizes is a bomb, not a document."""
    limit = entry.file_size
    if entry.filename.endswith((".xml", ".rels")):
        limit = min(limit, MAX_XML_PART_BYTES)
        if entry.file_size > MAX_XML_PART_BYTES:
            raise WordRefused(_bomb_message())
    chunks, size = [], 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise WordRefused(_bomb_message())
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise WordRefused(_("这不是 Word 文档（.docx），或文件已损坏。")) from None
    return b"".join(chunks)


MACRO_REFUSED = (
    "含有宏的文档不能导入（宏可以在读者的电脑上运行程序），请另存为不含宏的 .docx 后再导入。"
)


def _check_macros(parts):
    names = [name.lower() for name in parts]
    content_types = parts.get("[Content_Types].xml", b"").lower()
    if (
        any(name.endswith("vbaproject.bin") for name in names)
        or b"macroenabled" in content_types
        or any(name.endswith((".docm", ".xlsm", ".pptm", ".dotm")) for name in names)
    ):
        raise WordRefused(_(MACRO_REFUSED))


def _check_xml(parts):
    for name, data in parts.items():
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            fromstring(data, forbid_dtd=True)
        except DefusedXmlException:
            raise WordRefused(
                _(
                    "文档中的 XML 含有实体或文档类型定义（DTD），Word 从不这样写，"
                    "这是针对服务器的攻击手法，未导入。"
                )
            ) from None
        except (ParseError, ValueError):
            raise WordRefused(
                _("文档已损坏（%(part)s 无法读取），请在 Word 中另存为 .docx 后再导入。")
                % {"part": name}
            ) from None


def _main_part(parts, not_word):
    if "[Content_Types].xml" not in parts:
        raise not_word
    root = Package(parts, "")
    mains = [
        target
        for rel_type, target, external in root.relationships("").values()
        if rel_type in {OFFICE_DOCUMENT, STRICT_OFFICE_DOCUMENT} and not external
    ]
    if not mains or mains[0] not in parts:
        raise not_word
    types = fromstring(parts["[Content_Types].xml"], forbid_dtd=True)
    declared = {
        override.get("PartName", "").lstrip("/"): override.get("ContentType", "")
        for override in types.iter(f"{{{CONTENT_TYPES}}}Override")
    }
    if declared.get(mains[0]) not in WORD_MAIN_TYPES:
        raise not_word
    return mains[0]


def _check_external(package):
    """Refuse every reference to something outside the file except hyperlinks (which
    the article keeps as links). The server never follows one, but a reader who
    downloads the original would, and the report must not hide them."""
    for name in package.names():
        if not name.endswith(".rels"):
            continue
        folder, base = posixpath.split(name)
        part = posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))
        for rel_type, target, external in package.relationships(part).values():
            kind = rel_type.rpartition("/")[2]
            if external and kind != "hyperlink":
                raise WordRefused(
                    _(
                        "文档引用了外部的%(kind)s（%(target)s）。"
                        "用 Word 打开这样的文档时会去读取外部地址，"
                        "常被用来传播恶意程序，因此不能导入。请把内容复制到一个新的空白文档，"
                        "另存为 .docx 后再导入。"
                    )
                    % {"kind": EXTERNAL_KINDS.get(kind, "内容"), "target": target[:120]}
                )
