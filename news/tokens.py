"""How search reads text (news.search): folding, tokens, and the index values.

Text is folded the same way on both sides (NFKC, simplified script, lower case) and
cut into tokens: overlapping pairs of Chinese characters (and of the other
characters indexed like them: ideographs of every plane, 〇, emoji), and Latin words
and numbers whole, a number with its decimal point and thousands separators (3.5,
4,500), a hyphen, a point between words or a percent sign after a number a token of
its own (issue 13). The tokens of a chunk (a stretch with no separator) sit at
consecutive positions. news.search turns them into a PostgreSQL tsvector or an
SQLite token string and matches queries against them; news.highlight marks matches
with the same idea of a word.
"""

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from typing import NamedTuple

import opencc

# Characters indexed in overlapping pairs, as Chinese is. Ideographs of every plane:
# Ext A, the unified block, the compatibility block (folded to unified by NFKC), and
# planes 2 and 3 (Ext B–I, whose characters are in people's and places' names);
# 〇 as in 二〇二一年.
IDEOGRAPHS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Emoji and the pictographic symbols, with what joins them into one picture: the
# zero-width joiner (👩‍👧), keycaps (1️⃣) and the tags of subdivision flags.
EMOJI = (
    "\u00a9\u00ae\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf\u23e9-\u23fa"
    "\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b07"
    "\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\U0001f000-\U0001faff\u200d\u20e3"
    "\U000e0020-\U000e007f"
)
PAIRED = IDEOGRAPHS + EMOJI
# A Latin word or a number. A number keeps its decimal point (3.5, 2021.3.8) and its
# thousands separators (4,500: a comma before exactly three digits), so that neither
# 3 nor 500 is found inside it.
WORD = r"[a-z0-9]+(?:(?<=[0-9])(?:\.[0-9]+|,[0-9]{3}(?![0-9])))*"
# Tokens of their own inside a chunk: a hyphen or point between words (covid-19,
# www.example.cn) and a percent sign after a number (3.5%).
JOINER = r"(?<=[a-z0-9])[-.](?=[a-z0-9])|(?<=[0-9])%"
# A chunk is a stretch of indexed characters with no separator in it; tokens of one
# chunk sit at consecutive positions, and no phrase runs from one chunk into the next.
_CHUNK = re.compile(rf"(?:[{PAIRED}]|{WORD}|{JOINER})+")
_PIECE = re.compile(rf"(?P<paired>[{PAIRED}]+)|(?P<word>{WORD})|{JOINER}")
_WORD = re.compile(WORD)
_WORD_EDGE = re.compile(r"[a-z0-9]")

MAX_QUERY_LENGTH = 50  # folded characters of a query searched; the rest is named on the page
MAX_WORD_LENGTH = 64  # Latin/digit runs longer than this are not indexed
# What a tsvector can hold (PostgreSQL: "Text Search Types"): positions 1–16383, at
# most 256 positions per token, 1 MB in all. A part of a long article stays within them.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TOKEN = 256
MAX_PART_BYTES = 900_000
# Consecutive parts share this many tokens, more than a query's longest phrase has
# (a phrase of 50 characters has at most 50 tokens), so every phrase of a long
# article lies whole in one part.
PART_OVERLAP = MAX_QUERY_LENGTH + 1


# -- Folding ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _simplifier():
    return opencc.OpenCC("t2s")


# Variation selectors choose a glyph, not a character (❤️ is ❤, and an ideographic
# variation sequence is its base ideograph): dropped on both sides.
_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# The full-width comma separates clauses, never thousands (分别为120，340人), but NFKC
# makes it an ASCII comma: fold it to the enumeration comma first.
_CLAUSE_COMMAS = ("\uff0c", "\ufe50")


def _clause_commas(text):
    for comma in _CLAUSE_COMMAS:
        text = text.replace(comma, "\u3001")
    return text


def normalize(text):
    """Fold to the form both sides are compared in: NFKC (full-width letters and
    digits become ASCII), simplified script, lower case, no variation selectors.

    NFKC folds no ideograph of the supplementary planes, and OpenCC's t2s maps only
    traditional forms to their simplified ones, so 𠮷 stays 𠮷 and never becomes 吉
    (tests/news/test_tokens.py checks every code point)."""
    text = _SELECTORS.sub("", _clause_commas(text or ""))
    return simplify(unicodedata.normalize("NFKC", text)).lower()


def fold_char(char):
    """What `normalize` makes of one character (empty for a variation selector),
    before script conversion; news.highlight folds text character by character."""
    if _SELECTORS.match(char):
        return ""
    return unicodedata.normalize("NFKC", _clause_commas(char)).lower()


# Characters OpenCC's t2s would fold into another character although simplified
# Chinese uses them in their own right, chiefly in names (通用规范汉字表, 2013): 王昇
# is not 王升, 乾县 not 干县, 哪吒 keeps 吒. Kept as they are, on both sides, by
# passing them through the conversion as noncharacters (U+FDD0…, never in text).
KEPT_AS_WRITTEN = {char: chr(0xFDD0 + n) for n, char in enumerate("乾昇陞氾吒")}


def simplify(text):
    """Traditional script to simplified (OpenCC t2s, phrase by phrase)."""
    kept = [(char, stand_in) for char, stand_in in KEPT_AS_WRITTEN.items() if char in text]
    for char, stand_in in kept:
        text = text.replace(char, stand_in)
    text = _simplifier().convert(text)
    for char, stand_in in kept:
        text = text.replace(stand_in, char)
    return text


# -- Tokens -----------------------------------------------------------------------


