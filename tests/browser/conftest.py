"""Real-browser tests: Chromium driven by Playwright against pytest-django's live server.

They need Debian's Chromium, the `playwright` Python package and axe-core. Without
them the tests are skipped, with the command that installs what is missing; under
CI=true they fail instead, so a broken install can never pass for a green run.
"""

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections

from news.models import Article

# Playwright's sync API keeps an asyncio event loop running in this thread, and
# Django refuses database access from a thread with a running loop. The tests are
# synchronous code; only the browser driver is asynchronous underneath.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
AXE_JS = Path(os.environ.get("AXE_CORE_JS") or ROOT / ".cache/npm/node_modules/axe-core/axe.min.js")
ARTIFACTS_DIR = Path(os.environ.get("ARTIFACTS_DIR") or ROOT / ".artifacts/screenshots")

MARCH8_TITLE = "市妇联：巾帼勇担当 展现新作为"
ADMIN_USERNAME = "browser-admin"
ADMIN_PASSWORD = "browser-tests-only-pw-2026"  # noqa: S105 (a throwaway test account)
TIMEOUT_MS = 15_000


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: runs in a real Chromium through Playwright (tests/browser)"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after every other test (after pytest-django's own ordering).

    While Playwright's event loop runs, Django's thread-critical connection storage
    switches from the thread to the loop's context, so the test code gets other
    connection objects than the ones the test database was set up with. Those lack
    the serialized copy that `serialized_rollback=True` tests restore from
    (tests/news/test_history.py), which then start on a flushed database. The
    session's browser is started by the first browser test and stopped at the end,
    so nothing else may run in between."""
    ours = [item for item in items if HERE in item.path.parents]
    if ours:
        items[:] = [item for item in items if HERE not in item.path.parents] + ours


def _missing_requirements():
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (.venv/bin/pip install -e '.[dev]')")
    if not AXE_JS.exists():
        missing.append(
            f"axe-core at {AXE_JS} (npm install --prefix .cache/npm axe-core@4, "
            "or point AXE_CORE_JS at axe.min.js)"
        )
    return missing


@pytest.fixture(scope="session")
def browser():
    missing = _missing_requirements()
    if missing:
        message = "browser tests need " + "; ".join(missing)
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " (CI=true: a missing install must not pass as skipped)")
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()
    # The connections opened while the loop ran live in the loop's context: close
    # them before it goes, so PostgreSQL can drop the test database afterwards.
    connections.close_all()
    playwright.stop()


@pytest.fixture(scope="session")
def expect(browser):
    """Playwright's retrying assertions, imported only once the browser is there."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    return expect


@pytest.fixture
def browser_db(browser, transactional_db, live_server):
    """The live server and its database. Transactional: the server answers from
    another thread, so the test's data must be committed (and is flushed after).

    A `serialized_rollback` test that ran before leaves the tables empty without
    the content types and permissions that post_migrate makes, while the process
    still caches the old content types (the admin's log then breaks a foreign key).
    Emitting post_migrate again rebuilds both, as a plain flush would have."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    return live_server


# What Chromium writes to a page's console when a Content-Security-Policy or a
# Permissions-Policy refuses something (or cannot be read).
POLICY_REPORTS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


def policy_reports(messages):
    return [message for message in messages if any(word in message for word in POLICY_REPORTS)]


def console_line(message):
    where = message.page.url if message.page else message.location.get("url", "")
    return f"{message.type}: {message.text} ({where})"


@pytest.fixture
def console(new_context):
    """The console messages of every page and frame the test opened, as text."""
    return new_context.console


@pytest.fixture
def new_context(browser, browser_db):
    """Open browser contexts on the live server; all are closed after the test.

    Every page of every test runs under the site's real policies (README, "Security"):
    a Content-Security-Policy or Permissions-Policy report on any page's console fails
    the test. Drive pages accordingly: give wait_for_function a function ("() => …"),
    since Playwright evaluates a bare expression with eval in the page, which no policy
    of ours allows."""
    contexts = []
    messages = []

    def open_context(**options):
        context = browser.new_context(base_url=browser_db.url, locale="zh-CN", **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", lambda message: messages.append(console_line(message)))
        context.on("weberror", lambda error: messages.append(f"pageerror: {error.error}"))
        contexts.append(context)
        return context

    open_context.console = messages
    yield open_context
    for context in contexts:
        context.close()
    reports = policy_reports(messages)
    if reports:
        pytest.fail("refused by the page's policies:\n" + "\n".join(reports))


@pytest.fixture
def phone(new_context):
    """A phone-sized page: 360×740 CSS pixels, touch."""
    context = new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    return context.new_page()


@pytest.fixture
def desktop(new_context):
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture(scope="session")
def screenshot_dir():
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def screenshot(screenshot_dir):
    """screenshot(page, "reader-home") saves a full-page PNG as a test artifact."""

    def save(page, name):
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def demo_site(browser_db):
    """The demo content as `make run` loads it: columns, the restored March 8 report
    and the work figures. Returns the report."""
    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_stats", stdout=io.StringIO())
    return Article.objects.get(title=MARCH8_TITLE)


@pytest.fixture
def superuser(browser_db):
    return get_user_model().objects.create_superuser(
        ADMIN_USERNAME, email="", password=ADMIN_PASSWORD
    )
