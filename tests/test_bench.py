"""The page benchmark's baseline view (bench/views.py) exists only under the bench
settings, never in the site's own urls (README, "Page benchmark")."""

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve

from tests.factories import ArticleFactory


def test_the_baseline_view_is_not_in_the_production_urls():
    with pytest.raises(Resolver404):
        resolve("/_bench/bare/1/")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_baseline_view_renders_one_row_with_one_query(client, django_assert_num_queries):
    article = ArticleFactory(title="基准测试的一行")
    with django_assert_num_queries(1):
        response = client.get(f"/_bench/bare/{article.pk}/")
    assert response.status_code == 200
    assert "基准测试的一行" in response.content.decode()
    assert client.get(f"/_bench/bare/{article.pk + 1000}/").status_code == 404
