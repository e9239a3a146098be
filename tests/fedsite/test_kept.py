"""Pages kept in parts (fedsite.kept): rendered once with markers, filled in per
request. The filled page must be what the template would have written for this
request, whatever the address; the rendering is every reader's, so it may hold
nothing of the reader who happened to ask first; and it lasts until the frame
generation or its stamp moves, not the site generation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.test import RequestFactory

from fedsite import kept
from fedsite.cache import bump_site_generation
from fedsite.reader import COOKIE, preferences_for

TEMPLATE = engines["django"].from_string(
    "{{ request.scheme }}://{{ request.get_host }}{{ request.path }}|"
    "{{ request.get_full_path }}|{{ request.get_full_path|urlencode }}|"
    "{{ request.build_absolute_uri|urlencode }}|{{ user.is_authenticated }}|{{ news }}"
)


def request_for(path, **extra):
    request = RequestFactory().get(path, **extra)
    request.reader = preferences_for(request)
    request.user = AnonymousUser()
    return request


class Renderings:
    """A render function for kept.page that counts how often it runs."""

    def __init__(self, template=TEMPLATE):
        self.template, self.count, self.stamp = template, 0, None

    def __call__(self, marked_request):
        self.count += 1
        marked_request.stamp = self.stamp  # what it was rendered from (an updated_at)
        return self.template.render({"news": kept.marker("news")}, marked_request)


@pytest.mark.parametrize(
    "path",
    ["/news/", '/news/?q=<script>"x"&page=2', "/news/?q=%E5%A6%87%E8%81%94&a=b%26c"],
)
def test_each_marker_is_filled_as_the_template_would_have_written_it(settings, path):
    settings.ALLOWED_HOSTS = ["testserver", "www.example.gov.cn"]
    render = Renderings()
    kept.page(request_for("/news/"), "probe", render, {"news": "<b>今日</b>"})

    request = request_for(path, HTTP_HOST="www.example.gov.cn")
    filled = kept.page(request, "probe", render, {"news": "<b>今日</b>"})

    assert render.count == 1  # the second request filled the kept rendering
    assert filled == TEMPLATE.render({"news": "<b>今日</b>"}, request)


def test_the_rendering_is_an_anonymous_readers_whoever_asks_first(django_user_model):
    request = request_for("/news/")
    request.user = django_user_model.objects.create_user("staff", is_staff=True)

    filled = kept.page(request, "probe", Renderings(), {"news": ""})

    assert filled.endswith("|False|")


def test_a_rendering_that_asks_for_a_csrf_token_is_refused():
    with_token = engines["django"].from_string("{% csrf_token %}{{ news }}")

    with pytest.raises(ImproperlyConfigured):
        kept.page(request_for("/news/"), "probe", Renderings(with_token), {"news": ""})


def test_it_lasts_until_the_frame_or_its_stamp_moves_not_the_site_generation():
    render = Renderings()

    def read(stamp=1):
        render.stamp = stamp
        return kept.page(request_for("/news/"), "probe", render, {"news": ""}, stamp=stamp)

    read()
    bump_site_generation(frame=False)  # an article's own save
    read()
    assert render.count == 1
    read(stamp=2)  # the page's own source changed (an article's updated_at)
    assert render.count == 2
    bump_site_generation()  # anything else: a column, the footer, a figure
    read(stamp=2)
    assert render.count == 3


def test_each_reader_variant_has_its_own_rendering():
    render = Renderings()
    for cookie in ("hans.normal.normal", "hans.large.normal", "hans.normal.normal"):
        kept.page(
            request_for("/news/", HTTP_COOKIE=f"{COOKIE}={cookie}"), "probe", render, {"news": ""}
        )
    assert render.count == 2


def test_a_rendering_with_a_place_this_request_does_not_fill_is_made_again():
    """As in the moment between a save's two bumps, a column removed: the kept home
    page has a place for its list, which this request no longer makes."""
    two_lists = engines["django"].from_string("{{ a }}|{{ b }}")
    one_list = engines["django"].from_string("{{ a }}")

    def render_two(marked_request):
        return two_lists.render({"a": kept.marker("a"), "b": kept.marker("b")}, marked_request)

    def render_one(marked_request):
        return one_list.render({"a": kept.marker("a")}, marked_request)

    kept.page(request_for("/"), "probe", render_two, {"a": "1", "b": "2"})

    assert kept.page(request_for("/"), "probe", render_one, {"a": "1"}) == "1"


def test_a_rendering_holds_nothing_of_the_readers_cookies_or_query():
    """Whoever asks first, no reader's cookie, session or query string is written
    into the page every reader gets."""
    nosy = engines["django"].from_string(
        "{{ request.COOKIES.seen }}{{ request.GET.q }}{{ request.META.HTTP_COOKIE }}{{ news }}"
    )
    request = request_for("/news/?q=mine", HTTP_COOKIE="seen=private-value")

    filled = kept.page(request, "probe", Renderings(nosy), {"news": "ok"})

    assert filled == "ok"
