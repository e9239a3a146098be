"""The site's own pages: robots.txt and 我要纠错 (reader preferences are in fedsite.reader)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms import ErrorReportForm


@require_GET
def robots_txt(request):
    # The admin's address is not listed: DJANGO_ADMIN_PATH is kept out of sight, and
    # robots.txt is the first file a scanner reads. Nothing links to it anyway.
    lines = [
        "User-agent: *",
        "Disallow: /ckeditor/",
        "Disallow: /reader/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def report_error(request):
    """我要纠错: readers tell staff about an error; staff see it in the admin."""
    if request.method == "POST":
        form = ErrorReportForm(request.POST)
        if form.is_valid():
            if not form.cleaned_data.get("website"):  # a filled honeypot is a robot
                form.save()
            messages.success(request, _("谢谢！您的纠错信息已经提交，我们会尽快核实处理。"))
            return redirect("report_error_done")
    else:
        form = ErrorReportForm(initial={"page_url": request.GET.get("page", "")[:500]})
    return render(request, "fedsite/report_error.html", {"form": form})


def report_error_done(request):
    return render(request, "fedsite/report_error_done.html")
