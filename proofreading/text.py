"""The article as one text to check, and back: title, summary and the body's blocks
(paragraphs, headings, list items, table cells) joined by newlines, with a map from
every offset to the field, and for the body to the text node of the parsed HTML it
came from, so that an accepted suggestion edits exactly that spot of the body.

The body is read with news.sanitize.parse, the tolerant tree the sanitizer itself
works on; what is written back is news.sanitize.serialize of that tree, which the
save path then cleans as it cleans every body. Characters map one to one: a newline
or tab inside a paragraph (CKEditor's source layout) reads as a space, so offsets
never shift.
"""

import re
from dataclasses import dataclass, field

from news.sanitize import BLOCKS, DROP_WITH_CONTENT, HEADINGS, parse, serialize

# Where a sentence ends, for the sentence shown with a finding.
SENTENCE_ENDS = "。！？；!?;"
SENTENCE_LIMIT = 60  # characters either side of the spot when a sentence runs long
_LAYOUT = re.compile("[\n\r\t\f\v]")


def _one_line(text):
    return _LAYOUT.sub(" ", text) if _LAYOUT.search(text) else text


@dataclass
class Block:
    field: str  # "title", "summary" or "body"
    start: int  # offset of the block in ArticleText.text
    text: str
    heading: bool = False  # the title or a heading: phrases may stand apart with a space
    field_offset: int = 0  # title/summary: where the block starts in the field's value
    # body: (offset in block, length, parent element, index of the text node in it)
    nodes: list = field(default_factory=list)

    @property
    def end(self):
        return self.start + len(self.text)


@dataclass
class Anchor:
    start: int
    end: int
    href: str


class ArticleText:
    """`title`, `summary` and `body` (HTML, cleaned or as the editor posted it)."""

    def __init__(self, title="", summary="", body=""):
        self.blocks = []
        self.anchors = []
        self.images = []  # the body's <img> elements, in order
        self._length = 0
        self._plain = {"title": title or "", "summary": summary or ""}
        self._add_plain("title", title or "", heading=True)
        self._add_plain("summary", summary or "")
        self.root = parse(body or "")
        self._add_body(self.root)
        self.text = "\n".join(block.text for block in self.blocks)

    @classmethod
    def of(cls, article):
        return cls(article.title, article.summary, article.body)

    # -- building --------------------------------------------------------------

    def _new_block(self, field_name, text, **extra):
        if self.blocks:
            self._length += 1  # the newline that joins it to the one before
        block = Block(field_name, self._length, text, **extra)
        self.blocks.append(block)
        self._length += len(text)
        return block

    def _add_plain(self, field_name, value, heading=False):
        offset = 0
        for line in value.split("\n"):
            if line.strip():
                self._new_block(field_name, _one_line(line), heading=heading, field_offset=offset)
            offset += len(line) + 1

    def _add_body(self, root):
        pieces = []  # (text, parent, index) of the block being read
        heading = [0]
        anchor_stack = []

        def flush():
            text = "".join(piece for piece, _parent, _index in pieces)
            if text.strip():
                block = self._new_block("body", _one_line(text), heading=heading[0] > 0)
                offset = 0
                for piece, parent, index in pieces:
                    block.nodes.append((offset, len(piece), parent, index))
                    offset += len(piece)
            pieces.clear()

        def position():
            # Where the next character of the block being read will stand in the text.
            pending = sum(len(piece) for piece, _parent, _index in pieces)
            return self._length + (1 if self.blocks else 0) + pending

        def walk(element):
            for index, child in enumerate(element.children):
                if isinstance(child, str):
                    pieces.append((child, element, index))
                    continue
                tag = child.tag
                if tag in DROP_WITH_CONTENT:
                    continue
                if tag == "img":
                    self.images.append(child)
                    continue
                if tag == "br" or tag == "hr":
                    flush()
                    continue
                block = tag in BLOCKS or tag in HEADINGS
                if block:
                    flush()
                if tag in HEADINGS:
                    heading[0] += 1
                if tag == "a" and child.attrs.get("href"):
                    anchor_stack.append(position())
                walk(child)
                if tag == "a" and child.attrs.get("href"):
                    start = anchor_stack.pop()
                    self.anchors.append(Anchor(start, position(), child.attrs["href"].strip()))
                if block:
                    flush()
                if tag in HEADINGS:
                    heading[0] -= 1

        walk(root)
        flush()

    # -- reading ---------------------------------------------------------------

    def block_at(self, offset):
        for block in self.blocks:
            if block.start <= offset <= block.end:
                return block
        return None

    def sentence(self, start, end):
        """The sentence holding text[start:end] and where the spot starts in it."""
        block = self.block_at(start)
        if block is None:
            return "", 0
        text, begin, stop = block.text, start - block.start, end - block.start
        left = max((text.rfind(mark, 0, begin) for mark in SENTENCE_ENDS), default=-1) + 1
        right = min(
            (found + 1 for mark in SENTENCE_ENDS if (found := text.find(mark, stop)) != -1),
            default=len(text),
        )
        left = max(left, begin - SENTENCE_LIMIT)
        right = min(right, stop + SENTENCE_LIMIT)
        while left < begin and text[left] in " \u3000\u00a0":
            left += 1
        return text[left:right].rstrip(), begin - left

    # -- writing ---------------------------------------------------------------

    def replace(self, start, end, new):
        """Write `new` over text[start:end]; returns (field name, the field's new
        value). The span must lie within one block."""
        block = self.block_at(start)
        if block is None or end > block.end:
            raise ValueError("span outside the text")
        begin, stop = start - block.start, end - block.start
        if block.field != "body":
            value = self._plain[block.field]
            at = block.field_offset + begin
            return block.field, value[:at] + new + value[at + (stop - begin) :]
        written = False
        for offset, length, parent, index in block.nodes:
            node_start, node_end = offset, offset + length
            if node_end <= begin:
                continue
            if node_start >= stop and written:
                break
            text = parent.children[index]
            cut_from = max(begin, node_start) - node_start
            cut_to = min(stop, node_end) - node_start
            insert = "" if written else new
            parent.children[index] = text[:cut_from] + insert + text[cut_to:]
            written = True
        return "body", serialize(self.root)
