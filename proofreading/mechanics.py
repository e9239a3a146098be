"""Writing mechanics (文字规范): traditional characters in simplified text, half-width
punctuation in Chinese prose, doubled punctuation, unmatched paired marks, stray
spaces between characters, leftovers of a damaged import (pinyin annotations, lost
characters: news.repair's own detection), full-width digits and mixed date formats.

Each check is one regular expression (or one scan) over the article's text, never one
per word; the doubled characters (的的, 了了) are matched with the word lists in the
one automaton pass (lexicon.py). Each yields Spot values; checker.py turns them into
findings and drops those covered by an exception (data/exceptions.tsv).

Standards: GB/T 15834—2011《标点符号用法》 (full-width marks in Chinese text, paired
marks, a quotation running over several paragraphs), GB/T 15835—2011《出版物上数字用法》
(half-width Arabic digits; one way of writing dates).
"""

import functools
import re
from collections import Counter
from typing import NamedTuple

import opencc

from news.repair import HAN, find_spots
from news.script import to_simplified as _to_simplified

from .findings import MINOR, SERIOUS


class Spot(NamedTuple):
    start: int
    end: int
    suggestion: str | None
    why: str
    severity: str = MINOR


# -- traditional characters ----------------------------------------------------------


@functools.cache
def traditional_characters():
    """Characters OpenCC converts to another one that GB 2312, the simplified national
    character set, does not contain: 劉, 聯, 說. Characters that are also correct
    simplified script (著 in 著名, 乾 in 乾坤, 於 as a surname) are in GB 2312 and so
    never counted; the few that are not (瞭 in 瞭望) are exceptions in the data."""
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
    characters = [chr(code) for first, last in ranges for code in range(first, last + 1)]
    converted = opencc.OpenCC("t2s").convert("\n".join(characters)).split("\n")
    found = set()
    for character, simplified in zip(characters, converted, strict=True):
        if simplified != character:
            try:
                character.encode("gb2312")
            except UnicodeEncodeError:
                found.add(character)
    return frozenset(found)


def to_simplified(text):
    """`text` in simplified script, as the importer converts it (news.script)."""
    return _to_simplified(text)[0]


@functools.cache
def _traditional_run():
    # One run for a word even when a character of it is the same in both scripts:
    # 婦女群眾 is one finding (婦女群众 -> 妇女群众), not two.
    traditional = "[" + "".join(sorted(traditional_characters())) + "]"
    return re.compile(f"{traditional}(?:[{HAN}]?{traditional})*")


def _simplified(text, start, end):
    """The simplified form of text[start:end], converted with a little of its context
    (OpenCC converts phrase by phrase: 著 stays in 著名 but becomes 着 in 著力)."""
    left, right = max(0, start - 2), min(len(text), end + 2)
    converted = to_simplified(text[left:right])
    if len(converted) == right - left:
        return converted[start - left : end - left]
    return to_simplified(text[start:end])


def traditional(text):
    for match in _traditional_run().finditer(text):
        start, end = match.span()
        yield Spot(start, end, _simplified(text, start, end), "繁体字混在简体文章中")


# -- punctuation -----------------------------------------------------------------------

_CLOSING = "”’）》」』】"
_OPENING = "“‘（《"
_IS_HAN = re.compile(f"[{HAN}]")
_HALF_MARKS = re.compile(r"[,;:!?.]")
_HALF_BRACKETS = re.compile(rf"\(([^()\n]*[{HAN}][^()\n]*)\)")
_HALF_QUOTES = re.compile(rf'"([^"\n]*[{HAN}][^"\n]*)"')
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}


def _is_han(char):
    return bool(char) and _IS_HAN.match(char) is not None


def _half_width(text, index):
    """Whether the half-width mark at `index` is punctuation of Chinese prose."""
    mark = text[index]
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if mark in ",;:!":
        if _is_han(before) or (before and before in _CLOSING):
            return True  # 妇联,全市 / 535场次;读书班 / 联系人:某某
        if mark in ",;" and before != ",":
            ahead = text[index + 2] if after == " " and index + 2 < len(text) else after
            if before.isdigit():
                return _is_han(after)  # 2021,全市 (but 1,000 is a number)
            return _is_han(ahead) or (ahead and ahead in _OPENING)
        return False
    # ? and . end a Chinese sentence only before the end of a line, a space or a
    # closing mark (and . before the next character); a ? between characters is a
    # lost character, which import_leftovers reports.
    if not _is_han(before):
        return False
    if mark == "?":
        return after in ("", "\n", " ") or after in _CLOSING
    return after in ("", "\n", " ") or _is_han(after) or after == "“"


