"""A checked .docx read into an article: title, body, 来源/作者, a publish-date
suggestion, its pictures and the list of what could not be kept (issue 14).

mammoth turns the document into plain HTML (it was made for exactly this and keeps
no styles). Before it writes, `_shape` decides the structure on mammoth's own
document model, which sees each paragraph's style, alignment and run sizes: the
title, the 供稿 and date lines (taken out of the body), headings from Word's heading
styles (English or Chinese names) and from GB/T 9704 numbering (news.word.structure).
What mammoth does not look at (text boxes, comments, tracked changes, SmartArt,
embedded objects, fonts and colours) is found in the XML by news.word.report, so
that the report names it.

The body keeps its pictures as data: addresses. Saving the article stores them
through news.pictures.keep_pasted_image, the path of a picture pasted into the
editor (content check, size limits, metadata stripped, renditions), and cleans the
body with news.sanitize like every other body. Here they are only checked, so that
a document with a picture over the limits is refused before anything is stored.
"""

import base64
import collections
import datetime
import io
import re
from dataclasses import dataclass, field

import mammoth
import mammoth.html
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from fedsite.uploads import inspect_image

from ..sanitize import clean_html, html_to_text, parse, serialize
from . import report, structure
from .package import WordRefused, open_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The notes of the document (footnotes, endnotes) get ids with this prefix from
# mammoth, which `_tidy_notes` uses to find them; the sanitizer drops ids anyway.
NOTE_PREFIX = "word-note-"
STYLE_MAP = """
p[style-name='fedsite-h2'] => h2:fresh
p[style-name='fedsite-h3'] => h3:fresh
p[style-name='fedsite-h4'] => h4:fresh
p[style-name='fedsite-p'] => p:fresh
u => u
"""
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# Word 365 fills in a picture's description by itself ("图片包含 人员, 室内 描述已自动
# 生成"): a guess, not a description anyone wrote, so it counts as none.
_AUTOMATIC_ALT = ("自动生成", "automatically generated")
PREVIEW_SIZE = (480, 480)
PLACEHOLDER = "word-picture:"
# The suggested publish time on the document's date: the start of an office day.
SUGGESTED_HOUR = 9


@dataclass
class Picture:
    """A picture of the document, in document order."""

    position: int
    alt: str
    format: str = ""
    size: tuple = ()
    src: str = ""  # the picture as a data: address
    preview: str = ""  # a small data: copy for the preview page
    problem: str = ""  # why it is not kept ("" when it is)
    automatic_alt: bool = False

    @property
    def kept(self):
        return not self.problem


@dataclass
class WordDocument:
    title: str
    body: str  # mammoth's HTML, pictures as data: addresses (stored on save)
    layout: str = ""  # the same with the pictures as word-picture:N (small, for reading)
    source: str = ""
    author: str = ""
    date: datetime.date | None = None
    pictures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    title_found: bool = True

    @property
    def suggested_publish_time(self):
        """The date line's day at 09:00 Beijing time, or None."""
        if self.date is None:
            return None
        moment = datetime.datetime.combine(self.date, datetime.time(SUGGESTED_HOUR))
        return timezone.make_aware(moment)

    def preview_html(self):
        """The body as the article will read it: through the same sanitizer, with
        small copies of the pictures (nothing is stored for a preview)."""
        previews = {picture.position: picture.preview for picture in self.pictures}
        return clean_html(_with_pictures(self.layout, previews), keep_image=lambda src: src)

    @property
    def pictures_without_alt(self):
        return [picture for picture in self.pictures if picture.kept and not picture.alt.strip()]


