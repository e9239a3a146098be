"""The two steps of 从 Word 导入 in the admin: the upload, then the confirmation of
what the preview showed (issue 14)."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import Column


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Word 文档"),
        help_text=_(
            "Word、WPS 或 LibreOffice 保存的 .docx；"
            "服务器装有 LibreOffice 时也可以是 .doc、.wps、.odt。"
            "导入后先预览，确认后才保存为草稿。"
        ),
    )
    column = forms.ModelChoiceField(label=_("栏目"), queryset=Column.objects.all())

    def __init__(self, *args, replacing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            del self.fields["column"]  # the draft keeps its column

    def clean_file(self):
        # Before reading it into memory: the same limit as an attachment, which the
        # original may become.
        file = self.cleaned_data["file"]
        limit = settings.ATTACHMENT_MAX_BYTES
        if file.size > limit:
            raise forms.ValidationError(
                _("文件不能超过 %(limit)s（此文件 %(size)s）。")
                % {"limit": filesizeformat(limit), "size": filesizeformat(file.size)}
            )
        return file


class ConfirmForm(forms.Form):
    """What the import will write, prefilled from the document and editable."""

    token = forms.CharField(widget=forms.HiddenInput)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("标题"), max_length=200)
    column = forms.ModelChoiceField(label=_("栏目"), queryset=Column.objects.all())
    source = forms.CharField(label=_("来源"), max_length=100, required=False)
    author = forms.CharField(label=_("作者"), max_length=100, required=False)
    published_at = forms.SplitDateTimeField(
        label=_("发布时间"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("北京时间。取自文档的日期行；不填则在审核发布时取当时的时间。"),
    )
    attach_original = forms.BooleanField(
        label=_("把原文件作为附件"),
        required=False,
        initial=False,
        help_text=_("读者可以在文末下载这份 Word 原文件。"),
    )

    def __init__(self, *args, replacing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"size": 70, "style": "max-width:100%"})
        if replacing:
            del self.fields["column"]

    @classmethod
    def initial_for(cls, document, *, token, column=None, article=None):
        """The form's first values: the document's, else the draft's."""
        initial = {
            "token": token,
            "title": document.title or (article.title if article else ""),
            "source": document.source or (article.source if article else ""),
            "author": document.author or (article.author if article else ""),
            "published_at": document.suggested_publish_time
            or (article.published_at if article else None),
        }
        if article is not None:
            initial["edit_version"] = article.version
        if column is not None:
            initial["column"] = column.pk
        return initial
