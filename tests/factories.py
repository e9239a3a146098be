import datetime

import factory
from django.utils import timezone

from news.models import Article, Column


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"column-{n}")
    order = factory.Sequence(int)


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, live since an hour ago unless told otherwise."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"市妇联开展巾帼大宣讲活动（第{n}期）")
    column = factory.SubFactory(ColumnFactory)
    body = "<p>全市妇联系统开展巾帼大宣讲535场次，参与8万余人次。</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
