"""The site's particulars (SiteProfile), footer links and 我要纠错.

Staff edit the footer's particulars (主办单位, address, 备案号, the rights hotline,
the WeChat QR code) in the admin; every public page shows them, even pages that
were already cached. Readers report errors through a form; staff see the reports
in the admin and mark them handled. Roles are those of news/migrations/0005.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin import helpers
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.templatetags.static import static
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fedsite.models import ErrorReport, ExternalLink, SiteProfile
from tests.helpers import image_bytes, set_profile, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PROFILE_CHANGELIST = reverse("admin:fedsite_siteprofile_changelist")
REPORT_CHANGELIST = reverse("admin:fedsite_errorreport_changelist")
THANKS = "谢谢！您的纠错信息已经提交，我们会尽快核实处理。"


def html_of(response):
    return response.content.decode()


def footer_of(response):
    match = re.search(r'<footer class="site-footer">.*?</footer>', html_of(response), re.S)
    assert match, "the page has no footer"
    return match.group(0)


def qr_png():
    """A dark square PNG, standing in for the WeChat QR code picture."""
    return image_bytes("PNG", (120, 120), color=(20, 20, 20))


# -- Before anyone has filled it in ---------------------------------------------------------


def test_without_a_saved_profile_pages_show_the_defaults(client, article):
    for url in ["/", "/news/", article.get_absolute_url()]:
        footer = footer_of(client.get(url))
        assert "妇女维权公益服务热线" in footer, url
        assert '<a href="tel:12338">12338</a>' in footer, url
        assert "主办单位：市妇联" in footer, url
        assert "网站标识码" not in footer, url


def test_a_page_view_writes_nothing_to_the_database(client, column):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert "12338" in footer_of(response)
    # Reads: SELECTs, and on PostgreSQL the pages' prepared statements (news.models,
    # _execute_prepared), made and run in one query the first time.
    reads = ("SELECT", "WITH", "EXECUTE", "PREPARE", "DEALLOCATE", "SET PLAN_CACHE_MODE")
    writes = [
        statement
        for q in queries
        for statement in q["sql"].split("; ")
        if not statement.lstrip().upper().startswith(reads)
    ]
    assert writes == []
    assert SiteProfile.objects.count() == 1  # the row migration 0007 made, untouched


# -- Editing it in the admin --------------------------------------------------------------

FILLED_IN = {
    "host_organization": "某某市妇女联合会",
    "address": "某某市人民路 100 号",
    "postcode": "310000",
    "phone": "0571-87000000",
    "email": "fulian@example.gov.cn",
    "site_code": "3301000001",
    "icp_number": "浙ICP备12345678号",
    "police_number": "浙公网安备 33010202000001号",
    "hotline": "12338",
    "hotline_label": "市妇联维权热线",
    "wechat_name": "某某女性",
}


def open_profile_form(client):
    """Follow 网站信息 in the admin to its one form (the add form on a fresh site)."""
    response = client.get(PROFILE_CHANGELIST)
    assert response.status_code == 302
    return response["Location"]


def save_profile(client, **fields):
    url = open_profile_form(client)
    assert client.get(url).status_code == 200
    return client.post(url, {**FILLED_IN, "_save": "保存", **fields})


def test_superuser_fills_in_the_profile_and_every_item_shows_on_a_cached_page(
    as_superuser, column, media_root, django_assert_num_queries
):
    reader = Client()
    reader.get("/")
    with django_assert_num_queries(0):  # the home page is now served from the cache
        assert "主办单位：市妇联" in footer_of(reader.get("/"))

    response = save_profile(
        as_superuser, wechat_qr=SimpleUploadedFile("二维码.png", qr_png(), "image/png")
    )

    assert response.status_code == 302, response.content.decode()
    assert SiteProfile.objects.count() == 1
    footer = footer_of(reader.get("/"))
    assert "主办单位：某某市妇女联合会" in footer
    assert "某某市人民路 100 号" in footer and "310000" in footer
    assert "0571-87000000" in footer
    assert 'href="mailto:fulian@example.gov.cn"' in footer
    assert "网站标识码：3301000001" in footer
    assert ">浙ICP备12345678号</a>" in footer and 'href="https://beian.miit.gov.cn/"' in footer
    assert "浙公网安备 33010202000001号" in footer
    assert "市妇联维权热线" in footer and '<a href="tel:12338">12338</a>' in footer
    [qr_file] = stored_files(media_root)
    assert re.fullmatch(r"site/\d{4}/\d{2}/[0-9a-f]{32}\.png", qr_file)
    assert f'<img src="/media/{qr_file}"' in footer
    assert 'alt="某某女性微信公众号二维码"' in footer
    assert "某某女性" in footer


def test_reviewer_changes_the_profile_and_cached_pages_show_the_change(
    as_reviewer, article, django_assert_num_queries
):
    set_profile(hotline="12338", address="旧地址")
    reader = Client()
    reader.get(article.get_absolute_url())
    reader.get("/")
    with django_assert_num_queries(0):
        assert "旧地址" in footer_of(reader.get("/"))

    response = save_profile(as_reviewer, address="新地址：某某市民主路 8 号", hotline="96338")

    assert response.status_code == 302
    for url in ["/", article.get_absolute_url()]:
        footer = footer_of(reader.get(url))
        assert "新地址：某某市民主路 8 号" in footer and "旧地址" not in footer, url
        assert '<a href="tel:96338">96338</a>' in footer, url
        assert "网站标识码：3301000001" in footer, url
    meta = re.search(r'<meta name="SiteIDCode" content="([^"]*)">', html_of(reader.get("/")))
    assert meta and meta[1] == "3301000001"


def test_reviewer_can_fill_in_the_profile_on_a_fresh_site(as_reviewer, column):
    """Reviewers keep the footer (migration 0005); on a fresh site there is no profile
    yet, so 网站信息 leads them to the form that creates it."""
    response = save_profile(as_reviewer)

    assert response.status_code == 302
    assert "浙ICP备12345678号" in footer_of(Client().get("/"))


@pytest.mark.parametrize(
    "name, content",
    [
        ("qr.png", b"this is a text file, not a picture"),
        ("qr.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("qr.png", qr_png()[:60]),  # cut off after the header
    ],
    ids=["text", "svg", "truncated"],
)
def test_a_wechat_qr_that_is_not_an_image_is_refused(
    as_superuser, column, media_root, name, content
):
    set_profile(address="旧地址")

    response = save_profile(as_superuser, wechat_qr=SimpleUploadedFile(name, content, "image/png"))

    assert response.status_code == 200
    assert re.search(r'<ul class="errorlist[^>]*>.*?图片', html_of(response), re.S)
    profile = SiteProfile.objects.get()
    assert profile.address == "旧地址" and not profile.wechat_qr
    assert stored_files(media_root) == []
    assert "<img" not in footer_of(Client().get("/"))


def test_superuser_uploads_the_federations_logo_and_pages_use_it(as_superuser, article, media_root):
    """The logo is shown in the header and is the share picture of articles without
    a cover; it is stored like the QR code (named by content, under site/)."""
    response = save_profile(
        as_superuser,
        logo=SimpleUploadedFile("会徽.png", image_bytes("PNG", (400, 400)), "image/png"),
    )

    assert response.status_code == 302, response.content.decode()
    *renditions, logo_file = stored_files(media_root)
    assert re.fullmatch(r"site/\d{4}/\d{2}/[0-9a-f]{32}\.png", logo_file)
    stem = logo_file.removesuffix(".png")
    assert renditions == [f"renditions/{stem}.w360.png", f"renditions/{stem}.w360.webp"]
    page = html_of(Client().get(article.get_absolute_url()))
    assert f'<meta property="og:image" content="http://testserver/media/{logo_file}">' in page
    # The header shows it 40 pixels wide: a browser takes the 360-pixel rendition.
    assert re.search(
        rf'<a class="site-name"[^>]*><picture><source type="image/webp" '
        rf'srcset="/media/renditions/{stem}.w360.webp 360w" [^>]*><img src="/media/{logo_file}" '
        rf'srcset="/media/renditions/{stem}.w360.png 360w"',
        page,
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("logo.png", image_bytes("PNG", (120, 120)), "至少 200×200 像素"),
        ("logo.gif", image_bytes("GIF", (300, 300)), "PNG 或 JPG"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "图片",
        ),
    ],
    ids=["too-small-to-share", "gif", "svg"],
)
def test_a_logo_that_cannot_be_a_share_picture_is_refused(
    as_superuser, column, media_root, name, content, message
):
    set_profile(address="旧地址")

    response = save_profile(as_superuser, logo=SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert re.search(rf'<ul class="errorlist[^>]*>.*?{message}', html_of(response), re.S)
    assert not SiteProfile.objects.get().logo
    assert stored_files(media_root) == []


def test_without_an_uploaded_logo_the_header_shows_the_shipped_emblem(client, column):
    html = html_of(client.get("/"))

    emblem = static("img/emblem-512.png")
    assert re.search(rf'<a class="site-name"[^>]*><img src="{emblem}" alt=""', html)
    assert finders.find("img/emblem-512.png")


def test_every_page_names_an_icon_that_exists(client, article):
    """No 404 for /favicon.ico and no console error on any page: every page links
    its icon, and the address browsers try by themselves leads to it as well."""
    for url in ["/", "/news/", article.get_absolute_url(), "/search/", "/stats/", "/no-such/"]:
        icons = re.findall(r'<link rel="icon" href="([^"]+)"', html_of(client.get(url)))
        assert icons, url
        for href in icons:
            assert finders.find(href.removeprefix(static(""))), href

    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302)
    assert finders.find(response["Location"].removeprefix(static("")))


def test_there_is_only_ever_one_profile(as_superuser):
    set_profile()

    assert as_superuser.get(reverse("admin:fedsite_siteprofile_add")).status_code == 403
    assert open_profile_form(as_superuser) == reverse(
        "admin:fedsite_siteprofile_change", args=[SiteProfile.objects.get().pk]
    )


# -- Footer links --------------------------------------------------------------------------


def test_footer_links_show_in_their_order_also_on_a_cached_page(client, column):
    client.get("/")
    ExternalLink.objects.create(name="全国妇联", url="https://www.women.org.cn/", order=2)
    ExternalLink.objects.create(name="中国妇女网", url="https://www.cnwomen.com.cn/", order=3)
    ExternalLink.objects.create(name="省妇联", url="https://www.zjwomen.org.cn/", order=1)

    footer = footer_of(client.get("/"))

    links = re.findall(r'<a href="(https://[^"]+)" rel="noopener">([^<]+)</a>', footer)
    assert links == [
        ("https://www.zjwomen.org.cn/", "省妇联"),
        ("https://www.women.org.cn/", "全国妇联"),
        ("https://www.cnwomen.com.cn/", "中国妇女网"),
    ]


def test_without_links_the_footer_has_no_empty_links_section(client, column):
    assert "相关链接" not in footer_of(client.get("/"))


# -- 我要纠错 ------------------------------------------------------------------------------


def report_link(response):
    href = re.search(r'<a href="([^"]*)">我要纠错</a>', footer_of(response))[1]
    return href.replace("&amp;", "&")


def test_report_link_in_the_footer_carries_the_current_page(client, article):
    href = report_link(client.get(article.get_absolute_url()))

    address = urlsplit(href)
    assert address.path == "/jiucuo/"
    assert parse_qs(address.query)["page"] == [f"http://testserver/articles/{article.pk}/"]
    form = html_of(client.get(href))
    assert f'value="http://testserver/articles/{article.pk}/"' in form


def test_report_link_of_a_list_page_keeps_its_query(client, column):
    href = report_link(client.get("/news/", {"page": 1}))

    assert parse_qs(urlsplit(href).query)["page"] == ["http://testserver/news/?page=1"]


def report(client, **fields):
    data = {
        "page_url": "http://testserver/articles/1/",
        "description": "第二段的联系电话写错了，应为 87000000。",
        "contact": "13800000000",
        "website": "",
    }
    return client.post("/jiucuo/", {**data, **fields}, follow=True)


def test_a_report_is_stored_and_the_reader_thanked(client, column):
    response = report(client)

    assert response.redirect_chain == [("/jiucuo/thanks/", 302)]
    assert THANKS in html_of(response)
    stored = ErrorReport.objects.get()
    assert stored.page_url == "http://testserver/articles/1/"
    assert stored.description == "第二段的联系电话写错了，应为 87000000。"
    assert stored.contact == "13800000000"
    assert not stored.handled


@pytest.mark.parametrize("description", ["错字", "   ", "", "  有错  "])
def test_a_too_short_report_is_refused_in_chinese(client, column, description):
    response = report(client, description=description)

    assert response.status_code == 200
    assert response.redirect_chain == []
    html = html_of(response)
    assert "请写清楚错误在哪里（至少 5 个字）。" in html or "这个字段是必填项。" in html
    assert ErrorReport.objects.count() == 0


class _Described(HTMLParser):
    """The ids on the page, and each element's aria-describedby ids with the text of
    the elements they name."""

    def __init__(self):
        super().__init__()
        self.described, self.text, self._open = {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("aria-describedby"):
            self.described[attrs.get("name")] = attrs["aria-describedby"].split()
        if attrs.get("id"):
            self.text[attrs["id"]] = ""
            self._open.append((tag, attrs["id"]))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for _tag, element_id in self._open:
            self.text[element_id] += data


def descriptions(html):
    parser = _Described()
    parser.feed(html)
    return {
        name: [parser.text.get(element_id) for element_id in ids]
        for name, ids in parser.described.items()
    }


def test_help_texts_and_errors_are_tied_to_their_fields(client, column):
    """Each field's aria-describedby names elements that exist and hold its help text
    and its error, so a screen reader reads them with the field (issue 9)."""
    blank = descriptions(html_of(client.get("/jiucuo/")))

    assert blank == {
        "page_url": ["有错误的页面网址，可不填。"],
        "contact": ["电话或邮箱，方便我们回复，可不填。"],
    }

    refused = descriptions(html_of(report(client, description="错字", contact="x" * 101)))

    assert refused["page_url"] == ["有错误的页面网址，可不填。"]
    assert refused["description"] == ["请写清楚错误在哪里（至少 5 个字）。"]
    help_text, error = refused["contact"]
    assert help_text == "电话或邮箱，方便我们回复，可不填。"
    assert "100" in error  # Django's own "at most 100 characters", in Chinese


def test_a_robot_filling_the_hidden_field_is_thanked_but_nothing_is_stored(client, column):
    response = report(client, website="http://spam.example/")

    assert response.redirect_chain == [("/jiucuo/thanks/", 302)]
    assert THANKS in html_of(response)
    assert ErrorReport.objects.count() == 0


class _Inputs(HTMLParser):
    """Every <input> of a page, with the classes of the elements it sits in."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.open, self.inputs = [], []  # open: (tag, its classes), outermost first

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append((attrs, {c for _tag, classes in self.open for c in classes}))
        if tag not in self.VOID:
            self.open.append((tag, (attrs.get("class") or "").split()))

    def handle_endtag(self, tag):
        # Close up to the matching element, as a browser would for unclosed ones.
        if any(open_tag == tag for open_tag, _classes in self.open):
            while self.open.pop()[0] != tag:
                pass


