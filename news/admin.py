from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Article, Column


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "column", "status", "published_at", "is_pinned", "view_count",
                    "is_live"]  # fmt: skip
    list_display_links = ["title"]
    list_filter = ["status", "column", "is_pinned"]
    list_select_related = ["column"]
    list_per_page = 50
    search_fields = ["title", "summary", "body_text"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    actions = ["publish", "withdraw", "pin", "unpin"]
    readonly_fields = ["view_count", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "column", "body"]}),
        (_("发布"), {"fields": ["status", "published_at", "is_pinned"]}),
        (_("署名与摘要"), {"fields": ["source", "author", "editor", "summary", "cover"]}),
        (_("统计"), {"fields": ["view_count", "created_at", "updated_at"],
                     "classes": ["collapse"]}),
    ]  # fmt: skip

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "title" in form.base_fields:
            # Chinese headlines run to 30-40 characters: give them room.
            form.base_fields["title"].widget.attrs.update({"size": 70, "style": "max-width:100%"})
        return form

    def get_queryset(self, request):
        # The change list never shows a body: leave the bodies in the database.
        return super().get_queryset(request).defer("body", "body_text")

    @admin.action(description=_("发布所选文章"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        pending = queryset.exclude(status=Article.Status.PUBLISHED)
        # A publish time already set (perhaps in the future: scheduled) is kept.
        pending.filter(published_at__isnull=True).update(published_at=now)
        count = pending.update(status=Article.Status.PUBLISHED, updated_at=now)
        self.message_user(
            request,
            ngettext("已发布 %d 篇文章。", "已发布 %d 篇文章。", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("撤回所选文章"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = queryset.filter(status=Article.Status.PUBLISHED).update(
            status=Article.Status.WITHDRAWN, updated_at=timezone.now()
        )
        self.message_user(
            request, ngettext("已撤回 %d 篇文章。", "已撤回 %d 篇文章。", count) % count
        )

    @admin.action(description=_("置顶所选文章"), permissions=["change"])
    def pin(self, request, queryset):
        count = queryset.update(is_pinned=True)
        self.message_user(request, ngettext("已置顶 %d 篇。", "已置顶 %d 篇。", count) % count)

    @admin.action(description=_("取消置顶所选文章"), permissions=["change"])
    def unpin(self, request, queryset):
        count = queryset.update(is_pinned=False)
        self.message_user(
            request, ngettext("已取消置顶 %d 篇。", "已取消置顶 %d 篇。", count) % count
        )
