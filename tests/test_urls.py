"""Every public address answers hostile input as a reader would expect: a page, a 404,
a redirect or a form error, never a server error (issue 9). A crawler's list of
hostile values goes into every query parameter the site reads anywhere, on every
public address, on SQLite and on PostgreSQL alike.
"""

import pytest
from django.test import Client

from tests.factories import ArticleFactory
from tests.stats.factories import YearlyValueFactory

pytestmark = pytest.mark.django_db

# As they arrive in a URL: percent-escapes stay escaped, so %ED%A0%80 (a lone
# surrogate) and %FF reach Django as the invalid UTF-8 a robot sends.
HOSTILE_VALUES = [
    "",
    "0",
    "-1",
    "1.5",
    "1e3",
    "9" * 40,  # far past any integer column
    "%D9%A3",  # ٣, a digit to int() but not to the site
    "%EF%BC%92",  # ２, full-width
    "%E2%85%AB",  # Ⅻ, "xii" once folded
    "last",
    "8c6f2a4e-2f0b-4f4e-9a3c-1d2e3f4a5b6c",
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%FF%FE",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "'%20OR%201=1--",
    "..%2F..%2Fetc%2Fpasswd",
    "%E3%8E%89" * 60,  # ㎉, four letters once folded
    "%26%7C!:*()%3C-%3E'%5C",  # tsquery syntax
    "%0D%0ASet-Cookie:%20x=1",
    "http://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "x" * 10000,
]
PARAMETERS = ["page", "p", "year", "script", "q", "column", "next", "size", "contrast", "x"]


@pytest.fixture
def site(db):
    article = ArticleFactory()
    value = YearlyValueFactory()
    return {"article": article, "column": article.column.slug, "indicator": value.indicator.slug}


PUBLIC_ADDRESSES = [
    "/",
    "/news/",
    "/news/{column}/",
    "/articles/{article.pk}/",
    "/articles/{article.pk}/qr.svg",
    "/search/",
    "/jiucuo/",
    "/jiucuo/thanks/",
    "/attachments/1/",
    "/feed/",
    "/feed/atom/",
    "/feeds/",
    "/favicon.ico",
    "/news/{column}/feed/",
    "/news/{column}/feed/atom/",
    "/robots.txt",
    "/reader/",
    "/sitemap.xml",
    "/stats/",
    "/stats/export.csv",
    "/stats/export.json",
    "/stats/{indicator}/",
]


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_no_hostile_query_parameter_gives_a_server_error(site, address):
    url = address.format(**site)
    reader = Client(raise_request_exception=False)
    queries = [f"{name}={value}" for name in PARAMETERS for value in HOSTILE_VALUES]
    queries += [f"{name}=1&{name}=2" for name in PARAMETERS]  # an array, as PHP writes it
    if address == "/search/":  # the filters and the page count only with a query
        queries += [f"q=妇联&{query}" for query in queries]
    failures = []
    for query in queries:
        status = reader.get(f"{url}?{query}").status_code
        if status >= 500:
            failures.append((query[:80], status))
    assert failures == []


@pytest.mark.parametrize(
    "address",
    [
        "/articles/99999999999999999999/",
        "/articles/99999999999999999999/qr.svg",
        "/attachments/99999999999999999999/",
        "/articles/-1/",
        "/news/%00/",
        "/news/%ED%A0%80/",
        "/news/%FF/feed/",
        "/stats/%E2%85%AB/",
        "/stats/" + "x" * 5000 + "/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/search/?q=%E5%A6%87%E8%81%94&page=99999999999999999999",
    ],
)
def test_no_hostile_address_gives_a_server_error(site, address):
    assert Client(raise_request_exception=False).get(address).status_code in {400, 404}


@pytest.mark.parametrize(
    "fields",
    [
        {"description": "错别字" * 2, "page_url": "a\x00b"},
        {"description": "\x00" * 10},
        {"description": "错" * 100_000, "contact": "x" * 10_000},
        {"description": ["一", "二"], "page_url": ["/", "//evil.example"]},
        {"description": "错别字很多", "website": "http://spam.example"},
    ],
    ids=["nul-in-url", "only-nul", "huge", "repeated", "honeypot"],
)
def test_the_error_report_form_answers_any_post_without_a_server_error(db, fields):
    response = Client(raise_request_exception=False).post("/jiucuo/", fields)

    assert response.status_code in {200, 302}


def test_an_error_report_that_is_not_utf8_gets_no_server_error(db):
    """A lone surrogate and stray bytes, as a robot posts them."""
    body = "description=%ED%A0%80%FF%E9%94%99%E5%88%AB%E5%AD%97%E5%BE%88%E5%A4%9A&page_url=%C0%AF"
    response = Client(raise_request_exception=False).post(
        "/jiucuo/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in {200, 302}
