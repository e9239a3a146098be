from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import figures, importing
from .models import Indicator, IndicatorGroup, YearlyValue

IMPORT_SALT = "stats.import"
IMPORT_MAX_AGE = 60 * 60  # a preview may be confirmed within the hour


class YearlyValueForm(forms.ModelForm):
    """Staff type a figure as the report writes it (8万余, 约3万, 58.1万, 713.5);
    the form stores the number, the qualifier and the way it is written."""

    written = forms.CharField(
        label=_("数值"),
        max_length=30,
        help_text=_("按报告写法填写，如 535、713.5、58.1万、8万余、约3万、近万"),
        widget=forms.TextInput(attrs={"size": 10}),
    )

    class Meta:
        model = YearlyValue
        fields = ["year", "kind", "written", "as_of", "source_article", "note"]
        # The label of `written` when the inline is read-only (view permission only):
        # the admin then takes it from here, not from the form field ("WRITTEN", issue 9).
        labels = {"written": _("数值")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["written"].initial = self.instance.written

    def clean_written(self):
        try:
            value, qualifier, scale = figures.parse_figure(self.cleaned_data["written"])
        except figures.FigureError as error:
            raise forms.ValidationError(str(error)) from error
        self.instance.value, self.instance.qualifier, self.instance.scale = value, qualifier, scale
        return self.cleaned_data["written"]


class YearlyValueInline(admin.TabularInline):
    model = YearlyValue
    form = YearlyValueForm
    extra = 1
    autocomplete_fields = ["source_article"]
    ordering = ["-year", "kind"]


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("数据文件"), help_text=_("CSV 或 XLSX，第一行为列名；格式与“开放数据”导出相同。")
    )


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "unit", "order"]
    list_filter = ["group"]
    list_editable = ["order"]
    list_select_related = ["group"]
    search_fields = ["name", "description"]
    inlines = [YearlyValueInline]

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="stats_indicator_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload -> preview (what will change, every bad row with its reason) ->
        confirm. The confirmation carries the checked rows, signed, and checks them
        again against the database before writing in one transaction."""
        if not request.user.has_perm("stats.add_yearlyvalue") or not request.user.has_perm(
            "stats.change_yearlyvalue"
        ):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入年度数据"),
        }
        if request.method == "POST" and "payload" in request.POST:
            return self._confirm_import(request, context)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = importing.read_rows(upload.name, upload.read())
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                plan = importing.plan_import(rows)
                context.update(plan=plan, file_name=upload.name)
                if plan.is_valid:
                    context["payload"] = signing.dumps(
                        {"name": upload.name, "rows": _portable(rows)},
                        salt=IMPORT_SALT,
                        compress=True,
                    )
        context["form"] = form
        return TemplateResponse(request, "admin/stats/import.html", context)

    def _confirm_import(self, request, context):
        try:
            data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, _("预览已过期或无效，请重新上传文件。"))
            return redirect("admin:stats_indicator_import")
        plan = importing.plan_import([(line, raw) for line, raw in data["rows"]])
        if not plan.is_valid:
            # The database changed since the preview: show the new verdict instead.
            context.update(plan=plan, file_name=data["name"], form=ImportForm())
            return TemplateResponse(request, "admin/stats/import.html", context)
        created, updated = importing.apply_import(plan)
        messages.success(
            request,
            _("已导入 %(name)s：新增 %(created)d 条，更新 %(updated)d 条。")
            % {"name": data["name"], "created": created, "updated": updated},
        )
        return redirect(reverse("admin:stats_indicator_changelist"))


def _portable(rows):
    """Rows as plain strings, so they can be signed and sent back with the form."""
    return [
        (line, {key: importing.cell_text(value) for key, value in raw.items()})
        for line, raw in rows
    ]
