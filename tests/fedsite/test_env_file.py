"""The settings read `.env` themselves (issue 13, item 7): after `make run` has written
the secret key there, every manage.py command the README shows works as written,
without sourcing the file by hand. What is set in the environment still wins.

Each test runs Python in a child process, as a user's shell would, with an
environment holding none of the project's variables."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

REPO_ROOT = Path(__file__).resolve().parents[2]
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.ADMIN_PATH, settings.SECRET_KEY, settings.ENV_FILE, sep='|')"
)


def clean_environment(**variables):
    """The environment of a shell with nothing of the project's set."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FEDSITE_"))
    }
    return {**kept, "DJANGO_SETTINGS_MODULE": "fedsite.settings", **variables}


def python(*args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# written by make run\nDJANGO_SECRET_KEY=key-from-the-file\nDJANGO_ADMIN_PATH=houtai\n"
        f"DATABASE_URL=sqlite:///{tmp_path / 'db.sqlite3'}\n",
        encoding="utf-8",
    )
    return path


def test_the_settings_read_the_env_file(env_file):
    result = python("-c", SHOW_SETTINGS, env=clean_environment(DJANGO_ENV_FILE=str(env_file)))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"houtai|key-from-the-file|{env_file}"


def test_the_environment_wins_over_the_file(env_file):
    environment = clean_environment(DJANGO_ENV_FILE=str(env_file), DJANGO_ADMIN_PATH="guanli")

    result = python("-c", SHOW_SETTINGS, env=environment)

    assert result.stdout.strip().split("|")[:2] == ["guanli", "key-from-the-file"]


def test_the_file_read_by_default_is_the_env_beside_manage_py():
    environment = clean_environment(DJANGO_SECRET_KEY="set-in-the-environment")

    result = python("-c", SHOW_SETTINGS, env=environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|")[2] == str(REPO_ROOT / ".env")


def test_without_a_key_anywhere_the_site_still_refuses_to_start(tmp_path):
    empty = tmp_path / ".env"
    empty.write_text("DJANGO_ADMIN_PATH=houtai\n", encoding="utf-8")

    result = python("-c", SHOW_SETTINGS, env=clean_environment(DJANGO_ENV_FILE=str(empty)))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_import_report_works_as_the_readme_writes_it_with_only_the_env_file(env_file):
    """What `make run` leaves (a database with the demo columns, the key in .env), then
    the README's command exactly as written."""
    environment = clean_environment(DJANGO_ENV_FILE=str(env_file))
    for command in (["migrate", "--noinput"], ["load_demo_content"]):
        prepared = python("manage.py", *command, "-v", "0", env=environment)
        assert prepared.returncode == 0, prepared.stderr

    result = python(
        "manage.py", "import_report", "tests/data/march8_damaged.txt", "--column", "bmdt",
        "--dry-run", env=environment,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "标题：市妇联：巾帼勇" in result.stdout
    assert "有 9 处无法自动修复" in result.stdout


# Every `manage.py <command> [--option]` the README shows, as written there.
DOCUMENTED = sorted(set(re.findall(r"manage\.py ([a-z_]+)((?: \[?--[a-z-]+[^`\n]*)?)", README)))


def test_the_readme_documents_commands():
    assert {"import_report", "rebuild_search_index", "check_links"} <= {c for c, _ in DOCUMENTED}


@pytest.mark.parametrize(("command", "options"), DOCUMENTED, ids=[c for c, _ in DOCUMENTED])
def test_every_command_in_the_readme_exists_with_the_options_it_shows(command, options):
    app = get_commands().get(command)
    assert app is not None, f"manage.py {command} is in the README but no such command exists"
    usage = load_command_class(app, command).create_parser("manage.py", command).format_help()
    for option in re.findall(r"--[a-z-]+", options):
        assert re.search(rf"(?<![\w-]){option}(?![\w-])", usage), f"{command} has no {option}"
