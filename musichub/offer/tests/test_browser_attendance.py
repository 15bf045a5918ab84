"""Attendance pages in a real Chromium: staff read the grid and a register and enter a paper register; a parent
reads their child's attendance. axe-core (WCAG 2.2 AA) and a 320 px viewport on every page."""

import pytest
from playwright.sync_api import expect

from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.offer.models import Attendance

from .attendance_helpers import build_band

PASSWORD = "a-long-test-password"  # noqa: S105 -- make_user's test password


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check(page, label):
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def band(transactional_db, make_user):
    return build_band(make_user)


def test_staff_read_the_attendance_and_enter_a_paper_register(page, band, staff):
    errors = watch_console(page)
    sign_in(page, staff)
    page.get_by_role("link", name="Attendance", exact=True).first.click()
    check(page, "attendance list")
    page.get_by_role("link", name="Harbour Samba Band").click()
    expect(page.get_by_role("cell", name="67%")).to_be_visible()
    check(page, "attendance grid")

    week3 = band.sessions["w3"]
    page.get_by_role("link", name=week3.date.strftime("%a %-d %b")).click()
    expect(page.get_by_text("Present: 1. Late: 1. Absent: 1.")).to_be_visible()
    check(page, "session register")

    page.goto(f"/manage/opportunities/{band.opportunity.slug}/attendance/")
    page.get_by_role("link", name="Enter a paper register").click()
    check(page, "paper register: choose sessions")
    week1 = band.sessions["w1"]
    page.get_by_label(week1.date.strftime("%a %-d %B %Y"), exact=False).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save the marks").click()  # nothing marked yet
    expect(page.get_by_text("Mark at least one young person").first).to_be_visible()
    check(page, "paper register: error")
    page.get_by_label(f"Amara Osei on {week1.date.strftime('%a %-d %b')}").select_option("late")
    page.get_by_role("button", name="Save the marks").click()
    expect(page.get_by_text("1 mark is entered from the paper register.")).to_be_visible()
    assert Attendance.objects.get(session=week1, young_person=band.people["amara"]).mark == "late"
    # The page with the error is answered with a 400 on purpose; nothing else (no CSP refusal, no script error).
    assert [e for e in errors if "status of 400" not in e] == []


def test_a_parent_reads_their_childs_attendance(page, band):
    sign_in(page, band.guardian)
    page.get_by_role("link", name="Attendance", exact=True).first.click()
    check(page, "family attendance")
    page.get_by_role("link", name="Amara").first.click()
    expect(page.get_by_text("Came to 3 of 4 sessions (75%).")).to_be_visible()
    check(page, "child attendance")
