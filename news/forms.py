import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Column
from .search import RAW_QUERY_LIMIT

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class SearchForm(forms.Form):
    """The reader's search. Bad filters are dropped, not errors: a search never fails."""

    # No max_length: news.search.parse_query searches the first 50 characters of
    # anything and the page names what it left out.
    q = forms.CharField(label=_("关键词"), required=False, strip=True)
    column = forms.ModelChoiceField(
        label=_("栏目"),
        queryset=Column.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("全部栏目"),
    )
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("全部年份"))] + [
            (year, f"{year}年") for year in range(this_year, this_year - 15, -1)
        ]

    def clean_q(self):
        # No control characters, and no more than the search reads (the page echoes
        # only what it searched: Query.typed).
        return _CONTROL.sub("", self.cleaned_data["q"])[:RAW_QUERY_LIMIT].strip()

    def full_clean(self):
        super().full_clean()
        # A hostile or stale filter (?column=nope, ?year=abc) is ignored, not an error.
        for name in ("column", "year"):
            if name in self.errors:
                del self.errors[name]
                self.cleaned_data[name] = None
