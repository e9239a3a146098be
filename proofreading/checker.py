"""Checking an article: all six kinds of issue 15 in one call, giving Finding values.

The text checks (易错词, 规范表述, 敏感词, 文字规范) need nothing but the text and the
compiled word lists; figures and links read the database (the figures citing the
article, the pages a link points to). A Checker is built once for many articles (the
`proofread` command) or for one (a save, the article form)."""

from collections import Counter
from dataclasses import replace

from stats.models import YearlyValue

from . import figures, links, mechanics
from .findings import (
    COMMON_ERROR,
    FIGURE,
    KINDS,
    LINK,
    MECHANICS,
    SENSITIVE,
    SERIOUS,
    WORDING,
    Finding,
)
from .lexicon import current_matcher
from .mechanics import Spot
from .models import IgnoredFinding
from .text import ArticleText

# An exception (data/exceptions.tsv, a 规范表述's right form) silences these kinds
# only: a staff-listed sensitive word is reported wherever it stands.
EXCEPTABLE = {COMMON_ERROR, WORDING, MECHANICS}
_ORDER = {kind: index for index, kind in enumerate(KINDS)}


def _lexical_spot(match):
    entry = match.entry
    if entry.kind == COMMON_ERROR:
        return Spot(match.start, match.end, entry.right, entry.note, entry.severity)
    if entry.kind == WORDING:
        why = "本单位要求的规范表述" + (f"：{entry.note}" if entry.note else "")
        return Spot(match.start, match.end, entry.right, why, SERIOUS)
    if entry.kind == SENSITIVE:
        why = f"敏感词“{entry.wrong}”" + (f"：{entry.note}" if entry.note else "")
        return Spot(match.start, match.end, None, why, SERIOUS)
    return Spot(match.start, match.end, entry.right, entry.note, entry.severity)


def _longest(matches):
    """Of overlapping matches of one kind, the longest (一幅对联 over 幅)."""
    kept = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and kept[-1].entry.kind == match.entry.kind and match.end <= kept[-1].end:
            continue
        kept.append(match)
    return kept


class Checker:
    def __init__(self, matcher=None, link_checker=None):
        self.matcher = matcher or current_matcher()
        self._link_checker = link_checker

    @property
    def link_checker(self):
        if self._link_checker is None:
            self._link_checker = links.new_link_checker()
        return self._link_checker

    # -- the text -----------------------------------------------------------

    def text_spots(self, text):
        """(kind, Spot) for kinds 1 to 4 in `text` (an ArticleText)."""
        matches, excepted = self.matcher.scan(text.text)
        spots = [(match.entry.kind, _lexical_spot(match)) for match in _longest(matches)]
        whole = text.text
        for found in (
            mechanics.traditional(whole),
            mechanics.half_width_punctuation(whole),
            mechanics.doubled_punctuation(whole),
            mechanics.unmatched_pairs(text.blocks),
            mechanics.stray_spaces(text.blocks),
            mechanics.import_leftovers(text.blocks),
            mechanics.full_width_digits(whole),
            mechanics.mixed_dates(whole),
        ):
            spots.extend((MECHANICS, spot) for spot in found)
        return [
            (kind, spot)
            for kind, spot in spots
            if kind not in EXCEPTABLE
            or not any(start <= spot.start and spot.end <= end for start, end in excepted)
        ]

    def check_text(self, text):
        """Findings of kinds 1 to 4 (no database)."""
        return self._findings(text, self.text_spots(text), ())

    # -- the article ----------------------------------------------------------

    def check(self, article, *, values=None, ignored=None):
        """Every finding of `article` (saved or not). `values`: the figures citing it
        (read when not given); `ignored`: the spots marked "ignore here" (likewise)."""
        text = ArticleText.of(article)
        spots = self.text_spots(text)
        if values is None:
            values = cited_values(article)
        spots += [(FIGURE, spot) for spot in figures.figure_spots(text.text, values)]
        spots += [(LINK, spot) for spot in links.picture_spots(text, article.body)]
        base = article.get_absolute_url() if article.pk else "/"
        spots += [
            (LINK, spot) for spot in links.link_spots(text, article.body, self.link_checker, base)
        ]
        if ignored is None:
            ignored = ignored_spots(article)
        return self._findings(text, spots, ignored)

    def _findings(self, text, spots, ignored):
        findings = {}
        for kind, spot in spots:
            if spot.start is None:
                finding = Finding(kind, spot.severity, "", spot.why, spot.suggestion)
            else:
                sentence, at = text.sentence(spot.start, spot.end)
                block = text.block_at(spot.start)
                finding = Finding(
                    kind,
                    spot.severity,
                    text.text[spot.start : spot.end],
                    spot.why,
                    spot.suggestion,
                    spot.start,
                    spot.end,
                    block.field,
                    sentence,
                    at,
                )
            findings.setdefault((kind, spot.start, spot.end, spot.why), finding)
        ordered = sorted(
            findings.values(),
            key=lambda f: (f.start is None, f.start or 0, _ORDER[f.kind], f.end or 0, f.why),
        )
        ignored = set(ignored)
        seen = Counter()
        result = []
        for finding in ordered:
            spot = finding.spot
            seen[spot] += 1
            result.append(replace(finding, key=f"{spot}-{seen[spot]}", ignored=spot in ignored))
        return result


def cited_values(article):
    """The work figures that cite `article`, or for a 修改稿 the article it changes."""
    sources = {pk for pk in (article.pk, article.revision_of_id) if pk}
    if not sources:
        return []
    return list(
        YearlyValue.objects.filter(source_article_id__in=sources).select_related("indicator")
    )


def ignored_spots(article):
    if not article.pk:
        return set()
    return set(IgnoredFinding.objects.filter(article=article).values_list("spot", flat=True))
