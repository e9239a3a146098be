"""The staff's word lists, the ignore records, and proofreading on the article admin:
the 校对 panel on the article form and the open findings in the article list. The
article admin is news's own, extended here (registered again with a subclass), so
that news imports nothing of proofreading; the decisions stay in records.py and
news.workflow."""

from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from news import workflow
from news.admin import ArticleAdmin as NewsArticleAdmin
from news.models import Article

from . import records
from .models import IgnoredFinding, SensitiveWord, Wording

ACCEPT = "_proofread_accept"
IGNORE = "_proofread_ignore"


@admin.register(Wording)
class WordingAdmin(admin.ModelAdmin):
    list_display = ["wrong", "right", "note", "is_example", "is_active", "updated_at"]
    list_filter = ["is_active", "is_example"]
    search_fields = ["wrong", "right", "note"]


@admin.register(SensitiveWord)
class SensitiveWordAdmin(admin.ModelAdmin):
    list_display = ["word", "note", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["word", "note"]


@admin.register(IgnoredFinding)
class IgnoredFindingAdmin(admin.ModelAdmin):
    """Who judged which finding correct, and where: a record, read-only."""

    list_display = ["ignored_at", "kind", "wrong", "article", "ignored_by", "why"]
    list_filter = ["kind", ("ignored_by", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["wrong", "sentence", "article__title"]
    list_select_related = ["article", "ignored_by"]
    date_hierarchy = "ignored_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(NewsArticleAdmin):
    change_form_template = "admin/proofreading/article/change_form.html"
    # The open findings beside the status: the review queue (待我处理) shows them.
    list_display = [
        *NewsArticleAdmin.list_display[:3],
        "open_findings",
        *NewsArticleAdmin.list_display[3:],
    ]

    def get_queryset(self, request):
        # The counts stored by the last check, in the list's own query (no query per row).
        return (
            super()
            .get_queryset(request)
            .annotate(
                proofreading_open=F("proofreading__open_count"),
                proofreading_serious=F("proofreading__serious_count"),
            )
        )

    @admin.display(description=_("校对"), ordering="proofreading_open")
    def open_findings(self, article):
        count = getattr(article, "proofreading_open", None)
        if count is None:
            return _("未校对")
        if not count:
            return "✓"
        serious = article.proofreading_serious or 0
        label = _("%(count)d 处") % {"count": count}
        if serious:
            return format_html(
                '<span style="color:var(--error-fg)" title="{}">{}</span>',
                _("其中严重 %(count)d 处") % {"count": serious},
                label,
            )
        return label

    # -- the 校对 panel -----------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form_obj = obj
        if obj is not None and obj.pk:
            if context["adminform"].form.is_bound:
                # A form shown again holds what was typed: the panel is the stored
                # article's, which the findings' buttons act on.
                obj = Article.objects.get(pk=obj.pk)
            findings = records.article_proofread(article=obj)
            open_findings = [finding for finding in findings if not finding.ignored]
            actions = context.get("workflow_actions")
            if actions is None:
                actions = workflow.actions_for(obj, request.user)
            context.update(
                proofreading_findings=open_findings,
                proofreading_ignored=obj.ignored_findings.select_related("ignored_by")[:20],
                proofreading_may_confirm=bool(open_findings)
                and any(t.action == workflow.Action.APPROVE for t in actions),
            )
        return super().render_change_form(request, context, add, change, form_url, form_obj)

    def save_model(self, request, obj, form, change):
        if change and request.POST.get(ACCEPT):
            finding = records.suggestion_apply(article=obj, key=request.POST[ACCEPT])
            if finding is None:
                self.message_user(
                    request, _("这处问题在提交的内容中已经没有了，未作修改。"), messages.WARNING
                )
            else:
                self.message_user(
                    request,
                    _("已采纳建议：“%(wrong)s”改为“%(right)s”。")
                    % {"wrong": finding.wrong, "right": finding.suggestion},
                )
        if change and request.POST.get(IGNORE):
            stored = Article.objects.get(pk=obj.pk)
            finding = records.finding_ignore(
                article=stored, key=request.POST[IGNORE], by=request.user
            )
            if finding is not None:
                self.message_user(
                    request, _("已在此处忽略：%(what)s") % {"what": finding.summary()}
                )
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if request.POST.get(ACCEPT) or request.POST.get(IGNORE):
            # Back to the form, or to the 修改稿 an editor's save was kept in.
            article = workflow.edit_target(obj, request.user) or obj
            return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))
        return super().response_change(request, obj)
