"""Repairing a damaged report before it becomes a draft article.

Reports reach staff as text or HTML files that have been through other systems:
traditional script, pinyin annotations after characters (市婦聯(lián)), punctuation
flattened to ASCII, and mojibake where bytes were lost. `repair_report` fixes
what can be fixed mechanically and lists every spot it could not, with its line in
the file the user gave (for HTML too), so that garbled text is never published
without an editor seeing it. Conversions that chose between meanings (著 as 着 or
著) are listed apart, for the editor to check.

Only what is damaged is changed (issue 13): simplified text is not converted again
(news.script), English in brackets is not taken for pinyin (news.pinyin), a table
stays a table, and a line break in an HTML file is not a paragraph break.

The detections are functions of their own, for proofreading to reuse:
`find_lost_characters` (a "?" or U+FFFD where a character was lost) and
`find_problems` (everything reported), both on one line of text.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.utils.html import escape

from . import pinyin, script
from .sanitize import parse, text_blocks

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese characters plus the full-width punctuation that sits between them.
CJK = HAN + r"\u3000-\u303f\uff00-\uffef“”‘’"
_CONTAINS_HAN = re.compile(rf"[{HAN}]")
_SENTENCE_PUNCTUATION = "。！？；，：、"
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Problem:
    line: int
    column: int
    excerpt: str
    reason: str

    def __str__(self):
        return f"第 {self.line} 行第 {self.column} 字：{self.reason}：…{self.excerpt}…"


class Cell(NamedTuple):
    tag: str  # "td" or "th"
    text: str
    spans: tuple = ()  # (("colspan", "2"),) as in the file


@dataclass
class Report:
    title: str
    column_name: str | None
    # ("h2" | "p", text), or ("table", rows): a tuple of rows, each a tuple of Cells.
    blocks: list[tuple]
    problems: list[Problem] = field(default_factory=list)
    fixes: dict[str, int] = field(default_factory=dict)
    # Conversions an editor should check (著 → 着, 於 kept as a family name, a
    # traditional character left in a simplified line), with the same line numbers.
    checks: list[Problem] = field(default_factory=list)

    def body_html(self):
        return "\n".join(
            _table_html(content) if tag == "table" else f"<{tag}>{escape(content)}</{tag}>"
            for tag, content in self.blocks
        )


def _table_html(rows):
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            spans = "".join(f' {name}="{value}"' for name, value in cell.spans)
            cells.append(f"<{cell.tag}{spans}>{escape(cell.text)}</{cell.tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return "<table><tbody>" + "".join(lines) + "</tbody></table>"


# -- Punctuation ---------------------------------------------------------------

# An address never ends on punctuation (as Django's urlize trims it), so the comma
# after "https://example.gov.cn," is still prose.
_URL = re.compile(
    r"((?:https?|ftp)://[\x21-\x7e]*[A-Za-z0-9/#=&_~%+-]|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+)"
)
# Addresses are hidden behind this private-use character while punctuation is
# repaired and problems are looked for, one for each character, so positions hold.
_ADDRESS = "\ue000"
# What may end a sentence before a flattened "." or "?": a character, a percent
# sign, a closing bracket or quote, an address (issue 13, item 6). Digits too, in
# _sentence_end, unless they number a list (1. 2. at the start of a line).
_ENDS_SENTENCE = rf"{HAN}%‰）)\]”’」』》】{_ADDRESS}"
# What may follow one: the end of the line, or the next sentence.
_NEXT_SENTENCE = rf"(?=[ \t]*(?:$|[{HAN}“‘「『《（(]))"


def _mask_addresses(line):
    return _URL.sub(lambda match: _ADDRESS * len(match.group()), line)


def _fullwidth_punctuation(line):
    """ASCII punctuation in Chinese prose becomes the full-width form a Chinese
    reader expects; numbers (713.5, 1,000, 10:30), URLs and e-mail addresses are
    left alone. One character for one, so positions in the line hold."""
    masked, count = _fullwidth_masked(_mask_addresses(line), bool(_CONTAINS_HAN.search(line)))
    return "".join(
        old if new == _ADDRESS else new for old, new in zip(line, masked, strict=True)
    ), count


def _fullwidth_masked(line, has_han):
    count = 0

    def sub(pattern, replacement, text):
        nonlocal count
        text, n = re.subn(pattern, replacement, text)
        count += n
        return text

    # Brackets around Chinese text: 县(市、区) -> 县（市、区）.
    line = sub(rf"\(([^()]*[{HAN}][^()]*)\)", r"（\1）", line)
    if has_han:
        # In Chinese prose an ASCII comma, colon or semicolon is always flattened
        # punctuation, except inside a number (1,000; 10:30).
        line = sub(r"(?<!\d),|,(?!\d)", "，", line)
        line = sub(r"(?<!\d):|:(?!\d)", "：", line)
        line = sub(r";", "；", line)
        line = sub(rf"(?<=[{_ENDS_SENTENCE}])!", "！", line)
        # A question mark ends a sentence only before a line end, a space or a
        # quote; elsewhere a "?" is usually a lost character and is reported instead.
        line = sub(rf"(?<=[{_ENDS_SENTENCE}])\?(?=$|\s|[”’」])", "？", line)
        line = sub(rf"(?<=[{_ENDS_SENTENCE}])\.{_NEXT_SENTENCE}", "。", line)
        line, n = _sentence_end_after_number(line)
        count += n
    # Straight double quotes around Chinese: "最美家庭" -> “最美家庭”.
    line = sub(rf'"([^"]*[{HAN}][^"]*)"', r"“\1”", line)
    return line, count


_NUMBER_THEN_PERIOD = re.compile(rf"(\d+)\.{_NEXT_SENTENCE}")


def _sentence_end_after_number(line):
    """共输送1900人. is a period, so is 人员1900.; 1. at the start of a line numbers a
    list and 713.5 is a decimal (no sentence follows the point)."""

    count = 0

    def replace(match):
        nonlocal count
        before = line[: match.start()].rstrip()
        if not before or before[-1] in "(（":
            return match.group()
        count += 1
        return match.group(1) + "。"

    return _NUMBER_THEN_PERIOD.sub(replace, line), count


# -- What cannot be repaired ---------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """A stretch of one line (0-based offsets, end exclusive) and why it is suspect."""

    start: int
    end: int
    reason: str


_REPLACEMENT = re.compile("\ufffd+")
_QUESTION_MARKS = re.compile(r"\?+")
_DIGIT = re.compile(r"\d")
_IS_HAN = re.compile(rf"[{HAN}]")
_IS_CJK = re.compile(rf"[{CJK}]")


def find_lost_characters(line):
    """Where characters were lost in transit, in one line of repaired text:
    replacement characters (U+FFFD), and an ASCII "?" touching a Chinese character
    or a digit (巾帼勇?担当, 1?10个, 2?0个, 10?个) that is not a question mark ending
    a sentence. Web and e-mail addresses are skipped (list.jsp?id=3)."""
    masked = _mask_addresses(line)
    spots = [
        Spot(match.start(), match.end(), "替换字符（原字已丢失）")
        for match in _REPLACEMENT.finditer(masked)
    ]
    for match in _QUESTION_MARKS.finditer(masked):
        before = masked[match.start() - 1] if match.start() else ""
        after = masked[match.end()] if match.end() < len(masked) else ""
        if _IS_HAN.match(before) and (not after or after.isspace() or after in "”’」』"):
            continue  # 你好吗? ends a question (repair_line makes it full-width)
        if _IS_HAN.match(before) or _IS_HAN.match(after) or (_IS_CJK.match(before) and after):
            spots.append(Spot(match.start(), match.end(), "问号夹在汉字中（原字可能已丢失）"))
        elif _DIGIT.match(before) or _DIGIT.match(after):
            spots.append(Spot(match.start(), match.end(), "数字中的问号（原字可能已丢失）"))
    return sorted(spots, key=lambda spot: spot.start)


@lru_cache(maxsize=1)
def mixed_words():
    """Words and brand names with a Latin letter between characters on purpose
    (巾帼e家, B超), from news/data/mixed_words.txt."""
    lines = (DATA / "mixed_words.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


_STRAY_LETTER = re.compile(rf"(?<=[{CJK}])[A-Za-z](?=[{CJK}])")


def _stray_letters(line):
    allowed = set()
    for word in mixed_words():
        for match in re.finditer(re.escape(word), line):
            allowed.update(range(match.start(), match.end()))
    return [
        Spot(match.start(), match.end(), "汉字间孤立的字母（疑似乱码）")
        for match in _STRAY_LETTER.finditer(_mask_addresses(line))
        if match.start() not in allowed
    ]


_SUSPECTS = [
    (re.compile(rf"(?<=[{CJK}])[,;:](?=[{CJK}])"), "未能转换的半角标点"),
    (re.compile(r"[\u0080-\u009f]"), "控制字符（疑似编码错误）"),
]

# Mojibake from misaligned GBK bytes yields runs of rare characters (幸?;橐龃笾v堂).
# GB2312's first level holds the 3,755 everyday characters; three or more in a row
# from outside it is rare in news prose and worth an editor's look.
_RARE_RUN = 3


def _is_everyday(char):
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def _rare_runs(line):
    start = None
    for index, char in enumerate(line + "\n"):
        rare = bool(_CONTAINS_HAN.match(char)) and not _is_everyday(char)
        if rare and start is None:
            start = index
        elif not rare and start is not None:
            if index - start >= _RARE_RUN:
                yield Spot(start, index, "连续生僻字（疑似乱码）")
            start = None


def find_spots(line):
    """Every suspect stretch of one line of repaired text, in order: lost characters,
    leftover pinyin, stray letters, unconverted punctuation, control characters,
    runs of rare characters."""
    spots = find_lost_characters(line)
    spots += [
        Spot(fragment.start, fragment.end, "残留的拼音注音")
        for fragment in pinyin.find_fragments(line)
    ]
    spots += _stray_letters(line)
    masked = _mask_addresses(line)
    for pattern, reason in _SUSPECTS:
        spots += [Spot(match.start(), match.end(), reason) for match in pattern.finditer(masked)]
    spots += _rare_runs(line)
    return sorted(spots, key=lambda spot: spot.start)


def find_problems(line, line_number, origins=None):
    """find_spots as Problems. `origins` gives the (line, column) in the file of
    each character of `line`; without it the line is line `line_number` itself."""
    return [
        _problem(line, spot.start, spot.end, spot.reason, origins, line_number)
        for spot in find_spots(line)
    ]


def _problem(text, start, end, reason, origins, line_number=None):
    excerpt = text[max(0, start - 6) : end + 6]
    if origins:
        line, column = origins[min(start, len(origins) - 1)]
    else:
        line, column = line_number, start + 1
    return Problem(line=line, column=column, excerpt=excerpt, reason=reason)


# -- Repairing -----------------------------------------------------------------


@dataclass
class _Text:
    """A stretch of text with the place in the file of each of its characters."""

    text: str
    origins: list

    def without(self, spans):
        keep = [True] * len(self.text)
        for start, end in spans:
            keep[start:end] = [False] * (end - start)
        return _Text(
            "".join(char for char, kept in zip(self.text, keep, strict=True) if kept),
            [place for place, kept in zip(self.origins, keep, strict=True) if kept],
        )

    def replaced(self, conversions):
        pieces, places, cursor = [], [], 0
        for conversion in conversions:
            pieces.append(self.text[cursor : conversion.start])
            places.extend(self.origins[cursor : conversion.start])
            pieces.append(conversion.after)
            places.extend([self.origins[conversion.start]] * len(conversion.after))
            cursor = conversion.end
        pieces.append(self.text[cursor:])
        places.extend(self.origins[cursor:])
        return _Text("".join(pieces), places)

    def stripped(self):
        text = self.text.strip()
        start = len(self.text) - len(self.text.lstrip())
        return _Text(text, self.origins[start : start + len(text)])


class _Repair:
    """The repair of one document: fixes counted, problems and checks collected."""

    def __init__(self, document_script):
        self.document_script = document_script
        self.fixes = {"拼音注音": 0, "繁体转简体": 0, "标点": 0}
        self.problems = []
        self.checks = []

    def text(self, source):
        """Repair one block (a line, a paragraph, a cell) and report on it."""
        annotations = pinyin.find_annotations(source.text)
        source = source.without((a.start, a.end) for a in annotations)
        self.fixes["拼音注音"] += len(annotations)
        if (script.detect_script(source.text) or self.document_script) == script.TRADITIONAL:
            converted, conversions = script.to_simplified(source.text)
            self.fixes["繁体转简体"] += sum(
                len(c.after) for c in conversions if c.before != c.after
            )
            checks = _conversion_checks(conversions)
            source = _Text(converted, source.replaced(conversions).origins)
        else:
            checks = _left_traditional(source.text)
        text, punctuation = _fullwidth_punctuation(source.text)
        self.fixes["标点"] += punctuation
        self.checks += [_problem(text, *check, source.origins) for check in checks]
        repaired = _Text(text, source.origins).stripped()
        self.problems += find_problems(repaired.text, None, repaired.origins)
        return repaired.text


def _conversion_checks(conversions):
    """(start, end, reason) in the converted text for each conversion that chose a
    meaning (its offsets move by what earlier conversions added or took)."""
    checks, shift = [], 0
    for conversion in conversions:
        start = conversion.start + shift
        shift += len(conversion.after) - (conversion.end - conversion.start)
        if not conversion.ambiguous:
            continue
        if conversion.before == conversion.after:
            reason = f"“{conversion.before}”按姓氏保留，请核对"
        else:
            reason = f"“{conversion.before}”转为“{conversion.after}”（一对多），请核对"
        checks.append((start, start + len(conversion.after), reason))
    return checks


def _left_traditional(text):
    return [
        (index, index + 1, f"繁体字“{char}”未转换（本段按简体处理），请核对")
        for index, char in enumerate(text)
        if script.character_script(char) == script.TRADITIONAL
    ]


def repair_line(line):
    """Repair one line of text on its own (its script decided by the line alone).
    Returns the repaired line and the number of fixes of each kind."""
    repair = _Repair(None)
    text = repair.text(_Text(line, [(1, column) for column in range(1, len(line) + 1)]))
    return text, repair.fixes


_HTML = re.compile(r"<(p|div|br|h[1-6]|table|tr|td|li|body|html)\b", re.IGNORECASE)
# Word's (and WPS's) "web page": their markup names Office or its styles.
_WORD = re.compile(
    r"urn:schemas-microsoft-com:office|content=\"?Microsoft Word|class=\"?Mso|mso-",
    re.IGNORECASE,
)
_LINE_END = re.compile(r"\r\n|\r|\n")


def _source_blocks(text):
    """("text"|"heading"|"table", _Text or rows of (tag, _Text, spans)) for each block
    of the file, every character knowing its line and column in the file."""
    if _HTML.search(text):
        # Word writes a source line break only where the text had a space (a long
        # run of Chinese is never broken): there, every break is that space.
        word = bool(_WORD.search(text))
        for block in text_blocks(parse(text, located=True), breaks_are_spaces=word):
            if block.rows is not None:
                rows = [
                    [(cell.tag, _Text(cell.text, cell.origins), cell.attrs) for cell in row]
                    for row in block.rows
                ]
                yield "table", rows
            else:
                kind = "heading" if block.tag in {"h1", "h2", "h3", "h4", "h5", "h6"} else "text"
                yield kind, _Text(block.text, block.origins)
        return
    lines = _LINE_END.split(text)
    tabbed = []  # consecutive lines with tabs: a table saved as text
    for number, line in enumerate(lines, start=1):
        if "\t" in line.strip():
            tabbed.append((number, line))
            continue
        yield from _text_table(tabbed)
        tabbed = []
        if line.strip():
            yield "text", _Text(line, [(number, column) for column in range(1, len(line) + 1)])
    yield from _text_table(tabbed)


def _text_table(tabbed):
    if len(tabbed) == 1:
        number, line = tabbed[0]
        yield "text", _Text(line, [(number, column) for column in range(1, len(line) + 1)])
    elif tabbed:
        rows = []
        for number, line in tabbed:
            row, column = [], 1
            for cell in line.split("\t"):
                origins = [(number, column + offset) for offset in range(len(cell))]
                row.append(("td", _Text(cell, origins), {}))
                column += len(cell) + 1
            rows.append(row)
        yield "table", rows


def _looks_like_heading(text):
    # Sub-headings in these reports are short lines with no sentence punctuation.
    return len(text) <= 30 and not any(mark in text for mark in _SENTENCE_PUNCTUATION)


def repair_report(text, column_names=()):
    """Turn a report's text (or HTML) into a title, blocks and a list of problems.

    The first line may name the column (部门动态); the next non-empty line is the
    title; short unpunctuated lines (and an HTML file's headings) become
    sub-headings; tables stay tables."""
    sources = list(_source_blocks(text))
    whole = "\n".join(
        pinyin.strip_annotations(content.text)[0]
        if kind != "table"
        else "\n".join(cell.text for row in content for _, cell, _ in row)
        for kind, content in sources
    )
    repair = _Repair(script.detect_script(whole))
    blocks = []
    for kind, content in sources:
        if kind == "table":
            rows = tuple(
                tuple(
                    Cell(tag, repair.text(cell), tuple(sorted(spans.items())))
                    for tag, cell, spans in row
                )
                for row in content
            )
            blocks.append(("table", rows))
            continue
        repaired = repair.text(content)
        if repaired:
            heading = kind == "heading" or _looks_like_heading(repaired)
            blocks.append(("h2" if heading else "p", repaired))
    texts = [index for index, (tag, _) in enumerate(blocks) if tag != "table"]
    if not texts:
        raise ValueError("文件中没有文字。")
    column_name = None
    first = blocks[texts[0]][1]
    if first in column_names and len(texts) > 1:
        column_name = first
        del blocks[texts[0]]
        texts = [index - 1 for index in texts[1:]]
    title = blocks.pop(texts[0])[1]
    return Report(
        title=title,
        column_name=column_name,
        blocks=blocks,
        problems=sorted(repair.problems, key=lambda p: (p.line, p.column)),
        fixes=repair.fixes,
        checks=sorted(repair.checks, key=lambda p: (p.line, p.column)),
    )
