"""The site's addresses plus the benchmark's baseline view (bench.settings only)."""

from django.urls import path

from fedsite.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("_bench/bare/<int:pk>/", views.bare, name="bench_bare"),
    *site_urlpatterns,
]
