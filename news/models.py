import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import F, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fedsite.models import default_source
from fedsite.storage import attachments_storage
from fedsite.uploads import local_image_size, responsive_image, validate_image

from . import positions, search
from .fields import SearchIndexField
from .file_types import type_label
from .pictures import cover_upload_to, keep_pasted_image
from .sanitize import clean_html, html_to_text, prose_text, summarize

SUMMARY_LENGTH = 120

# A value no real id or slug takes, to find where it goes in a reversed address.
_URL_PLACEHOLDER = "7319046582"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.lru_cache(maxsize=64)
def _url_parts(name, kwarg, prefix, urlconf, root_urlconf):
    """The address of URL `name` split around its one argument, reversed once per
    process (and script prefix / urlconf, which are the key). Lists and feeds link
    every item, and a full reverse() per item was a tenth of a page's time."""
    url = reverse(name, kwargs={kwarg: _URL_PLACEHOLDER}, urlconf=urlconf)
    before, placeholder, after = url.rpartition(_URL_PLACEHOLDER)
    return (before, after) if placeholder else None


def _fast_reverse(name, kwarg, value):
    """reverse(name, kwargs={kwarg: value}) for a value the pattern takes as it is
    (an int or an ASCII slug): the same address, without walking the resolver."""
    parts = _url_parts(name, kwarg, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    if parts is None:
        return reverse(name, kwargs={kwarg: value})
    return f"{parts[0]}{value}{parts[1]}"


def article_addresses():
    """A function from an article's id to its address (as get_absolute_url gives it),
    the script prefix and URLconf looked up once, for a page that links to many."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    parts = _url_parts("news:article", "pk", prefix, urlconf, settings.ROOT_URLCONF)
    if parts is None:
        return lambda pk: reverse("news:article", kwargs={"pk": pk})
    return lambda pk: f"{parts[0]}{pk}{parts[1]}"


class Column(models.Model):
    """A 栏目 such as 部门动态 or 通知公告."""

    class Kind(models.TextChoices):
        # Inspections of public websites fail a news-type column left for more than
        # two weeks and a notice-type column left for more than six months.
        NEWS = "news", _("动态类")
        NOTICE = "notice", _("公告类")

    DEFAULT_INTERVAL_DAYS = {Kind.NEWS: 14, Kind.NOTICE: 180}

    name = models.CharField(_("名称"), max_length=50, unique=True)
    slug = models.SlugField(
        _("网址名"),
        max_length=50,
        unique=True,
        help_text=_("用于网址，只能使用英文字母、数字和连字符。"),
    )
    description = models.TextField(_("简介"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("数字小的排在前面。")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    update_interval_days = models.PositiveSmallIntegerField(
        _("更新周期（天）"),
        null=True,
        blank=True,
        help_text=_("超过这么多天没有新文章即为逾期。不填：动态类 14 天，公告类 180 天。"),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if isinstance(self.slug, str) and _SLUG.fullmatch(self.slug):
            return _fast_reverse("news:column", "slug", self.slug)
        return reverse("news:column", kwargs={"slug": self.slug})

    @property
    def interval_days(self):
        return self.update_interval_days or self.DEFAULT_INTERVAL_DAYS[self.kind]


class ArticleQuerySet(models.QuerySet):
    def live(self, now=None):
        """What the public may see: published, and its publish time has come.

        A future publish time therefore needs no job to go live; it is simply
        included once the clock passes it."""
        return self.filter(Article.live_condition(now))

    def next_publication(self):
        """When the next scheduled article goes live (the page cache expires then), or None."""
        scheduled = self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        return scheduled.order_by("published_at").values_list("published_at", flat=True).first()

    # The review queue (待我处理), shared by the article list's filter and the
    # admin index panel.
    def awaiting_review(self):
        return self.filter(status=Article.Status.REVIEW)

    def drafts_of(self, user):
        return self.filter(created_by=user, status=Article.Status.DRAFT)

    def returned_to(self, user):
        return self.drafts_of(user).exclude(review_comment="")

    def pending_changes(self):
        return self.filter(revision_of__isnull=False)

    def search(self, query):
        """Articles matching a parsed query (news.search), in any order; the search
        page orders them with news.search.result_page."""
        if not query:
            return self.none()
        return search.matching(self, query)

    def in_column(self, column):
        return self.filter(column=column)

    def reading(self, pk, related_count, now=None):
        """The article `pk`, whatever its state (its page decides who may see it),
        with the live articles its page links to: the previous (older) and next
        (newer) of its column in (published_at, id) order, and its column's newest
        `related_count` others (相关稿件). A Reading of ReadingRows, or None if there
        is no such article.

        One statement, written once (_reading_sql), read into plain rows: the article
        page runs it on every request its kept parts serve (news.article_page), and
        Django building the same from seven subqueries, then model instances from the
        rows, cost several times what the database did."""
        if not 0 < pk < 2**63:  # an id no row has (and SQLite could not take)
            return None
        connection = connections[self.db]
        at = _adapted(now, connection)
        published = Article.Status.PUBLISHED
        params = [pk, pk, published, at, published, at, published, at, related_count]
        with connection.cursor() as cursor:
            _execute_prepared(cursor, connection, "fedsite_reading", _reading_sql(), params)
            rows = [ReadingRow.of(row, connection) for row in cursor.fetchall()]
        article = next((row for role, row in rows if role == 0), None)
        if article is None:
            return None
        previous = next((row for role, row in rows if role == 1), None)
        following = next((row for role, row in rows if role == 2), None)
        related = sorted(
            (row for role, row in rows if role == 3),
            key=lambda row: (row.published_at, row.id),
            reverse=True,
        )
        return Reading(article, previous, following, related)

    def newest_listed(self, column_ids, newest, per_column, now=None):
        """The `newest` live articles of all news and the first `per_column` of each
        column's order (its pinned articles first: news.positions), as ListedRows,
        an article in both lists twice. One statement: each part a short backward
        scan of a position index that stops at its LIMIT, whatever the number of
        articles (the home page)."""
        connection = connections[self.db]
        published, at = Article.Status.PUBLISHED, _adapted(now, connection)
        params = [published, at, newest]
        for column_id in column_ids:
            params += [published, at, column_id, per_column]
        with connection.cursor() as cursor:
            sql = _newest_sql(len(column_ids))
            _execute_prepared(cursor, connection, f"fedsite_newest_{len(column_ids)}", sql, params)
            return [ListedRow.of(row, connection) for row in cursor.fetchall()]

    def pinned_first(self):
        return self.order_by("-is_pinned", "-published_at", "-id")

    def for_listing(self):
        # Lists show title, column, date and summary: leave the bodies in the database.
        return self.select_related("column").defer(
            "body", "body_text", "search_index", "title_index"
        )

    def for_saving(self):
        """Articles to be changed and saved one by one (the admin's actions on the
        list): in this one query everything a history version records, the body
        too, and none of the large derived columns, which a save computes only
        when it changes their sources (Article.DERIVED)."""
        return self.defer(None).defer("body_text", "search_index", "title_index")


class Derived(NamedTuple):
    """Columns that Article.save computes (`columns`) from other fields (`sources`)."""

    sources: tuple
    columns: tuple
    compute: Callable  # compute(article, using) sets the columns


def _clean_body(article, using):
    # A picture pasted into the editor arrives as data: and is stored like an upload;
    # one that cannot be kept is dropped and named by
    # news.pictures.body_image_problems, which the admin shows.
    # Pictures stored here get srcset/sizes naming their renditions (issue 11).
    article.body = clean_html(
        article.body,
        keep_image=keep_pasted_image,
        size_of=local_image_size,
        responsive=responsive_image,
    )


def _body_text(article, using):
    article.body_text = html_to_text(article.body)


def _excerpt(article, using):
    article.excerpt = summarize(article.summary or prose_text(article.body), SUMMARY_LENGTH)


def _search_columns(article, using):
    columns, parts = search.backend_for(using).article_index(
        article.title, article.summary, article.body_text
    )
    # The parts are rows of their own, written once the article's row exists (_save).
    # Whether it had parts before: its count as loaded (deferred: not known).
    had_parts = article.__dict__.get("search_part_count", 1) != 0
    if parts or had_parts:
        article._search_parts = parts
    for name, value in columns.items():
        setattr(article, name, value)


def _publish_time(article, using):
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    if article.published_at is not None:
        # Whole seconds: <time datetime> allows no microseconds (issue 9, item 15),
        # and a time shown to the second must be the time stored.
        article.published_at = article.published_at.replace(microsecond=0)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    title = models.CharField(_("标题"), max_length=200)
    column = models.ForeignKey(
        Column, on_delete=models.PROTECT, related_name="articles", verbose_name=_("栏目")
    )
    summary = models.TextField(
        _("摘要"), blank=True, help_text=_("可不填；不填时自动取正文开头约 120 字。")
    )
    body = RichTextUploadingField(_("正文"))
    cover = models.ImageField(
        _("封面图"),
        upload_to=cover_upload_to,
        blank=True,
        validators=[validate_image],
        # Stored so that pages can set width and height without opening the file.
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    author = models.CharField(_("作者"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=100, default=default_source)
    editor = models.CharField(_("责任编辑"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        help_text=_("北京时间。填将来的时间即定时发布，到时自动显示；发布时不填则取当前时间。"),
    )
    is_pinned = models.BooleanField(_("置顶"), default=False)
    review_comment = models.TextField(_("审核意见"), blank=True, editable=False)
    # A change to a published article is written as a separate draft (修改稿) that
    # points at it; the public keeps the published version until a reviewer
    # approves the change, which is then copied onto it (news.workflow).
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="pending_changes",
        verbose_name=_("修改的是"),
    )
    # What the published article said when a 修改稿 was started from it: approving
    # the 修改稿 is refused if the article has been changed since (news.workflow).
    base_snapshot = models.JSONField(_("修改稿所依据的原文"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("创建人"),
    )
    # Optimistic lock: each save increments it; a form based on an older number
    # is refused instead of overwriting a colleague's edit.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    view_count = models.PositiveIntegerField(_("阅读量"), default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Derived on save, so that no page view sanitizes or strips HTML.
    body_text = models.TextField(_("正文纯文本"), blank=True, editable=False)
    excerpt = models.TextField(_("列表摘要"), blank=True, editable=False)
    # Character-pair indexes for Chinese search (news.search), GIN on PostgreSQL: the
    # whole article, and the title alone (title matches rank first).
    search_index = SearchIndexField(_("搜索索引"), blank=True, editable=False)
    title_index = SearchIndexField(_("标题索引"), blank=True, editable=False)
    # How many ArticleSearchPart rows hold the index of a long article (PostgreSQL
    # only; 0 for every other article, which its search_index holds whole).
    search_part_count = models.PositiveIntegerField(default=0, editable=False)
    # Where a published article stands, counted from the oldest (1), in the all-news
    # order and in its column's order; NULL when not published. Lists turn a page
    # number into a range of these instead of an OFFSET, and know their length
    # without a COUNT(*) (news.positions, issue 11). Written only by news.positions,
    # never by a save of the instance, so a stale instance cannot overwrite them.
    list_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    column_position = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # What save() derives from what, in the order it is computed. A save recomputes
    # a row only when it saves one of the row's sources (named in update_fields, or,
    # in a full save, changed since the article was loaded), and a recomputed
    # column counts as changed for the rows below (issue 10, item 3). A new cover
    # loses its metadata in fedsite.uploads (pre_save), not here.
    DERIVED = (
        # status: publishing (and any change of state) writes the body as cleaned by
        # today's rules, so that no path (the bulk approve action saves only the
        # status) publishes a body cleaned by older rules (issue 9, item 18).
        Derived(("body", "status"), ("body",), _clean_body),
        Derived(("body",), ("body_text",), _body_text),
        Derived(("summary", "body"), ("excerpt",), _excerpt),
        Derived(
            ("title", "summary", "body_text"),
            ("search_index", "title_index", "search_part_count"),
            _search_columns,
        ),
        Derived(("status", "published_at"), ("published_at",), _publish_time),
    )
    DERIVED_SOURCES = frozenset(name for derived in DERIVED for name in derived.sources)
    _stored_sources = None  # {source: value} as loaded or last saved

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "view_count",
            "body_text",
            "excerpt",
            "version",
            "cover_width",
            "cover_height",
            "search_index",
            "title_index",
            "search_part_count",
            "base_snapshot",
            "list_position",
            "column_position",
        ],
        verbose_name=_("文章历史版本"),
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        permissions = [
            ("publish_article", _("可以审核、发布、退回和撤回文章")),
        ]
        indexes = [
            # The feeds and the next scheduled time: live(), newest first, ending with
            # the id so that ORDER BY ... LIMIT reads the index in order, no sort.
            models.Index(fields=["status", "-published_at", "-id"], name="article_live_idx"),
            # A column's feed, an article's previous/next and related articles: one
            # column, newest first (the column leads, the order ends: issue 11).
            models.Index(
                fields=["column", "status", "-published_at", "-id"],
                name="article_column_live_idx",
            ),
            # Page N of all news, of a column, of the sitemap; the home page's blocks:
            # a range of positions (news.positions).
            models.Index(fields=["list_position"], name="article_list_position_idx"),
            models.Index(fields=["column", "column_position"], name="article_column_position_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields:
            # Every save is a change: its page, kept in parts until updated_at moves
            # (news.article_page), must not outlive a save of some fields only.
            update_fields = kwargs["update_fields"] = {*update_fields, "updated_at"}
        using = kwargs.get("using") or router.db_for_write(Article, instance=self)
        if not positions.affected_by(self, update_fields):
            self._save(using, *args, **kwargs)
            return
        # The positions of the lists (news.positions) move with the save, under one
        # lock, in the same transaction.
        with transaction.atomic(using=using, savepoint=False):
            stored = positions.lock_and_read(self, using)
            if stored and update_fields is None:
                # A full save writes every column: write the positions as they stand.
                self.list_position = stored["list_position"]
                self.column_position = stored["column_position"]
            self._save(using, *args, **kwargs)
            positions.place(self, stored, using)

    def get_absolute_url(self):
        # The permalink names only the id: editing the title or moving the column
        # never breaks a link that has been shared.
        if type(self.pk) is int and self.pk >= 0:
            return _fast_reverse("news:article", "pk", self.pk)
        return reverse("news:article", kwargs={"pk": self.pk})

    def _save(self, db, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        due = self._derived_due(update_fields)
        self._load_sources(due)
        for derived in due:
            derived.compute(self, db)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *(c for d in due for c in d.columns)}
        parts = self.__dict__.pop("_search_parts", None)
        if parts is None:
            super().save(*args, **kwargs)
        else:
            # A long article's index parts (news.search) are written with its row.
            with transaction.atomic(using=db, savepoint=False):
                super().save(*args, **kwargs)
                ArticleSearchPart.store(self, parts, db)
        self._remember(kwargs["update_fields"] if update_fields is not None else self.__dict__)

    def _derived_due(self, update_fields):
        """The rows of DERIVED that this save recomputes, in order."""
        if update_fields is not None:
            changed = set(update_fields)
        elif self._state.adding or self._stored_sources is None:
            changed = set(self.DERIVED_SOURCES)
        else:
            changed = {
                name
                for name in self.DERIVED_SOURCES.intersection(self.__dict__)
                if name not in self._stored_sources
                or self.__dict__[name] != self._stored_sources[name]
            }
        due = []
        for derived in self.DERIVED:
            if changed.intersection(derived.sources):
                due.append(derived)
                changed.update(derived.columns)
        return due

    def _load_sources(self, due):
        """Load, in one query, the sources that the due rows read but this article
        was loaded without (publishing from a list that deferred the body). A
        deferred column that is only recomputed is never loaded."""
        deferred, computed, missing = self.get_deferred_fields(), set(), set()
        for derived in due:
            missing.update(deferred.intersection(derived.sources) - computed)
            computed.update(derived.columns)
        if missing:
            self.refresh_from_db(fields=missing)

    def _remember(self, names):
        """Keep the stored values of the sources among `names` (just loaded or
        saved), for the next full save to compare with."""
        stored = {
            name: self.__dict__[name]
            for name in self.DERIVED_SOURCES.intersection(names)
            if name in self.__dict__
        }
        self._stored_sources = {**(self._stored_sources or {}), **stored}

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._remember(field_names)
        return article

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember(self.DERIVED_SOURCES if fields is None else fields)

    @staticmethod
    def live_condition(now=None, prefix=""):
        """The public rule as a condition, also for lookups through a relation
        (prefix="articles__" from Column)."""
        return Q(
            **{
                f"{prefix}status": Article.Status.PUBLISHED,
                f"{prefix}published_at__lte": now or timezone.now(),
            }
        )

    def is_live(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    is_live.boolean = True
    is_live.short_description = _("公开可见")

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def register_view(self):
        """Count one reading. The increment happens in the database (UPDATE ... SET
        view_count = view_count + 1), so concurrent readers never overwrite each other."""
        Article.objects.filter(pk=self.pk).update(view_count=F("view_count") + 1)
        self.view_count += 1

    def neighbours(self):
        """The previous (older) and next (newer) live articles in the same column."""
        return self.neighbours_and_related(0)[:2]

    def neighbours_and_related(self, related_count):
        """The previous (older) and next (newer) live articles of the same column and
        its newest others (相关稿件), as the article's page lists them."""
        found = Article.objects.reading(self.pk, related_count) if self.pk else None
        if found is None:
            return None, None, []
        return found.previous, found.next, found.related


def _adapted(now, connection):
    return connection.ops.adapt_datetimefield_value(now or timezone.now())


def _from_sqlite(values, times, flags, connection):
    """Row values as the ORM gives them: SQLite gives times as text and booleans as
    0 and 1 (PostgreSQL's driver gives them right)."""
    if connection.vendor == "sqlite":
        convert = connection.ops.convert_datetimefield_value
        for index in times:
            values[index] = convert(values[index], None, connection) if values[index] else None
        for index in flags:
            values[index] = bool(values[index])
    return values


_LISTED_COLUMNS = ("id", "title", "published_at", "is_pinned", "column_id", "excerpt")


class ListedRow(NamedTuple):
    """An article as a list shows it (news.items), read by ArticleQuerySet.newest_listed."""

    id: int
    title: str
    published_at: object  # datetime
    is_pinned: bool
    column_id: int
    excerpt: str

    @classmethod
    def of(cls, row, connection):
        if connection.vendor != "sqlite":
            return cls._make(row)
        return cls(*_from_sqlite(list(row), (2,), (3,), connection))

    @property
    def pk(self):
        return self.id


class ReadingRow(NamedTuple):
    """An article's row as ArticleQuerySet.reading reads it: what its page needs of
    it (the state, the times, the 阅读量) and of the articles it links to."""

    id: int
    title: str
    published_at: object  # datetime, or None for a draft
    is_pinned: bool
    column_id: int
    status: str
    updated_at: object  # datetime
    view_count: int

    @classmethod
    def of(cls, row, connection):
        """(role, ReadingRow) of a row of _reading_sql, its values as the ORM gives
        them (SQLite gives times as text and booleans as 0 and 1)."""
        role, *values = row
        return role, cls(*_from_sqlite(values, (2, 6), (3,), connection))

    @property
    def pk(self):
        return self.id

    def get_absolute_url(self):
        return _fast_reverse("news:article", "pk", self.id)

    def is_live(self, now=None):
        return (
            self.status == Article.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )


class Reading(NamedTuple):
    """An article as its page shows it (ArticleQuerySet.reading): the article's row
    and the live articles its page links to, as ReadingRows."""

    article: ReadingRow
    previous: ReadingRow | None
    next: ReadingRow | None
    related: list


# ArticleQuerySet.reading's statement, per database vendor: the article and, by a
# short scan of the column's index (article_column_live_idx) each, its previous and
# next live articles and its newest live others. Each part of the UNION is a
# subquery because SQLite allows ORDER BY and LIMIT only there; the article's column
# and time are scalar subqueries, which PostgreSQL evaluates once and puts in the
# index condition (a join to the row would scan the live index and filter instead).
_READING_COLUMNS = (
    "id",
    "title",
    "published_at",
    "is_pinned",
    "column_id",
    "status",
    "updated_at",
    "view_count",
)
_READING_SQL = """
WITH a AS (SELECT id, column_id, published_at FROM {table} WHERE id = %s)
SELECT 0 AS role, {columns} FROM {table} WHERE id = %s
UNION ALL SELECT 1 AS role, {columns} FROM (
  SELECT {columns} FROM {table}
  WHERE column_id = (SELECT column_id FROM a) AND status = %s AND published_at <= %s
    AND published_at <= (SELECT published_at FROM a)
    AND (published_at < (SELECT published_at FROM a) OR id < (SELECT id FROM a))
  ORDER BY published_at DESC, id DESC LIMIT 1) p
UNION ALL SELECT 2 AS role, {columns} FROM (
  SELECT {columns} FROM {table}
  WHERE column_id = (SELECT column_id FROM a) AND status = %s AND published_at <= %s
    AND published_at >= (SELECT published_at FROM a)
    AND (published_at > (SELECT published_at FROM a) OR id > (SELECT id FROM a))
  ORDER BY published_at, id LIMIT 1) n
UNION ALL SELECT 3 AS role, {columns} FROM (
  SELECT {columns} FROM {table}
  WHERE column_id = (SELECT column_id FROM a) AND status = %s AND published_at <= %s
    AND id <> (SELECT id FROM a)
  ORDER BY published_at DESC, id DESC LIMIT %s) r
"""


@functools.lru_cache(maxsize=64)
def _newest_sql(columns):
    """ArticleQuerySet.newest_listed's statement for this many columns. IS NOT NULL
    lets the backward scans skip the articles without a place (drafts), which
    PostgreSQL would otherwise read first."""
    table, listed = Article._meta.db_table, ", ".join(_LISTED_COLUMNS)
    live = "status = %s AND published_at <= %s"
    parts = [
        f"SELECT * FROM (SELECT {listed} FROM {table} WHERE {live} "
        "AND list_position IS NOT NULL ORDER BY list_position DESC LIMIT %s) n"
    ]
    parts += [
        f"SELECT * FROM (SELECT {listed} FROM {table} WHERE {live} AND column_id = %s "
        f"AND column_position IS NOT NULL ORDER BY column_id DESC, column_position DESC "
        f"LIMIT %s) c{index}"
        for index in range(columns)
    ]
    return "\nUNION ALL ".join(parts)


def _execute_prepared(cursor, connection, name, sql, params):
    """Run `sql` (one of the statements written here, for the pages every reader
    opens). On PostgreSQL as a prepared statement with one generic plan, made once
    per connection (news.apps forgets them when Django connects again): planning
    the article's statement cost PostgreSQL three times what running it did.
    Not behind a pooler in transaction mode (DJANGO_DB_TRANSACTION_POOLING, which
    also turns server-side cursors off), where the next transaction may be given
    another server connection, without the statement."""
    if connection.vendor != "postgresql" or connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    ):
        cursor.execute(sql, params)
        return
    placeholders = ", ".join(["%s"] * len(params))
    prepared = getattr(connection, "fedsite_prepared", None)
    if prepared is not None and name in prepared:
        try:
            cursor.execute(f"EXECUTE {name} ({placeholders})", params)
            return
        except DatabaseError:
            # The statement is gone or no longer fits (a pooler lent another server
            # connection, DISCARD ALL, a column's type changed by a migration): start
            # again from DEALLOCATE ALL, at once where no transaction was broken.
            connection.fedsite_prepared = None
            if connection.in_atomic_block:
                raise
            prepared = None
    setup = ""
    if prepared is None:
        # A new connection, or one where a statement failed and what it holds is not
        # known. One plan whatever the values: the same index scans for every
        # article and every column (EXPLAIN in the README), where PostgreSQL's own
        # choice kept planning each time (0.8 ms a reading against 0.3). It applies
        # to prepared statements only, and these are the site's only ones (psycopg2
        # prepares none itself).
        prepared = connection.fedsite_prepared = set()
        setup = "DEALLOCATE ALL; SET plan_cache_mode = force_generic_plan; "
    numbered = iter(range(1, len(params) + 1))
    statement = re.sub("%s", lambda match: f"${next(numbered)}", sql)
    try:
        # One round trip, and one query as a page counts them.
        cursor.execute(
            f"{setup}PREPARE {name} AS {statement}; EXECUTE {name} ({placeholders})", params
        )
    except Exception:
        connection.fedsite_prepared = None  # start again from DEALLOCATE ALL
        raise
    prepared.add(name)


