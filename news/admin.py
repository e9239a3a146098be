from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .attachments import AttachmentForm
from .history import ArticleHistoryContext
from .models import Article, Attachment, Column, ErrorReport, ExternalLink, ReviewEvent, SiteProfile
from .sanitize import count_images_without_alt
from .search import parse_query

Status = Article.Status

ALT_MISSING = _(
    "正文中有 %(count)d 张图片没有填写“替换文本”（图片说明），请双击图片补上，方便视障读者。"
)

# The buttons on the article form, besides 保存 (save as it is).
SUBMIT, APPROVE, SEND_BACK, WITHDRAW = "_submit", "_approve", "_send_back", "_withdraw"


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "interval_days", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]

    @admin.display(description=_("更新周期（天）"))
    def interval_days(self, column):
        return column.interval_days


class ArticleForm(forms.ModelForm):
    """The article form, with the version it was opened at (to refuse a save that
    would overwrite a colleague's) and the reviewer's comment."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    review_note = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("退回修改时必填，编辑会看到这段意见。"),
    )

    class Meta:
        model = Article
        fields = ["title", "column", "body", "published_at", "is_pinned", "source", "author",
                  "editor", "summary", "cover"]  # fmt: skip
        help_texts = {
            "published_at": _("时区：北京时间（Asia/Shanghai，UTC+8）。填将来的时间即定时发布，"
                              "审核通过后到时自动显示。"),
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["edit_version"].initial = self.instance.version
        if "title" in self.fields:
            # Chinese headlines run to 30-40 characters: give them room.
            self.fields["title"].widget.attrs.update({"size": 70, "style": "max-width:100%"})

    user = None  # set by ArticleAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_version") is not None:
            self._refuse_stale_edit(cleaned["edit_version"])
        if self.instance.pk:
            self._refuse_second_change()
        return cleaned

    def _refuse_second_change(self):
        """An editor's save of a published article becomes a 修改稿; if one is already
        open, send them to it rather than overwrite a colleague's change."""
        article = self.instance
        # The status in the database, not the form's (a restored old version
        # carries its old status).
        current = Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
        if current != Status.PUBLISHED or self.user is None:
            return
        if workflow.can_publish(self.user):
            return
        pending = article.pending_changes.select_related("created_by").order_by("-id").first()
        if pending is None:
            return
        who = str(pending.created_by) if pending.created_by else _("另一位同事")
        when = date_format(timezone.localtime(pending.updated_at), "Y-m-d H:i")
        raise ValidationError(
            _("保存被拒绝：%(who)s 在 %(when)s 已为这篇文章保存了一份修改稿。"
              "为免互相覆盖，请在那份修改稿里继续修改：%(url)s 。"
              "您的修改没有丢失，仍在下方表单中，可以复制过去。") % {
                "who": who, "when": when,
                "url": reverse("admin:news_article_change", args=[pending.pk]),
            },
            code="change_open",
        )  # fmt: skip

    def _refuse_stale_edit(self, opened_version):
        # Lock the row until this save commits (the admin wraps it in a transaction),
        # so two saves cannot both pass this check.
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or current.version == opened_version:
            return
        last = current.history.select_related("history_user").order_by("-history_date").first()
        who = str(last.history_user) if last and last.history_user else _("另一位同事")
        when = date_format(timezone.localtime(current.updated_at), "Y-m-d H:i:s")
        raise ValidationError(
            _("保存被拒绝：%(who)s 在 %(when)s 修改了这篇文章（您打开的是之前的版本）。"
              "您的修改没有丢失，仍在下方表单中：请复制出来，或在新窗口打开文章查看对方的版本，"
              "合并后再保存。") % {"who": who, "when": when},
            code="stale",
        )  # fmt: skip


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fields = ["file", "title", "order", "file_type", "size"]
    readonly_fields = ["file_type", "size"]

    def _locked(self, request, obj):
        # Attachments of a published article are public, and those of a submitted
        # one are what the reviewer is reviewing: editors change them through a
        # 修改稿, or after the article is sent back.
        return (
            obj is not None
            and obj.status in {Status.PUBLISHED, Status.REVIEW}
            and not workflow.can_publish(request.user)
        )

    def has_add_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_delete_permission(request, obj)


