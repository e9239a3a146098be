from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
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
from .uploads import body_image_problems

Status = Article.Status

ALT_MISSING = _(
    "正文中有 %(count)d 张图片没有填写“替换文本”（图片说明），请双击图片补上，方便视障读者。"
)

# The buttons on the article form, besides 保存 (save as it is), and what each asks
# the review rule (news.workflow) to do.
SUBMIT, APPROVE, SEND_BACK, WITHDRAW = "_submit", "_approve", "_send_back", "_withdraw"
BUTTONS = {
    SUBMIT: workflow.Action.SUBMIT,
    APPROVE: workflow.Action.APPROVE,
    SEND_BACK: workflow.Action.SEND_BACK,
    WITHDRAW: workflow.Action.WITHDRAW,
}


def pressed_action(data):
    """The workflow action of the button pressed in the article form, or None (保存)."""
    return next((action for button, action in BUTTONS.items() if button in data), None)


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

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        stored = self.instance.published_at if self.instance.pk else None
        # The time box shows the time to the minute (zh-hans TIME_INPUT_FORMATS):
        # posted back unchanged, it must not cut the stored seconds (issue 9, item 6).
        if value and stored and value in {
            stored.replace(microsecond=0),
            stored.replace(second=0, microsecond=0),
        }:
            return stored
        return value

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_version") is not None:
            self._refuse_stale_edit(cleaned["edit_version"])
        if self.instance.pk:
            self._refuse_second_change()
        self._refuse_transition(cleaned.get("review_note", ""))
        return cleaned

    def _refuse_transition(self, note):
        """Ask the review rule about the pressed button before anything is saved, so
        that a refusal leaves the page as it was typed (issue 9, item 5)."""
        action = pressed_action(self.data)
        if action is None or self.user is None:
            return
        # The state in the database, not the form's; a new article is first saved
        # as a draft.
        stored = Article.objects.filter(pk=self.instance.pk).first() or Article()
        if action == workflow.Action.SUBMIT and workflow.becomes_change(stored, self.user):
            return  # what is submitted is the 修改稿 this save makes
        try:
            workflow.check(action, article=stored, by=self.user, comment=note)
        except (PermissionDenied, ValidationError) as error:
            self.refusal = " ".join(getattr(error, "messages", [str(error)]))
            if getattr(error, "code", None) == "comment_required" and "review_note" in self.fields:
                self.add_error("review_note", error)  # beside the box to fill in, too
            else:
                self.add_error(None, ValidationError(self.refusal, code="refused"))

    # The review rule's refusal of the pressed button: shown as an error message at
    # the top of the page (ArticleAdmin.render_change_form), not again in the form.
    refusal = None

    def non_field_errors(self):
        errors = super().non_field_errors()
        kept = [error for error in errors.as_data() if error.code != "refused"]
        return errors if len(kept) == len(errors) else self.error_class(
            kept, error_class="nonfield", renderer=self.renderer
        )

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
    fields = ["file", "title", "order", "file_type", "size_display"]
    readonly_fields = ["file_type", "size_display"]

    @admin.display(description=_("大小"))
    def size_display(self, attachment):
        return filesizeformat(attachment.size) if attachment.pk else ""

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
        workflow_fields = ["status", "published_at", "is_pinned"]
        if obj is not None and obj.revision_of_id:
            workflow_fields.insert(1, "revision_of")
        # One 审核意见 row: reviewers write theirs (the standing comment is shown in the
        # status box above the form); editors read the one they were sent back with.
        if workflow.can_publish(request.user):
            workflow_fields.append("review_note")
        else:
            workflow_fields.append("review_comment")
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

    def history_view(self, request, object_id, extra_context=None):
        _id_or_404(Article, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A junk id in the address is a page that does not exist, not a 500.
        _id_or_404(Article, object_id)
        _id_or_404(Article.history.model, version_id)
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
        # Pictures that cannot be kept (pasted from the writer's disk, too large...) or
        # that are shown from other sites: named one by one (issue 9, item 4).
        for problem in body_image_problems(obj.body):
            self.message_user(request, problem, messages.WARNING)
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT
            obj.save()
            return
        original = Article.objects.get(pk=obj.pk)
        if workflow.becomes_change(original, request.user):
            # The public keeps the published version; the edit waits for review.
            request._fedsite_change = workflow.article_propose_change(
                article=original, edited=obj, by=request.user
            )
            return
        if original.status == Status.PUBLISHED and obj.published_at is None:
            obj.published_at = original.published_at
        edits = workflow.edited_fields(original, obj)
        if "body" not in edits:
            # The same text as CKEditor wrote it back: keep the stored body (it has
            # the pictures' sizes, which CKEditor drops).
            obj.body = original.body
        if workflow.recalls(original, request.user, edits):
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
        if not edits:
            return  # nothing changed: no new version (a button pressed is its own version)
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
        action = pressed_action(request.POST)
        if action is None:
            return super().response_add(request, obj, post_url_continue)
        if self._transition(request, action, obj) is None:
            return self._back_to(obj)
        return self.response_post_save_add(request, obj)

    def response_change(self, request, obj):
        action = pressed_action(request.POST)
        if workflow.becomes_change(obj, request.user):
            pending = getattr(request, "_fedsite_change", None)
            if pending is None:
                self.message_user(request, _("没有改动，网站上的版本保持不变。"), messages.INFO)
                return self._back_to(obj)
            if action == workflow.Action.SUBMIT:
                self._transition(request, action, pending)
            self.message_user(
                request,
                _("这篇文章已经发布，您的修改已另存为修改稿，审核通过后才会替换网站上的版本。"),
                messages.WARNING,
            )
            return self._back_to(pending)
        if action is None:
            return super().response_change(request, obj)
        article = self._transition(request, action, obj)
        if article is None:
            return self._back_to(obj)  # refused: the article, with the reason in red
        if article.pk != obj.pk:  # a 修改稿 was applied and deleted
            return self._back_to(article)
        # The transition's own message says what happened; no stock "成功修改了…".
        return self.response_post_save_change(request, article)

    @staticmethod
    def _back_to(article):
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))

    def _transition(self, request, action, article):
        """Take `action` on `article` and say what came of it; None when refused
        (the form checked first, so only a change made meanwhile gets here)."""
        try:
            result = workflow.transition(
                action, article=article, by=request.user,
                comment=request.POST.get("review_note", ""),
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, message, messages.ERROR)
            return None
        article = result or article
        message = _("「%(title)s」：%(status)s") % {
            "title": article.title, "status": article.get_status_display(),
        }  # fmt: skip
        if article.is_scheduled:
            when = date_format(timezone.localtime(article.published_at), "Y年n月j日 H:i")
            message += _("，将于北京时间 %(when)s 自动出现在网站上。") % {"when": when}
        self.message_user(request, message, messages.SUCCESS)
        return article

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        refusal = context["adminform"].form.refusal
        if refusal:
            # A refused button: the page comes back as typed, with the reason in red.
            self.message_user(request, refusal, messages.ERROR)
            context["errors"] = [
                errors for errors in context.get("errors") or []
                if any(error.code != "refused" for error in errors.as_data())
            ]  # fmt: skip
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
            self.message_user(request, error, messages.ERROR)

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


def _id_or_404(model, value):
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError as error:
        raise Http404 from error


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
from fedsite import accounts_admin  # noqa: E402,F401  users, groups, 登录保护 in Chinese (issue 9, item 7)