def half_width_punctuation(text):
    why = "中文里用了半角标点，应为全角"
    for match in _HALF_MARKS.finditer(text):
        if _half_width(text, match.start()):
            yield Spot(match.start(), match.end(), _FULL[match.group()], why)
    if "(" in text:
        for match in _HALF_BRACKETS.finditer(text):
            yield Spot(match.start(), match.end(), f"（{match.group(1)}）", "中文里用了半角括号")
    if '"' in text:
        for match in _HALF_QUOTES.finditer(text):
            yield Spot(match.start(), match.end(), f"“{match.group(1)}”", "中文里用了直引号")


_DOUBLED_MARKS = re.compile("[，。、；：]{2,}")


def doubled_punctuation(text):
    for match in _DOUBLED_MARKS.finditer(text):
        run = match.group()
        # Keep the strongest mark: 。 over ；, either over the rest (，。 -> 。).
        keep = next((mark for mark in "。；" if mark in run), run[-1])
        yield Spot(match.start(), match.end(), keep, "标点重复")


PAIRS = [("“", "”"), ("《", "》"), ("（", "）"), ("【", "】")]
_CLOSES = {closing: opening for opening, closing in PAIRS}
_PAIRED = re.compile("[" + "".join(opening + closing for opening, closing in PAIRS) + "]")


def unmatched_pairs(blocks):
    """Paired marks left open or closed without opening, block by block. A quotation
    that runs over several paragraphs opens each one and closes only the last
    (GB/T 15834—2011, 4.1.3.4): an opening “ left open is fine when the next block
    starts with “."""
    for position, block in enumerate(blocks):
        marks = list(_PAIRED.finditer(block.text))
        if not marks:
            continue
        open_at = {opening: [] for opening, _closing in PAIRS}
        for match in marks:
            char = match.group()
            if char in open_at:
                open_at[char].append(match.start())
            elif open_at[_CLOSES[char]]:
                open_at[_CLOSES[char]].pop()
            else:
                at = block.start + match.start()
                yield Spot(at, at + 1, None, f"「{char}」前面没有配对的「{_CLOSES[char]}」")
        following = blocks[position + 1].text.lstrip() if position + 1 < len(blocks) else ""
        for opening, closing in PAIRS:
            if opening == "“" and following.startswith("“"):
                continue
            for index in open_at[opening]:
                at = block.start + index
                yield Spot(at, at + 1, None, f"「{opening}」后面没有配对的「{closing}」")


# -- spaces ----------------------------------------------------------------------------

_SPACES = re.compile(rf"(?<=[{HAN}])[ \u00a0\u3000]+(?=[{HAN}])")
_PHRASE_EDGE = "。，、；：！？“”‘’《》（）【】 \u00a0\u3000\n"
PHRASE_MINIMUM = 3  # 巾帼心向党 奋斗新征程: phrases of a slogan, not a word cut in two


def _phrase_lengths(text, start, end):
    left = start
    while left > 0 and text[left - 1] not in _PHRASE_EDGE:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _PHRASE_EDGE:
        right += 1
    return start - left, right - end


def _inside_quotation(text, index):
    for opening, closing in (("“", "”"), ("《", "》")):
        before = text.rfind(opening, 0, index)
        if before != -1 and text.rfind(closing, before, index) == -1:
            after = text.find(closing, index)
            if after != -1:
                return True
    return False


def stray_spaces(blocks):
    """A space between two Chinese characters, except where a title, a heading or a
    quoted slogan sets two phrases apart with one (市妇联：巾帼勇担当 展现新作为;
    以“巾帼心向党 奋斗新征程”为主题)."""
    for block in blocks:
        for match in _SPACES.finditer(block.text):
            left, right = _phrase_lengths(block.text, *match.span())
            phrases = left >= PHRASE_MINIMUM and right >= PHRASE_MINIMUM
            if phrases and (block.heading or _inside_quotation(block.text, match.start())):
                continue
            yield Spot(
                block.start + match.start(),
                block.start + match.end(),
                "",
                "汉字之间多了空格",
            )


# -- leftovers of a damaged import: news.repair's detection ----------------------------

# What news.repair.find_spots reports, as a finding's severity.
# "未能转换的半角标点" is left out: half_width_punctuation reports it with its fix.
REPAIR_REASONS = {
    "替换字符（原字已丢失）": SERIOUS,
    "问号夹在汉字中（原字可能已丢失）": SERIOUS,
    "数字中的问号（原字可能已丢失）": SERIOUS,
    "残留的拼音注音": MINOR,
    "汉字间孤立的字母（疑似乱码）": MINOR,
    "控制字符（疑似编码错误）": SERIOUS,
    "连续生僻字（疑似乱码）": MINOR,
}
# Only lines holding one of these can have a spot find_spots reports, so the others
# are not passed to it (its rare-character scan works character by character).
_SUSPECT = re.compile(r"[?\ufffd)）\u0080-\u009fA-Za-z0-9]")