class QueueFilter(admin.SimpleListFilter):
    """What waits for me: submissions for reviewers, returned drafts for editors."""

    title = _("待我处理")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        choices = [("returned", _("退回给我的")), ("mine", _("我的草稿"))]
        if workflow.can_publish(request.user):
            choices.insert(0, ("review", _("待审核")))
        choices.append(("changes", _("修改稿")))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == "review":
            return queryset.awaiting_review()
        if value == "returned":
            return queryset.returned_to(request.user)
        if value == "mine":
            return queryset.drafts_of(request.user)
        if value == "changes":
            return queryset.pending_changes()
        return queryset


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleForm
    list_display = ["title", "column", "status", "published_at", "is_pinned", "view_count",
                    "is_live"]  # fmt: skip
    list_display_links = ["title"]
    list_filter = [QueueFilter, "status", "column", "is_pinned"]
    list_select_related = ["column"]
    list_per_page = 50
    search_fields = ["title", "summary", "body_text"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    actions = ["submit_selected", "publish", "withdraw", "pin", "unpin"]
    readonly_fields = ["status", "review_comment", "revision_of", "view_count", "created_by",
                       "created_at", "updated_at"]  # fmt: skip
    inlines = [AttachmentInline]
    change_form_template = "admin/news/article/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.can_publish(request.user):
            fields.append("is_pinned")  # pinning changes the home page: reviewers only
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_fieldsets(self, request, obj=None):
        workflow_fields = ["status", "published_at", "is_pinned", "review_comment"]
        if obj is not None and obj.revision_of_id:
            workflow_fields.insert(1, "revision_of")
        if workflow.can_publish(request.user):
            workflow_fields.append("review_note")
        return [
            (None, {"fields": ["title", "column", "body", "edit_version"]}),
            (_("审核与发布"), {"fields": workflow_fields}),
            (_("署名与摘要"), {"fields": ["source", "author", "editor", "summary", "cover"]}),
            (_("记录"), {"fields": ["view_count", "created_by", "created_at", "updated_at"],
                         "classes": ["collapse"]}),
        ]  # fmt: skip

    def get_queryset(self, request):
        # The change list never shows a body: leave the bodies in the database.
        return super().get_queryset(request).defer("body", "body_text")

    def get_search_results(self, request, queryset, search_term):
        """Staff search finds Chinese text the way the public search does
        (news.search): 妇联 inside 市妇联组织, traditional or simplified."""
        query = parse_query(search_term)
        if not query:
            return queryset, False
        return queryset.filter(pk__in=Article.objects.search(query).values("pk")), False

    def get_historical_record_context_helper(self, request, historical_record):
        return ArticleHistoryContext(self.model, historical_record)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied  # hiding the button is not enough
        # Like the change view, in one transaction: the stale-edit check locks the row.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        # Restoring rewrites what the public sees: reviewers only. It saves the old
        # version as a new one, so history is never rewritten.
        return not workflow.can_publish(request.user) or super().revert_disabled(request, obj)

    # -- saving ---------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        missing = count_images_without_alt(obj.body)
        if missing:
            # Readers using screen readers hear nothing for an image without
            # 替换文本; say so at every save until it is filled in.
            self.message_user(request, ALT_MISSING % {"count": missing}, messages.WARNING)
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT
            obj.save()
            return
        original = Article.objects.get(pk=obj.pk)
        if original.status == Status.PUBLISHED and not workflow.can_publish(request.user):
            # The public keeps the published version; the edit waits for review.
            request._fedsite_change = workflow.article_propose_change(
                article=original, edited=obj, by=request.user
            )
            return
        changed = workflow.snapshot(obj) != workflow.snapshot(original)
        if changed and original.status == Status.REVIEW and not workflow.can_publish(request.user):
            # What the reviewer approves must be what they reviewed: an editor's
            # change takes the article out of the queue until it is submitted again.
            workflow.article_recall(article=original, by=request.user)
            obj.status = original.status = Status.DRAFT
            self.message_user(
                request,
                _("文章已修改，退出审核队列，成为草稿；改好后请重新提交审核。"),
                messages.WARNING,
            )
        # A save never changes the workflow state: only the transitions do. (This
        # matters for a restored old version, which carries its old status.)
        for name in ("status", "review_comment", "revision_of_id", "created_by_id"):
            setattr(obj, name, getattr(original, name))
        if original.status == Status.PUBLISHED and obj.published_at is None:
            obj.published_at = original.published_at
        obj.version = original.version + 1
        obj.save()

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_fedsite_change", None):
            # Nothing of the published article changes (its attachments are locked
            # for editors); the admin's change message still reads these lists.
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        self._run_transition(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        pending = getattr(request, "_fedsite_change", None)
        if pending:
            if SUBMIT in request.POST:
                self._transition(request, workflow.article_submit, article=pending)
            self.message_user(
                request,
                _("这篇文章已经发布，您的修改已另存为修改稿，审核通过后才会替换网站上的版本。"),
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:news_article_change", args=[pending.pk]))
        article = self._run_transition(request, obj)
        if article is not None and article.pk != obj.pk:  # a 修改稿 was applied and deleted
            return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))
        return super().response_change(request, obj)

    def _run_transition(self, request, article):
        note = request.POST.get("review_note", "")
        if SUBMIT in request.POST:
            return self._transition(request, workflow.article_submit, article=article)
        if APPROVE in request.POST:
            return self._transition(
                request, workflow.article_approve, article=article, comment=note
            )
        if SEND_BACK in request.POST:
            return self._transition(
                request, workflow.article_send_back, article=article, comment=note
            )
        if WITHDRAW in request.POST:
            return self._transition(
                request, workflow.article_withdraw, article=article, comment=note
            )
        return None

    def _transition(self, request, function, **kwargs):
        try:
            result = function(by=request.user, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, message, messages.ERROR)
            return None
        article = result or kwargs["article"]
        self.message_user(
            request, _("「%(title)s」：%(status)s") % {"title": article.title,
                                                     "status": article.get_status_display()},
        )  # fmt: skip
        return article

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            can_publish=workflow.can_publish(request.user),
            pending_change=obj.pending_changes.first() if obj and obj.pk else None,
            review_events=obj.review_events.select_related("actor")[:10] if obj and obj.pk else [],
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- actions on the list --------------------------------------------------

    def _bulk(self, request, queryset, function, done):
        count, errors = 0, []
        for article in queryset.defer(None):
            try:
                function(article=article, by=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as error:
                errors.append(
                    f"「{article.title}」：{' '.join(getattr(error, 'messages', [str(error)]))}"
                )
        if count:
            self.message_user(request, done % count, messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("提交审核"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.article_submit, _("已提交审核 %d 篇。"))

    @admin.action(description=_("审核通过并发布"), permissions=["publish"])
    def publish(self, request, queryset):
        # In bulk, only what was submitted for review: a draft (perhaps just
        # recalled by its editor) is published from its own page, after reading it.
        skipped = queryset.exclude(status=Status.REVIEW).count()
        self._bulk(
            request, queryset.filter(status=Status.REVIEW), workflow.article_approve,
            _("已发布 %d 篇文章。"),
        )  # fmt: skip
        if skipped:
            self.message_user(
                request,
                _("%(count)d 篇不是“待审核”状态，未发布：批量发布只发布已提交审核的文章。")
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("撤回所选文章"), permissions=["publish"])
    def withdraw(self, request, queryset):
        self._bulk(request, queryset, workflow.article_withdraw, _("已撤回 %d 篇文章。"))

    def _set_pinned(self, request, queryset, pinned):
        # Through save(), not update(): each pin is a version in the history and
        # bumps the edit version, so a form opened before cannot silently undo it.
        count = 0
        for article in queryset.filter(revision_of__isnull=True).exclude(is_pinned=pinned):
            article.is_pinned = pinned
            article._history_user = request.user
            article.version += 1
            article.save(update_fields=["is_pinned", "version", "updated_at"])
            count += 1
        return count

    @admin.action(description=_("置顶所选文章"), permissions=["publish"])
    def pin(self, request, queryset):
        count = self._set_pinned(request, queryset, True)
        self.message_user(request, ngettext("已置顶 %d 篇。", "已置顶 %d 篇。", count) % count)

    @admin.action(description=_("取消置顶所选文章"), permissions=["publish"])
    def unpin(self, request, queryset):
        count = self._set_pinned(request, queryset, False)
        self.message_user(
            request, ngettext("已取消置顶 %d 篇。", "已取消置顶 %d 篇。", count) % count
        )


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only, for those with the permission to view it."""

    list_display = ["at", "action", "article_link", "actor", "from_status", "to_status", "comment"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["article_title", "comment"]
    date_hierarchy = "at"
    list_select_related = ["actor", "article"]

    @admin.display(description=_("文章"))
    def article_link(self, event):
        return event.article_title

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    ]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is only one: go straight to it (or to the form that creates it).
        profile = SiteProfile.objects.order_by("id").first()
        if profile is None:
            return HttpResponseRedirect(reverse("admin:news_siteprofile_add"))
        return HttpResponseRedirect(reverse("admin:news_siteprofile_change", args=[profile.pk]))


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
