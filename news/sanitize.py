"""Server-side cleaning of rich text.

The editor (CKEditor 4) is past upstream support and runs in the author's browser,
so nothing it sends is trusted: every body passes through an allowlist here on
save, and the public pages and feeds only ever serve the cleaned result.

nh3 (the Rust ammonia sanitizer) does the allowlisting. Everything after it works
on a parsed tree of nh3's output, never on the HTML text with regular expressions:
a regex cut `<img alt="a>b" ...>` at the `>` inside the value, which with an older
nh3 was stored XSS (issue 9, item 18). The tree is written back with attributes in
a fixed order, so the same input always gives the same bytes, and cleaning what is
already clean changes nothing (issue 9, item 2: the 修改稿 check compares bodies).
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3

from fedsite.text import clean_text

ALLOWED_TAGS = set(
    """
    p br h1 h2 h3 h4 h5 h6 strong b em i u s sub sup blockquote ul ol li a img
    figure figcaption hr table caption thead tbody tfoot tr th td
    """.split()
)

# No style, class or id anywhere: styles can hide or overlay content, and Word/WPS
# pastes arrive soaked in them.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    # Not ammonia's default lang/title on every element: Word pastes lang=EN-US on each.
    "*": set(),
}

LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# data: and file: pass nh3 only so that the image step below can store a pasted
# picture or name the one it cannot keep; _filter_attribute refuses them on links.
URL_SCHEMES = LINK_SCHEMES | {"data", "file"}

# Elements removed together with their content, not just unwrapped.
DROP_WITH_CONTENT = set(
    """
    script style title head noscript template iframe object textarea select xml svg
    math
    """.split()
)

# The page's <h1> is the title; headings inside the body start at h2 and stop at h4.
HEADING_RENAMES = {"h1": "h2", "h5": "h4", "h6": "h4"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"br", "hr", "img"}
BLOCKS = set(
    """
    p h2 h3 h4 blockquote ul ol li figure figcaption hr table caption thead tbody
    tfoot tr th td
    """.split()
)
INLINE_FORMATTING = {"strong", "b", "em", "i", "u", "s", "sub", "sup"}
# What the server adds to an <img>; not part of what an editor wrote (see editorial_form).
# srcset and sizes are never taken from input (nh3 drops them: not in the allowlist)
# but written by the image step from the renditions in storage (issue 11), so they
# can name nothing but our own files.
SERVER_IMAGE_ATTRIBUTES = {"loading", "decoding", "width", "height", "srcset", "sizes"}
# Attribute order when writing a tag back: fixed, so output is byte-identical.
ATTRIBUTE_ORDER = [
    "href",
    "src",
    "alt",
    "title",
    "width",
    "height",
    "srcset",
    "sizes",
    "loading",
    "decoding",
    "rel",
    "start",
    "colspan",
    "rowspan",
    "scope",
]
_RANK = {name: index for index, name in enumerate(ATTRIBUTE_ORDER)}
# Typed indentation: the stylesheet indents paragraphs 2em already.
_INDENT = " \t\n\r\f\u00a0\u3000"


def _is_number(value):
    return value.isascii() and value.isdigit() and len(value) <= 5


def _filter_attribute(tag, attribute, value):
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if _is_number(value) else None
    if attribute == "scope":
        return value if value in {"row", "col", "rowgroup", "colgroup"} else None
    if attribute == "href":
        scheme = urlsplit(value).scheme.lower() if ":" in value else ""
        return value if not scheme or scheme in LINK_SCHEMES else None
    return value


# -- the tree ------------------------------------------------------------------


class Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=()):
        self.tag = tag
        self.attrs = dict(attrs)
        self.children = []

    def elements(self):
        """Descendant elements in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()


# Elements HTML defines as empty: a source file writes <meta ...> or <link ...> with
# no end tag, and nothing after it is inside it.
_EMPTY_IN_SOURCE = VOID | {"area", "base", "col", "embed", "input", "link", "meta", "source", "wbr"}
# Start tags that end an open element of the same kind (HTML's implied end tags), up
# to the element that contains them: old exports write <td>a<td>b and <p>a<p>b.
_ENDED_BY = {
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr"}, {"table", "thead", "tbody", "tfoot"}),
    "li": ({"li"}, {"ul", "ol"}),
    **dict.fromkeys(
        "p div h1 h2 h3 h4 h5 h6 ul ol table blockquote hr".split(),
        ({"p"}, {"td", "th", "li", "blockquote", "div", "table"}),
    ),
}


