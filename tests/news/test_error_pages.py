"""The pages a reader sees when something is wrong: the site's own 404 page, in
Chinese and with the navigation, and a 500 page that renders even when the
database is the thing that failed.

The URLconf of the tests that need a failing view is this module: the site's own
addresses plus one view that raises, with the site's error handlers, as in
fedsite/urls.py (a database outage is a 503 there: tests/fedsite/test_errors.py).
"""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from fedsite.reader import COOKIE
from fedsite.urls import urlpatterns as site_urlpatterns


def view_that_fails(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", view_that_fails), *site_urlpatterns]
handler500 = "fedsite.errors.server_error"

SERVER_ERROR_HEADING = "抱歉，服务暂时不可用"


def html_of(response):
    return response.content.decode()


# -- 404 ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/articles/999999/", "/no-such-page/", "/news/no-such-column/", "/stats/nothing/"]
)
def test_not_found_page_is_chinese_with_the_navigation(client, column, url):
    response = client.get(url)

    assert response.status_code == 404
    html = html_of(response)
    assert '<html lang="zh-Hans"' in html
    assert "抱歉，您访问的页面不存在" in html
    assert '<nav class="site-nav"' in html
    assert '<a href="/news/bmdt/">部门动态</a>' in html  # the columns, to carry on from
    assert 'href="/">返回首页</a>' in html


@pytest.mark.django_db
def test_not_found_page_follows_the_readers_script(column):
    client = Client()
    client.cookies[COOKIE] = "hant.large.normal"

    response = client.get("/articles/999999/")

    assert response.status_code == 404
    assert "抱歉，您訪問的頁面不存在" in html_of(response)
    assert '<html lang="zh-Hant" class="size-large contrast-normal">' in html_of(response)


# -- 500 ----------------------------------------------------------------------------------


def test_server_error_page_renders_without_a_database():
    """No django_db mark: any database access here fails the test."""
    html = render_to_string("500.html")

    assert SERVER_ERROR_HEADING in html
    assert '<html lang="zh-Hans">' in html
    assert '<a href="/">返回首页</a>' in html
    assert "/static/css/site.css" in html


def test_server_error_page_renders_with_the_database_blocked(django_db_blocker):
    with django_db_blocker.block():
        html = render_to_string("500.html", {})

    assert "请稍后再试" in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_view_gives_the_chinese_500_page(caplog):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    html = html_of(response)
    assert SERVER_ERROR_HEADING in html
    assert '<a href="/">返回首页</a>' in html
    assert "the view failed" not in html  # no traceback for the public
    assert any("/boom/" in record.getMessage() for record in caplog.records)  # but logged


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_500_page_follows_the_readers_script():
    client = Client(raise_request_exception=False)
    client.cookies[COOKIE] = "hant.normal.normal"

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "抱歉，服務暫時不可用" in html_of(response)


# -- 403 ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_without_rights_get_a_chinese_refusal(as_editor, settings):
    # An 编辑 has no rights on user accounts: the admin refuses with the site's page,
    # not Django's English "403 Forbidden".
    response = as_editor.get(f"/{settings.ADMIN_PATH}/auth/user/")

    assert response.status_code == 403
    assert "抱歉，您没有访问这个页面的权限" in html_of(response)
    assert "Forbidden" not in html_of(response)
