"""Search that understands Chinese, on PostgreSQL and on SQLite alike.

Chinese has no spaces, so word splitting is the hard part: a dictionary segmenter
(jieba) files 市妇联 as one word and then cannot find 妇联 in it, and PostgreSQL's
built-in 'simple' configuration keeps a whole run of characters as one token. We
index **overlapping character pairs (bigrams)** instead: 市妇联组织 is indexed as
市妇 妇联 联组 组织 织, one position apart. A query is cut the same way and must
match as a phrase (each pair right after the previous one), which is exactly "the
query occurs in the text": 妇联 is found inside 市妇联组织, 家政 inside 巾帼家政, and a
longer phrase only where it really occurs. Ideographs of every plane (𠮷 and the
other Ext B–H characters of names, 〇 in 二〇二一年) and emoji are paired the same way.

Latin words and numbers are whole tokens, matched whole (issue 13): a number keeps
its decimal point and thousands separators (3.5, 4,500), and a hyphen, a point
between words or a percent sign after a number is a token of its own, so 3.5% is
the phrase 3.5 % (found in 增长3.5%, not in 13.5% or 3.55%), COVID-19 the phrase
covid - 19, and 33 is not found in 12338. Text is folded to simplified script
(OpenCC) and lower case on both sides, so a query in traditional script finds
simplified text and the other way round.

PostgreSQL keeps the tokens in a `tsvector` (the whole article, and the title alone
so that title matches can rank first), each with a GIN index; a query is a
`tsquery` of phrases. Both are written as literals and cast, so no text-search
configuration (and no extension) is involved: stock PostgreSQL 15 serves it from
the index. A tsvector records at most 16,383 positions, 256 per token and 1 MB, so a
longer article is indexed in overlapping parts, each exact (ArticleSearchPart), and
a query asks them too. SQLite keeps the same tokens as a string
(" 市妇 妇联 联组 … ") and matches a phrase as a substring of it, which gives the same
answers, by a scan.

Which of the two a queryset uses is decided once, from the queryset's own database
(`backend_for(queryset.db)`), and the `matches` lookup compiles per database, as
Django's own functions do. The index is computed in Article.save();
`manage.py rebuild_search_index` rebuilds it. How text is folded and cut into tokens
is in news.tokens, marking matches in results in news.highlight.
"""

import math
import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from django.contrib.postgres.aggregates import BoolOr
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Count, F, Q, Window

from . import tokens
from .fields import SearchIndexField
from .tokens import MAX_QUERY_LENGTH, token_string, tsvector_parts

# PostgreSQL only: GIN indexes over the tsvectors. Migrations 0006 and 0014 created
# them with their own copy of these statements; generate_corpus drops and rebuilds
# them around a bulk load.
GIN_INDEXES = {
    "article_search_gin": "CREATE INDEX IF NOT EXISTS article_search_gin ON news_article "
    "USING gin (search_index)",
    "article_title_gin": "CREATE INDEX IF NOT EXISTS article_title_gin ON news_article "
    "USING gin (title_index)",
    "article_search_part_gin": "CREATE INDEX IF NOT EXISTS article_search_part_gin "
    "ON news_articlesearchpart USING gin (index)",
}

