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


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("")
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, ((name, value or "") for name, value in attrs))
        self._open[-1].children.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self._open[-1].children.append(Element(tag, ((n, v or "") for n, v in attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        children = self._open[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse(fragment):
    builder = _TreeBuilder()
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


_LINE_BREAKS = {"br", "hr", "tr"} | BLOCKS | HEADINGS


def _blocks(node, skip=frozenset()):
    """The text of each block (paragraph, list item, heading, cell...), in order."""
    blocks, current = [], []

    def flush():
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    def walk(parent):
        for child in parent.children:
            if isinstance(child, str):
                current.append(child)
            elif child.tag in skip:
                flush()
            elif child.tag in _LINE_BREAKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(node)
    flush()
    return blocks


def html_to_text(cleaned):
    """Plain text of cleaned HTML, one line per block, for search and history."""
    return "\n".join(_blocks(parse(cleaned)))


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
    for block in _blocks(parse(cleaned), skip=HEADINGS | {"table", "figcaption", "caption"}):
        if block.rstrip(_CLOSERS)[-1:] not in _SENTENCE_MARKS:
            block += "。" if any(_is_cjk(char) for char in block) else "."
        if sentences and not _is_cjk(sentences[-1][-1]):
            sentences.append(" ")
        sentences.append(block)
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
