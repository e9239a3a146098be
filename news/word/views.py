"""The admin page 从 Word 导入 (issue 14): upload, preview, confirm. Thin: what a
document holds is news.word.reading's answer, what confirming writes is
news.word.importing's; this page only shows them and passes on the choices."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Article
from . import importing
from .forms import ConfirmForm, UploadForm
from .package import WordRefused

TEMPLATE = "admin/news/article/word_import.html"


def word_import(request, model_admin, object_id=None):
    article = _article(request, model_admin, object_id)
    if article is not None and article.status != Article.Status.DRAFT:
        model_admin.message_user(
            request, _("只能把 Word 文档导入到草稿中（可以先撤回或新建草稿）。"), messages.ERROR
        )
        return _to_article(article)
    replacing = article is not None
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, model_admin, article)
    upload = UploadForm(
        request.POST or None,
        request.FILES or None,
        replacing=replacing,
        initial={"column": request.GET.get("column")},
    )
    if request.method == "POST" and upload.is_valid():
        importing.discard_stale()
        file = upload.cleaned_data["file"]
        data, name = file.read(), file.name
        try:
            docx = importing.as_docx_checked(data, name)
            document = importing.read_docx(docx, name=name)
        except WordRefused as refused:
            upload.add_error("file", str(refused))
        else:
            token = importing.stage(data=data, name=name, docx=docx, by=request.user)
            column = upload.cleaned_data.get("column")
            form = ConfirmForm(
                initial=ConfirmForm.initial_for(
                    document, token=token, column=column, article=article
                ),
                replacing=replacing,
            )
            return _preview(request, model_admin, article, form, document, name)
    return _render(request, model_admin, article, {"upload": upload})


def _article(request, model_admin, object_id):
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


def _confirm(request, model_admin, article):
    replacing = article is not None
    try:
        staged = importing.Staged(request.POST.get("token"), by=request.user)
        document = staged.document()
    except WordRefused as refused:
        model_admin.message_user(request, str(refused), messages.ERROR)
        return HttpResponseRedirect(request.path)
    form = ConfirmForm(request.POST, replacing=replacing)
    if not form.is_valid():
        return _preview(request, model_admin, article, form, document, staged.name)
    values = form.cleaned_data
    original = (staged.data, staged.name) if values["attach_original"] else None
    fields = {
        "title": values["title"],
        "source": values["source"],
        "author": values["author"],
        "published_at": values["published_at"],
        "original": original,
    }
    try:
        if replacing:
            outcome = importing.word_import_replace(
                article=article,
                document=document,
                by=request.user,
                opened_version=values["edit_version"],
                name=staged.name,
                **fields,
            )
        else:
            created = importing.word_import_create(
                document=document,
                column=values["column"],
                by=request.user,
                name=staged.name,
                **fields,
            )
            outcome = workflow.Outcome(workflow.Kind.SAVED, created)
    except WordRefused as refused:
        form.add_error("attach_original", str(refused))
        return _preview(request, model_admin, article, form, document, staged.name)
    for level, text in outcome.messages:
        model_admin.message_user(request, text, level)
    if outcome.kind == workflow.Kind.REFUSED:
        return _preview(request, model_admin, article, form, document, staged.name)
    staged.discard()
    done = _("已从 Word 导入“%(title)s”，保存为草稿：请核对后提交审核。") % {
        "title": outcome.article.title
    }
    if outcome.kind == workflow.Kind.UNCHANGED:
        done = _("导入的内容与草稿现有的内容相同，没有改动。")
    model_admin.message_user(request, done, messages.SUCCESS)
    missing = len(document.pictures_without_alt)
    if missing:
        model_admin.message_user(
            request,
            _("有 %(count)d 张图片没有图片说明（替换文本），请在编辑器中双击图片补上。")
            % {"count": missing},
            messages.WARNING,
        )
    return _to_article(outcome.article)


def _preview(request, model_admin, article, form, document, name):
    return _render(
        request,
        model_admin,
        article,
        {"form": form, "document": document, "file_name": name},
    )


def _render(request, model_admin, article, extra):
    opts = model_admin.model._meta
    title = _("从 Word 导入")
    if article is not None:
        title = _("从 Word 导入（替换草稿正文）")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": title,
        "original": article,
        "replacing": article is not None,
        "media": model_admin.media + ConfirmForm().media,
        **extra,
    }
    return TemplateResponse(request, TEMPLATE, context)


def _to_article(article):
    return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))
