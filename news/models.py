from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image
from simple_history.models import HistoricalRecords

from . import search
from .sanitize import clean_html, html_to_text, prose_text, summarize
from .search import SearchIndexField
from .uploads import (
    cover_upload_to,
    generated_name,
    inspect_image,
    keep_pasted_image,
    local_image_size,
    site_image_upload_to,
    validate_image,
)

SUMMARY_LENGTH = 120


def default_source():
    # A callable, so that the federation's name stays a setting and not a migration.
    return settings.SITE_NAME


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

    def pinned_first(self):
        return self.order_by("-is_pinned", "-published_at", "-id")

    def for_listing(self):
        # Lists show title, column, date and summary: leave the bodies in the database.
        return self.select_related("column").defer(
            "body", "body_text", "search_index", "title_index", "search_overflow"
        )


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
    # NULL, not "", marks "not needed": only long articles on PostgreSQL have one.
    search_overflow = models.TextField(  # noqa: DJ001
        _("长文检索文本"), null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["view_count", "body_text", "excerpt", "version", "cover_width",
                         "cover_height", "search_index", "title_index", "search_overflow",
                         "base_snapshot"],
        verbose_name=_("文章历史版本"),
    )  # fmt: skip

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        permissions = [
            ("publish_article", _("可以审核、发布、退回和撤回文章")),
        ]
        indexes = [
            # The all-news list and the feeds: live(), newest first.
            models.Index(fields=["status", "-published_at"], name="article_live_idx"),
            # A column's list: live() in one column, pinned first, newest first.
            models.Index(
                fields=["column", "status", "-is_pinned", "-published_at"],
                name="article_column_live_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A new cover loses its metadata before it is stored (news.uploads, pre_save).
        # A picture pasted into the editor arrives as data: and is stored like an
        # upload; one that cannot be kept is dropped and named by
        # news.uploads.body_image_problems, which the admin shows.
        self.body = clean_html(self.body, keep_image=keep_pasted_image, size_of=local_image_size)
        self.body_text = html_to_text(self.body)
        self.excerpt = summarize(self.summary or prose_text(self.body), SUMMARY_LENGTH)
        for name, value in search.article_index(self.title, self.summary, self.body_text).items():
            setattr(self, name, value)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.published_at is not None:
            # Whole seconds: <time datetime> allows no microseconds (issue 9, item 15),
            # and a time shown to the second must be the time stored.
            self.published_at = self.published_at.replace(microsecond=0)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # Derived columns follow whatever they derive from.
            derived = set()
            if {"body", "summary", "status"} & set(update_fields):
                # Publishing writes the body as cleaned now, so that no path (the bulk
                # approve action saves only the status) publishes a body cleaned by
                # older rules, or not at all (issue 9, item 18).
                derived |= {"body", "body_text", "excerpt"}
            if {"title", "body", "summary", "status"} & set(update_fields):
                derived |= {"search_index", "title_index", "search_overflow"}
            if "status" in update_fields:
                derived.add("published_at")
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The permalink names only the id: editing the title or moving the column
        # never breaks a link that has been shared.
        return reverse("news:article", kwargs={"pk": self.pk})

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

    def related(self):
        """相关稿件: the newest other live articles of the same column."""
        return (
            Article.objects.live().in_column(self.column_id).exclude(pk=self.pk)
            .only("id", "title", "published_at", "column_id", "is_pinned")
            .order_by("-published_at", "-id")
        )  # fmt: skip

    def neighbours(self):
        """The previous (older) and next (newer) live articles in the same column."""
        if self.published_at is None:
            return None, None
        siblings = Article.objects.live().in_column(self.column_id).only("id", "title")
        older = siblings.filter(
            Q(published_at__lt=self.published_at)
            | Q(published_at=self.published_at, id__lt=self.id)
        ).order_by("-published_at", "-id")
        newer = siblings.filter(
            Q(published_at__gt=self.published_at)
            | Q(published_at=self.published_at, id__gt=self.id)
        ).order_by("published_at", "id")
        return older.first(), newer.first()


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
        Article, on_delete=models.SET_NULL, null=True, related_name="review_events",
        verbose_name=_("文章"),
    )  # fmt: skip
    article_title = models.CharField(_("文章标题"), max_length=200)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("操作人"),
    )  # fmt: skip
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
    title = models.CharField(_("名称"), max_length=200, blank=True,
                             help_text=_("不填则用文件名。"))  # fmt: skip
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/", max_length=255)
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
        from .attachments import type_label

        return type_label(self.file_type)


