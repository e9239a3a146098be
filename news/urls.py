from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.ArticleListView.as_view(), name="list"),
    path("news/<slug:slug>/", views.ColumnArticleListView.as_view(), name="column"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("news/<slug:slug>/feed/", feeds.ColumnFeed(), name="column_feed"),
    path("news/<slug:slug>/feed/atom/", feeds.ColumnAtomFeed(), name="column_feed_atom"),
]
