"""The security headers (fedsite.security, README "Security"): which policy each kind
of page gets, the same bytes every time, and `manage.py check --deploy` clean with the
environment a production deployment sets (and not without it)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]


def policy(response):
    return {
        name: sources
        for name, *sources in (
            part.split() for part in response["Content-Security-Policy"].split(";")
        )
    }


@pytest.mark.django_db
class TestPolicies:
    def test_a_public_page_allows_nothing_inline_and_nothing_from_other_sites_but_pictures(
        self, client, article
    ):
        response = client.get(article.get_absolute_url())

        assert policy(response) == {
            "base-uri": ["'none'"],
            "default-src": ["'none'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
            "img-src": ["'self'", "https:"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
        }
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_the_policy_reads_the_same_on_every_request(self, client, article):
        """django-csp writes directives in a set's order, which changes between
        processes; ours are sorted."""
        header = client.get("/")["Content-Security-Policy"]
        names = [part.split()[0] for part in header.split("; ")]

        assert names == sorted(names)
        assert client.get("/")["Content-Security-Policy"] == header

    def test_every_page_refuses_the_devices_and_features_it_does_not_use(self, client, article):
        header = client.get("/")["Permissions-Policy"]
        features = dict(item.split("=") for item in header.split(", "))

        assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
        assert set(features.values()) == {"()"}
        assert client.get("/feed/")["Permissions-Policy"] == header

    def test_the_admin_gets_the_staff_policy(self, as_editor):
        response = as_editor.get(reverse("admin:news_article_changelist"))
        self_, *nonce = policy(response)["script-src"]

        # Every admin page loads static/js/editor-frame.js with a nonce, for CKEditor.
        assert self_ == "'self'" and len(nonce) == 1 and nonce[0].startswith("'nonce-")
        assert policy(response)["style-src"] == ["'self'"]
        assert policy(response)["frame-ancestors"] == ["'self'"]
        assert "script-src-attr" not in policy(response)

    def test_the_article_form_gets_ckeditors_allowances_and_a_nonce(self, as_editor):
        response = as_editor.get(reverse("admin:news_article_add"))
        directives = policy(response)
        [nonce] = [source for source in directives["script-src"] if source.startswith("'nonce-")]

        assert directives["script-src-attr"] == ["'unsafe-inline'"]
        assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
        assert "'unsafe-inline'" not in directives["script-src"]
        # The one script that carries the nonce gives it to CKEditor's frames.
        assert f'nonce="{nonce[7:-1]}"' in response.content.decode()
        assert "editor-frame.js" in response.content.decode()

    def test_the_editors_image_browser_runs_no_inline_script(self, as_editor):
        response = as_editor.get(reverse("ckeditor_browse"))

        assert policy(response)["script-src"] == ["'self'"]
        assert "<script>" not in response.content.decode()
        assert "image-browser.js" in response.content.decode()

    def test_a_page_cannot_be_framed(self, client, article):
        assert client.get("/")["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_an_attachment_keeps_its_own_sandbox_policy(client, media_root):
    from news.models import Attachment

    article = ArticleFactory()
    attachment = Attachment.objects.create(
        article=article, file="attachments/plan.pdf", original_name="方案.pdf", file_type="pdf"
    )
    (media_root / "attachments").mkdir()
    (media_root / "attachments/plan.pdf").write_bytes(b"%PDF-1.4")

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]


# -- check --deploy ---------------------------------------------------------------------


def production_environment(tmp_path, **extra):
    """The environment of README "Settings", with a static root that has been collected:
    a manifest of our own files (collecting CKEditor's takes minutes; fedsite.W002 is
    about collectstatic, not about security)."""
    static = tmp_path / "static"
    static.mkdir()
    ours = [path.relative_to(ROOT / "static").as_posix() for path in (ROOT / "static").rglob("*")]
    manifest = {"version": "1.1", "paths": {name: name for name in ours}}
    (static / "staticfiles.json").write_text(json.dumps(manifest))
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FEDSITE_"))
    }
    return (
        kept
        | {
            "DJANGO_SETTINGS_MODULE": "fedsite.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "www.example.gov.cn",
            "DJANGO_BEHIND_HTTPS_PROXY": "true",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(static),
        }
        | extra
    )


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    finished = check_deploy(production_environment(tmp_path))

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "System check identified no issues" in finished.stdout


def test_check_deploy_names_what_a_deployment_without_https_lacks(tmp_path):
    finished = check_deploy(production_environment(tmp_path, DJANGO_BEHIND_HTTPS_PROXY="false"))

    assert finished.returncode != 0
    for check in ("security.W004", "security.W008"):  # HSTS, the redirect to HTTPS
        assert check in finished.stderr + finished.stdout


def test_hsts_subdomains_and_preload_can_be_turned_down(tmp_path):
    env = production_environment(
        tmp_path, DJANGO_HSTS_INCLUDE_SUBDOMAINS="false", DJANGO_HSTS_PRELOAD="false"
    )
    finished = check_deploy(env)

    output = finished.stderr + finished.stdout
    assert "security.W005" in output and "security.W021" in output


def test_the_production_settings_declare_hsts_for_a_year_with_subdomains(tmp_path):
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from fedsite import settings as s; print(s.SECURE_HSTS_SECONDS,"
            " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT,"
            " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert printed.stdout.split() == ["31536000", "True", "True", "True", "True", "True"]
    assert settings.SECURE_HSTS_SECONDS == 0  # the tests run without HTTPS declared
