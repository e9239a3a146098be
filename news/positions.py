"""Page N of a list without OFFSET and without COUNT(*): positions kept on the rows.

Every published article has a dense position, counted from the oldest (1), in each
order the public lists use (issue 11):

- ``list_position``: all news, by (published_at, id);
- ``column_position``: within its column, by (is_pinned, published_at, id), so that
  the pinned articles hold the top positions.

Scheduled articles (published, with a time still to come) have positions too: they
sit at the top of their order (of the pinned or the unpinned group in a column). So
the live articles of a list are the positions below a few scheduled ones, and which
ones are scheduled is a question of the clock, not of any save: an article whose
time arrives is on page 1 with nothing renumbered. `Ranking` holds, per order, the
highest position and how many scheduled articles sit at each top; with it the k-th
live article's position is arithmetic, page N is a range scan of the position index
(`position <= p ORDER BY position DESC LIMIT 20`) and the number of pages needs no
COUNT(*). The Ranking (one query, with the columns for the navigation) is cached per
site generation, until the next scheduled time.

Positions change only when an article enters, leaves or moves in an order
(published, withdrawn, deleted, re-timed, pinned, moved to another column): the
articles between its old and new place shift by one, in one UPDATE. Publishing now
enters at the top, so only the scheduled articles above it shift; a back-dated or
old article touches the newer ones (rare, and one statement). Renumbering runs in
the saving transaction under a lock (the column rows, FOR NO KEY UPDATE), so two
saves never hand out the same position.

Why not OFFSET or a cached page map: OFFSET reads and throws away every earlier row
(370 ms at page 400 of 10,000); a map of page boundaries is rebuilt by a full scan
after every save and goes wrong when a scheduled time passes.
"""

import datetime
import math
from typing import NamedTuple

# news.models imports this module (Article.save places the article), so the models
# are looked up through the app registry here rather than imported.
from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.functional import cached_property

from fedsite.cache import GENERATION_KEY, current_generation

# The fields an article's place depends on. A save naming none of them moves nothing.
PLACE_FIELDS = ("status", "published_at", "is_pinned", "column_id")
_PLACE_NAMES = {*PLACE_FIELDS, "column"}

RANKING_KEY = "news:ranking"  # (site generation, Ranking)
RANKING_KEYS = (GENERATION_KEY, RANKING_KEY)
RANKING_TIMEOUT = 60 * 60  # seconds; a save changes the generation at once


# -- Keeping the positions ----------------------------------------------------------


def affected_by(article, update_fields):
    """Whether this save may move the article in an order. A full save of a stored
    article always checks (the instance may be stale); a new draft never moves."""
    if article._state.adding:
        return article.status == type(article).Status.PUBLISHED  # its time is set on save
    return update_fields is None or not _PLACE_NAMES.isdisjoint(update_fields)


