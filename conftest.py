"""Fixtures shared by every app's tests: people in each role, the hub, and a real browser."""

import os
import shutil

import pytest
from django.core.cache import cache

from musichub.core.models import User
from musichub.core.roles import Role


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache (rate limits) and writes uploads to its own folder."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """Build a person with a role: make_user(Role.HUB_STAFF, username="sam")."""
    from musichub.core.services import set_role

    counter = {"n": 0}

    def make(role=Role.GUARDIAN, **fields):
        counter["n"] += 1
        username = fields.pop("username", f"{role}-{counter['n']}")
        user = User.objects.create_user(
            username=username,
            email=fields.pop("email", f"{username}@example.org"),
            password=fields.pop("password", "a-long-test-password"),
            first_name=fields.pop("first_name", "Test"),
            **fields,
        )
        return set_role(user=user, role=role)

    return make


@pytest.fixture
def hub_admin(make_user):
    return make_user(Role.HUB_ADMIN, username="admin-user")


@pytest.fixture
def staff(make_user):
    return make_user(Role.HUB_STAFF, username="staff-user")


@pytest.fixture
def hub(db):
    """The demo hub's identity and its five inclusion aims."""
    from musichub.core.demo import load_demo_hub

    return load_demo_hub()


# ---- The browser -------------------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Never skipped: a missing browser is a failure that says why."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import Error, sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium was not found at {CHROMIUM}. Install Debian's chromium "
            "(`sudo apt-get install chromium`, or run `make test`, which installs it as root), "
            "or set CHROMIUM_PATH.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.fail(f"Chromium at {CHROMIUM} could not start: {exc}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab at 1280 px wide, with `page.base_url` pointing at the live test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


# ---- Browser tests are never skipped ------------------------------------------------------------------------

_skipped_browser_tests: list[str] = []


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name.startswith("test_browser_"):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped_browser_tests:
        session.config.get_terminal_writer().line(
            "Browser tests must not be skipped: " + ", ".join(_skipped_browser_tests), red=True
        )
        session.exitstatus = 1


@pytest.fixture
def demo_hub(transactional_db, settings):
    """The whole demo hub, for browser tests: seeded as on a development site, then served as in production."""
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True  # seed_demo creates its well-known logins only on a development site
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    settings.DEBUG = False  # real 404 and 403 pages, as visitors see them
