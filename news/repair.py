"""Repairing a damaged report before it becomes a draft article.

Reports reach staff as text or HTML files that have been through other systems:
traditional script, pinyin annotations after characters (市婦聯(lián)), punctuation
flattened to ASCII, and mojibake where bytes were lost. `repair_report` fixes
what can be fixed mechanically and lists every spot it could not, with its line,
so that garbled text is never published without an editor seeing it.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from .sanitize import clean_html, html_to_text

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese characters plus the full-width punctuation that sits between them.
CJK = HAN + r"\u3000-\u303f\uff00-\uffef“”‘’"
_PINYIN_LETTER = r"a-zü\u00e0-\u00fc\u0101-\u01dc"
# A pinyin syllable in brackets right after a character: 聯(lián) -> 聯.
_ANNOTATION = re.compile(rf"(?<=[{HAN}])\(([{_PINYIN_LETTER}]{{1,6}})\)")

_CONTAINS_HAN = re.compile(rf"[{HAN}]")
_SENTENCE_PUNCTUATION = "。！？；，：、"


@dataclass
class Problem:
    line: int
    column: int
    excerpt: str
    reason: str

    def __str__(self):
        return f"第 {self.line} 行第 {self.column} 字：{self.reason}：…{self.excerpt}…"


@dataclass
class Report:
    title: str
    column_name: str | None
    blocks: list[tuple[str, str]]  # ("h2" | "p", text)
    problems: list[Problem] = field(default_factory=list)
    fixes: dict[str, int] = field(default_factory=dict)

    def body_html(self):
        from django.utils.html import escape

        return "\n".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in self.blocks)


@lru_cache(maxsize=1)
def _converter():
    # Phrase-level conversion from traditional script (Taiwan usage, which also
    # turns 著力 into 着力 where plain character mapping would not).
    return opencc.OpenCC("tw2s")


def to_simplified(text):
    return _converter().convert(text)


# An address never ends on punctuation (as Django's urlize trims it), so the comma
# after "https://example.gov.cn," is still prose.
_URL = re.compile(
    r"((?:https?|ftp)://[\x21-\x7e]*[A-Za-z0-9/#=&_~%+-]|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+)"
)


def _fullwidth_punctuation(line):
    """ASCII punctuation in Chinese prose becomes the full-width form a Chinese
    reader expects; numbers (713.5, 1,000, 10:30), URLs and e-mail addresses are
    left alone."""
    pieces = _URL.split(line)
    has_han = bool(_CONTAINS_HAN.search(line))
    total = 0
    for index in range(0, len(pieces), 2):  # odd indexes are the URLs themselves
        pieces[index], count = _fullwidth_piece(pieces[index], has_han)
        total += count
    return "".join(pieces), total


def _fullwidth_piece(line, has_han):
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
    line = sub(rf"(?<=[{HAN}])!", "！", line)
    # A question mark ends a sentence only before a line end, a space or a quote;
    # elsewhere a "?" is usually a lost character and is reported instead.
    line = sub(rf"(?<=[{HAN}])\?(?=$|\s|[”’」])", "？", line)
    line = sub(rf"(?<=[{HAN}])\.(?=$|[{HAN}“])", "。", line)
    # Straight double quotes around Chinese: "最美家庭" -> “最美家庭”.
    line = sub(rf'"([^"]*[{HAN}][^"]*)"', r"“\1”", line)
    return line, count


# Patterns that mark text lost in transit, with the reason shown to staff.
_SUSPECTS = [
    (re.compile("\ufffd+"), "替换字符（原字已丢失）"),
    (re.compile(rf"(?<=[{CJK}])\?+|\?+(?=[{CJK}])"), "问号夹在汉字中（原字可能已丢失）"),
    (re.compile(rf"[{_PINYIN_LETTER}]+\)"), "残留的拼音注音"),
    (re.compile(rf"(?<=[{CJK}])[A-Za-z](?=[{CJK}])"), "汉字间孤立的字母（疑似乱码）"),
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
                yield start, index
            start = None


def find_problems(line, line_number):
    problems = []
    for pattern, reason in _SUSPECTS:
        for match in pattern.finditer(line):
            problems.append(_problem(line, line_number, match.start(), match.end(), reason))
    for start, end in _rare_runs(line):
        problems.append(_problem(line, line_number, start, end, "连续生僻字（疑似乱码）"))
    return sorted(problems, key=lambda problem: problem.column)


def _problem(line, line_number, start, end, reason):
    excerpt = line[max(0, start - 6) : end + 6]
    return Problem(line=line_number, column=start + 1, excerpt=excerpt, reason=reason)


def repair_line(line):
    """Return the repaired line and the number of fixes of each kind."""
    line, annotations = _ANNOTATION.subn("", line)
    converted = to_simplified(line)
    script = sum(1 for old, new in zip(line, converted) if old != new)  # noqa: B905
    line, punctuation = _fullwidth_punctuation(converted)
    return line.strip(), {"拼音注音": annotations, "繁体转简体": script, "标点": punctuation}


def _looks_like_heading(text):
    # Sub-headings in these reports are short lines with no sentence punctuation.
    return len(text) <= 30 and not any(mark in text for mark in _SENTENCE_PUNCTUATION)


def repair_report(text, column_names=()):
    """Turn a report's text (or HTML) into a title, blocks and a list of problems.

    The first line may name the column (部门动态); the next non-empty line is the
    title; short unpunctuated lines become sub-headings."""
    if re.search(r"<(p|div|br|h[1-6])\b", text, re.IGNORECASE):
        text = html_to_text(clean_html(text))
    fixes = {}
    problems = []
    lines = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        line, line_fixes = repair_line(raw_line)
        for kind, count in line_fixes.items():
            fixes[kind] = fixes.get(kind, 0) + count
        problems.extend(find_problems(line, number))
        lines.append(line)
    if not lines:
        raise ValueError("文件中没有文字。")
    column_name = None
    if lines[0] in column_names and len(lines) > 1:
        column_name = lines.pop(0)
    title = lines.pop(0)
    blocks = [("h2" if _looks_like_heading(line) else "p", line) for line in lines]
    return Report(
        title=title, column_name=column_name, blocks=blocks, problems=problems, fixes=fixes
    )
