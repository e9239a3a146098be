from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import accounts_admin  # noqa: F401  users, groups, 登录保护 in Chinese (issue 9, item 7)
from .models import ErrorReport, ExternalLink, SiteProfile, TraditionalPhrase
from .reader import to_traditional


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    """One row: the footer, the hotline and the WeChat account."""

    fieldsets = [
        (
            _("主办与联系"),
            {"fields": ["host_organization", "address", "postcode", "phone", "email"]},
        ),
        (_("备案与标识"), {"fields": ["site_code", "icp_number", "police_number"]}),
        (_("热线与公众号"), {"fields": ["hotline", "hotline_label", "wechat_name", "wechat_qr"]}),
        (_("网站标志"), {"fields": ["logo"]}),
    ]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is only one: go straight to it (or to the form that creates it).
        profile = SiteProfile.objects.order_by("id").first()
        if profile is None:
            return HttpResponseRedirect(reverse("admin:fedsite_siteprofile_add"))
        return HttpResponseRedirect(reverse("admin:fedsite_siteprofile_change", args=[profile.pk]))


@admin.register(ExternalLink)
class ExternalLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "order"]
    list_editable = ["order"]


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """我要纠错: what readers reported, newest unhandled first."""

    list_display = ["created_at", "description", "page_url", "contact", "handled"]
    list_filter = ["handled"]
    search_fields = ["description", "page_url"]
    readonly_fields = ["page_url", "description", "contact", "created_at"]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("标记为已处理"), permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.update(handled=True)
        self.message_user(request, ngettext("已处理 %d 条。", "已处理 %d 条。", count) % count)


@admin.register(TraditionalPhrase)
class TraditionalPhraseAdmin(admin.ModelAdmin):
    """繁体用词: how the 繁體 view writes the federation's words. Beside each, what the
    plain conversion would write, so staff see what the entry fixes."""

    list_display = ["simplified", "traditional", "plain_conversion", "note", "updated_at"]
    search_fields = ["simplified", "traditional", "note"]
    fields = ["simplified", "traditional", "note"]

    @admin.display(description=_("不用本表时的转换"))
    def plain_conversion(self, phrase):
        return to_traditional(phrase.simplified, phrases={})
