"""Staff writing page texts and news in a real Chromium: WCAG 2.2 AA, usable at 320 px, no CSP errors."""

import pytest
from playwright.sync_api import expect

from musichub.core.roles import Role
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console

from .factories import NewsPostFactory


@pytest.fixture
def signed_in_staff(page, transactional_db, hub, make_user):
    make_user(Role.HUB_STAFF, username="sam", password="a-long-test-password")
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("sam")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    return page


def test_staff_write_a_page_text_and_a_news_post_on_accessible_pages(signed_in_staff):
    page = signed_in_staff
    errors = watch_console(page)
    NewsPostFactory(title="Summer concert")
    draft = NewsPostFactory(title="Autumn showcase", draft=True)

    page.goto("/manage/content/")
    assert_accessible(page, "content page")
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})

    # A page text, first with a mistake.
    page.get_by_role("link", name="Add text – Home page introduction").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "page text, with errors")
    page.get_by_label("Title").fill("Music for every young person")
    page.get_by_label("Text").fill("Come and **play**.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Home page introduction” is saved.")).to_be_visible()

    # A news post, first with mistakes, then published.
    page.get_by_role("link", name="Write a news post").click()
    page.get_by_role("button", name="Save").click()
    assert page.locator(".error-summary li").count() == 3
    assert_accessible(page, "news post, with errors")
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Title").fill("Grime workshops start")
    page.get_by_label("Summary").fill("Free weekly sessions.")
    page.get_by_label("Text", exact=True).fill("Bring a friend.")
    page.get_by_label("Published: everyone can read it now").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Grime workshops start” is published.")).to_be_visible()

    # Taking a post down is a plain form post.
    page.get_by_role("button", name="Take down – Summer concert").click()
    expect(page.get_by_text("“Summer concert” is taken down.")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", name="Music for every young person")).to_be_visible()
    page.goto("/news/")
    expect(page.get_by_role("link", name="Grime workshops start")).to_be_visible()
    assert page.get_by_role("link", name="Summer concert").count() == 0

    page.goto(f"/news/{draft.slug}/")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    assert_accessible(page, "draft preview")
    assert [e for e in errors if "Content Security Policy" in e] == []