# -- Queries --------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One phrase of a query: its tokens, and whether the last one is a prefix (a
    single character, which may be the first of a pair)."""

    tokens: tuple
    prefix_last: bool
    text: str  # folded, as it is looked for in folded text (news.highlight)


@dataclass(frozen=True)
class Query:
    terms: tuple
    text: str  # the normalized query, for display
    typed: str = ""  # what the reader typed, as far as it is searched
    dropped: str = ""  # what the reader typed past MAX_QUERY_LENGTH: not searched
    any_term: bool = False  # the terms are alternatives, not all required

    def __bool__(self):
        return bool(self.terms)

    def alternatives(self):
        """The same terms, any of them enough: a quick look-up of candidates."""
        return replace(self, any_term=True)

    def term(self, index):
        """The index-th term alone, as a query."""
        term = self.terms[index]
        return Query(terms=(term,), text=term.text)


# Control characters, and lone surrogates (which OpenCC cannot encode).
_UNUSABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# NFKC turns one character into as many as 18 (U+FDFA), so the length limit applies
# to the folded text (issue 9: 50 × ㎉ folded to 200 letters, one word too long to
# index, and an empty phrase that PostgreSQL refused). This first cut only bounds
# the work of folding.
RAW_QUERY_LIMIT = 20 * MAX_QUERY_LENGTH


def parse_query(raw):
    """A query from what a reader typed. Control characters and punctuation are
    separators; every term of the first MAX_QUERY_LENGTH folded characters is
    searched (issue 13), and what lies past them is kept as `dropped` for the page
    to name. Any input is a normal query (perhaps an empty one, which matches
    nothing and is never sent to the database)."""
    raw = _UNUSABLE.sub(" ", (raw or "")[:RAW_QUERY_LIMIT])
    cut = tokens.searched_length(raw)
    typed, rest = raw[:cut], raw[cut:]
    terms = []
    for phrase in tokens.query_phrases(typed):
        term = Term(*phrase)
        if term not in terms:
            terms.append(term)
    return Query(
        terms=tuple(terms),
        text=" ".join(term.text for term in terms),
        typed=typed.strip(),
        dropped=rest.strip() if tokens.has_tokens(rest) else "",
    )


def tsquery(query, joiner=" & "):
    """A PostgreSQL tsquery literal: each term a phrase, the terms joined by AND
    (or by `joiner`)."""
    phrases = []
    for term in query.terms:
        operands = []
        for index, token in enumerate(term.tokens):
            prefix = ":*" if term.prefix_last and index == len(term.tokens) - 1 else ""
            operands.append(f"'{token}'{prefix}")
        phrases.append("(" + " <-> ".join(operands) + ")")
    return joiner.join(phrases)


_LIKE_SPECIAL = re.compile(r"([\\%_])")


def like_patterns(query):
    """SQLite LIKE patterns (escaped with a backslash), one per term: the phrase as
    a substring of the token string (a prefix token has no closing space)."""
    patterns = []
    for term in query.terms:
        text = " " + " ".join(term.tokens) + ("" if term.prefix_last else " ")
        patterns.append("%" + _LIKE_SPECIAL.sub(r"\\\1", text) + "%")
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
        patterns = like_patterns(self.rhs)
        joiner = " OR " if self.rhs.any_term else " AND "
        sql = joiner.join(f"{lhs} LIKE %s ESCAPE '\\'" for _ in patterns)
        return f"({sql})", [param for pattern in patterns for param in (*lhs_params, pattern)]

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        joiner = " | " if self.rhs.any_term else " & "
        return f"{lhs} @@ (%s)::tsquery", [*lhs_params, tsquery(self.rhs, joiner)]


class AnyOf(models.Lookup):
    """`value = ANY(array)`. With an uncorrelated ARRAY(subquery) the planner runs the
    subquery once and can use the value's index for it, next to other indexed
    conditions (a BitmapOr), where `IN (subquery)` under an OR is a subplan tested
    row by row."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


@dataclass
class Found:
    """The ids of `count` results from the start-th, in order, and the total: exact,
    or an estimate (`approximate`), or None when not known."""

    ids: list
    total: int | None
    approximate: bool = False


class SearchBackend:
    """What differs between databases, behind one interface: how the index is stored
    (`article_index`, `index_value`), which rows match (`matching`), and how a page
    of results is found (`find`). Pick one with `backend_for`."""

    indexes = {}  # name -> CREATE INDEX statement, for the index columns

    def index_value(self, *texts):
        """The value stored in a SearchIndexField: the tokens of the texts, with a
        gap between texts so that no phrase runs from one into the next."""
        raise NotImplementedError

    def article_index(self, title, summary, body_text):
        """(columns, parts): an article's search columns, and the literals of its
        ArticleSearchPart rows (none but for a long article on PostgreSQL)."""
        return {
            "search_index": self.index_value(title, summary, body_text),
            "title_index": self.index_value(title),
            "search_part_count": 0,
        }, []

    def matching(self, queryset, query, field="search_index"):
        """`queryset` narrowed to rows whose `field` index matches every term."""
        return queryset.filter(**{f"{field}__matches": query})

    def find(self, queryset, query, start, count, scope=None):
        """Results start…start+count of `query` in `queryset`, ranked (see
        `ranked`). `scope`: how many articles `queryset` holds, if known."""
        return self.every_match(queryset, query, start, count)

    def every_match(self, queryset, query, start, count):
        """Rank every match in one query, with the exact total: what SQLite does for
        any query, and PostgreSQL for a rare word or a narrow scope."""
        rows = list(
            ranked(queryset, query)
            .annotate(total=Window(Count("pk")))
            .values_list("id", "total")[start : start + count]
        )
        total = rows[0][1] if rows else (0 if start == 0 else None)
        return Found([pk for pk, _ in rows], total)


class TokenStringSearch(SearchBackend):
    """SQLite (and any database but PostgreSQL): the tokens as a string
    (" 市妇 妇联 | 家政 "), a phrase found as a substring of it, by a scan."""

    def index_value(self, *texts):
        return token_string(texts)


