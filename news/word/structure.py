"""What a line of a Chinese document is, read from its text alone: a GB/T 9704
heading, the 供稿/作者 line, the date line. Plain functions of a string, so the rules
can be read and tested on their own (issue 14).

GB/T 9704-2012 (党政机关公文格式, 7.3.3) numbers the levels of a document's structure
一、 （一） 1. （1）. The first two are headings on a line of their own and become
<h2> and <h3>. The third and fourth stay paragraphs with their numbers as typed:
they usually lead a paragraph of running text ("1.加强组织领导。各级妇联要……"),
and an <ol> would renumber them (and lose the brackets of （1）) the moment an editor
inserted an item.
"""

import datetime
import re

_CHINESE_DIGITS = "〇零一二三四五六七八九十百"
_NUMERAL = f"[{_CHINESE_DIGITS}]{{1,4}}"
_HEADING_PATTERNS = (
    (2, re.compile(rf"^{_NUMERAL}、")),
    (3, re.compile(rf"^[（(]{_NUMERAL}[）)]")),
)
# A heading is a line of its own. A 一、 or （一） that runs on into sentences
# ("（一）加强领导。各级妇联要……") is a paragraph with a run-in heading.
HEADING_MAX_CHARS = 40
_SENTENCE_END = re.compile(r"[。！？；][^。！？；]")


def heading_level(text):
    """2 for 一、, 3 for （一）, None for anything else (1. and （1） included)."""
    text = text.strip()
    if len(text) > HEADING_MAX_CHARS or _SENTENCE_END.search(text):
        return None
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(text):
            return level
    return None


TITLE_STYLES = {"title", "标题"}
SUBTITLE_STYLES = {"subtitle", "副标题"}


def is_title_style(style_name):
    return (style_name or "").strip().lower() in TITLE_STYLES


# -- 供稿 / 作者 -------------------------------------------------------------------

_OPEN, _CLOSE = "（(【[", "）)】]"
SOURCE_LINE_MAX_CHARS = 60
_SOURCE_PATTERNS = (
    ("source", re.compile(r"^(?:供稿|来源|稿件来源|信息来源|供稿单位)\s*[:：]\s*(?P<name>.+)$")),
    ("source", re.compile(r"^(?P<name>.+?)\s*(?:供稿|来稿)$")),
    # A label and its separator: "文明实践活动" is not 文 + 明实践活动.
    ("author", re.compile(r"^(?:作者|撰稿|撰稿人|执笔|文)\s*[:：/／]\s*(?P<name>.+)$")),
    ("author", re.compile(r"^(?:记者|通讯员)(?:\s*[:：/／]\s*|\s+)(?P<name>.+)$")),
    ("author", re.compile(r"^(?P<name>.+?)\s*(?:撰稿|执笔)$")),
)
NAME_MAX_CHARS = 40
# Between the parts of a combined line: "市妇联办公室供稿　作者：张三".
_PART_BREAK = re.compile(r"\s*[；;，,]\s*|\s{2,}|\u3000+")


def source_line(text):
    """{"source": ..., "author": ...} (one or both) when the whole line is a 供稿 /
    作者 line such as （市妇联办公室 供稿） or 来源：市妇联 作者：张三; else None."""
    text = text.strip()
    if not text or len(text) > SOURCE_LINE_MAX_CHARS:
        return None
    if text[0] in _OPEN and text[-1] in _CLOSE:
        text = text[1:-1].strip()
    found = {}
    for part in _split_parts(text):
        match = _match_part(part)
        if match is None:
            return None
        field, name = match
        found.setdefault(field, name)
    return found or None


def _split_parts(text):
    parts = [part for part in _PART_BREAK.split(text) if part]
    # "来源：市妇联 作者：张三": a single space also separates labelled parts.
    return [piece for part in parts for piece in re.split(r"\s+(?=\S+[:：])", part)]


def _match_part(part):
    for field, pattern in _SOURCE_PATTERNS:
        match = pattern.match(part)
        name = match.group("name").strip(" :：/／") if match else ""
        if name and len(name) <= NAME_MAX_CHARS:
            return field, name
    return None


# -- the date line -------------------------------------------------------------

DATE_LINE_MAX_CHARS = 24
_ARABIC_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_NUMERIC_DATE = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")
# Before GB/T 9704-2012 the date was written in Chinese numerals: 二〇二一年三月八日.
_CHINESE_DATE = re.compile(
    r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$"
)
_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _chinese_number(text):
    """一 .. 三十一 as an int."""
    if "十" not in text:
        return _DIGIT[text]
    tens, _ten, ones = text.partition("十")
    return (_DIGIT[tens] if tens else 1) * 10 + (_DIGIT[ones] if ones else 0)


def date_line(text):
    """The date when the whole line is one (2026年3月8日, 二〇二六年三月八日,
    2026-03-08, in brackets or not), else None."""
    text = text.strip()
    if not text or len(text) > DATE_LINE_MAX_CHARS:
        return None
    if text[0] in _OPEN and text[-1] in _CLOSE:
        text = text[1:-1].strip()
    try:
        if match := _ARABIC_DATE.match(text) or _NUMERIC_DATE.match(text):
            return datetime.date(*(int(part) for part in match.groups()))
        if match := _CHINESE_DATE.match(text):
            year = int("".join(str(_DIGIT[c]) for c in match.group(1)))
            return datetime.date(
                year, _chinese_number(match.group(2)), _chinese_number(match.group(3))
            )
    except (ValueError, KeyError):
        return None
    return None
