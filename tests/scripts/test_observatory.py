"""The Mozilla HTTP Observatory's rules (scripts/observatory.py): first against
responses made up to hit each rule, so the grader is seen to fail what the
Observatory fails; then against the site itself, served by gunicorn with the
environment a production deployment sets (README, "Security"), behind an HTTPS
proxy as nginx runs it: grade A+.

The production server runs on a SQLite database of its own with the demo content
(headers do not depend on the database), bounded in time, stopped after the module."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts import observatory
from scripts.observatory import Response, Scan

ROOT = Path(__file__).resolve().parents[2]
HTML = [("content-type", "text/html; charset=utf-8")]
GOOD_HEADERS = HTML + [
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
    ),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
]


def scan(headers=GOOD_HEADERS, body=b"<html><body>hi</body></html>", cookies=(), redirects=True):
    """A site answering https://example.org/ with these headers, its http:// address
    redirecting there (or not)."""
    page = Response("https://example.org/", 200, list(headers), body)
    http = [Response("http://example.org/", 301, [("location", "https://example.org/")]), page]
    if not redirects:
        http = [Response("http://example.org/", 200, list(headers), body)]
    return Scan(http_chain=http, https_chain=[page], cookies=list(cookies), cors=None)


def results(scanned):
    return observatory.grade(scanned).results


def test_a_site_without_any_of_the_headers_fails():
    bare = scan(headers=HTML, redirects=False)

    graded = observatory.grade(bare)

    assert graded.results["content-security-policy"] == "csp-not-implemented"
    assert graded.results["strict-transport-security"] == "hsts-not-implemented"
    assert graded.results["redirection"] == "redirection-missing"
    assert graded.results["x-frame-options"] == "x-frame-options-not-implemented"
    # 100 - 25 (CSP) - 20 (HSTS) - 20 (redirection) - 5 (nosniff) - 20 (framing)
    assert (graded.score, graded.grade) == (10, "F")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            "default-src 'none'; script-src 'self'",
            "csp-implemented-with-no-unsafe-default-src-none",
        ),
        ("default-src 'self'", "csp-implemented-with-no-unsafe"),
        (
            "default-src 'self'; script-src 'self' 'unsafe-inline'",
            "csp-implemented-with-unsafe-inline",
        ),
        (
            "default-src 'self'; script-src 'self' 'nonce-abc' 'unsafe-inline'",
            "csp-implemented-with-no-unsafe",
        ),
        ("default-src 'self'; script-src 'self' https:", "csp-implemented-with-unsafe-inline"),
        ("script-src 'self'", "csp-implemented-with-unsafe-inline"),  # object-src open
        (
            "default-src 'self'; style-src 'self' 'unsafe-inline'",
            "csp-implemented-with-unsafe-inline-in-style-src-only",
        ),
        ("default-src 'self'; script-src 'self' 'unsafe-eval'", "csp-implemented-with-unsafe-eval"),
        (
            "default-src 'self'; img-src http:",
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
        ),
        ("default-src 'self'; default-src 'none'", "csp-header-invalid"),
    ],
)
def test_the_content_security_policy_is_judged_as_the_observatory_does(policy, expected):
    headers = [h for h in GOOD_HEADERS if h[0] != "content-security-policy"]
    assert (
        results(scan([*headers, ("content-security-policy", policy)]))["content-security-policy"]
        == expected
    )


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        (
            "sessionid=1; Secure; HttpOnly; SameSite=Lax",
            "cookies-secure-with-httponly-sessions-and-samesite",
        ),
        ("sessionid=1; Secure; HttpOnly", "cookies-secure-with-httponly-sessions"),
        (
            "sessionid=1; HttpOnly; SameSite=Lax",
            "cookies-session-without-secure-flag-but-protected-by-hsts",
        ),
        ("sessionid=1; Secure; SameSite=Lax", "cookies-session-without-httponly-flag"),
        ("csrftoken=1; Secure", "cookies-anticsrf-without-samesite-flag"),
        ("theme=dark; Secure; SameSite=Sideways", "cookies-samesite-flag-invalid"),
    ],
)
def test_cookies_are_judged_by_their_flags(cookie, expected):
    assert results(scan(cookies=[cookie]))["cookies"] == expected


def test_a_script_from_another_site_without_integrity_costs_points():
    body = b'<html><script src="https://cdn.example.net/lib.js"></script></html>'
    assert results(scan(body=body))["subresource-integrity"] == (
        "sri-not-implemented-but-external-scripts-loaded-securely"
    )
    body = b'<html><script src="/static/js/site.js"></script></html>'
    assert results(scan(body=body))["subresource-integrity"] == (
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    )


def test_bonuses_count_only_for_a_site_already_graded_a():
    """src/scanner/index.js: a -20 penalty keeps the +5s and +10s from counting."""
    assert observatory.score_of([10, 5, 5, -20]) == (80, "B+")
    assert observatory.score_of([10, 5, 5, -10]) == (110, "A+")
    assert observatory.score_of([-5, -5]) == (90, "A")
    assert observatory.score_of([-50, -40, -30]) == (0, "F")


# -- The site itself ----------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(root):
    """What a production deployment sets (README, "Settings"), on a database of its own."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FEDSITE_", "AXES_"))
    }
    return kept | {
        "DJANGO_SETTINGS_MODULE": "fedsite.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_HTTPS_PROXY": "true",
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(root / "media"),
        "DJANGO_STATIC_ROOT": str(root / "static"),
    }


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("production")
    env = production_environment(root)
    for command in (["migrate", "--noinput"], ["load_demo_content"], ["load_demo_stats"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
            capture_output=True,
        )
    port = free_port()
    log = (root / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fedsite.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "30"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_the_home_page_is_graded_a_plus(production_site):
    graded = observatory.grade(observatory.retrieve(production_site + "/", behind_proxy=True))

    print(observatory.report(production_site + "/", graded))
    assert graded.results == {
        "content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
        "cookies": "cookies-not-found",
        "cross-origin-embedder-policy": "coep-not-implemented",
        "cross-origin-opener-policy": "coop-implemented-with-same-origin",
        "cross-origin-resource-sharing": "cross-origin-resource-sharing-not-implemented",
        "redirection": "redirection-to-https",
        "referrer-policy": "referrer-policy-private",
        "strict-transport-security": "hsts-implemented-max-age-at-least-six-months",
        "subresource-integrity": "sri-not-implemented-but-no-scripts-loaded",
        "x-content-type-options": "x-content-type-options-nosniff",
        "x-frame-options": "x-frame-options-implemented-via-csp",
        "cross-origin-resource-policy": "cross-origin-resource-policy-implemented-with-same-origin",
    }
    assert (graded.score, graded.grade) == (140, "A+")
    assert (graded.released_score, graded.released_grade) == (130, "A+")


@pytest.mark.parametrize(
    "path",
    ["/news/", "/articles/1/", "/stats/jinguo-daxuanjiang/", "/search/?q=妇联", "/jiucuo/"],
)
def test_other_public_pages_are_graded_a_plus_too(production_site, path):
    """我要纠错 sets the CSRF cookie: Secure, HttpOnly, SameSite=Lax earn its bonus."""
    graded = observatory.grade(observatory.retrieve(production_site + path, behind_proxy=True))

    assert graded.grade == "A+", observatory.report(path, graded)
    assert graded.results["cookies"] in {
        "cookies-not-found",
        "cookies-secure-with-httponly-sessions-and-samesite",
    }


def test_the_admin_login_is_graded_at_least_a(production_site):
    graded = observatory.grade(
        observatory.retrieve(production_site + "/admin/login/", behind_proxy=True)
    )

    assert graded.grade in {"A", "A+"}, observatory.report("/admin/login/", graded)
    assert graded.results["cookies"] == "cookies-secure-with-httponly-sessions-and-samesite"


def test_the_command_prints_the_grade(production_site):
    finished = subprocess.run(
        [sys.executable, "-m", "scripts.observatory", production_site + "/", "--behind-proxy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    assert "Score 140, grade A+" in finished.stdout
