import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Column, ErrorReport
from .search import MAX_QUERY_LENGTH

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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


class SearchForm(forms.Form):
    """The reader's search. Bad filters are dropped, not errors: a search never fails."""

    # No max_length: news.search.parse_query keeps the first 50 characters of anything.
    q = forms.CharField(label=_("关键词"), required=False, strip=True)
    column = forms.ModelChoiceField(
        label=_("栏目"), queryset=Column.objects.all(), required=False, to_field_name="slug",
        empty_label=_("全部栏目"),
    )  # fmt: skip
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("全部年份"))] + [
            (year, f"{year}年") for year in range(this_year, this_year - 15, -1)
        ]

    def clean_q(self):
        # What is echoed back into the search box: no control characters, and
        # no more than the search itself uses.
        return _CONTROL.sub("", self.cleaned_data["q"])[:MAX_QUERY_LENGTH].strip()

    def full_clean(self):
        super().full_clean()
        # A hostile or stale filter (?column=nope, ?year=abc) is ignored, not an error.
        for name in ("column", "year"):
            if name in self.errors:
                del self.errors[name]
                self.cleaned_data[name] = None
