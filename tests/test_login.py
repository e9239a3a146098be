"""Signing in to the admin: the lockout after repeated wrong passwords (django-axes),
the session cookie, and the settings that production depends on.

Logins go through the real admin login form, never force_login, so that the
lockout sees them. The settings checks import fedsite.settings in a separate
Python process with an environment the test controls, as the server would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from fedsite.client_ip import client_ip

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "pw-for-tests-only"
LOCKED_OUT = "登录已暂时锁定"


@pytest.fixture
def staff(django_user_model):
    django_user_model.objects.create_superuser("editor", password=PASSWORD)
    django_user_model.objects.create_superuser("reviewer", password=PASSWORD)


def log_in(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, times, address="127.0.0.1", **headers):
    """Wrong passwords, `times` over; the status of each answer."""
    return [
        log_in(client, username, "wrong-password", address, **headers).status_code
        for _ in range(times)
    ]


def is_logged_in(client):
    return client.get(reverse("admin:index")).status_code == 200


# -- Lockout -----------------------------------------------------------------------------


def test_wrong_password_shows_the_login_form_again(client, staff):
    response = log_in(client, "editor", "wrong-password")

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert not is_logged_in(client)


def test_five_wrong_passwords_lock_the_name_even_against_the_right_password(client, staff):
    assert fail(client, "editor", 5) == [200, 200, 200, 200, 429]  # the fifth locks

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 429
    assert "admin/locked_out.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert LOCKED_OUT in page
    assert "30 分钟" in page
    assert not is_logged_in(client)


def test_lockout_page_carries_our_name_not_djangos(client, staff, settings):
    fail(client, "editor", 5)

    page = log_in(client, "editor", PASSWORD).content.decode()

    assert f"{settings.SITE_NAME}网站管理" in page
    assert "Django" not in page


def test_four_wrong_passwords_do_not_lock(client, staff):
    fail(client, "editor", 4)

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_lockout_leaves_another_name_from_the_same_address_alone(client, staff):
    assert fail(client, "editor", 5)[-1] == 429

    response = log_in(Client(), "reviewer", PASSWORD)

    assert response.status_code == 302
    assert log_in(Client(), "editor", PASSWORD).status_code == 429  # still locked


def test_lockout_leaves_the_same_name_from_another_address_alone(client, staff):
    """A stranger guessing a colleague's password cannot lock the colleague out."""
    assert fail(client, "editor", 5, address="203.0.113.7")[-1] == 429

    response = log_in(Client(), "editor", PASSWORD, address="10.0.0.8")

    assert response.status_code == 302


def test_successful_login_before_the_limit_starts_the_count_again(client, staff):
    assert fail(client, "editor", 4) == [200] * 4
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()

    # Without the reset, the first of these would be the fifth failure and lock.
    assert fail(client, "editor", 4) == [200] * 4
    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


# -- Behind nginx (DJANGO_BEHIND_HTTPS_PROXY) --------------------------------------------
#
# Every request reaches Django from nginx (127.0.0.1); nginx appends the address it
# saw to X-Forwarded-For, after whatever the client sent in that header itself.


def request_from(forwarded_for=None, remote_addr="127.0.0.1"):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("forwarded_for", "remote_addr", "expected"),
    [
        pytest.param("203.0.113.5", "127.0.0.1", "203.0.113.5", id="nginx-appended"),
        pytest.param("1.2.3.4, 203.0.113.5", "127.0.0.1", "203.0.113.5", id="forged-left"),
        pytest.param("1.2.3.4,203.0.113.5 ", "127.0.0.1", "203.0.113.5", id="no-spaces"),
        pytest.param(None, "198.51.100.7", "198.51.100.7", id="no-header"),
        pytest.param("", "198.51.100.7", "198.51.100.7", id="empty-header"),
        pytest.param(" , ", "198.51.100.7", "198.51.100.7", id="only-separators"),
    ],
)
def test_client_address_is_the_one_nginx_appended(forwarded_for, remote_addr, expected):
    assert client_ip(request_from(forwarded_for, remote_addr)) == expected


@pytest.fixture
def behind_nginx(settings):
    settings.AXES_CLIENT_IP_CALLABLE = "fedsite.client_ip.client_ip"  # as production sets it


CLIENT_A = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
CLIENT_B = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}


