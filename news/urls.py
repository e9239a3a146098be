from django.urls import path
from django.views.generic import TemplateView

from fedsite.cache import cache_public_page as cached

from . import attachments, feeds, views

app_name = "news"

urlpatterns = [
    path("", cached(views.home), name="home"),
    path("news/", cached(views.ArticleListView.as_view(), reads=["page"]), name="list"),
    path(
        "news/<slug:slug>/",
        cached(views.ColumnArticleListView.as_view(), reads=["page"]),
        name="column",
    ),
    # Cached for anonymous readers; each reading is counted by the image it loads.
    path("articles/<int:pk>/", cached(views.article_detail), name="article"),
    path("articles/<int:pk>/view/", views.article_reading, name="article_reading"),
    path("articles/<int:pk>/qr.svg", cached(views.article_qr), name="article_qr"),
    path("search/", views.search, name="search"),
    path("attachments/<int:pk>/", attachments.download, name="attachment"),
    path("feed/", cached(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", cached(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("news/<slug:slug>/feed/", cached(feeds.ColumnFeed()), name="column_feed"),
    path("news/<slug:slug>/feed/atom/", cached(feeds.ColumnAtomFeed()), name="column_feed_atom"),
    # What a feed is and every feed's address (the footer's RSS link): a browser shows
    # a feed itself as raw XML (issue 9, item 12).
    path("feeds/", cached(TemplateView.as_view(template_name="news/feeds.html")), name="feeds"),
]
