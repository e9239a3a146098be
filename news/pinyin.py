"""Pinyin readings written after characters, told apart from English in brackets.

Reports that went through other systems carry readings after characters, in several
styles: 聯(lián), 聯(lian2), 聯（lián）, 婦聯(fù lián). Editors also put English glosses
in brackets: 微信(wechat), 邮箱(email), 下载(app). Only a reading is removed, so a
bracket counts as one when everything in it is Mandarin syllables (checked against
the syllable inventory below) and at least one syllable carries a tone, marked
(lián) or numbered (lian2). Without a tone nothing is taken for pinyin: (man),
(can), (die) and (chinese) spell syllables too, and are English.

The importer (news.repair) removes annotations with `strip_annotations` and
reports leftovers with `find_fragments`; proofreading reuses both. Offsets are
indexes into the string given (0-based, end exclusive).
"""

import re
import unicodedata
from dataclasses import dataclass

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

# The syllables of Standard Mandarin (Hanyu Pinyin, without tones), ü written v: the
# rows of the standard syllable table, initial by initial. The interjections m, n,
# ng, hm and hng are left out: they would let "liáng2" pass as "lia" + "ng2".
SYLLABLES = frozenset(
    """
    a ai an ang ao e ei en eng er o ou ê
    yi ya yo ye yai yao you yan yin yang ying yong yu yue yuan yun
    wu wa wo wai wei wan wen wang weng
    ba bo bai bei bao ban ben bang beng bi bie biao bian bin bing bu
    pa po pai pei pao pou pan pen pang peng pi pie piao pian pin ping pu
    ma mo me mai mei mao mou man men mang meng mi mie miao miu mian min ming mu
    fa fo fei fou fan fen fang feng fiao fu
    da de dai dei dao dou dan den dang deng dong di dia die diao diu dian ding
    du duo dui duan dun
    ta te tai tei tao tou tan tang teng tong ti tie tiao tian ting tu tuo tui tuan tun
    na ne nai nei nao nou nan nen nang neng nong ni nie niao niu nian nin niang ning
    nu nuo nuan nun nv nve
    la le lai lei lao lou lan lang leng long li lia lie liao liu lian lin liang ling
    lo lu luo luan lun lv lve
    ga ge gai gei gao gou gan gen gang geng gong gu gua guo guai gui guan gun guang
    ka ke kai kei kao kou kan ken kang keng kong ku kua kuo kuai kui kuan kun kuang
    ha he hai hei hao hou han hen hang heng hong hu hua huo huai hui huan hun huang
    ji jia jie jiao jiu jian jin jiang jing jiong ju jue juan jun
    qi qia qie qiao qiu qian qin qiang qing qiong qu que quan qun
    xi xia xie xiao xiu xian xin xiang xing xiong xu xue xuan xun
    zha zhe zhi zhai zhei zhao zhou zhan zhen zhang zheng zhong
    zhu zhua zhuo zhuai zhui zhuan zhun zhuang
    cha che chi chai chao chou chan chen chang cheng chong
    chu chua chuo chuai chui chuan chun chuang
    sha she shi shai shei shao shou shan shen shang sheng
    shu shua shuo shuai shui shuan shun shuang
    re ri rao rou ran ren rang reng rong ru rua ruo rui ruan run
    za ze zi zai zei zao zou zan zen zang zeng zong zu zuo zui zuan zun
    ca ce ci cai cao cou can cen cang ceng cong cu cuo cui cuan cun
    sa se si sai sao sou san sen sang seng song su suo sui suan sun
    """.split()
)
_LONGEST = max(len(syllable) for syllable in SYLLABLES)

# Combining marks after NFD: the four tones, and the breve that input methods often
# type for the third tone (lĭng for lǐng).
_TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0306": 3, "\u0300": 4}
_DIAERESIS = "\u0308"  # ü
_CIRCUMFLEX = "\u0302"  # ê
_SEPARATORS = re.compile(r"[ '’\-·]+")


@dataclass(frozen=True)
class Syllable:
    letters: str  # without tone, ü as v
    tone: int | None  # 1-4, 5 for a numbered neutral tone, None when unmarked