def inputs_named(html, name):
    parser = _Inputs()
    parser.feed(html)
    return [(attrs, classes) for attrs, classes in parser.inputs if attrs.get("name") == name]


def test_the_honeypot_is_a_text_field_inside_an_element_hidden_by_the_stylesheet(client, column):
    """Robots skip type="hidden" fields but fill text fields; readers never meet it,
    since the site's stylesheet hides the element around it (display: none also
    keeps it from keyboards and screen readers)."""
    form = html_of(client.get("/jiucuo/"))

    [(attrs, classes)] = inputs_named(form, "website")
    assert attrs.get("type") == "text"
    assert "honeypot" in classes
    assert attrs.get("autocomplete") == "off"  # a browser's autofill must not fill it
    stylesheet = finders.find("css/site.css")
    assert f'href="{static("css/site.css")}"' in form
    assert re.search(r"\.honeypot\s*\{\s*display:\s*none;?\s*\}", Path(stylesheet).read_text())


@pytest.mark.parametrize(
    "field, value",
    [
        ("description", "错" * 10_000),
        ("page_url", "http://testserver/news/?q=" + "x" * 10_000),
        ("contact", "1" * 10_000),
    ],
)
def test_an_enormous_field_never_gives_a_server_error(client, column, field, value):
    response = report(client, **{field: value})

    assert response.status_code == 200
    stored = list(ErrorReport.objects.all())
    if stored:  # accepted: then cut down to what the column holds
        assert len(stored[0].page_url) <= 500 and len(stored[0].description) <= 2000
        assert THANKS in html_of(response)
    else:  # refused: then the reader is told why
        assert 'class="errorlist"' in html_of(response)