def lock_and_read(article, using):
    """Take the renumbering lock and return the article's row as stored (its place
    fields and positions), or None for a new article."""
    Column = article._meta.get_field("column").related_model

    # One lock for every order (all news spans the columns): the column rows,
    # FOR NO KEY UPDATE so that inserting an article (FOR KEY SHARE) is not blocked.
    list(
        Column.objects.using(using)
        .select_for_update(no_key=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if article._state.adding or article.pk is None:
        return None
    return (
        type(article)
        .objects.using(using)
        .filter(pk=article.pk)
        .values(*PLACE_FIELDS, "list_position", "column_position")
        .first()
    )


def place(article, stored, using):
    """Give the saved `article` its positions and shift the articles it passed.
    `stored` is its row before the save (lock_and_read), under the same lock."""
    if stored and all(stored[name] == getattr(article, name) for name in PLACE_FIELDS):
        return  # nothing an order depends on has changed
    member = _is_member(article)
    old_list = stored["list_position"] if stored else None
    old_column_position = stored["column_position"] if stored else None
    old_column = stored["column_id"] if stored else None
    if not member and old_list is None and old_column_position is None:
        return  # a draft stays out of every order
    was_member = old_list is not None
    others = type(article).objects.using(using).exclude(pk=article.pk)
    list_position = old_list
    if member != was_member or stored["published_at"] != article.published_at:
        list_position = _move(
            others.filter(list_position__isnull=False),
            "list_position",
            old_list,
            _list_before(article) if member else None,
        )
    column_position = old_column_position
    if old_column is not None and old_column != article.column_id:
        # Leaving one column's order for another's: leave, then enter.
        _move(
            others.filter(column_id=old_column, column_position__isnull=False),
            "column_position",
            old_column_position,
            None,
        )
        old_column_position = None
    if member != was_member or any(
        stored[name] != getattr(article, name) for name in PLACE_FIELDS[1:]
    ):
        column_position = _move(
            others.filter(column_id=article.column_id, column_position__isnull=False),
            "column_position",
            old_column_position,
            _column_before(article) if member else None,
        )
    if (list_position, column_position) != (old_list, stored and stored["column_position"]):
        type(article).objects.using(using).filter(pk=article.pk).update(
            list_position=list_position, column_position=column_position
        )
    article.list_position, article.column_position = list_position, column_position


def remove(article, using):
    """Close the gap a deleted article leaves (called before the row is deleted)."""
    stored = lock_and_read(article, using)
    if not stored:
        return
    others = type(article).objects.using(using).exclude(pk=article.pk)
    _move(others.filter(list_position__isnull=False), "list_position", stored["list_position"])
    _move(
        others.filter(column_id=stored["column_id"], column_position__isnull=False),
        "column_position",
        stored["column_position"],
    )


def _is_member(article):
    return article.status == article.Status.PUBLISHED and article.published_at is not None


def _list_before(article):
    """The members that come before `article` in the all-news order."""
    return Q(published_at__lt=article.published_at) | Q(
        published_at=article.published_at, pk__lt=article.pk
    )


def _column_before(article):
    earlier = _list_before(article)
    if article.is_pinned:
        return Q(is_pinned=False) | (Q(is_pinned=True) & earlier)
    return Q(is_pinned=False) & earlier


def _move(scope, field, old, before=None):
    """Move one article in the order of `scope` (the other members, positions 1..n
    without it at `old`, or 1..n-1 if it was not a member): to just after the
    members matching `before`, or out of the order when `before` is None. Shifts the
    members in between by one and returns the new position (or None).

    The predecessor is found scanning the position index down from the top, so the
    rows read are those newer than the new place, as many as a shift would touch."""
    if before is None:
        if old is not None:
            scope.filter(**{f"{field}__gt": old}).update(**{field: F(field) - 1})
        return None
    predecessor = (
        scope.filter(before).order_by(f"-{field}").values_list(field, flat=True).first() or 0
    )
    if old is None:
        scope.filter(**{f"{field}__gt": predecessor}).update(**{field: F(field) + 1})
        return predecessor + 1
    if predecessor < old:  # down the order (or where it was)
        if predecessor + 1 < old:
            scope.filter(**{f"{field}__gt": predecessor, f"{field}__lt": old}).update(
                **{field: F(field) + 1}
            )
        return predecessor + 1
    scope.filter(**{f"{field}__gt": old, f"{field}__lte": predecessor}).update(
        **{field: F(field) - 1}
    )
    return predecessor


RENUMBER_SQL = """
UPDATE news_article SET {field} = ranked.position
FROM ({ranked}) AS ranked
WHERE news_article.id = ranked.id
"""


def renumber_all(using="default"):
    """Number every published article from scratch: after rows were written without
    save() (bulk_create, loaddata), and in the migration that adds the positions.
    Two UPDATE ... FROM statements with a window function (PostgreSQL, SQLite 3.33+)."""
    Article = apps.get_model("news", "Article")
    members = Article.objects.using(using).filter(
        status=Article.Status.PUBLISHED, published_at__isnull=False
    )
    orders = {
        "list_position": Window(RowNumber(), order_by=[F("published_at"), F("id")]),
        "column_position": Window(
            RowNumber(),
            partition_by=[F("column_id")],
            order_by=[F("is_pinned"), F("published_at"), F("id")],
        ),
    }
    with connections[using].cursor() as cursor:
        Article.objects.using(using).exclude(pk__in=members.values("pk")).exclude(
            list_position__isnull=True, column_position__isnull=True
        ).update(list_position=None, column_position=None)
        for field, window in orders.items():
            ranked = members.annotate(position=window).values("id", "position")
            sql, params = ranked.query.sql_with_params()
            cursor.execute(RENUMBER_SQL.format(field=field, ranked=sql), params)


# -- Reading them -------------------------------------------------------------------


class Segment(NamedTuple):
    """Positions (bottom, top] of one order, of which the `scheduled` highest are
    not live yet."""

    top: int
    scheduled: int
    bottom: int

    @property
    def live(self):
        return self.top - self.bottom - self.scheduled


class Order(NamedTuple):
    """One list's order: its position field, the column it covers (None: all news)
    and its segments from the top (a column has two: the pinned, then the others).
    Plain values only: the Ranking holding it is read from the cache by every list
    and the home page, and unpickling Q objects cost more than the query."""

    field: str
    column_id: int | None
    segments: tuple

    @property
    def scope(self):
        return Q() if self.column_id is None else Q(column_id=self.column_id)

    @property
    def count(self):
        return sum(segment.live for segment in self.segments)

    def position_of(self, rank):
        """The position of the rank-th live article from the top (1-based)."""
        for segment in self.segments:
            if rank <= segment.live:
                return segment.top - segment.scheduled - rank + 1
            rank -= segment.live
        raise IndexError(rank)

    def page(self, queryset, start, size, now):
        """`size` live articles from the start-th (0-based), newest first."""
        first = self.position_of(start + 1)
        return (
            queryset.live(now)
            .filter(self.scope, **{f"{self.field}__lte": first})
            .order_by(f"-{self.field}")[:size]
        )


class Ranking(NamedTuple):
    """What the lists need to know about the orders, as of `at`, valid until
    `until` (the next scheduled publish time, or None): the columns (navigation,
    with their order), the all-news order, each column's order."""

    columns: list
    all_news: Order
    by_column: dict
    at: datetime.datetime
    until: datetime.datetime | None

    def column(self, slug):
        return next((column for column in self.columns if column.slug == slug), None)

    @property
    def column_by_id(self):
        return {column.pk: column for column in self.columns}


def ranking():
    """The Ranking, from the cache while the site generation and the clock allow:
    one round trip, the generation and the Ranking read together."""
    values = cache.get_many(RANKING_KEYS)
    generation = current_generation(values.get(GENERATION_KEY))
    kept = values.get(RANKING_KEY)
    now = timezone.now()
    if kept is not None and kept[0] == generation:
        found = kept[1]
        if found.until is None or now < found.until:
            return found
    found = load_ranking(now)
    timeout = RANKING_TIMEOUT
    if found.until is not None:
        timeout = max(1, min(timeout, int((found.until - now).total_seconds())))
    cache.set(RANKING_KEY, (generation, found), timeout)
    return found


def next_publication():
    """The next scheduled publish time (for the page cache), from the Ranking."""
    return ranking().until


def load_ranking(now=None):
    """The columns with everything the orders need, in one query: per column its
    highest position, the highest unpinned one and how many scheduled articles sit
    on the pinned and unpinned tops; and the same for all news (the same value on
    every row), and the next scheduled time. Each figure is an index look-up or a
    count over the scheduled articles only."""
    Article, Column = apps.get_model("news", "Article"), apps.get_model("news", "Column")
    now = now or timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    scheduled = published.filter(published_at__gt=now)

    def highest(queryset, field):
        return Coalesce(
            Subquery(
                queryset.filter(**{f"{field}__isnull": False})
                .order_by(f"-{field}")
                .values(field)[:1]
            ),
            Value(0),
            output_field=IntegerField(),
        )

    def how_many(queryset):
        return Coalesce(
            Subquery(queryset.order_by().values("status").annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=IntegerField(),
        )

    own = published.filter(column_id=OuterRef("pk"))
    own_scheduled = scheduled.filter(column_id=OuterRef("pk"))
    columns = list(
        Column.objects.annotate(
            top=highest(own, "column_position"),
            unpinned_top=highest(own.filter(is_pinned=False), "column_position"),
            scheduled_pinned=how_many(own_scheduled.filter(is_pinned=True)),
            scheduled_unpinned=how_many(own_scheduled.filter(is_pinned=False)),
            list_top=highest(published, "list_position"),
            list_scheduled=how_many(scheduled),
            next_time=Subquery(scheduled.order_by("published_at").values("published_at")[:1]),
        )
    )
    by_column = {
        column.pk: Order(
            "column_position",
            column.pk,
            (
                Segment(column.top, column.scheduled_pinned, column.unpinned_top),
                Segment(column.unpinned_top, column.scheduled_unpinned, 0),
            ),
        )
        for column in columns
    }
    first = columns[0] if columns else None
    all_news = Order(
        "list_position",
        None,
        (Segment(first.list_top, first.list_scheduled, 0) if first else Segment(0, 0, 0),),
    )
    until = first.next_time if first else None
    return Ranking(columns, all_news, by_column, now, until)


class PositionPaginator(Paginator):
    """Django's Paginator over one order of live articles: the count from the
    Ranking, page N as a range of positions (no COUNT(*), no OFFSET)."""

    def __init__(self, queryset, per_page, order, now, **kwargs):
        super().__init__(queryset, per_page, **kwargs)
        self.order = order
        self.now = now

    @cached_property
    def count(self):
        return self.order.count

    @cached_property
    def num_pages(self):
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.count / self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        if self.count == 0:
            return Page([], number, self)
        rows = list(self.order.page(self.object_list, start, self.per_page, self.now))
        return Page(rows, number, self)