def _letters(token):
    """(letters, tone marked on each letter, tone number after each letter), or None
    when the token holds anything but lowercase pinyin letters, marks and digits."""
    letters, marks, numbers = [], [], []
    for char in unicodedata.normalize("NFD", token):
        if "a" <= char <= "z":
            letters.append(char)
            marks.append(None)
            numbers.append(None)
        elif char in _TONE_MARKS and letters and marks[-1] is None:
            marks[-1] = _TONE_MARKS[char]
        elif char == _DIAERESIS and letters and letters[-1] == "u":
            letters[-1] = "v"
        elif char == _CIRCUMFLEX and letters and letters[-1] == "e":
            letters[-1] = "ê"
        elif char in "12345" and letters and numbers[-1] is None:
            numbers[-1] = int(char)
        elif char == ":" and letters and letters[-1] == "u":  # lu:4, an old typing of lü
            letters[-1] = "v"
        else:
            return None
    return "".join(letters), marks, numbers


def _segment(letters, marks, numbers, start=0):
    """Split letters[start:] into syllables, longest first; None when it cannot be.
    A tone number can only close a syllable, and a syllable has one tone mark."""
    if start == len(letters):
        return []
    for length in range(min(_LONGEST, len(letters) - start), 0, -1):
        end = start + length
        if letters[start:end] not in SYLLABLES:
            continue
        if any(number is not None for number in numbers[start : end - 1]):
            continue
        tones = [mark for mark in marks[start:end] if mark is not None]
        if len(tones) > 1 or (tones and numbers[end - 1] is not None):
            continue
        rest = _segment(letters, marks, numbers, end)
        if rest is not None:
            tone = tones[0] if tones else numbers[end - 1]
            return [Syllable(letters[start:end], tone), *rest]
    return None


def syllables(text):
    """The syllables a reading is made of (fù lián, fùlián, fu4lian2, lian2), or None
    when it is not made of pinyin syllables alone."""
    found = []
    for token in _SEPARATORS.split(text.strip()):
        if not token:
            continue
        parsed = _letters(token)
        if parsed is None or not parsed[0]:
            return None
        segmented = _segment(*parsed)
        if segmented is None:
            return None
        found.extend(segmented)
    return found or None


def is_pinyin(text):
    """True when `text` is a pinyin reading: only syllables of the inventory, at
    least one of them with a tone mark or number. (app), (email), (wechat) are not."""
    found = syllables(text)
    return bool(found) and any(syllable.tone is not None for syllable in found)


@dataclass(frozen=True)
class Annotation:
    start: int  # the opening bracket (or the space before it)
    end: int  # after the closing bracket
    reading: str  # what was inside the brackets


# A bracketed stretch right after a character, in ASCII or full-width brackets.
_BRACKETED = re.compile(rf"(?<=[{HAN}])[ \u3000]?[(（]([^()（）\n]{{1,40}})[)）]")


def find_annotations(text):
    """Pinyin readings in brackets right after a character: 聯(lián), 聯(lian2),
    聯（lián）, 婦聯(fù lián)."""
    return [
        Annotation(match.start(), match.end(), match.group(1))
        for match in _BRACKETED.finditer(text)
        if is_pinyin(match.group(1))
    ]


def strip_annotations(text):
    """`text` without its pinyin readings, and the readings removed (their offsets
    are in `text` as given)."""
    annotations = find_annotations(text)
    pieces, cursor = [], 0
    for annotation in annotations:
        pieces.append(text[cursor : annotation.start])
        cursor = annotation.end
    pieces.append(text[cursor:])
    return "".join(pieces), annotations


# Pinyin-like letters in brackets, or touching one bracket only: what is left of a
# reading when the character before it, or one of its brackets, was lost
# (勇?lián)?dāng)).
_LETTERS = r"a-z0-9\u00c0-\u024f:"
_FRAGMENT = re.compile(
    rf"[(（]([^()（）\n]{{1,40}})[)）]"
    rf"|(?<![A-Za-z{_LETTERS}(（])([{_LETTERS}]+)[)）]"
    rf"|[(（]([{_LETTERS}]+)(?![A-Za-z{_LETTERS})）])"
)


def find_fragments(text):
    """Readings left in the text that strip_annotations could not remove: in brackets
    after something other than a character (勇?(dān)), or with only the closing
    (lián)) or only the opening bracket. Offsets of the whole leftover."""
    fragments = []
    for match in _FRAGMENT.finditer(text):
        reading = match.group(1) or match.group(2) or match.group(3)
        if is_pinyin(reading):
            fragments.append(Annotation(match.start(), match.end(), reading))
    return fragments
