"""The word lists, compiled into one Aho-Corasick automaton (pyahocorasick): the
built-in 易错词 list and exceptions (data/*.tsv), the doubled characters
(data/doubled.txt), and the staff's 规范表述 and 敏感词 from the database. One pass
over an article finds every entry of every list, however long the lists grow; a
regular expression per word would pass over the text once per word.

The compiled automaton is kept per process and rebuilt only when the staff's lists
change (they are part of its cache key)."""

import functools
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from .findings import COMMON_ERROR, MECHANICS, MINOR, SENSITIVE, SERIOUS, WORDING
from .models import SensitiveWord, Wording

DATA = Path(__file__).resolve().parent / "data"

# The sources named in data/common_errors.tsv: (what the finding says, how serious).
# A wrong character is an error an inspection counts; a variant form that the national
# list of variant words does not recommend is a matter of standard usage.
SOURCES = {
    "咬文嚼字": ("常见错别字（《咬文嚼字》编辑部“当代汉语出版物中最常见的100个别字”）", SERIOUS),
    "异形词表": ("非推荐词形（《第一批异形词整理表》，GF 1001—2001）", MINOR),
    "现汉": ("常见错别字（正确写法据《现代汉语词典》第7版）", SERIOUS),
    "账帐像象": ("用字不规范（《通用规范汉字表》与《现代汉语词典》的用字分工）", SERIOUS),
}


@dataclass(frozen=True)
class Entry:
    kind: str
    wrong: str
    right: str  # what to write instead; "" for a sensitive word (no replacement)
    note: str = ""
    severity: str = SERIOUS


EXCEPTION = "exception"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as file:
        for line in file:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")


@functools.cache
def common_errors():
    """The built-in 易错词 list: Entry(wrong, right, note=the source's name)."""
    return tuple(
        Entry(COMMON_ERROR, wrong, right, *SOURCES[source])
        for wrong, right, source in _rows("common_errors.tsv")
    )


@functools.cache
def exceptions():
    """Correct writings that contain something a list would flag (不了了之, 清规戒律)."""
    return tuple(row[0] for row in _rows("exceptions.tsv"))


@functools.cache
def doubled_characters():
    return tuple(row[0] for row in _rows("doubled.txt"))


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry


class Matcher:
    """Finds every list entry and every exception in a text in one pass."""

    def __init__(self, entries, exception_words):
        automaton = ahocorasick.Automaton()
        payloads = {}
        for entry in entries:
            payloads.setdefault(entry.wrong, []).append(entry)
        for word in exception_words:
            payloads.setdefault(word, []).append(EXCEPTION)
        for key, values in payloads.items():
            automaton.add_word(key, (len(key), tuple(values)))
        automaton.make_automaton()
        self._automaton = automaton
        self.size = len(payloads)

    def scan(self, text):
        """(matches, exception spans) in `text`, in order."""
        matches, excepted = [], []
        if not self.size:
            return matches, excepted
        for last, (length, values) in self._automaton.iter(text):
            start, end = last - length + 1, last + 1
            for value in values:
                if value is EXCEPTION:
                    excepted.append((start, end))
                else:
                    matches.append(Match(start, end, value))
        return matches, excepted


def builtin_entries():
    doubled = tuple(
        Entry(MECHANICS, char * 2, char, f"“{char}”字重复", MINOR) for char in doubled_characters()
    )
    return common_errors() + doubled


@functools.lru_cache(maxsize=4)
def matcher_for(staff_entries):
    """The automaton for the built-in lists and `staff_entries` (a tuple of Entry).
    A 规范表述's right form counts as an exception to its wrong form, so that
    “三八”国际妇女节 is never flagged for holding 三八 or 国际妇女节."""
    staff_rights = tuple(
        entry.right
        for entry in staff_entries
        if entry.kind == WORDING and entry.wrong in entry.right
    )
    return Matcher(builtin_entries() + staff_entries, exceptions() + staff_rights)


def staff_entries():
    """The staff's lists as they stand, in a fixed order (two small queries)."""
    wordings = Wording.objects.filter(is_active=True).order_by("wrong", "id")
    sensitive = SensitiveWord.objects.filter(is_active=True).order_by("word", "id")
    return tuple(Entry(WORDING, w.wrong, w.right, w.note) for w in wordings) + tuple(
        Entry(SENSITIVE, s.word, "", s.note) for s in sensitive
    )


def current_matcher():
    return matcher_for(staff_entries())
