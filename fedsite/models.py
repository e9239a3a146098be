"""What every page shares: the site's particulars (网站信息) and footer links (友情链接),
the error reports readers send (我要纠错), and the words the 繁體 view writes as staff
say (繁体用词). The first three lived in news until issue 10; fedsite's first
migration takes them over with their tables' rows."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .uploads import generated_name, inspect_image, site_image_upload_to, validate_image


def default_source():
    # A callable, so that the federation's name stays a setting and not a migration.
    return settings.SITE_NAME


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
    # As the WeChat QR code (fedsite.uploads.site_image_upload_to): named by content.
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


# What a phrase may hold: characters of words (no markup, no spaces), since it is
# replaced in the page's HTML as it is sent.
_PHRASE = re.compile(r"[\w·]+")
_HAN = re.compile("[\u3400-\u9fff\U00020000-\U0003ffff]")


def validate_phrase(value):
    if not _PHRASE.fullmatch(value) or not _HAN.search(value):
        raise ValidationError(
            _("请只填写词语本身（汉字，可含字母和数字），不要加空格或标点。"),
            code="phrase_characters",
        )


class TraditionalPhrase(models.Model):
    """A word the 繁體 view writes as staff say rather than as OpenCC's s2tw guesses
    (fedsite.reader): s2tw reads 联系 in 全市妇联系统 as one word (婦聯繫統) and writes
    征 in 新征程 as 徵. Shipped with the federation's own vocabulary (fedsite 0002),
    edited in the admin; a change shows on the next page, no release needed."""

    simplified = models.CharField(
        _("简体写法"),
        max_length=30,
        unique=True,
        validators=[validate_phrase],
        help_text=_("简体文章中出现的词，如“妇联系统”“新征程”。"),
    )
    traditional = models.CharField(
        _("繁体写法"),
        max_length=30,
        validators=[validate_phrase],
        help_text=_("繁体页面上应当显示的写法，如“婦聯系統”“新征程”。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["simplified"]
        verbose_name = _("繁体用词")
        verbose_name_plural = _("繁体用词")

    def __str__(self):
        return f"{self.simplified} → {self.traditional}"

    def clean(self):
        if self.simplified and self.traditional and len(self.simplified) != len(self.traditional):
            # s2tw changes characters, never the number of them: a different length
            # is a typing mistake, and would change what the sentence says.
            raise ValidationError(
                {"traditional": _("繁体写法应与简体写法字数相同，一字对一字。")},
                code="phrase_length",
            )
