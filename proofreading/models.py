from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.models import Article

from .findings import KINDS, Finding


class Wording(models.Model):
    """A 规范表述: a wording the federation requires (the full name of a law or an
    organisation, the quoting of “三八”国际妇女节, a leader's title), as the wrong form
    to look for and the right form to write."""

    wrong = models.CharField(
        _("不规范的写法"),
        max_length=100,
        unique=True,
        help_text=_("文章中出现这个写法就提示。"),
    )
    right = models.CharField(_("规范写法"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_example = models.BooleanField(
        _("示例"),
        default=False,
        help_text=_("随系统提供的示例条目：请按本单位的要求核对、修改或删除。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["wrong"]
        verbose_name = _("规范表述")
        verbose_name_plural = _("规范表述")

    def __str__(self):
        return f"{self.wrong} → {self.right}"


class SensitiveWord(models.Model):
    """A word that must not appear in an article. The list is the federation's own:
    nothing is built in."""

    word = models.CharField(_("敏感词"), max_length=100, unique=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")

    def __str__(self):
        return self.word


class IgnoredFinding(models.Model):
    """ "Ignore here" (此处忽略): staff judged a finding correct at this spot (this
    wrong text in this sentence of this article), so it no longer counts as open.
    Kept as a record: who, when and what the finding said."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="ignored_findings",
        verbose_name=_("文章"),
    )
    spot = models.CharField(_("位置标识"), max_length=16, editable=False)
    kind = models.CharField(_("类别"), max_length=20, choices=list(KINDS.items()))
    wrong = models.CharField(_("原文"), max_length=200, blank=True)
    sentence = models.TextField(_("所在句子"), blank=True)
    why = models.TextField(_("问题"), blank=True)
    ignored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("忽略人"),
    )
    ignored_at = models.DateTimeField(_("忽略时间"), default=timezone.now)

    class Meta:
        ordering = ["-ignored_at", "-id"]
        verbose_name = _("忽略记录")
        verbose_name_plural = _("忽略记录")
        constraints = [
            models.UniqueConstraint(fields=["article", "spot"], name="ignored_once_per_spot")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}“{self.wrong}”"


class ArticleCheck(models.Model):
    """The last check of an article, stored so that the review queue shows each
    article's open findings without checking anything (written after every save of
    the article, of a figure citing it, of the word lists; see proofreading.records)."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="proofreading",
        verbose_name=_("文章"),
    )
    findings = models.JSONField(_("校对结果"), default=list)
    open_count = models.PositiveIntegerField(_("未处理"), default=0)
    serious_count = models.PositiveIntegerField(_("严重"), default=0)
    checked_at = models.DateTimeField(_("校对时间"), default=timezone.now)

    class Meta:
        verbose_name = _("校对结果")
        verbose_name_plural = _("校对结果")

    def __str__(self):
        return str(self.article_id)

    def finding_list(self):
        return [Finding.from_json(data) for data in self.findings]
