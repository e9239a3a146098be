"""Static files as production serves them (issue 11): collectstatic with the real
storage (hashed names, brotli and gzip copies), WhiteNoise sending them with a
far-future immutable Cache-Control, and every static address the pages use found.

The rest of the suite renders with plain names (tests/settings.py): the manifest
exists only after collectstatic, which this module runs once."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from whitenoise.compress import Compressor

from fedsite.models import DEFAULT_LOGO
from fedsite.settings import STORAGES as PRODUCTION_STORAGES
from tests.factories import ArticleFactory

A_YEAR = 365 * 24 * 60 * 60
TEMPLATE_STATIC = re.compile(r"""\{%\s*static\s+["']([^"']+)["']""")


_should_compress = Compressor.should_compress


def only_our_own_files(self, filename):
    # Brotli at its best level takes half a minute over CKEditor's thousand files on
    # this machine; compressing our own files proves the same code path.
    ours = filename.split("/static/", 1)[-1].startswith(("css/", "js/"))
    return ours and _should_compress(self, filename)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT after `collectstatic` with the production storage."""
    root = tmp_path_factory.mktemp("static")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Compressor, "should_compress", only_our_own_files)
        with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
            call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(collected):
    """Pages and WhiteNoise as production has them: hashed names from the manifest."""
    with override_settings(STATIC_ROOT=collected, STORAGES=PRODUCTION_STORAGES):
        yield collected


def static_addresses(html):
    """Files a page names under /static/ (not a folder such as CKEditor's base path)."""
    html = unescape(html)  # the editor's settings are JSON inside an attribute
    return sorted(set(re.findall(r"""(/static/[^"'\s)?]*[^"'\s)?/])["'\s)?]""", html)))


def test_collectstatic_hashes_every_file_and_compresses_it(production_static):
    site_css = staticfiles_storage.stored_name("css/site.css")

    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", site_css)
    assert (production_static / site_css).is_file()
    assert (production_static / f"{site_css}.br").is_file()
    assert (production_static / f"{site_css}.gz").is_file()
    # CKEditor loads its own files by their plain names (CKEDITOR_BASEPATH).
    assert (production_static / "ckeditor/ckeditor/config.js").is_file()
    assert (production_static / "ckeditor/ckeditor/skins/moono-lisa/editor.css").is_file()


def test_every_static_address_in_our_templates_is_in_the_manifest(production_static):
    names = {DEFAULT_LOGO}
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        names.update(TEMPLATE_STATIC.findall(template.read_text(encoding="utf-8")))

    assert "css/site.css" in names
    for name in sorted(names):
        assert staticfiles_storage.stored_name(name) != name, name


@pytest.mark.parametrize(
    ("accept", "encoding"), [("br, gzip, deflate", "br"), ("gzip", "gzip"), ("", None)]
)
def test_a_hashed_file_is_cached_for_good_and_sent_compressed(production_static, accept, encoding):
    address = staticfiles_storage.url("css/site.css")

    response = Client().get(address, HTTP_ACCEPT_ENCODING=accept)

    assert response.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= A_YEAR
    assert "immutable" in response["Cache-Control"]
    assert response.get("Content-Encoding") == encoding
    assert response["Vary"] == "Accept-Encoding"


def test_a_plain_name_is_served_but_not_cached_for_good(production_static):
    response = Client().get("/static/ckeditor/ckeditor/config.js")

    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


@pytest.mark.django_db
def test_public_and_editor_pages_load_every_static_file_they_name(
    production_static, superuser_client, column
):
    article = ArticleFactory(column=column)
    pages = [
        Client().get(reverse("news:home")),
        Client().get(article.get_absolute_url()),
        superuser_client.get(reverse("admin:news_article_add")),
    ]

    addresses = [address for page in pages for address in static_addresses(page.content.decode())]

    assert any(re.search(r"/static/css/site\.[0-9a-f]{12}\.css", a) for a in addresses)
    assert any(
        re.search(r"/static/ckeditor/ckeditor/ckeditor\.[0-9a-f]{12}\.js", a) for a in addresses
    )
    # The editor's own files, which ckeditor.js asks for from CKEDITOR_BASEPATH.
    addresses += [
        "/static/ckeditor/ckeditor/config.js",
        "/static/ckeditor/ckeditor/lang/zh-cn.js",
        "/static/ckeditor/ckeditor/styles.js",
        "/static/ckeditor/ckeditor/skins/moono-lisa/editor.css",
        "/static/js/editor-config.js",
    ]
    assert 'data-ckeditor-basepath="/static/ckeditor/ckeditor/"' in pages[2].content.decode()
    reader = Client()  # one: WhiteNoise reads the whole STATIC_ROOT as it starts
    for address in addresses:
        assert reader.get(address).status_code == 200, address


@pytest.mark.django_db
def test_without_collectstatic_pages_still_render_and_the_deploy_check_says_so(client, tmp_path):
    # A deploy that forgot collectstatic once answered 500 on every page ("Missing
    # staticfiles manifest entry"): pages now render with plain names, and
    # `check --deploy` names the command to run.
    from django.core.checks import run_checks

    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        response = client.get("/")
        warnings = [message.id for message in run_checks(include_deployment_checks=True)]

    assert response.status_code == 200
    assert "/static/css/site.css" in response.content.decode()
    assert "fedsite.W002" in warnings


def test_collected_static_files_pass_the_deploy_check(production_static):
    from django.core.checks import run_checks

    warnings = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "fedsite.W002" not in warnings