# The emblem shipped with the site (static/img/emblem.svg, rasterised), used until
# staff upload the federation's own logo.
DEFAULT_LOGO = "img/emblem-512.png"
LOGO_MIN_SIZE = 200


def validate_logo(file):
    """The logo is the share picture of every article without a cover: WeChat and
    Open Graph previews take PNG or JPEG of at least 200×200 pixels."""
    extension = inspect_image(file)
    if extension not in {"png", "jpg"}:
        raise ValidationError(_("网站标志请上传 PNG 或 JPG 图片。"), code="logo_format")
    try:
        with Image.open(file) as image:
            width, height = image.size
    finally:
        file.seek(0)
    if min(width, height) < LOGO_MIN_SIZE:
        raise ValidationError(
            _("网站标志至少 %(min)s×%(min)s 像素（此图 %(width)s×%(height)s），分享预览才清楚。"),
            code="logo_too_small",
            params={"min": LOGO_MIN_SIZE, "width": width, "height": height},
        )


def site_logo_upload_to(instance, filename):
    # As the WeChat QR code (news.uploads.site_image_upload_to): named by content.
    return generated_name("site", inspect_image(instance.logo.file))


class SiteProfile(models.Model):
    """The site's own particulars, edited by staff: the footer Chinese public sites
    carry, the rights hotline and the WeChat account. One row (see `current`)."""

    host_organization = models.CharField(_("主办单位"), max_length=100, default=default_source)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    postcode = models.CharField(_("邮编"), max_length=10, blank=True)
    site_code = models.CharField(
        _("网站标识码"), max_length=20, blank=True, help_text=_("政府网站标识码，如 1300000001。")
    )
    icp_number = models.CharField(_("ICP备案号"), max_length=50, blank=True)
    police_number = models.CharField(_("公安备案号"), max_length=50, blank=True)
    hotline = models.CharField(_("维权热线"), max_length=20, default="12338")
    hotline_label = models.CharField(_("热线名称"), max_length=50, default="妇女维权公益服务热线")
    wechat_name = models.CharField(_("微信公众号名称"), max_length=50, blank=True)
    wechat_qr = models.ImageField(
        _("微信公众号二维码"),
        upload_to=site_image_upload_to,
        blank=True,
        validators=[validate_image],
    )
    logo = models.ImageField(
        _("网站标志"),
        upload_to=site_logo_upload_to,
        blank=True,
        validators=[validate_logo],
        help_text=_(
            "正方形的 PNG 或 JPG 图片，至少 200×200 像素。显示在页头，并作为没有封面的文章"
            "分享到微信等处时的图片。不上传则使用网站自带的梅花标志。"
        ),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("网站信息")
        verbose_name_plural = _("网站信息")

    def __str__(self):
        return str(_("网站信息"))

    @classmethod
    def current(cls):
        """The one profile; the defaults, unsaved, until staff first save it (so a
        page view never writes)."""
        return cls.objects.order_by("id").first() or cls()

    @property
    def logo_url(self):
        """The uploaded logo, or the shipped emblem (a site-relative address)."""
        return self.logo.url if self.logo else static(DEFAULT_LOGO)


class ExternalLink(models.Model):
    """Links shown in every page's footer: the national and provincial federations."""

    name = models.CharField(_("名称"), max_length=50)
    url = models.URLField(_("网址"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("友情链接")
        verbose_name_plural = _("友情链接")

    def __str__(self):
        return self.name


class ErrorReport(models.Model):
    """我要纠错: a reader's report of an error on a page, for staff to handle."""

    page_url = models.CharField(_("出错页面"), max_length=500, blank=True)
    description = models.TextField(_("问题描述"), max_length=2000)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    handled = models.BooleanField(_("已处理"), default=False)

    class Meta:
        ordering = ["handled", "-created_at"]
        verbose_name = _("纠错留言")
        verbose_name_plural = _("纠错留言")

    def __str__(self):
        return self.description[:30]