def read_docx(data, *, name=""):
    """Read the .docx `data` into a WordDocument, or raise WordRefused."""
    package = open_package(data)
    styles = _Styles(package.xml(package.part_of_type("styles") or ""))
    found = {}
    pictures = []
    result = mammoth.convert_to_html(
        io.BytesIO(data),
        style_map=STYLE_MAP,
        convert_image=lambda image: _picture(image, pictures),
        transform_document=lambda document: _shape(document, styles, found),
        id_prefix=NOTE_PREFIX,
        include_embedded_style_map=False,
        external_file_access=False,
    )
    # mammoth wrote word-picture:N for each picture: the converted HTML stays small
    # for the steps below, and the pictures' data go in once, at the end.
    layout = _tidy_notes(result.value)
    body = _with_pictures(layout, {picture.position: picture.src for picture in pictures})
    title = found.get("title", "")
    document = WordDocument(
        title=title or _title_from_name(name),
        body=body,
        layout=layout,
        source=found.get("source", ""),
        author=found.get("author", ""),
        date=found.get("date"),
        pictures=pictures,
        title_found=bool(title),
    )
    document.notes = report.inspect(package, html_to_text(clean_html(layout)))
    document.notes += report.picture_notes(pictures)
    return document


def _title_from_name(name):
    stem = re.sub(r"\.[A-Za-z]{2,4}$", "", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    return stem.strip()[:200]


# -- structure -------------------------------------------------------------------


class _Styles:
    """What the paragraph and character styles say about alignment and size,
    through their basedOn chains: mammoth reports only direct formatting."""

    def __init__(self, tree):
        self._styles = {}
        self.default_size = None
        if tree is None:
            return
        size = tree.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
        self.default_size = _half_points(size)
        for style in tree.iter(f"{W}style"):
            based_on = style.find(f"{W}basedOn")
            self._styles[style.get(f"{W}styleId")] = (
                based_on.get(f"{W}val") if based_on is not None else None,
                _value(style.find(f"{W}pPr/{W}jc")),
                _half_points(style.find(f"{W}rPr/{W}sz")),
            )

    def _inherited(self, style_id, index):
        seen = set()
        while style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            entry = self._styles[style_id]
            if entry[index] is not None:
                return entry[index]
            style_id = entry[0]
        return None

    def alignment(self, style_id):
        return self._inherited(style_id, 1)

    def size(self, style_id):
        return self._inherited(style_id, 2)


def _value(element):
    return None if element is None else element.get(f"{W}val")


def _half_points(element):
    value = _value(element)
    return int(value) / 2 if value and value.isdigit() else None


def _text(element):
    if isinstance(element, mammoth.documents.Text):
        return element.value
    if isinstance(element, mammoth.documents.Tab):
        return "\t"
    return "".join(_text(child) for child in getattr(element, "children", []))


def _runs(element):
    for child in getattr(element, "children", []):
        if isinstance(child, mammoth.documents.Run):
            yield child
        else:
            yield from _runs(child)


def _size(paragraph, styles):
    """The largest type size among the paragraph's runs with text, in points."""
    sizes = [
        run.font_size
        or styles.size(run.style_id)
        or styles.size(paragraph.style_id)
        or styles.default_size
        or 0
        for run in _runs(paragraph)
        if _text(run).strip()
    ]
    return max(sizes, default=0)


def _is_bold(paragraph):
    runs = [run for run in _runs(paragraph) if _text(run).strip()]
    return bool(runs) and all(run.is_bold for run in runs)


def _is_centred(paragraph, styles):
    alignment = paragraph.alignment or styles.alignment(paragraph.style_id)
    return alignment in {"center", "centre"}


def _find_title(paragraphs, styles):
    """The indexes of the title's paragraphs among the non-empty ones: the Title
    style's, or the first centred paragraph set larger than the body text (near
    the top), and the centred lines of the same size that continue it."""
    for index, paragraph in enumerate(paragraphs):
        if structure.is_title_style(paragraph.style_name):
            following = [
                later
                for later in range(index + 1, len(paragraphs))
                if structure.is_title_style(paragraphs[later].style_name)
            ]
            return [index, *_consecutive(index, following)]
    weights = collections.Counter()
    for paragraph in paragraphs:
        weights[_size(paragraph, styles)] += len(_text(paragraph).strip())
    body_size = weights.most_common(1)[0][0] if weights else 0
    for index, paragraph in enumerate(paragraphs[:5]):
        size = _size(paragraph, styles)
        text = _text(paragraph).strip()
        # Set larger than the body text; or, first of all, in bold (many offices set
        # the title in the body's size), or the only line there is.
        first_in_bold = index == 0 and _is_bold(paragraph)
        larger = size > body_size or first_in_bold or len(paragraphs) == 1
        if _is_centred(paragraph, styles) and larger and len(text) <= 100:
            title = [index]
            for later in range(index + 1, len(paragraphs)):
                candidate = paragraphs[later]
                line = _text(candidate)
                if (
                    _is_centred(candidate, styles)
                    and _size(candidate, styles) == size
                    and not structure.source_line(line)
                    and not structure.date_line(line)
                ):
                    title.append(later)
                else:
                    break
            return title
    return []


def _consecutive(start, indexes):
    run = []
    for index in indexes:
        if index != start + len(run) + 1:
            break
        run.append(index)
    return run


def _heading_style_level(paragraph):
    match = _HEADING_STYLE.match((paragraph.style_name or "").strip())
    # 标题 1 is the article's first level below its title: <h2>.
    return min(int(match.group(1)) + 1, 4) if match else None


def _shape(document, styles, found):
    """The document with its title, 供稿 and date lines taken out (into `found`) and
    its headings marked for the style map."""
    children = list(document.children)
    paragraphs = [
        (index, child)
        for index, child in enumerate(children)
        if isinstance(child, mammoth.documents.Paragraph) and _text(child).strip()
    ]
    removed = set()
    title = _find_title([paragraph for _index, paragraph in paragraphs], styles)
    if title:
        found["title"] = "".join(_text(paragraphs[i][1]).strip() for i in title)[:200]
        removed.update(paragraphs[i][0] for i in title)
    after_title = (title[-1] + 1) if title else 0
    # The 供稿 and date lines stand under the title or at the very end.
    candidates = paragraphs[after_title : after_title + 2] + paragraphs[-2:]
    for index, paragraph in dict(candidates).items():
        if index in removed:
            continue
        line = _text(paragraph)
        credit = structure.source_line(line)
        date = structure.date_line(line)
        if credit and not ({"source", "author"} & found.keys()):
            found.update(credit)
            removed.add(index)
        elif date and "date" not in found:
            found["date"] = date
            removed.add(index)
    shaped = []
    for index, child in enumerate(children):
        if index in removed:
            continue
        if isinstance(child, mammoth.documents.Paragraph):
            child = _mark_heading(child)
        shaped.append(child)
    return document.copy(children=shaped)


def _mark_heading(paragraph):
    level = _heading_style_level(paragraph)
    if level is None and paragraph.numbering is None:
        level = structure.heading_level(_text(paragraph))
    if level is not None:
        return paragraph.copy(style_id=None, style_name=f"fedsite-h{level}")
    if structure.is_title_style(paragraph.style_name) or (
        (paragraph.style_name or "").strip().lower() in structure.SUBTITLE_STYLES
    ):
        return paragraph.copy(style_id=None, style_name="fedsite-p")
    return paragraph


# -- notes (footnotes and endnotes) ---------------------------------------------------


def _tidy_notes(html):
    """mammoth links each note reference to its note and back; the sanitizer keeps
    no ids, so the links would lead nowhere. Keep the numbers ([1] in the text, the
    numbered list at the end after a rule) and drop the links, and the empty anchors
    of bookmarks with them."""
    root = parse(html)

    def unwrap_links(node):
        children = []
        for child in node.children:
            if isinstance(child, str):
                children.append(child)
                continue
            unwrap_links(child)
            href = child.attrs.get("href", "")
            if child.tag == "a" and (not href or href.startswith("#")):
                if href.startswith(f"#{NOTE_PREFIX}") and "-ref-" in href:
                    # The ↑ back to the reference, and the space mammoth puts before it.
                    if children and isinstance(children[-1], str):
                        children[-1] = children[-1].rstrip()
                    continue
                children.extend(child.children)
            else:
                children.append(child)
        node.children = children

    notes = [
        child
        for child in root.children
        if not isinstance(child, str)
        and child.tag == "ol"
        and any(
            not isinstance(item, str) and item.attrs.get("id", "").startswith(NOTE_PREFIX)
            for item in child.children
        )
    ]
    unwrap_links(root)
    for ol in notes:
        rule = type(ol)("hr")
        root.children.insert(root.children.index(ol), rule)
    return serialize(root)


# -- pictures ---------------------------------------------------------------------

VECTOR_TYPES = {"image/x-emf", "image/x-wmf", "image/emf", "image/wmf"}


def _picture(image, pictures):
    """mammoth's image callback: check one picture and keep it as an <img> with a
    data: address, or leave it out ([]) and say why. A picture over the size limits refuses the
    whole document (WordRefused), before anything is stored."""
    alt = (image.alt_text or "").strip()
    automatic = any(mark in alt for mark in _AUTOMATIC_ALT)
    picture = Picture(position=len(pictures) + 1, alt="" if automatic else alt)
    picture.automatic_alt = automatic
    pictures.append(picture)
    content_type = (image.content_type or "").lower()
    if content_type in VECTOR_TYPES:
        picture.problem = _(
            "是 EMF/WMF 矢量图，网页无法显示，未导入；"
            "请在 Word 中右键“另存为图片”存成 PNG，再用编辑器上传"
        )
        return []
    with image.open() as stream:
        data = _web_format(stream.read())
    try:
        extension = inspect_image(ContentFile(data, name="picture"))
    except ValidationError as error:
        # Pillow refuses to open a decompression bomb at all (a tiny file that
        # unpacks to hundreds of megapixels): that is a huge picture too.
        bomb = isinstance(error.__cause__, Image.DecompressionBombError)
        if bomb or error.code in {"too_large", "too_many_pixels"}:
            raise WordRefused(
                _(
                    "文档中的第 %(n)d 张图片过大：%(detail)s请在 Word 中选中图片，"
                    "用“图片格式 → 压缩图片”压缩（或换用较小的图片）后再导入。"
                )
                % {"n": picture.position, "detail": _picture_size_detail(error, bomb)}
            ) from None
        picture.problem = _("不是网页能显示的图片格式（只能用 JPG、PNG、GIF 或 WebP），未导入")
        return []
    with Image.open(io.BytesIO(data)) as opened:
        picture.format, picture.size = opened.format, opened.size
        picture.preview = _preview(opened)
    mime = {"jpg": "jpeg"}.get(extension, extension)
    picture.src = f"data:image/{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return [
        mammoth.html.element("img", {"src": f"{PLACEHOLDER}{picture.position}", "alt": picture.alt})
    ]