@functools.cache
def _everyday():
    """GB 2312's first level, the 3,755 everyday characters (as news.repair counts)."""
    return frozenset(
        bytes([high, low]).decode("gb2312")
        for high in range(0xB0, 0xD8)
        for low in range(0xA1, 0xFF)
        if not (high == 0xD7 and low > 0xF9)
    )


@functools.cache
def _rare_run():
    everyday = _everyday()
    rare = "".join(
        chr(code)
        for first, last in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
        for code in range(first, last + 1)
        if chr(code) not in everyday
    )
    return re.compile(f"[{re.escape(rare)}]{{3,}}")


def import_leftovers(blocks):
    """Pinyin annotations, lost characters (? and the replacement character), stray
    letters and runs of rare characters, as news.repair.find_spots finds them in
    an imported report."""
    for block in blocks:
        line = block.text
        if not _SUSPECT.search(line) and not _rare_run().search(line):
            continue
        for spot in find_spots(line):
            severity = REPAIR_REASONS.get(spot.reason)
            if severity is None:
                continue
            start, end = spot.start, spot.end
            if spot.reason.startswith("连续生僻字") and all(
                char in traditional_characters() for char in line[start:end]
            ):
                continue  # traditional script, reported as such with its fix
            suggestion = "" if spot.reason.startswith("残留的拼音注音") else None
            yield Spot(block.start + start, block.start + end, suggestion, spot.reason, severity)


# -- numbers and dates -----------------------------------------------------------------

_FULL_WIDTH_DIGITS = re.compile("[０-９][０-９．，]*[０-９]|[０-９]")
_TO_ASCII = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def full_width_digits(text):
    for match in _FULL_WIDTH_DIGITS.finditer(text):
        yield Spot(
            match.start(),
            match.end(),
            match.group().translate(_TO_ASCII),
            "数字用了全角，应为半角阿拉伯数字",
        )


# A date is not part of a longer number, an address or a version (checked by hand
# after the match: a look-behind tried at every position costs more than the rest).
_NOT_BEFORE = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/.-")
DATE_FORMATS = {
    # Found by its 月 (a search for a literal is fast), the year looked for before it.
    "年月日": re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"),
    "-": re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9A-Za-z/\-])"),
    "/": re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?![0-9A-Za-z/\-])"),
    ".": re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})(?![0-9A-Za-z/\-.])"),
}
_MARKS = {"年月日": "月", "-": "-", "/": "/", ".": "."}
_MONTH = re.compile(r"\d{1,2}月\d{1,2}日")


def _dates(name, text):
    if name == "年月日":
        # Every 月 found as a literal, the pattern tried from the digits before it (a
        # pattern tried at every position of a long article costs more than the rest).
        at = text.find("月")
        while at != -1:
            start = at
            while start > 0 and text[start - 1].isdigit() and at - start < 2:
                start -= 1
            if start > 4 and text[start - 1] == "年" and text[start - 5 : start - 1].isdigit():
                start -= 5
            match = DATE_FORMATS[name].match(text, start)
            if match and match.start() == start and _is_date(text, match):
                yield match
            at = text.find("月", at + 1)
        return
    for match in DATE_FORMATS[name].finditer(text):
        if _is_date(text, match):
            yield match


def _is_date(text, match):
    start = match.start()
    return 1 <= int(match.group(2)) <= 12 and (start == 0 or text[start - 1] not in _NOT_BEFORE)


_FORMAT_NAMES = {
    "年月日": "“2022年3月8日”",
    "-": "“2022-03-08”",
    "/": "“2022/3/8”",
    ".": "“2022.3.8”",
}


def _written(format_name, year, month, day):
    if format_name == "年月日":
        return f"{year}年{int(month)}月{int(day)}日" if year else f"{int(month)}月{int(day)}日"
    if year is None:
        return None
    if format_name == "-":
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}{format_name}{int(month)}{format_name}{int(day)}"


def mixed_dates(text):
    """Dates written in more than one way in one article (GB/T 15835—2011 asks for one
    way): the rarer ways are reported, with the date rewritten the common way."""
    found = {name: list(_dates(name, text)) for name in DATE_FORMATS if _MARKS[name] in text}
    counts = Counter({name: len(matches) for name, matches in found.items() if matches})
    if len(counts) < 2:
        return
    # The commonest way wins; on a tie, the Chinese way (年月日).
    usual = max(counts, key=lambda name: (counts[name], name == "年月日"))
    for name, matches in found.items():
        if name == usual:
            continue
        for match in matches:
            yield Spot(
                match.start(),
                match.end(),
                _written(usual, *match.groups()),
                f"日期写法不统一：本文多用{_FORMAT_NAMES[usual]}的写法",
            )
