"""Every public page in a real Chromium: WCAG 2.2 AA with axe-core, usable at 320 px, no CSP errors.

Also takes the home-page screenshot shown in the README (docs/screenshots/home.png).
"""

from pathlib import Path

from playwright.sync_api import expect

from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.pages.models import NewsPost
from musichub.partners.models import Partner

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def public_paths() -> list[str]:
    partner = Partner.objects.filter(is_published=True).exclude(level=Partner.Level.LEAD).first()
    news = NewsPost.objects.filter(status=NewsPost.Status.PUBLISHED).first()
    return [
        "/",
        "/about/",
        "/inclusion/",
        "/partners/",
        "/partners/?organisation_type=charity",
        f"/partners/{partner.slug}/",
        "/partners/become/",
        "/news/",
        f"/news/{news.slug}/",
        "/accounts/login/",
        "/accounts/password-reset/",
        "/no-such-page/",
    ]


def test_every_public_page_passes_axe_and_fits_a_phone(page, demo_hub):
    errors = watch_console(page)
    for path in public_paths():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert page.locator("main#main").count() == 1, path
        assert_accessible(page, path)
        assert_fits_width(page, 320)
        assert_accessible(page, f"{path} at 320px")
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_forms_with_errors_pass_axe(page, demo_hub):
    page.goto("/partners/become/")
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "become a partner, with errors")
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page, "sign in, with errors")


def test_the_home_page_screenshot_for_the_readme(page, demo_hub):
    page.goto("/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=False)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / "home-320.png"), full_page=True)
    expect(page.get_by_role("link", name="Become a partner").first).to_be_visible()


def test_the_site_works_without_javascript(browser, live_server, demo_hub):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    tab = context.new_page()
    tab.goto("/partners/")
    tab.get_by_label("Type of organisation").select_option("charity")
    tab.get_by_role("button", name="Show partners").click()
    assert "organisation_type=charity" in tab.url
    assert tab.locator("h1").inner_text()
    context.close()