def test_an_enormous_page_address_in_the_link_still_opens_the_form(client, column):
    response = client.get("/jiucuo/", {"page": "http://testserver/" + "x" * 10_000})

    assert response.status_code == 200
    value = re.search(r'name="page_url" value="([^"]*)"', html_of(response))[1]
    assert len(value) == 500


# -- Staff and the reports ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["as_editor", "as_reviewer", "as_superuser"])
def test_staff_see_reports_and_mark_them_handled(request, column, role):
    client = request.getfixturevalue(role)
    wrong_phone = ErrorReport.objects.create(
        page_url="http://testserver/articles/7/", description="联系电话写错了"
    )
    dead_link = ErrorReport.objects.create(description="附件链接打不开")

    listing = client.get(REPORT_CHANGELIST)

    assert listing.status_code == 200
    assert "联系电话写错了" in html_of(listing) and "附件链接打不开" in html_of(listing)
    response = client.post(
        REPORT_CHANGELIST,
        {"action": "mark_handled", helpers.ACTION_CHECKBOX_NAME: [wrong_phone.pk]},
        follow=True,
    )
    assert response.status_code == 200
    wrong_phone.refresh_from_db()
    dead_link.refresh_from_db()
    assert wrong_phone.handled and not dead_link.handled


def test_staff_cannot_invent_or_rewrite_a_readers_report(as_reviewer, column):
    report = ErrorReport.objects.create(description="联系电话写错了")
    change_url = reverse("admin:fedsite_errorreport_change", args=[report.pk])

    assert as_reviewer.get(reverse("admin:fedsite_errorreport_add")).status_code == 403
    as_reviewer.post(change_url, {"description": "改过的内容", "handled": "on", "_save": "保存"})

    report.refresh_from_db()
    assert report.description == "联系电话写错了"
    assert report.handled


def test_an_editor_can_read_reports_but_not_change_the_site_profile(as_editor, column):
    profile = set_profile(address="某某市人民路 100 号")
    change_url = reverse("admin:fedsite_siteprofile_change", args=[profile.pk])

    assert as_editor.get(REPORT_CHANGELIST).status_code == 200
    assert as_editor.get(change_url).status_code == 403
    response = as_editor.post(change_url, {**FILLED_IN, "address": "篡改", "_save": "保存"})

    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.address == "某某市人民路 100 号"
    assert "某某市人民路 100 号" in footer_of(Client().get("/"))


def test_anonymous_visitors_cannot_see_the_reports(client, column):
    ErrorReport.objects.create(description="联系电话写错了", contact="13800000000")

    response = client.get(REPORT_CHANGELIST)

    assert response.status_code == 302
    assert "/login/" in response["Location"]
