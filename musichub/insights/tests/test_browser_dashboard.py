"""The inclusion dashboard in a real Chromium on the demo hub: staff open it, filter to pupils on free school
meals out of school with the (JavaScript-free) filter form, and see the reach against the city change. axe-core
and a 320 px screen on each page."""

import re

from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.insights.filters import InsightFilters, current_year
from musichub.insights.selectors import participants


def sign_in(page, username, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def check(page, label):
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})


def taking_part(page) -> str:
    return page.locator("#reach + p").inner_text()


def test_staff_filter_the_dashboard_to_pupils_on_free_school_meals_out_of_school(page, demo_hub):
    errors = watch_console(page)
    everyone = participants(InsightFilters(year=current_year())).count()
    chosen = participants(
        InsightFilters(year=current_year(), setting="out_of_school", characteristic="fsm")
    ).count()
    assert 0 < chosen < everyone  # the demo hub has both, so the change is visible

    sign_in(page, "staff")
    page.get_by_role("navigation", name="Your tools").get_by_role("link", name="Insights").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Inclusion insights"
    assert f"Young people taking part: {everyone:,}." in taking_part(page)
    assert page.locator("svg[role=img] title").count() > 3
    check(page, "the dashboard")

    form = page.get_by_role("form", name="Choose the figures")
    form.get_by_label("In or out of school").select_option(label="Out of school")
    form.get_by_label("Young people").select_option(label="Free school meals or Pupil Premium")
    form.get_by_role("button", name="Show figures").click()

    assert re.search(r"setting=out_of_school", page.url) and re.search(r"characteristic=fsm", page.url)
    assert f"Young people taking part: {chosen:,}." in taking_part(page)
    scope = page.locator(".insight-scope").inner_text()
    assert "Out of school" in scope and "Free school meals or Pupil Premium" in scope
    assert "no comparison with the city" in page.locator("#reach ~ p.notice").first.inner_text()
    check(page, "the dashboard, filtered")

    page.get_by_role("link", name=re.compile("^Schools with no hub activity")).first.click()
    assert "characteristic=fsm" in page.url  # the filters go along
    check(page, "schools with no hub activity")

    page.goto("/insights/learned/")
    assert page.locator(".insight-learnings--log > li").count() >= 5  # the demo's learnings
    check(page, "what we learned")
    page.get_by_role("link", name="Record a change").first.click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, "what we learned: the form with its errors")
    assert errors == []


def test_a_partner_member_sees_their_own_slice(page, demo_hub):
    sign_in(page, "partner")
    page.goto("/insights/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Inclusion insights: ")
    assert page.get_by_label("Partner").count() == 0
    assert "numbers from 1 to 4 show as “fewer than 5”" in page.locator(".notice").first.inner_text()
    check(page, "the partner's slice")
