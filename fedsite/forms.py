from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ErrorReport


class ErrorReportForm(forms.ModelForm):
    """我要纠错. `website` is a honeypot: a text field people never see (display: none,
    so neither eyes, keyboards nor screen readers meet it) and form-filling robots fill."""

    website = forms.CharField(
        required=False,
        label=_("请勿填写"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ErrorReport
        fields = ["page_url", "description", "contact"]
        widgets = {
            "page_url": forms.TextInput(attrs={"size": 60}),
            "description": forms.Textarea(attrs={"rows": 6, "cols": 60}),
        }
        help_texts = {
            "page_url": _("有错误的页面网址，可不填。"),
            "contact": _("电话或邮箱，方便我们回复，可不填。"),
        }

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if len(description) < 5:
            raise forms.ValidationError(_("请写清楚错误在哪里（至少 5 个字）。"))
        return description

    def clean_page_url(self):
        return self.cleaned_data["page_url"].strip()[:500]
