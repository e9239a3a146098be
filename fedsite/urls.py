from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from fedsite import reader, views
from fedsite.cache import cache_public_page as cached
from fedsite.healthz import healthz
from fedsite.media import serve_media
from fedsite.uploads import editor_image_browse, editor_image_upload
from news.sitemaps import sitemaps
from stats.sitemaps import StatsSitemap

admin.site.site_header = f"{settings.SITE_NAME}网站管理"
admin.site.site_title = f"{settings.SITE_NAME}网站管理"
admin.site.index_title = "内容管理"

SITEMAPS = {**sitemaps, "stats": StatsSitemap}

# A database outage is a 503 page, any other error the 500 page (fedsite.errors).
handler500 = "fedsite.errors.server_error"

urlpatterns = [
    path(settings.ADMIN_PATH + "/", admin.site.urls),
    # The editor's upload goes through our validating view; the names are the ones
    # django-ckeditor's widget reverses.
    path("ckeditor/upload/", editor_image_upload, name="ckeditor_upload"),
    path("ckeditor/browse/", editor_image_browse, name="ckeditor_browse"),
    path("robots.txt", views.robots_txt, name="robots"),
    # For the monitor and `make stack` (README, "Deploying"): never cached.
    path("healthz", healthz, name="healthz"),
    # Pages without an icon link (the admin's) make browsers ask for this address.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.ico")), name="favicon"),
    path("reader/", reader.preferences, name="reader_preferences"),
    path("jiucuo/", views.report_error, name="report_error"),
    path("jiucuo/thanks/", views.report_error_done, name="report_error_done"),
    # An index of sections, each paged (news.sitemaps): every live article is listed.
    path(
        "sitemap.xml",
        cached(sitemaps_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        cached(sitemaps_views.sitemap, reads=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("stats/", include("stats.urls")),
    path("", include("news.urls")),
]

if settings.SERVE_MEDIA:
    # Local use only (`make run`); in production nginx serves MEDIA_ROOT. Attachments
    # are left out here as there (fedsite.media).
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]