class SourceText(str):
    """Text read from a file with the place it starts: line and column (1-based).
    `verbatim` is False for a character reference (&nbsp;), one character written as
    several."""

    def __new__(cls, text, line, column, verbatim=True):
        self = super().__new__(cls, text)
        self.line, self.column, self.verbatim = line, column, verbatim
        return self

    def origins(self):
        """(line, column) of each of its characters in the file."""
        if not self.verbatim:
            return [(self.line, self.column)] * len(self)
        places, line, column = [], self.line, self.column
        for char in self:
            places.append((line, column))
            if char == "\n":
                line, column = line + 1, 1
            else:
                column += 1
        return places


class _TreeBuilder(HTMLParser):
    def __init__(self, located=False):
        # A located tree keeps where each piece of text stands in the source, so
        # character references arrive apart from the text around them.
        super().__init__(convert_charrefs=not located)
        self.located = located
        self.root = Element("")
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        self._end_implied(tag)
        element = Element(tag, ((name, value or "") for name, value in attrs))
        self._open[-1].children.append(element)
        if tag not in _EMPTY_IN_SOURCE:
            self._open.append(element)

    def _end_implied(self, tag):
        if tag not in _ENDED_BY:
            return
        ended, boundaries = _ENDED_BY[tag]
        for depth in range(len(self._open) - 1, 0, -1):
            open_tag = self._open[depth].tag
            if open_tag in boundaries:
                return
            if open_tag in ended:
                del self._open[depth:]
                return

    def handle_startendtag(self, tag, attrs):
        self._open[-1].children.append(Element(tag, ((n, v or "") for n, v in attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        children = self._open[-1].children
        if self.located:
            line, offset = self.getpos()
            children.append(SourceText(data, line, offset + 1))
        elif children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def handle_entityref(self, name):
        self._reference(f"&{name};")

    def handle_charref(self, name):
        self._reference(f"&#{name};")

    def _reference(self, written):
        line, offset = self.getpos()
        text = html.unescape(written)
        self._open[-1].children.append(SourceText(text, line, offset + 1, verbatim=False))


def parse(fragment, *, located=False):
    """The element tree of an HTML fragment. With `located`, each piece of text is a
    SourceText that knows where it stands in `fragment`."""
    builder = _TreeBuilder(located=located)
    builder.feed(fragment or "")
    builder.close()
    return builder.root


def _escape(text, quote=False):
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;")
    return text.replace("\u00a0", "&nbsp;")


def _ordered(attrs):
    return sorted(attrs.items(), key=lambda item: (_RANK.get(item[0], len(_RANK)), item[0]))


def _write(node, out):
    for child in node.children:
        if isinstance(child, str):
            out.append(_escape(child))
            continue
        out.append(f"<{child.tag}")
        out.extend(f' {name}="{_escape(value, True)}"' for name, value in _ordered(child.attrs))
        out.append(">")
        if child.tag not in VOID:
            _write(child, out)
            out.append(f"</{child.tag}>")


def serialize(root):
    out = []
    _write(root, out)
    return "".join(out).strip()


# -- cleaning ------------------------------------------------------------------


class ImageRefused(Exception):
    """Raised by a `keep_image` callback: this picture cannot be kept, and why
    (a short Chinese reason such as "图片过大")."""


@dataclass
class BodyImage:
    position: int  # 1-based, in the order the editor sees them
    alt: str
    original_src: str
    src: str | None  # None: dropped from the body
    problem: str = ""

    @property
    def label(self):
        """What staff can recognise the picture by: its alt text or its file name."""
        if self.alt.strip():
            return self.alt.strip()
        if self.original_src.startswith("data:"):
            return ""
        path = unquote(urlsplit(self.original_src).path.replace("\\", "/"))
        return path.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class CleanedBody:
    html: str
    images: list[BodyImage] = field(default_factory=list)

    @property
    def dropped_images(self):
        return [image for image in self.images if image.src is None]


def _unreachable_reason(src):
    scheme = urlsplit(src).scheme.lower() if ":" in src else ""
    if not src:
        return "图片地址无效"
    if scheme == "file" or (not scheme and not src.startswith("/")):
        # Word and WPS paste pictures as file:///C:/Users/.../clip_image001.png (or a
        # bare relative name from a saved web page): a path on the writer's computer.
        return "来自本机文件，无法上传"
    return ""


def _clean_images(root, keep_image, size_of, responsive):
    images = []
    position = 0

    def visit(node):
        nonlocal position
        kept = []
        for child in node.children:
            if isinstance(child, Element) and child.tag == "img":
                position += 1
                src = child.attrs.get("src", "").strip()
                image = BodyImage(position, child.attrs.get("alt", ""), src, src)
                images.append(image)
                image.problem = _unreachable_reason(src)
                if not image.problem and src.startswith("data:"):
                    if keep_image is None:
                        image.problem = "图片未能上传"
                    else:
                        try:
                            image.src = keep_image(src)
                        except ImageRefused as refused:
                            image.problem = str(refused)
                if image.problem:
                    # Never an empty <img>: the picture goes, and the caller names it.
                    image.src = None
                    continue
                child.attrs["src"] = image.src
                if size_of and not ("width" in child.attrs and "height" in child.attrs):
                    size = size_of(image.src)
                    if size:
                        child.attrs["width"], child.attrs["height"] = map(str, size)
                if responsive:
                    shown = child.attrs.get("width")
                    child.attrs.update(responsive(image.src, int(shown) if shown else None))
                child.attrs.update(loading="lazy", decoding="async")
            elif isinstance(child, Element):
                visit(child)
            kept.append(child)
        node.children = kept

    visit(root)
    return images


def _strip_indent(element):
    """Drop leading typed spaces, looking through leading bold/italic; True when
    visible content was reached."""
    while element.children:
        first = element.children[0]
        if isinstance(first, str):
            stripped = first.lstrip(_INDENT)
            if stripped:
                element.children[0] = stripped
                return True
            del element.children[0]
        elif first.tag in INLINE_FORMATTING:
            if _strip_indent(first):
                return True
            del element.children[0]
        else:
            return True
    return False


def _is_blank(node):
    for child in node.children:
        if isinstance(child, str):
            if child.strip(_INDENT):
                return False
        elif child.tag != "br" and not (child.tag in INLINE_FORMATTING and _is_blank(child)):
            return False
    return True


def _tidy(node):
    kept = []
    for index, child in enumerate(node.children):
        if isinstance(child, str):
            if not child.strip(_INDENT) and _between_blocks(node.children, index):
                continue  # the editor's source layout (CKEditor indents and breaks lines)
            kept.append(child)
            continue
        child.tag = HEADING_RENAMES.get(child.tag, child.tag)
        _tidy(child)
        if child.tag == "p":
            _strip_indent(child)
            if _is_blank(child):
                continue  # Word/WPS leave many empty paragraphs behind
        kept.append(child)
    node.children = kept


def _is_block(node):
    return isinstance(node, Element) and node.tag in BLOCKS | HEADINGS


def _between_blocks(siblings, index):
    before = siblings[index - 1] if index > 0 else None
    after = siblings[index + 1] if index + 1 < len(siblings) else None
    return all(neighbour is None or _is_block(neighbour) for neighbour in (before, after))


def clean_body(raw, *, keep_image=None, size_of=None, responsive=None):
    """Clean an article body and report on its pictures.

    `keep_image(src)` turns a pasted data: picture into a stored address or raises
    ImageRefused; without it such pictures are dropped. `size_of(src)` gives an
    image's (width, height) so pages do not jump as images arrive.
    `responsive(src, shown_width)` gives its srcset and sizes attributes, if any."""
    raw = clean_text(raw or "")
    if not raw.strip():
        return CleanedBody("")
    allowed = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    root = parse(allowed)
    images = _clean_images(root, keep_image, size_of, responsive)
    _tidy(root)
    return CleanedBody(serialize(root), images)


def clean_html(raw, *, keep_image=None, size_of=None, responsive=None):
    """Return the allowlisted form of an article body."""
    return clean_body(raw, keep_image=keep_image, size_of=size_of, responsive=responsive).html


def editorial_form(raw):
    """The cleaned body without what the server adds to pictures (loading,
    decoding, width, height, srcset, sizes): what an editor wrote. Two bodies are the same
    article text exactly when their editorial forms are equal, whatever the
    editor's serialization (CKEditor drops width/height, reorders attributes,
    re-indents). Used by news.workflow (the 修改稿 base check) and news.admin
    (a save with no real change is not a change)."""
    root = parse(clean_html(raw))
    for element in root.elements():
        if element.tag == "img":
            for name in SERVER_IMAGE_ATTRIBUTES:
                element.attrs.pop(name, None)
    return serialize(root)


# -- reading cleaned bodies ----------------------------------------------------


def count_images_without_alt(body):
    """Images with no (or an empty) alt text, which screen readers cannot describe."""
    return sum(
        1
        for element in parse(body).elements()
        if element.tag == "img" and not element.attrs.get("alt", "").strip()
    )


def _absolute(value, base):
    return base + value if value.startswith("/") and not value.startswith("//") else value


def absolutize_urls(cleaned, base_url):
    """Make site-relative links and images absolute (feed readers need it)."""
    base = base_url.rstrip("/")
    root = parse(cleaned)
    for element in root.elements():
        for name in ("href", "src"):
            if name in element.attrs:
                element.attrs[name] = _absolute(element.attrs[name], base)
        if "srcset" in element.attrs:
            # Written by the image step: "<address> <width>w" joined by ", ", and our
            # generated file names hold neither commas nor spaces.
            element.attrs["srcset"] = ", ".join(
                _absolute(candidate.strip(), base)
                for candidate in element.attrs["srcset"].split(",")
            )
    return serialize(root)


# -- From HTML to text -----------------------------------------------------------
#
# One walk turns HTML into text wherever that happens: the plain text that search
# and the history diff read (html_to_text), the automatic summary (prose_text) and
# the report importer (news.repair, on a located tree of the user's file). Blocks
# never run into each other, and neither do table cells or rows: "巾帼大宣讲" and
# "535" in two cells are two words, not "巾帼大宣讲535" (issue 13, item 2).

# Elements whose text is a block of its own. Beyond what clean_html keeps, a raw
# file (Word's "web page") wraps everything in divs.
_TEXT_BLOCKS = (
    BLOCKS
    | HEADINGS
    | set("div center address pre dl dt dd section article header footer main body".split())
)
_CELLS = {"td", "th"}
_ROW_GROUPS = {"thead", "tbody", "tfoot"}
# What a browser folds into one space (CSS Text 3 "collapsible white space"); no-break
# spaces too, which Word writes for runs of spaces (mso-spacerun).
_WHITE_RUN = re.compile(r"[ \t\n\r\f\u00a0]+")


def _is_wide(char):
    """East Asian wide, full-width or half-width, and not Hangul: the characters
    between which CSS Text 3 removes a line break instead of showing a space."""
    if "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f" or "\uac00" <= char <= "\ud7af":
        return False
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def collapse_white_space(text, origins=None, *, breaks_are_spaces=False):
    """A block's text as a reader sees it: no white space at either end, each run
    inside it one space. A run holding a line break of the HTML source between two
    Chinese characters is dropped (CSS Text 3, segment break transformation: the
    writer wrapped the source there, as Firefox renders it), unless
    `breaks_are_spaces`: Word's "web page" writes a line break only where the text
    has a space, so in its files every one stands for that space.

    Returns the text and, when `origins` gives each character's place in the
    source, the places of the characters kept (a kept space has the place of the
    run it replaces)."""
    start, end = 0, len(text)
    while start < end and text[start] in _INDENT:
        start += 1
    while end > start and text[end - 1] in _INDENT:
        end -= 1
    pieces, kept = [], None if origins is None else []
    cursor = start
    for match in _WHITE_RUN.finditer(text, start, end):
        pieces.append(text[cursor : match.start()])
        if kept is not None:
            kept.extend(origins[cursor : match.start()])
        run = match.group()
        dropped = (
            not breaks_are_spaces
            and ("\n" in run or "\r" in run)
            and _is_wide(text[match.start() - 1])
            and _is_wide(text[match.end()])
        )
        if not dropped:
            pieces.append(" ")
            if kept is not None:
                kept.append(origins[match.start()])
        cursor = match.end()
    pieces.append(text[cursor:end])
    if kept is not None:
        kept.extend(origins[cursor:end])
    return "".join(pieces), kept


@dataclass
class TextBlock:
    """One block of text: a paragraph, heading, list item or caption (`tag` is the
    element that made it), or a table, whose `rows` hold its cells, each a TextBlock
    tagged td or th with its colspan/rowspan in `attrs`. A table's `text` is its rows
    on lines of their own, the cells of a row separated by tabs.

    `origins` is set for the blocks of a located tree (parse(..., located=True)): the
    (line, column) in the source of each character of `text`."""

    tag: str
    text: str
    origins: list | None = None
    rows: list | None = None
    attrs: dict = field(default_factory=dict)


def _joined(blocks):
    """One line of text from several blocks (the paragraphs of a table cell)."""
    texts, origins = [], []
    for block in blocks:
        text, places = block.text, block.origins
        if block.rows is not None:  # a table inside the cell: its cells, in order
            cells = [cell for row in block.rows for cell in row if cell.text]
            text, places = _joined(cells)
        if places is None:
            origins = None
        if texts:
            texts.append(" ")
            if origins is not None:
                origins.append(places[0])
        texts.append(text)
        if origins is not None:
            origins.extend(places)
    return "".join(texts), origins


class _TextWalker:
    def __init__(self, skip, breaks_are_spaces):
        self.skip = skip
        self.breaks_are_spaces = breaks_are_spaces
        self.blocks = []
        self._pieces = []
        self._tags = [""]

    def flush(self):
        if not self._pieces:
            return
        raw = "".join(self._pieces)
        origins = None
        if all(isinstance(piece, SourceText) for piece in self._pieces):
            origins = [place for piece in self._pieces for place in piece.origins()]
        self._pieces = []
        text, origins = collapse_white_space(raw, origins, breaks_are_spaces=self.breaks_are_spaces)
        if text:
            self.blocks.append(TextBlock(self._tags[-1], text, origins))

    def walk(self, node):
        for child in node.children:
            if isinstance(child, str):
                self._pieces.append(child)
            elif child.tag in DROP_WITH_CONTENT:
                continue
            elif child.tag in self.skip:
                self.flush()
            elif child.tag == "table":
                self.flush()
                self._table(child)
            elif child.tag in {"br", "hr"}:
                self.flush()
            elif child.tag in _TEXT_BLOCKS:
                self._block(child.tag, child)
            else:
                self.walk(child)

    def _block(self, tag, element):
        self.flush()
        self._tags.append(tag)
        self.walk(element)
        self.flush()
        self._tags.pop()

    def _table(self, table):
        rows = []
        for part in table.children:
            if isinstance(part, Element) and part.tag == "caption" and part.tag not in self.skip:
                self._block("caption", part)
        for row in _table_rows(table):
            cells = []
            for cell in row.children:
                if isinstance(cell, Element) and cell.tag in _CELLS:
                    inner = _TextWalker(self.skip, self.breaks_are_spaces)
                    inner.walk(cell)
                    inner.flush()
                    text, origins = _joined(inner.blocks)
                    spans = {
                        name: cell.attrs[name]
                        for name in ("colspan", "rowspan")
                        if _is_number(cell.attrs.get(name, "")) and cell.attrs[name] != "1"
                    }
                    cells.append(TextBlock(cell.tag, text, origins, attrs=spans))
            if any(cell.text for cell in cells):
                rows.append(cells)
        if rows:
            text = "\n".join("\t".join(cell.text for cell in row) for row in rows)
            self.blocks.append(TextBlock("table", text, rows=rows))


def _table_rows(table):
    """The rows of a table (not of a table inside one of its cells), in order."""
    for part in table.children:
        if isinstance(part, Element) and part.tag == "tr":
            yield part
        elif isinstance(part, Element) and part.tag in _ROW_GROUPS:
            yield from (
                row for row in part.children if isinstance(row, Element) and row.tag == "tr"
            )


def text_blocks(root, *, skip=frozenset(), breaks_are_spaces=False):
    """The blocks of text of a parsed tree, in order (see TextBlock). Elements in
    `skip` are left out with their content; scripts, styles and the like always are."""
    walker = _TextWalker(frozenset(skip), breaks_are_spaces)
    walker.walk(root)
    walker.flush()
    return walker.blocks


def html_to_text(cleaned):
    """Plain text of cleaned HTML, for search and history: one line per block, and a
    table one line per row with its cells separated by tabs."""
    return "\n".join(block.text for block in text_blocks(parse(cleaned)))


# A block that already ends a sentence, or introduces what follows ("如下：").
_SENTENCE_MARKS = "。！？；：…!?;:"
_CLOSERS = "”’」』）》)]\"'"


def _is_cjk(char):
    return ord(char) >= 0x2E80


def prose_text(cleaned):
    """The body as running prose, for the automatic summary (issue 9, item 10):
    headings, tables and captions left out, and each paragraph or list item ended as
    a sentence, so "活动概况" and "3月20日…" do not run together."""
    sentences = []
    skip = HEADINGS | {"table", "figcaption", "caption"}
    for block in text_blocks(parse(cleaned), skip=skip):
        text = block.text
        if text.rstrip(_CLOSERS)[-1:] not in _SENTENCE_MARKS:
            text += "。" if any(_is_cjk(char) for char in text) else "."
        if sentences and not _is_cjk(sentences[-1][-1]):
            sentences.append(" ")
        sentences.append(text)
    return "".join(sentences)


# Sentence ends where a derived summary may stop.
_SENTENCE_END = "。！？；"


def summarize(text, length=120):
    """A summary of at most `length` characters, cut on characters since Chinese has
    no spaces; prefers to stop at the end of a sentence in the second half."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    head = text[:length]
    cut = max(head.rfind(mark) for mark in _SENTENCE_END)
    if cut >= length // 2:
        return head[: cut + 1]
    return head[: length - 1] + "…"