def _chunk_tokens(chunk):
    """The token lists of one chunk: character pairs of each run of paired
    characters plus its last character alone (so a one-character query can match at
    a run's end), each word or number whole, each joiner alone. A word too long to
    index (a pasted hash) ends the list, like a separator."""
    if not _WORD_EDGE.search(chunk):
        # Only paired characters (a joiner needs a word beside it): most chunks.
        return [[chunk[i : i + 2] for i in range(len(chunk) - 1)] + [chunk[-1]]]
    lists, tokens = [], []
    for piece in _PIECE.finditer(chunk):
        text = piece.group()
        if piece.lastgroup == "paired":
            tokens.extend(text[i : i + 2] for i in range(len(text) - 1))
            tokens.append(text[-1])
        elif piece.lastgroup == "word" and len(text) > MAX_WORD_LENGTH:
            # No word anyone searches for, and PostgreSQL refuses lexemes over 2 KB.
            if tokens:
                lists.append(tokens)
            tokens = []
        else:
            tokens.append(text)
    if tokens:
        lists.append(tokens)
    return lists


def document_chunks(text):
    """The token lists of a text, one per chunk, in order."""
    return [tokens for chunk in _CHUNK.findall(normalize(text)) for tokens in _chunk_tokens(chunk)]


def word_spans(folded):
    """(starts, ends) of every word and number in folded text, for finding whole
    words only (news.highlight)."""
    spans = [match.span() for match in _WORD.finditer(folded)]
    return [start for start, _ in spans], [end for _, end in spans]


def cuts_a_word(folded, begin, end, spans):
    """Whether folded[begin:end] starts or ends inside a word or number (12<33>8,
    <4>,500, 3.<5>): such a stretch is not a match."""
    starts, ends = spans
    for edge, char in ((begin, folded[begin]), (end, folded[end - 1])):
        if not _WORD_EDGE.match(char):
            continue
        # The word that starts before `edge` and ends after it, if any.
        index = bisect_left(starts, edge) - 1
        if index >= 0 and ends[index] > edge:
            return True
    return False


# -- The index ------------------------------------------------------------------


def _token_items(texts):
    """The tokens of the texts in order, None between chunks and between texts (a
    position left empty, so that no phrase runs across a separator)."""
    items = []
    for text in texts:
        for tokens in document_chunks(text):
            items.extend(tokens)
            items.append(None)
    return items


def _tsvector_part(items, start):
    """(literal, end): a tsvector literal of items[start:end], as many as fit within
    PostgreSQL's limits, positions counted from 1."""
    spots = {}
    size = 0
    end = start
    while end < len(items):
        position = end - start + 1
        token = items[end]
        if position > MAX_POSITION:
            break
        if token is not None:
            held = spots.get(token)
            if held is not None and len(held) == MAX_POSITIONS_PER_TOKEN:
                break
            # A lexeme's bytes, its entry and its count (first time), 2 bytes a position.
            grow = 2 + (len(token.encode()) + 8 if held is None else 0)
            if size + grow > MAX_PART_BYTES:
                break
            size += grow
            spots.setdefault(token, []).append(str(position))
        end += 1
    literal = " ".join(f"'{token}':{','.join(at)}" for token, at in spots.items())
    return literal, end


def tsvector_parts(texts):
    """Literals of the tsvectors holding every token of the texts at its exact
    position: one for nearly every article; for a long one, overlapping parts
    (PART_OVERLAP tokens shared), so a phrase is found whole in one of them."""
    items = _token_items(texts)
    parts = []
    start = 0
    while True:
        literal, end = _tsvector_part(items, start)
        parts.append(literal)
        if end >= len(items):
            return parts
        # A part always holds more than the overlap (each limit allows hundreds of
        # tokens past it), so this moves on.
        start = end - PART_OVERLAP


def token_string(texts):
    chunks = [" ".join(tokens) for text in texts for tokens in document_chunks(text)]
    return " " + " | ".join(chunks) + " "


# -- Queries --------------------------------------------------------------------


class Phrase(NamedTuple):
    """One phrase of a query: its tokens, whether the last one is a prefix (a single
    character, which may be the first of a pair), and its folded text."""

    tokens: tuple
    prefix_last: bool
    text: str


def query_phrases(typed):
    """The phrases of what a reader typed, in order: one per chunk of its folded
    text, cut into tokens as the index is."""
    phrases = []
    for chunk in _CHUNK.findall(normalize(typed)):
        lists = _chunk_tokens(chunk)
        if not lists:
            continue
        tokens = lists[0]
        last = list(_PIECE.finditer(chunk))[-1]
        single = last.lastgroup == "paired" and len(last.group()) == 1
        if last.lastgroup == "paired" and not single:
            # The text may go on after the query's last character: drop the
            # run-end token that was added for it.
            tokens = tokens[:-1]
        phrases.append(Phrase(tuple(tokens), single, chunk))
    return phrases


def has_tokens(text):
    """Whether any of `text` would be indexed."""
    return bool(_CHUNK.search(normalize(text)))


def searched_length(raw):
    """How many characters of `raw` fold to at most MAX_QUERY_LENGTH characters (a
    character that expands across the limit is left out whole)."""
    folded = 0
    index = 0
    while index < len(raw):
        folded += len(fold_char(raw[index]))
        if folded > MAX_QUERY_LENGTH:
            break
        index += 1
    else:
        return len(raw)
    # Words and numbers match whole: one cut in two would match nothing, so it goes
    # to the part left out (unless it is all there is: a word that long is not
    # indexed anyway).
    cut = index
    while cut > 0 and _WORD_EDGE.match(fold_char(raw[cut - 1])[-1:]):
        if not _WORD_EDGE.match(fold_char(raw[cut])[:1]):
            break
        cut -= 1
    return cut or index