def forget_prepared_statements(sender, connection, **kwargs):
    """connection_created: a new connection has none of the old one's statements."""
    connection.fedsite_prepared = None


@functools.cache
def _reading_sql():
    names = [Article._meta.get_field(name).column for name in _READING_COLUMNS]
    return _READING_SQL.format(
        table=Article._meta.db_table,
        columns=", ".join(names),
    )


class ArticleSearchPart(models.Model):
    """A stretch of a long article's search index (news.search, PostgreSQL only).

    A tsvector records at most 16,383 positions, 256 per token and 1 MB; an article
    past any of them (a 200,000-character list of names, a long work report) is
    indexed in overlapping parts, each exact, and a search asks them as well as the
    article's own search_index (issue 13). Written by Article.save and
    rebuild_search_index, never by hand."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="search_parts")
    number = models.PositiveIntegerField()
    index = SearchIndexField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_search_part_unique")
        ]

    def __str__(self):
        return f"{self.article_id}/{self.number}"

    @classmethod
    def store(cls, article, parts, using):
        """Replace the article's parts by `parts` (tsvector literals)."""
        cls.objects.using(using).filter(article_id=article.pk).delete()
        cls.objects.using(using).bulk_create(
            cls(article_id=article.pk, number=number, index=literal)
            for number, literal in enumerate(parts, start=1)
        )


