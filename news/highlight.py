"""Marking what a search found in a result's title and text (news.search).

The text is folded as the index folds it (news.tokens.normalize), character by
character, remembering where each folded character came from, so a match found in
the folded text marks the stretch of the original that it came from, however that
was written (婦聯 for 妇联, １２３３８ for 12338, ❤️ for ❤, 𠮷 as itself). A match
never starts or ends inside a word or number (12<mark>33</mark>8 is not a match,
issue 13), as the index finds whole words and numbers only.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .tokens import cuts_a_word, fold_char, normalize, simplify, word_spans

SNIPPET_LENGTH = 90


def fold_with_offsets(text):
    """(folded, offsets): `normalize(text)`, and for each of its characters the
    index in `text` of the character it came from."""
    folded = normalize(text)
    if len(folded) == len(text) and unicodedata.is_normalized("NFC", text):
        # Nothing composed (the text is composed already), so with the length
        # unchanged no character expanded or vanished: one for one.
        return folded, range(len(text))
    pieces, offsets = [], []
    for index, char in enumerate(text):
        piece = fold_char(char)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    single = "".join(pieces)
    converted = simplify(single)
    if len(converted) != len(single):
        # A phrase-level conversion changed the length: convert one by one.
        converted = "".join(c if len(c := simplify(char)) == 1 else char for char in single)
    return converted, offsets


def match_spans(folded, query):
    """The stretches of folded text where a term of the query occurs as a whole
    (not cutting a word or number), merged where they touch, in order."""
    needles = sorted({term.text for term in query.terms if term.text}, key=len, reverse=True)
    words = word_spans(folded)
    spans = []
    for needle in needles:
        for match in re.finditer(f"(?=({re.escape(needle)}))", folded):
            begin, end = match.start(), match.start() + len(needle)
            if not cuts_a_word(folded, begin, end, words):
                spans.append((begin, end))
    spans.sort()
    merged = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _original_spans(text, query):
    folded, offsets = fold_with_offsets(text)
    return [(offsets[begin], offsets[end - 1] + 1) for begin, end in match_spans(folded, query)]


def has_match(text, query):
    return bool(_original_spans(" ".join((text or "").split()), query))


def snippet(text, query, length=SNIPPET_LENGTH):
    """A stretch of `text` around the first match, with every match in <mark>.
    The text is escaped first, so neither the article nor the query can inject
    markup. A text no longer than `length` is shown whole."""
    plain = " ".join((text or "").split())
    spans = _original_spans(plain, query)
    start = 0
    if spans and len(plain) > length:
        start = max(0, min(spans[0][0] - length // 3, len(plain) - length))
    end = min(len(plain), start + length)
    pieces = []
    cursor = start
    for begin, finish in spans:
        if begin < start or finish > end:
            continue  # only partly shown: a mark on part of a word would mislead
        pieces.append(escape(plain[cursor:begin]))
        pieces.append(f"<mark>{escape(plain[begin:finish])}</mark>")
        cursor = finish
    pieces.append(escape(plain[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(plain) else ""
    return mark_safe(prefix + "".join(str(piece) for piece in pieces) + suffix)


def highlight(text, query):
    """The whole of a short text (a title) with matches in <mark>, escaped."""
    return snippet(text, query, length=max(len(text or ""), 1))