# Pictures Word keeps in formats browsers do not show, converted without loss.
CONVERTIBLE_FORMATS = {"BMP", "TIFF"}


def _web_format(data):
    """A BMP or TIFF picture as PNG (lossless); any other picture as it is. One over
    the pixel limit is left for inspect_image to refuse."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if (
                opened.format not in CONVERTIBLE_FORMATS
                or width * height > settings.IMAGE_UPLOAD_MAX_PIXELS
            ):
                return data
            opened.load()
            picture = opened if opened.mode in {"RGB", "RGBA", "L", "LA", "P"} else None
            picture = picture or opened.convert("RGBA" if "A" in opened.mode else "RGB")
            buffer = io.BytesIO()
            picture.save(buffer, "PNG")
            return buffer.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return data


def _with_pictures(layout, sources):
    """The HTML with each word-picture:N replaced by sources[N]."""
    root = parse(layout)
    for element in root.elements():
        src = element.attrs.get("src", "") if element.tag == "img" else ""
        if src.startswith(PLACEHOLDER):
            element.attrs["src"] = sources.get(int(src.removeprefix(PLACEHOLDER)), "")
    return serialize(root)


def _picture_size_detail(error, bomb):
    if bomb:
        return _("它解压后的像素数远超上限，可能是恶意文件。")
    return " ".join(error.messages)


def _preview(image):
    """A small copy for the preview page, as a data: address."""
    image.seek(0)
    small = image.copy()
    small.thumbnail(PREVIEW_SIZE)
    alpha = small.mode in {"RGBA", "LA", "PA"} or "transparency" in small.info
    small = small.convert("RGBA" if alpha else "RGB")
    buffer = io.BytesIO()
    if alpha:
        small.save(buffer, "PNG", optimize=True)
    else:
        small.save(buffer, "JPEG", quality=80)
    kind = "png" if alpha else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
