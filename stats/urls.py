from django.urls import path

from fedsite.cache import cache_public_page as cached

from . import views

app_name = "stats"

urlpatterns = [
    path("", cached(views.overview, reads=["year"]), name="overview"),
    path("export.csv", cached(views.export_csv), name="export_csv"),
    path("export.json", cached(views.export_json), name="export_json"),
    path("<slug:slug>/", cached(views.indicator_detail), name="indicator"),
]
