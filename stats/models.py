from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import figures

FIRST_YEAR = 1949  # the founding of the All-China Women's Federation
LAST_YEAR = 2100


class IndicatorGroup(models.Model):
    """A section of the work report: 思想引领, 家庭文明建设, ..."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("指标分组")
        verbose_name_plural = _("指标分组")

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One work indicator, such as 巾帼大宣讲 (场次) or 美丽庭院 (户)."""

    group = models.ForeignKey(
        IndicatorGroup, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("分组")
    )
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(
        _("网址名"),
        max_length=60,
        unique=True,
        help_text=_("用于网址，只能使用英文字母、数字和连字符。"),
    )
    unit = models.CharField(
        _("单位"), max_length=10, help_text=_("如：场次、人次、户、人、名、个、期、课时")
    )
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["group__order", "group_id", "order", "id"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="indicator_unique_name_in_group")
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def get_absolute_url(self):
        return reverse("stats:indicator", kwargs={"slug": self.slug})


class YearlyValueQuerySet(models.QuerySet):
    def for_year(self, year):
        return self.filter(year=year)

    def with_indicator(self):
        return self.select_related("indicator__group")

    def with_source(self):
        # The article's title and address only: its body stays in the database.
        return self.select_related("source_article").defer(
            "source_article__body", "source_article__body_text", "source_article__excerpt"
        )

    def years(self):
        return self.order_by("-year").values_list("year", flat=True).distinct()


class YearlyValue(models.Model):
    """One figure of one indicator for one reporting year.

    A figure is either the year's activity (年度: 2021年开展巾帼大宣讲535场次) or a
    running total as of a date (累计: 截至目前全市共创建美丽庭院58.1万户). The two are
    never added together: a running total already contains the years before it."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("年度")
        RUNNING_TOTAL = "running_total", _("累计")

    class Qualifier(models.TextChoices):
        EXACT = figures.EXACT, _("准确数")
        MORE_THAN = figures.MORE_THAN, _("余（多于）")
        ABOUT = figures.ABOUT, _("约")
        NEARLY = figures.NEARLY, _("近")

    class Scale(models.TextChoices):
        PLAIN = figures.PLAIN, _("个位（11000）")
        WAN = figures.WAN, _("万（58.1万）")
        YI = figures.YI, _("亿")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("指标")
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.YEARLY)
    value = models.DecimalField(
        _("数值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    qualifier = models.CharField(
        _("限定"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    scale = models.CharField(
        _("写法"),
        max_length=5,
        choices=Scale.choices,
        default=Scale.PLAIN,
        help_text=_("报告里的写法：11000人 还是 1.1万人。"),
    )
    as_of = models.DateField(_("截至日期"), null=True, blank=True, help_text=_("累计数必填。"))
    source_article = models.ForeignKey(
        "news.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_values",
        verbose_name=_("来源文章"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = YearlyValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year", "kind"]
        verbose_name = _("年度数值")
        verbose_name_plural = _("年度数值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "kind"], name="value_one_per_indicator_year_kind"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="value_not_negative"),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="value_year_in_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="running_total") | models.Q(as_of__isnull=False),
                name="running_total_has_as_of",
            ),
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="value_year_idx")]

    def __str__(self):
        return f"{self.indicator.name} {self.year}年：{self.display}"

    def clean(self):
        if self.kind == self.Kind.RUNNING_TOTAL and not self.as_of:
            raise ValidationError({"as_of": _("累计数必须填写截至日期。")})
        if self.kind == self.Kind.YEARLY and self.as_of:
            raise ValidationError({"as_of": _("年度数不填截至日期。")})

    @property
    def display(self):
        """58.1万户, 8万余人次, 713.5课时, 近万人."""
        return figures.format_figure(self.value, self.qualifier, self.scale, self.indicator.unit)

    @property
    def written(self):
        """The figure without its unit, as staff type it: 8万余."""
        return figures.format_figure(self.value, self.qualifier, self.scale)

    @property
    def is_running_total(self):
        return self.kind == self.Kind.RUNNING_TOTAL
