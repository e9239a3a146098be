"""The benchmark's baseline: about the least a Django page can cost on this stack.
One primary-key query, rendered through a template, served by the same gunicorn,
middleware and database as the pages measured, so each page's rate can be read as
a fraction of it (issue 11: "a bare Django view, one query")."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from news.models import Article

PAGE = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>{{ published_at|date:"Y年n月j日" }}</p></body></html>
"""
TEMPLATE = engines["django"].from_string(PAGE)  # compiled once, as the site's templates are


def bare(request, pk):
    row = get_object_or_404(Article.objects.values("title", "published_at"), pk=pk)
    return HttpResponse(TEMPLATE.render(row))