# How many of the newest articles to look through before asking the index for every
# match: enough that a word in 2% of articles fills the page from them.
WINDOW_FACTOR = 50
# How long a process trusts PostgreSQL's statistics of the tokens (they change when
# autovacuum analyzes the table, after a tenth of it has changed).
TOKEN_STATS_SECONDS = 600


class PostgresSearch(SearchBackend):
    """PostgreSQL: a tsvector with a GIN index, a phrase found by a tsquery."""

    indexes = GIN_INDEXES

    def index_value(self, *texts):
        return tsvector_parts(texts)[0]

    def article_index(self, title, summary, body_text):
        parts = tsvector_parts((title, summary, body_text))
        columns = {
            "search_index": parts[0],
            "title_index": self.index_value(title),
            "search_part_count": len(parts) if len(parts) > 1 else 0,
        }
        return columns, parts if len(parts) > 1 else []

    def matching(self, queryset, query, field="search_index"):
        if field != "search_index":
            return super().matching(queryset, query, field)
        # The article's own tsvector holds the whole of nearly every article and the
        # start of a long one; a long one matches if every term is in one of its parts.
        Part = queryset.model._meta.get_field("search_parts").related_model
        in_parts = (
            Part.objects.using(queryset.db)
            .filter(index__matches=query.alternatives())
            .values("article_id")
            .annotate(
                **{
                    f"term{number}": BoolOr(
                        models.ExpressionWrapper(
                            Q(index__matches=query.term(number)),
                            output_field=models.BooleanField(),
                        )
                    )
                    for number in range(len(query.terms))
                }
            )
            .filter(**{f"term{number}": True for number in range(len(query.terms))})
            .values("article_id")
        )
        return queryset.filter(
            Q(search_index__matches=query) | AnyOf(F("pk"), ArraySubquery(in_parts))
        )

    def find(self, queryset, query, start, count, scope=None):
        """Two ways, chosen by what they will cost. Ranking every match costs one
        look at each match; walking the newest articles costs one look at each
        article until the page is full. A rare word (PostgreSQL's statistics say its
        rarest token is in fewer articles than the window below) or a narrow scope
        (a column in a year) is ranked whole, with its exact total; a common word is
        found among the newest articles (`newest_ids`), and its total estimated."""
        upto = start + count
        window = WINDOW_FACTOR * upto
        if scope is not None and scope <= window:
            return self.every_match(queryset, query, start, count)
        stats = token_stats(queryset.db)
        if stats is not None and stats.most_rows(query) <= window:
            return self.every_match(queryset, query, start, count)
        if scope is None:
            scope = queryset.count()
            if scope <= window:
                return self.every_match(queryset, query, start, count)
        ids, ended = self.newest_ids(queryset, query, upto)
        found = Found(ids[start:upto], None)
        if ended:
            found.total = len(ids)
        elif stats is not None:
            found.total = max(upto, stats.estimate(query, scope))
            found.approximate = True
        return found

    def newest_ids(self, queryset, query, upto):
        """(ids, ended): the first `upto` results, title matches first, and whether
        that is all of them.

        PostgreSQL's planner estimates a phrase's rows as if its character pairs
        were independent, so for a common word it expects a handful of rows and
        reads every match through the GIN index (38,000 rows, 700 ms for 婚姻家庭纠纷
        in the 100,000 article benchmark). So first look only among the newest
        WINDOW_FACTOR * upto articles: if they hold enough matches, those are exactly
        the newest ones (every match outside the window is older). Otherwise the
        index serves the rest."""
        in_title, elsewhere = ranked_parts(queryset, query)
        # The window is given by the publish time of its oldest article (one short
        # index scan), not as "id IN (newest ...)", which the planner turns into a
        # nested loop re-reading the window for every match.
        newest = queryset.order_by("-published_at", "-id").values_list("published_at", flat=True)
        window = WINDOW_FACTOR * upto
        boundary = list(newest[window - 1 : window])
        ids = []
        for part in (in_title, elsewhere):
            wanted = upto - len(ids)
            everything = part.values_list("id", flat=True)
            found = []
            if boundary:
                found = list(everything.filter(published_at__gte=boundary[0])[:wanted])
            if len(found) < wanted:
                found = list(everything[:wanted])
            ids += found
            if len(ids) >= upto:
                return ids, False
        return ids, True