def test_behind_nginx_a_lockout_stops_only_the_guessing_client(client, staff, behind_nginx):
    """Five wrong passwords from one office must not lock the name for everyone."""
    assert fail(client, "editor", 5, **CLIENT_A)[-1] == 429
    assert log_in(Client(), "editor", PASSWORD, **CLIENT_A).status_code == 429

    colleague = Client()
    response = log_in(colleague, "editor", PASSWORD, **CLIENT_B)

    assert response.status_code == 302
    assert is_logged_in(colleague)


def test_behind_nginx_a_forged_forwarded_address_does_not_lift_a_lockout(
    client, staff, behind_nginx
):
    assert fail(client, "editor", 5, **CLIENT_A)[-1] == 429

    forged = Client()
    response = log_in(forged, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")

    assert response.status_code == 429
    assert not is_logged_in(forged)


def test_behind_nginx_forged_addresses_do_not_buy_extra_guesses(client, staff, behind_nginx):
    """A new made-up address in front of each attempt still counts against the real one."""
    statuses = [
        log_in(
            client, "editor", "wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.5"
        ).status_code
        for n in range(5)
    ]

    assert statuses[-1] == 429
    assert log_in(Client(), "editor", PASSWORD, **CLIENT_A).status_code == 429


# -- The session cookie ------------------------------------------------------------------


def test_session_cookie_cannot_be_read_by_scripts(client, staff):
    response = log_in(client, "editor", PASSWORD)

    cookie = response.cookies["sessionid"]
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# -- Settings as the server reads them ---------------------------------------------------


def run_python(code, **environment):
    """Run `code` in a fresh interpreter with only the given DJANGO_* environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AXES_", "REDIS_", "DATABASE_URL"))
    }
    env["DATABASE_URL"] = "sqlite://:memory:"
    # Nor the developer's .env, which the settings would read (issue 13, item 7).
    env["DJANGO_ENV_FILE"] = ""
    env.update(environment)
    return subprocess.run(
        [sys.executable, *code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_settings(**environment):
    code = (
        "import json\n"
        "from fedsite import settings as s\n"
        "print(json.dumps({name: getattr(s, name) for name in "
        "['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY']}))"
    )
    result = run_python(["-c", code], **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only():
    values = production_settings(DJANGO_SECRET_KEY="a-long-production-secret")

    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
    }


def test_secure_cookies_can_be_turned_off_for_plain_http_on_a_workstation():
    values = production_settings(
        DJANGO_SECRET_KEY="a-long-production-secret", DJANGO_SECURE_COOKIES="false"
    )

    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False


def test_debug_mode_runs_without_a_secret_key_and_without_secure_cookies():
    values = production_settings(DJANGO_DEBUG="true")

    assert values["DEBUG"] is True
    assert values["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_site_refuses_to_start_without_a_secret_key_when_debug_is_off(secret):
    environment = {"DJANGO_SETTINGS_MODULE": "fedsite.settings"}
    if secret is not None:
        environment["DJANGO_SECRET_KEY"] = secret

    result = run_python(["-c", "import django; django.setup()"], **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


ADMIN_PATH_PROBE = """
import json
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
call_command("migrate", "news", verbosity=0)  # the 404 page draws the column navigation
client = Client()
statuses = {url: client.get(url).status_code
            for url in ["/houtai/", "/houtai/login/", "/admin/", "/admin/login/"]}
login = client.get("/houtai/login/")
print(json.dumps({
    "statuses": statuses,
    "index_redirect": client.get("/houtai/")["Location"],
    "login_form": 'name="password"' in login.content.decode(),
}))
"""


def test_admin_is_served_at_the_path_from_the_environment_and_not_at_admin():
    result = run_python(
        ["manage.py", "shell", "-c", ADMIN_PATH_PROBE],
        DJANGO_SETTINGS_MODULE="fedsite.settings",
        DJANGO_SECRET_KEY="a-long-production-secret",
        DJANGO_ADMIN_PATH="houtai",
    )

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["statuses"] == {
        "/houtai/": 302,
        "/houtai/login/": 200,
        "/admin/": 404,
        "/admin/login/": 404,
    }
    assert probe["index_redirect"].startswith("/houtai/login/")
    assert probe["login_form"]
