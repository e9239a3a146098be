"""Server-side cleaning of rich text.

The editor (CKEditor 4) is past upstream support and runs in the author's browser,
so nothing it sends is trusted: every body passes through an allowlist here on
save, and the public pages and feeds only ever serve the cleaned result.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption", "hr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip

# No style, class or id anywhere: styles can hide or overlay content, and Word/WPS
# pastes arrive soaked in them.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Elements removed together with their content, not just unwrapped.
DROP_WITH_CONTENT = {"script", "style", "title", "head", "noscript", "template", "iframe",
                     "object", "textarea", "select", "xml", "svg", "math"}  # fmt: skip

_NUMERIC = re.compile(r"^\d{1,5}$")
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# Paragraphs that hold nothing visible: Word/WPS leave many of these behind.
_INLINE = r"</?(?:strong|b|em|i|u|s|sub|sup)>"
_EMPTY_PARAGRAPH = re.compile(rf"<p>(?:\s|&nbsp;|\u00a0|\u3000|<br>|{_INLINE})*</p>")
# Leading spaces typed to indent a paragraph; the stylesheet indents 2em already.
_LEADING_SPACE = re.compile(r"<p>((?:<(?:strong|b|em|i|u)>)*)(?:\s|&nbsp;|\u00a0|\u3000)+")
_ROOT_URL = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')
_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|figcaption|caption|tr)>|<br>|<hr>")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _filter_attribute(tag, attribute, value):
    if tag == "img" and attribute in {"width", "height"}:
        return value if _NUMERIC.match(value) else None
    if tag == "img" and attribute == "src":
        # Only images served over http(s) or from this site; never data: or file:.
        if value.startswith(("http://", "https://")) or value.startswith("/"):
            return value
        return None
    if attribute in {"colspan", "rowspan", "start"}:
        return value if _NUMERIC.match(value) else None
    if attribute == "scope":
        return value if value in {"row", "col", "rowgroup", "colgroup"} else None
    return value


def clean_html(raw):
    """Return the allowlisted form of an article body."""
    if not raw:
        return ""
    # The page's <h1> is the title; headings inside the body start at h2.
    raw = _H1.sub(r"<\1h2", raw)
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )
    cleaned = _LEADING_SPACE.sub(r"<p>\1", cleaned)
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return cleaned.strip()


_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def add_image_dimensions(cleaned, size_of):
    """Give every <img> without width and height the image's own size, so pages do
    not jump as images arrive. `size_of(src)` returns (width, height) or None."""

    def fill(match):
        tag = match.group(0)
        if " width=" in tag and " height=" in tag:
            return tag
        src = _SRC.search(tag)
        size = size_of(html.unescape(src.group(1))) if src else None
        if not size:
            return tag
        tag = re.sub(r'\s(?:width|height)="[^"]*"', "", tag)
        return tag[:-1].rstrip("/").rstrip() + f' width="{size[0]}" height="{size[1]}">'

    return _IMG.sub(fill, cleaned)


_ALT = re.compile(r'\salt="\s*[^"\s][^"]*"')


def count_images_without_alt(html_text):
    """Images with no (or an empty) alt text, which screen readers cannot describe."""
    return sum(1 for tag in _IMG.findall(html_text or "") if not _ALT.search(tag))


def html_to_text(cleaned):
    """Plain text of cleaned HTML, one line per block, for summaries and search."""
    text = _BLOCK_END.sub("\n", cleaned)
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    lines = (line.strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def absolutize_urls(cleaned, base_url):
    """Make site-relative links and images absolute (feed readers need it)."""
    base = base_url.rstrip("/")
    return _ROOT_URL.sub(lambda m: f'{m.group(1)}{base}{m.group(2)}"', cleaned)


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