@dataclass(frozen=True)
class TokenStats:
    """What PostgreSQL's statistics say of the index's tokens: the fraction of rows
    holding each of the most common ones, the smallest such fraction (which no other
    token exceeds), and the table's rows. Migration 0014 raises the column's
    statistics target so that the list holds the ten thousand most common tokens."""

    frequency: dict
    lowest: float
    rows: float
    prefixes: tuple  # the tokens, sorted, for prefix look-ups

    def token_frequency(self, token, prefix):
        if not prefix:
            return self.frequency.get(token, self.lowest)
        # Every listed token starting with it, and as much again as one unlisted.
        low = bisect_left(self.prefixes, token)
        high = bisect_right(self.prefixes, token + "\U0010ffff")
        return min(1.0, self.lowest + sum(self.frequency[t] for t in self.prefixes[low:high]))

    def _term_frequencies(self, query):
        for term in query.terms:
            last = len(term.tokens) - 1
            yield min(
                self.token_frequency(token, term.prefix_last and index == last)
                for index, token in enumerate(term.tokens)
            )

    def most_rows(self, query):
        """At most how many rows match: no more than hold its rarest token."""
        return self.rows * min(self._term_frequencies(query))

    def estimate(self, query, scope):
        """About how many of `scope` articles match: each phrase as common as its
        rarest token, the terms independent of each other."""
        return round(scope * math.prod(self._term_frequencies(query)))


_token_stats = {}  # alias -> (time read, TokenStats or None)


def token_stats(alias):
    """The TokenStats of `alias`'s search index, read at most every
    TOKEN_STATS_SECONDS per process; None before the table was first analyzed."""
    kept = _token_stats.get(alias)
    if kept is not None and time.monotonic() - kept[0] < TOKEN_STATS_SECONDS:
        return kept[1]
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_class c JOIN pg_stats s ON s.schemaname = current_schema() "
            "AND s.tablename = c.relname AND s.attname = 'search_index' "
            "WHERE c.oid = 'news_article'::regclass"
        )
        row = cursor.fetchone()
    stats = None
    if row is not None and row[0] and row[2] > 0:
        tokens, frequencies, rows = row
        # One frequency per token, then (for a tsvector) the lowest and the highest.
        frequencies = frequencies[: len(tokens)]
        stats = TokenStats(
            frequency=dict(zip(tokens, frequencies, strict=True)),
            lowest=min(frequencies),
            rows=rows,
            prefixes=tuple(sorted(tokens)),
        )
    _token_stats[alias] = (time.monotonic(), stats)
    return stats


def forget_token_stats():
    """Read the statistics again on the next search (after an ANALYZE in tests)."""
    _token_stats.clear()


BACKENDS = {"postgresql": PostgresSearch()}


def backend_for(alias):
    """The search backend of the database `alias` (a queryset's `.db`)."""
    return BACKENDS.get(connections[alias].vendor, TokenStringSearch())


def matching(queryset, query, field="search_index"):
    return backend_for(queryset.db).matching(queryset, query, field)


# -- Pages of results ---------------------------------------------------------------


def ranked(queryset, query):
    """Every match, title matches first, newest first within each."""
    in_title = models.ExpressionWrapper(
        Q(title_index__matches=query), output_field=models.BooleanField()
    )
    return (
        matching(queryset, query)
        .annotate(in_title=in_title)
        .order_by("-in_title", "-published_at", "-id")
    )


def ranked_parts(queryset, query):
    """The two halves of a result list: matches in the title, and the other
    matches, each newest first."""
    newest = ("-published_at", "-id")
    in_title = matching(queryset, query, "title_index").order_by(*newest)
    elsewhere = matching(queryset, query).exclude(title_index__matches=query).order_by(*newest)
    return in_title, elsewhere


@dataclass
class ResultPage:
    """One page of results: title matches first, newest first, then the rest,
    newest first. `total` is exact, or an estimate when `approximate`, or None."""

    number: int
    articles: list
    has_next: bool
    total: int | None
    approximate: bool = False

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def total_text(self):
        """The estimate as a reader takes it in: two significant figures, 万 from ten
        thousand (4.2 万条, 2,500 条)."""
        if self.total is None:
            return ""
        rounded = float(f"{self.total:.2g}")
        if rounded >= 10_000:
            return f"{rounded / 10_000:g} 万条"
        return f"{int(rounded):,} 条"


def result_page(queryset, query, number, size=20, limit=1000, scope=None):
    """Page `number` of the articles in `queryset` matching `query`, or None past
    `limit` results. `scope`: how many articles `queryset` holds, when the caller
    knows it without a query (news.positions)."""
    start = (number - 1) * size
    if start >= limit:
        return None
    found = backend_for(queryset.db).find(queryset, query, start, size + 1, scope)
    has_next = len(found.ids) > size and start + size < limit
    page_ids = found.ids[:size]
    articles = (
        queryset.model.objects.using(queryset.db)
        .select_related("column")
        .defer("body", "search_index", "title_index")
        .in_bulk(page_ids)
    )
    return ResultPage(
        number,
        [articles[pk] for pk in page_ids if pk in articles],
        has_next,
        found.total,
        found.approximate,
    )