class ReviewEvent(models.Model):
    """The audit trail: every submission, approval, return and withdrawal."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交审核")
        APPROVE = "approve", _("审核通过并发布")
        SEND_BACK = "send_back", _("退回修改")
        WITHDRAW = "withdraw", _("撤回")
        RECALL = "recall", _("编辑修改，退出审核")
        APPLY_CHANGE = "apply_change", _("修改稿审核通过")

    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_events",
        verbose_name=_("文章"),
    )
    article_title = models.CharField(_("文章标题"), max_length=200)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    from_status = models.CharField(_("原状态"), max_length=10, choices=Article.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=Article.Status.choices)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self):
        return f"{self.get_action_display()}：{self.article_title}"


class Attachment(models.Model):
    """A file listed under an article's body: PDF, Word, Excel, WPS or an image."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("文章")
    )
    title = models.CharField(_("名称"), max_length=200, blank=True, help_text=_("不填则用文件名。"))
    file = models.FileField(
        _("文件"), upload_to="attachments/%Y/%m/", max_length=255, storage=attachments_storage
    )
    original_name = models.CharField(_("原文件名"), max_length=255, editable=False)
    file_type = models.CharField(_("类型"), max_length=10, editable=False)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0, editable=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("news:attachment", kwargs={"pk": self.pk})

    @property
    def display_name(self):
        return self.title or self.original_name

    @property
    def type_label(self):
        return type_label(self.file_type)
