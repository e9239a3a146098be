from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .attachments import AttachmentForm
from .history import ArticleHistoryContext
from .models import Article, Attachment, Column, ReviewEvent
from .pictures import body_image_problems
from .sanitize import count_images_without_alt
from .search import parse_query
from .word.views import word_import

ALT_MISSING = _(
    "正文中有 %(count)d 张图片没有填写“替换文本”（图片说明），请双击图片补上，方便视障读者。"
)


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
        fields = [
            "title",
            "column",
            "body",
            "published_at",
            "is_pinned",
            "source",
            "author",
            "editor",
            "summary",
            "cover",
        ]
        help_texts = {
            "published_at": _(
                "时区：北京时间（Asia/Shanghai，UTC+8）。填将来的时间即定时发布，"
                "审核通过后到时自动显示。"
            ),
        }

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
        if (
            value
            and stored
            and value
            in {
                stored.replace(microsecond=0),
                stored.replace(second=0, microsecond=0),
            }
        ):
            return stored
        return value

    def clean(self):
        cleaned = super().clean()
        if self.user is not None:
            # A refused save raises here: the page comes back as typed, nothing lost.
            workflow.check_edit(
                article=self.instance, by=self.user, opened_version=cleaned.get("edit_version")
            )
            self._refuse_transition(cleaned.get("review_note", ""))
        return cleaned

    def _refuse_transition(self, note):
        """Ask the review rule about the pressed button before anything is saved, so
        that a refusal leaves the page as it was typed (issue 9, item 5)."""
        transition = workflow.pressed(self.data)
        if transition is None:
            return
        try:
            workflow.check_pressed(
                transition.action, article=self.instance, by=self.user, comment=note
            )
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
        return (
            errors
            if len(kept) == len(errors)
            else self.error_class(kept, error_class="nonfield", renderer=self.renderer)
        )


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fields = ["file", "title", "order", "file_type", "size_display"]
    readonly_fields = ["file_type", "size_display"]

    @admin.display(description=_("大小"))
    def size_display(self, attachment):
        return filesizeformat(attachment.size) if attachment.pk else ""

    def has_add_permission(self, request, obj=None):
        may = workflow.may_change_attachments(obj, request.user)
        return may and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        may = workflow.may_change_attachments(obj, request.user)
        return may and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        may = workflow.may_change_attachments(obj, request.user)
        return may and super().has_delete_permission(request, obj)


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
    list_display = [
        "title",
        "column",
        "status",
        "published_at",
        "is_pinned",
        "view_count",
        "is_live",
    ]
    list_display_links = ["title"]
    list_filter = [QueueFilter, "status", "column", "is_pinned"]
    list_select_related = ["column"]
    list_per_page = 50
    search_fields = ["title", "summary", "body_text"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    actions = ["submit_selected", "publish", "withdraw", "pin", "unpin"]
    readonly_fields = [
        "status",
        "review_comment",
        "revision_of",
        "view_count",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AttachmentInline]
    change_form_template = "admin/news/article/change_form.html"

    def get_urls(self):
        # 从 Word 导入 (issue 14): a new draft, or a draft's body replaced.
        def view(request, object_id=None):
            return word_import(request, self, object_id)

        wrap = self.admin_site.admin_view
        return [
            path("word-import/", wrap(view), name="news_article_word_import"),
            path("<path:object_id>/word-import/", wrap(view), name="news_article_word_replace"),
            *super().get_urls(),
        ]

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
            (
                _("记录"),
                {
                    "fields": ["view_count", "created_by", "created_at", "updated_at"],
                    "classes": ["collapse"],
                },
            ),
        ]

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
        self._warn_about_pictures(request, obj)
        if not change:
            workflow.article_create(article=obj, by=request.user)
            return
        outcome = workflow.article_save_edit(
            edited=obj, by=request.user, opened_version=form.cleaned_data.get("edit_version")
        )
        self._show(request, outcome)

    def _warn_about_pictures(self, request, obj):
        missing = count_images_without_alt(obj.body)
        if missing:
            # Readers using screen readers hear nothing for an image without
            # 替换文本; say so at every save until it is filled in.
            self.message_user(request, ALT_MISSING % {"count": missing}, messages.WARNING)
        # Pictures that cannot be kept (pasted from the writer's disk, too large...) or
        # that are shown from other sites: named one by one (issue 9, item 4).
        for problem in body_image_problems(obj.body):
            self.message_user(request, problem, messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        transition = workflow.pressed(request.POST)
        if transition is None:
            return super().response_add(request, obj, post_url_continue)
        outcome = self._take(request, transition, obj)
        if outcome.kind == workflow.Kind.REFUSED:
            return self._back_to(obj)
        return self.response_post_save_add(request, obj)

    def response_change(self, request, obj):
        # Where the save left the edit: the article, the 修改稿 it was kept in, or
        # nowhere (an editor's save that changed nothing of a published article).
        article = workflow.edit_target(obj, request.user)
        if article is None:
            return self._back_to(obj)
        transition = workflow.pressed(request.POST)
        if transition is None:
            if article != obj:
                return self._back_to(article)
            return super().response_change(request, obj)
        outcome = self._take(request, transition, article)
        if outcome.kind == workflow.Kind.TAKEN and outcome.article == obj:
            # The transition's own message says what happened; no stock "成功修改了…".
            return self.response_post_save_change(request, obj)
        # Refused (the reason in red), or on to the 修改稿 or the article it was copied onto.
        return self._back_to(outcome.article)

    def _take(self, request, transition, article):
        comment = request.POST.get("review_note", "")
        # A box an approval check puts on the form (proofreading: 确认发布).
        confirmed = request.POST.get("confirm_approval") == "on"
        outcome = workflow.take_action(
            transition.action,
            article=article,
            by=request.user,
            comment=comment,
            confirmed=confirmed,
        )
        self._show(request, outcome)
        return outcome

    def _show(self, request, outcome):
        for level, message in outcome.messages:
            self.message_user(request, message, level)

    @staticmethod
    def _back_to(article):
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        refusal = context["adminform"].form.refusal
        if refusal:
            # A refused button: the page comes back as typed, with the reason in red.
            self.message_user(request, refusal, messages.ERROR)
            context["errors"] = [
                errors
                for errors in context.get("errors") or []
                if any(error.code != "refused" for error in errors.as_data())
            ]
        stored = obj if obj is not None else Article()
        context.update(
            workflow_actions=workflow.actions_for(stored, request.user),
            save_label=workflow.save_label(stored, request.user),
            pending_change=obj.pending_changes.first() if obj and obj.pk else None,
            review_events=obj.review_events.select_related("actor")[:10] if obj and obj.pk else [],
            word_import_url=self._word_import_url(request, obj),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _word_import_url(self, request, obj):
        if obj is None or obj.pk is None:
            return reverse("admin:news_article_word_import")
        if obj.status == Article.Status.DRAFT and self.has_change_permission(request, obj):
            return reverse("admin:news_article_word_replace", args=[obj.pk])
        return None

    # -- actions on the list --------------------------------------------------

    @admin.action(description=_("提交审核"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._take_in_bulk(request, workflow.Action.SUBMIT, queryset)

    @admin.action(description=_("审核通过并发布"), permissions=["publish"])
    def publish(self, request, queryset):
        self._take_in_bulk(request, workflow.Action.APPROVE, queryset)

    @admin.action(description=_("撤回所选文章"), permissions=["publish"])
    def withdraw(self, request, queryset):
        self._take_in_bulk(request, workflow.Action.WITHDRAW, queryset)

    def _take_in_bulk(self, request, action, articles):
        self._show(request, workflow.take_in_bulk(action, articles=articles, by=request.user))

    @admin.action(description=_("置顶所选文章"), permissions=["publish"])
    def pin(self, request, queryset):
        count = workflow.articles_pin(articles=queryset, by=request.user, pinned=True)
        self.message_user(request, ngettext("已置顶 %d 篇。", "已置顶 %d 篇。", count) % count)

    @admin.action(description=_("取消置顶所选文章"), permissions=["publish"])
    def unpin(self, request, queryset):
        count = workflow.articles_pin(articles=queryset, by=request.user, pinned=False)
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
