"""Search that understands Chinese, on PostgreSQL and on SQLite alike.

Chinese has no spaces, so word splitting is the hard part: a dictionary segmenter
(jieba) files 市妇联 as one word and then cannot find 妇联 in it, and PostgreSQL's
built-in 'simple' configuration keeps a whole run of characters as one token. We
index **overlapping character pairs (bigrams)** instead: 市妇联组织 is indexed as
市妇 妇联 联组 组织 织, one position apart. A query is cut the same way and must
match as a phrase (each pair right after the previous one), which is exactly "the
query occurs in the text": 妇联 is found inside 市妇联组织, 家政 inside 巾帼家政, and a
longer phrase only where it really occurs. Latin words and numbers are tokens of
their own, so mixed queries (12338热线, 2021年) work too. Text is folded to
simplified script (OpenCC) and lower case on both sides, so a query in traditional
script finds simplified text and the other way round.

PostgreSQL keeps the tokens in a `tsvector` (the whole article, and the title alone
so that title matches can rank first), each with a GIN index; a query is a
`tsquery` of phrases. Both are written as literals
and cast, so no text-search configuration (and no extension) is involved: stock
PostgreSQL 15 serves it from the index. SQLite keeps the same tokens as a string
(" 市妇 妇联 联组 … ") and matches a phrase as a substring of it, which gives the same
answers, by a scan.

Which of the two a queryset uses is decided once, from the queryset's own database
(`backend_for(queryset.db)`), and the `matches` lookup compiles per database, as
Django's own functions do. The index is computed in Article.save();
`manage.py rebuild_search_index` rebuilds it.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .fields import SearchIndexField

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A chunk is a stretch of characters and words with no separator in it; within a
# chunk, runs of Chinese characters and of Latin letters/digits follow each other.
_CHUNK = re.compile(rf"[{HAN}a-z0-9]+")
_RUN = re.compile(rf"[{HAN}]+|[a-z0-9]+")
_IS_HAN = re.compile(rf"[{HAN}]")

# PostgreSQL only: GIN indexes over the tsvectors. Migration 0006 created them with
# its own copy of these statements; generate_corpus drops and rebuilds them around
# a bulk load.
GIN_INDEXES = {
    "article_search_gin": "CREATE INDEX IF NOT EXISTS article_search_gin ON news_article "
    "USING gin (search_index)",
    "article_title_gin": "CREATE INDEX IF NOT EXISTS article_title_gin ON news_article "
    "USING gin (title_index)",
}

MAX_QUERY_LENGTH = 50  # characters of a query kept; more is cut, never an error
MAX_WORD_LENGTH = 64  # Latin/digit runs longer than this are not indexed
# PostgreSQL's limit for one tsvector is 1 MB; stay well below it.
MAX_TSVECTOR_BYTES = 900_000
MAX_TERMS = 6
# PostgreSQL stores at most this position; later tokens share it (phrase matching
# there is approximate, ~8,000 characters into a body).
MAX_POSITION = 16383


@lru_cache(maxsize=1)
def _simplifier():
    return opencc.OpenCC("t2s")


def normalize(text):
    """Fold to the form both sides are compared in: NFKC (full-width letters and
    digits become ASCII), simplified script, lower case."""
    return _simplifier().convert(unicodedata.normalize("NFKC", text or "")).lower()


def _chunk_tokens(chunk):
    """Tokens of one chunk, in order: character pairs of each Chinese run plus its
    last character alone (so a one-character query can match at a run's end), and
    each Latin/digit run as one token."""
    tokens = []
    for run in _RUN.findall(chunk):
        if _IS_HAN.match(run):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
        elif len(run) <= MAX_WORD_LENGTH:
            tokens.append(run)
        # A longer Latin run (a pasted hash or base64) is no word anyone searches
        # for, and PostgreSQL refuses lexemes over 2 KB.
    return tokens


def document_chunks(text):
    return [_chunk_tokens(chunk) for chunk in _CHUNK.findall(normalize(text))]


# -- The index ------------------------------------------------------------------


def _tsvector_literal(texts):
    """(literal, saturated): saturated when positions had to be dropped."""
    positions = {}
    position = 1
    for text in texts:
        for chunk in document_chunks(text):
            for token in chunk:
                positions.setdefault(token, []).append(str(min(position, MAX_POSITION)))
                position += 1
            position += 1  # a gap: no phrase runs across a separator
    saturated = position > MAX_POSITION or any(len(spots) > 256 for spots in positions.values())
    literal = " ".join(f"'{token}':{','.join(spots[:256])}" for token, spots in positions.items())
    if len(literal.encode()) > MAX_TSVECTOR_BYTES:
        # A very long text: keep each token once, at its first position; phrases are
        # then checked against the folded text (search_overflow).
        literal = " ".join(f"'{token}':{spots[0]}" for token, spots in positions.items())
        literal = literal.encode()[:MAX_TSVECTOR_BYTES].decode(errors="ignore").rsplit(" ", 1)[0]
        saturated = True
    return literal, saturated


def _token_string(texts):
    chunks = [" ".join(chunk) for text in texts for chunk in document_chunks(text)]
    return " " + " | ".join(chunks) + " "


# -- Queries --------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One phrase of a query: its tokens, and whether the last one is a prefix
    (a single character, or the start of a Latin word)."""

    tokens: tuple
    prefix_last: bool
    text: str


@dataclass(frozen=True)
class Query:
    terms: tuple
    text: str  # the normalized query, for display

    def __bool__(self):
        return bool(self.terms)

    def every_token(self):
        """The same tokens, each a term of its own, so that positions no longer
        matter: what a long article's capped tsvector can still answer exactly."""
        terms = []
        for term in self.terms:
            for index, token in enumerate(term.tokens):
                prefix = term.prefix_last and index == len(term.tokens) - 1
                terms.append(Term(tokens=(token,), prefix_last=prefix, text=token))
        return Query(terms=tuple(terms), text=self.text)


# Control characters, and lone surrogates (which OpenCC cannot encode).
_UNUSABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# NFKC turns one character into as many as 18 (U+FDFA), so the length limit applies
# to the folded text (issue 9: 50 × ㎉ folded to 200 letters, one word too long to
# index, and an empty phrase that PostgreSQL refused). This first cut only bounds
# the work of folding.
_RAW_QUERY_LIMIT = 20 * MAX_QUERY_LENGTH


def parse_query(raw):
    """A query from what a reader typed. Control characters, punctuation and
    anything past MAX_QUERY_LENGTH folded characters are dropped, so any input is
    a normal query (perhaps an empty one, which matches nothing and is never sent
    to the database)."""
    folded = normalize(_UNUSABLE.sub(" ", (raw or "")[:_RAW_QUERY_LIMIT]))
    terms = []
    for chunk in _CHUNK.findall(folded[:MAX_QUERY_LENGTH]):
        tokens = _chunk_tokens(chunk)
        if not tokens:  # nothing in it is indexed, so nothing can match it
            continue
        runs = _RUN.findall(chunk)
        last = runs[-1]
        if _IS_HAN.match(last) and len(last) > 1:
            # The text may go on after the query's last character: drop the
            # run-end token that was added for it.
            tokens = tokens[:-1]
        prefix_last = not _IS_HAN.match(last) or len(last) == 1
        terms.append(Term(tokens=tuple(tokens), prefix_last=prefix_last, text=chunk))
        if len(terms) == MAX_TERMS:
            break
    return Query(terms=tuple(terms), text=" ".join(term.text for term in terms))


def tsquery(query):
    """A PostgreSQL tsquery literal: each term a phrase, the terms joined by AND."""
    phrases = []
    for term in query.terms:
        operands = []
        for index, token in enumerate(term.tokens):
            prefix = ":*" if term.prefix_last and index == len(term.tokens) - 1 else ""
            operands.append(f"'{token}'{prefix}")
        phrases.append("(" + " <-> ".join(operands) + ")")
    return " & ".join(phrases)


def like_patterns(query):
    """SQLite LIKE patterns, one per term: the phrase as a substring of the token
    string (a prefix token has no closing space)."""
    patterns = []
    for term in query.terms:
        text = " " + " ".join(term.tokens) + ("" if term.prefix_last else " ")
        patterns.append(text)
    return patterns


# -- The lookup and the backends ------------------------------------------------


@SearchIndexField.register_lookup
class Matches(models.Lookup):
    """`search_index__matches=<Query>`: the index holds every term of the query as a
    phrase. Compiled per database, as Django's own functions are (ConcatPair): a
    tsquery against the tsvector on PostgreSQL, a LIKE per term against the token
    string elsewhere. A query without terms matches nothing."""

    lookup_name = "matches"
    prepare_rhs = False  # the right-hand side is a Query, not a column value

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        patterns = [f"%{pattern}%" for pattern in like_patterns(self.rhs)]
        sql = " AND ".join(f"{lhs} LIKE %s" for _ in patterns)
        return f"({sql})", [param for pattern in patterns for param in (*lhs_params, pattern)]

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @@ (%s)::tsquery", [*lhs_params, tsquery(self.rhs)]


class SearchBackend:
    """What differs between databases, behind one interface: how the index is stored
    (`article_index`, `index_value`), which rows match (`matching`), and how the
    newest matches are found (`newest_ids`). Pick one with `backend_for`."""

    indexes = {}  # name -> CREATE INDEX statement, for the index columns

    def index_value(self, *texts):
        """The value stored in a SearchIndexField: the tokens of the texts, with a
        gap between texts so that no phrase runs from one into the next."""
        raise NotImplementedError

    def article_index(self, title, summary, body_text):
        """An article's search columns: search_index, title_index, search_overflow."""
        return {
            "search_index": self.index_value(title, summary, body_text),
            "title_index": self.index_value(title),
            "search_overflow": None,
        }

    def matching(self, queryset, query, field="search_index"):
        """`queryset` narrowed to rows whose `field` index matches every term."""
        return queryset.filter(**{f"{field}__matches": query})

    def newest_ids(self, matches, queryset, upto):
        """Ids of the newest `upto` rows of `matches` (a subset of `queryset`,
        ordered newest first)."""
        return list(matches.values_list("id", flat=True)[:upto])


class TokenStringSearch(SearchBackend):
    """SQLite (and any database but PostgreSQL): the tokens as a string
    (" 市妇 妇联 | 家政 "), a phrase found as a substring of it, by a scan."""

    def index_value(self, *texts):
        return _token_string(texts)


# How many of the newest articles to look through before asking the index for every
# match: enough that a word in 2% of articles fills the page from them.
WINDOW_FACTOR = 50


class PostgresSearch(SearchBackend):
    """PostgreSQL: a tsvector with a GIN index, a phrase found by a tsquery."""

    indexes = GIN_INDEXES

    def index_value(self, *texts):
        return _tsvector_literal(texts)[0]

    def article_index(self, title, summary, body_text):
        # search_overflow is the folded text, kept only when a long article outgrows
        # what a tsvector can record (16,383 positions, 256 per token), so that a
        # phrase late in a long work report is still found (see `matching`).
        texts = (title, summary, body_text)
        literal, saturated = _tsvector_literal(texts)
        overflow = "\n".join(normalize(text) for text in texts) if saturated else None
        return {
            "search_index": literal,
            "title_index": self.index_value(title),
            "search_overflow": overflow,
        }

    def matching(self, queryset, query, field="search_index"):
        if field != "search_index":
            return super().matching(queryset, query, field)
        # All tokens present (GIN, exact), and then either the phrases match the
        # positions, or, for a long article whose positions were capped, the terms
        # occur in its folded text.
        overflow = models.Q(search_overflow__isnull=False)
        for term in query.terms:
            overflow &= models.Q(search_overflow__contains=term.text)
        return queryset.filter(
            models.Q(search_index__matches=query.every_token())
            & (models.Q(search_index__matches=query) | overflow)
        )

    def newest_ids(self, matches, queryset, upto):
        """PostgreSQL's planner estimates a phrase's rows as if its character pairs
        were independent, so for a common word it expects a handful of rows and
        reads every match through the GIN index (38,000 rows, 700 ms for 婚姻家庭纠纷
        in the 100,000 article benchmark). So first look only among the newest
        WINDOW_FACTOR * upto articles: if they hold enough matches, those are exactly
        the newest ones (every match outside the window is older). Otherwise the
        word is rare, and the index serves its few matches quickly."""
        everything = matches.values_list("id", flat=True)
        # The window is given by the publish time of its oldest article (one short
        # index scan), not as "id IN (newest ...)", which the planner turns into a
        # nested loop re-reading the window for every match.
        newest = queryset.order_by("-published_at", "-id").values_list("published_at", flat=True)
        boundary = list(newest[WINDOW_FACTOR * upto - 1 : WINDOW_FACTOR * upto])
        if boundary:
            ids = list(everything.filter(published_at__gte=boundary[0])[:upto])
            if len(ids) == upto:
                return ids
        return list(everything[:upto])


BACKENDS = {"postgresql": PostgresSearch()}


def backend_for(alias):
    """The search backend of the database `alias` (a queryset's `.db`)."""
    return BACKENDS.get(connections[alias].vendor, TokenStringSearch())


def matching(queryset, query, field="search_index"):
    return backend_for(queryset.db).matching(queryset, query, field)


# -- Showing results ------------------------------------------------------------

SNIPPET_LENGTH = 90


def _fold_aligned(text):
    """`normalize(text)` with exactly one character per character of `text`, so a
    match found in it marks the same stretch of the original. Characters whose
    NFKC form is longer (… → ...) are only lower-cased; if phrase-level script
    conversion changes the length, characters are converted one by one."""
    single = "".join(
        folded if len(folded := unicodedata.normalize("NFKC", ch).lower()) == 1 else ch.lower()
        for ch in text
    )
    converted = _simplifier().convert(single)
    if len(converted) == len(single):
        return converted
    return "".join(c if len(c := _simplifier().convert(ch)) == 1 else ch for ch in single)


def snippet(text, query, length=SNIPPET_LENGTH):
    """A stretch of `text` around the first match, with every match in <mark>.
    The text is escaped first, so neither the article nor the query can inject
    markup. A text no longer than `length` is shown whole."""
    plain = " ".join((text or "").split())
    folded = _fold_aligned(plain)
    needles = sorted({term.text for term in query.terms if term.text}, key=len, reverse=True)
    spans = _match_spans(folded, needles)
    start = 0
    if spans and len(plain) > length:
        start = max(0, min(spans[0][0] - length // 3, len(plain) - length))
    end = min(len(plain), start + length)
    pieces = []
    cursor = start
    for begin, finish in spans:
        if finish <= start or begin >= end:
            continue
        begin, finish = max(begin, start), min(finish, end)
        pieces.append(escape(plain[cursor:begin]))
        pieces.append(f"<mark>{escape(plain[begin:finish])}</mark>")
        cursor = finish
    pieces.append(escape(plain[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(plain) else ""
    return mark_safe(prefix + "".join(str(piece) for piece in pieces) + suffix)


def has_match(text, query):
    folded = _fold_aligned(" ".join((text or "").split()))
    return any(term.text in folded for term in query.terms if term.text)


def highlight(text, query):
    """The whole of a short text (a title) with matches in <mark>, escaped."""
    return snippet(text, query, length=max(len(text or ""), 1))


def _match_spans(folded, needles):
    spans = []
    for needle in needles:
        for match in re.finditer(re.escape(needle), folded):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged = []
    for begin, finish in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


@dataclass
class ResultPage:
    """One page of results: title matches first, newest first, then the rest,
    newest first. `total` is known only when the results end on or before this
    page (counting every article with a common word costs more than the page)."""

    number: int
    articles: list
    has_next: bool
    total: int | None

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def previous_page_number(self):
        return self.number - 1


def ranked_parts(queryset, query):
    """The two halves of a result list: matches in the title, and the other
    matches, each newest first."""
    newest = ("-published_at", "-id")
    in_title = matching(queryset, query, "title_index").order_by(*newest)
    elsewhere = matching(queryset, query).exclude(title_index__matches=query).order_by(*newest)
    return in_title, elsewhere


def result_page(queryset, query, number, size=20, limit=1000):
    """Page `number` of the articles in `queryset` matching `query`.

    Two index-served queries rather than one ranked sort over every match: the
    title matches by date, then the other matches by date, each fetched only as
    far as this page needs (ids only), then the page's articles by id. The cost
    stays flat however common the word (see README, "Search")."""
    start = (number - 1) * size
    if start >= limit:
        return None
    newest_ids = backend_for(queryset.db).newest_ids
    in_title, elsewhere = ranked_parts(queryset, query)
    title_ids = newest_ids(in_title, queryset, start + size + 1)
    page_ids = title_ids[start : start + size + 1]
    total = None
    if len(page_ids) < size + 1:  # the title matches end on this page: continue with the rest
        skip = max(0, start - len(title_ids))
        wanted = size + 1 - len(page_ids)
        other_ids = newest_ids(elsewhere, queryset, skip + wanted)[skip:]
        page_ids += other_ids
        if len(other_ids) < wanted:
            total = len(title_ids) + skip + len(other_ids)
    has_next = len(page_ids) > size and start + size < limit
    page_ids = page_ids[:size]
    found = (
        queryset.model.objects.using(queryset.db)
        .select_related("column")
        .defer("body", "search_index", "title_index", "search_overflow")
        .in_bulk(page_ids)
    )
    return ResultPage(number, [found[pk] for pk in page_ids if pk in found], has_next, total)
