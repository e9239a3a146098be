"""Traditional or simplified script: which one a text is written in, and turning
traditional text into simplified without touching what already is.

OpenCC's tw2s is right for traditional text (著力 becomes 着力, 乾燥 becomes 干燥)
and wrong for simplified text, which it "converts" again: 显著 becomes 显着, 乾县
becomes 干县, the family name 於 becomes 于 (issue 13, item 1). So the script is
detected first and only traditional text is converted, and a list of words keeps
著, 乾 and 於 where the simplified form keeps them (news/data/keep_in_simplified.txt).

Which characters tell: one that OpenCC would change and that GB 2312 (the simplified
character set) lacks is traditional (婦, 聯); one that OpenCC would change the other
way and Big5 (the traditional set) lacks is simplified (妇, 联). The rest (著, 乾, 后,
干, 2021年) belong to both and decide nothing.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

TRADITIONAL = "traditional"
SIMPLIFIED = "simplified"

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=4)
def _converter(config):
    return opencc.OpenCC(config)


def _in_charset(char, encoding):
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=65536)
def character_script(char):
    """TRADITIONAL or SIMPLIFIED for a character only one script writes, else None."""
    if not "\u3400" <= char <= "\u9fff" and not "\uf900" <= char <= "\ufaff":
        return None
    if _converter("tw2s").convert(char) != char and not _in_charset(char, "gb2312"):
        return TRADITIONAL
    if _converter("s2t").convert(char) != char and not _in_charset(char, "big5"):
        return SIMPLIFIED
    return None


def detect_script(text):
    """TRADITIONAL or SIMPLIFIED, whichever has more characters of its own in `text`;
    None when neither does (no Chinese, or only characters both scripts share)."""
    traditional = simplified = 0
    for char in text:
        script = character_script(char)
        if script == TRADITIONAL:
            traditional += 1
        elif script == SIMPLIFIED:
            simplified += 1
    if traditional > simplified:
        return TRADITIONAL
    if simplified > traditional:
        return SIMPLIFIED
    return None


@dataclass(frozen=True)
class Conversion:
    """One converted stretch: offsets in the text given, what it was and became.
    `ambiguous` when what it was is also a simplified character in its own right
    (著, 乾, 於, 後...), so the conversion chose a meaning an editor should check."""

    start: int
    end: int
    before: str
    after: str
    ambiguous: bool


def _words():
    lines = (DATA / "keep_in_simplified.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _kept_words():
    """Every spelling of the kept words (simplified, traditional, Taiwan) -> the
    simplified word, and one pattern matching any of them, longest first."""
    spellings = {}
    for word in _words():
        for config in ("s2t", "s2tw"):
            spellings.setdefault(_converter(config).convert(word), word)
        spellings[word] = word
    alternatives = sorted(spellings, key=len, reverse=True)
    return spellings, re.compile("|".join(map(re.escape, alternatives)))


# 於 as a family name: at the start, after a separator, a title or a word that comes
# before a name (和於芳、部长於文、请於明主任), and followed by a one- or two-character
# given name and a title. 於是, 於此 and the like are the preposition.
_TITLES = (
    "同志 女士 先生 主任 書記 书记 老師 老师 主席 部長 部长 會長 会长 院長 院长 局長 局长 "
    "處長 处长 科長 科长 經理 经理 委員 委员 代表 教授 博士 醫生 医生 律師 律师 村長 村长 "
    "鎮長 镇长 縣長 县长 市長 市长 廳長 厅长 校長 校长"
).split()
_BEFORE_NAME = [rf"[^{HAN}]", "[和與与及同請请讓让向給给被把是的了叫名]", *_TITLES]
_FAMILY_NAME_YU = re.compile(
    "(?:^|" + "|".join(f"(?<={before})" for before in _BEFORE_NAME) + ")"
    rf"於(?![是此今斯])(?=[{HAN}]{{1,2}}副?(?:{'|'.join(_TITLES)}))"
)


def _convert_plain(text, offset, conversions):
    converted = _converter("tw2s").convert(text)
    if len(converted) == len(text):
        for index, (old, new) in enumerate(zip(text, converted, strict=True)):
            if old != new:
                ambiguous = _in_charset(old, "gb2312")
                conversions.append(
                    Conversion(offset + index, offset + index + 1, old, new, ambiguous)
                )
    elif converted != text:
        ambiguous = any(character_script(char) is None for char in text if char not in converted)
        conversions.append(Conversion(offset, offset + len(text), text, converted, ambiguous))
    return converted


def to_simplified(text):
    """Traditional `text` in simplified script (OpenCC tw2s, at the level of words),
    keeping the words of news/data/keep_in_simplified.txt and 於 as a family name.
    Returns the text and every Conversion made, in order; a 於 kept as a family name
    is one too (於 to 於, ambiguous), since that was a guess. Use it on text that
    detect_script finds traditional: simplified text would be changed as well."""
    spellings, pattern = _kept_words()
    kept = [(m.start(), m.end(), spellings[m.group()], False) for m in pattern.finditer(text)]
    kept += [(m.start(), m.end(), "於", True) for m in _FAMILY_NAME_YU.finditer(text)]
    kept.sort()
    pieces, conversions, cursor = [], [], 0
    for start, end, word, guessed in kept:
        if start < cursor:
            continue
        pieces.append(_convert_plain(text[cursor:start], cursor, conversions))
        if guessed:
            conversions.append(Conversion(start, end, word, word, True))
        for index, (old, new) in enumerate(zip(text[start:end], word, strict=True)):
            if old != new:
                conversions.append(Conversion(start + index, start + index + 1, old, new, False))
        pieces.append(word)
        cursor = end
    pieces.append(_convert_plain(text[cursor:], cursor, conversions))
    return "".join(pieces), conversions
