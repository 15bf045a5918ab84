"""A partner member adds a weekly opportunity in a real browser, checks its sessions and publishes it."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.tests.browser import assert_accessible, assert_fits_width
from musichub.offer.demo import load_demo_offer
from musichub.offer.models import Holiday, Opportunity, Term


def _check_page(page, label):
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})


def _wednesdays_in_term(term: Term, half_term: Holiday) -> list[date]:
    """Counted here by hand, day by day: the Wednesdays of the term outside its half term."""
    days = (term.starts_on + timedelta(days=n) for n in range((term.ends_on - term.starts_on).days + 1))
    return [day for day in days if day.weekday() == 2 and not half_term.starts_on <= day <= half_term.ends_on]


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_partner_member_creates_generates_and_publishes_a_weekly_opportunity(page, demo_hub):
    load_demo_offer()
    # The demo's spring term (its dates follow the school year the test runs in) and its half term.
    spring = Term.objects.get(name__startswith="Spring term")
    half_term = Holiday.objects.get(name__startswith="February half term")
    wednesdays = _wednesdays_in_term(spring, half_term)
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("partner")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/manage/offer/")
    expect(page.get_by_role("heading", level=1, name="Opportunities")).to_be_visible()
    _check_page(page, "the member's list")
    page.get_by_role("link", name="Add an opportunity").click()
    page.wait_for_url("**/manage/offer/new/")
    _check_page(page, "the empty form")

    # First try: the ages the wrong way round.
    page.get_by_label("Title", exact=True).fill("Wednesday steel pan starters")
    page.get_by_label("Summary", exact=True).fill(
        "Learn to play steel pans from scratch, in a friendly band."
    )
    page.get_by_label("Kind of activity").select_option(label="Band")
    page.get_by_role("group", name="Genres").get_by_label("Steel pan").check()
    page.get_by_role("group", name="Instruments").get_by_label("Steel pans").check()
    page.get_by_label("Youngest age").fill("14")
    page.get_by_label("Oldest age").fill("9")
    page.get_by_label("Out of school", exact=True).check()
    page.get_by_label("Venue").select_option(label="Northam Community Centre")
    page.get_by_label("Weekly in term time").check()
    page.get_by_label("First date").fill(spring.starts_on.isoformat())
    page.get_by_label("Last date").fill(spring.ends_on.isoformat())
    page.get_by_label("Day of the week").select_option(label="Wednesday")
    page.get_by_label("Starts at").fill("17:00")
    page.get_by_label("Ends at").fill("18:30")
    page.get_by_label("Cost of a session").fill("0")
    page.get_by_label("Instrument provided").check()
    page.get_by_label("Ask for a place").check()
    page.get_by_label("Safeguarding contact", exact=True).fill("Priya Shah")
    page.get_by_label("Safeguarding contact's email").fill("safeguarding@lantern.example.org")
    page.get_by_role("button", name="Save as a draft").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert "The oldest age must be the same as or higher than the youngest age" in summary.inner_text()
    assert page.get_by_label("Title", exact=True).input_value() == "Wednesday steel pan starters"  # kept
    assert not Opportunity.objects.filter(title="Wednesday steel pan starters").exists()
    _check_page(page, "the form with a mistake")

    # Second try: corrected, following the summary's link to the field.
    summary.get_by_role("link", name="The oldest age", exact=False).click()
    page.get_by_label("Youngest age").fill("9")
    page.get_by_label("Oldest age").fill("14")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url(re.compile(r"/manage/offer/\d+/sessions/"))
    opportunity = Opportunity.objects.get(title="Wednesday steel pan starters")
    assert opportunity.partner.slug == "lantern-steel-pan-collective"
    assert opportunity.status == Opportunity.Status.DRAFT
    # The spring term's Wednesdays, less the one in the February half term.
    assert list(opportunity.sessions.values_list("date", flat=True)) == wednesdays
    expect(
        page.get_by_text(
            f"{len(wednesdays)} sessions, from {_long_date(wednesdays[0])} to {_long_date(wednesdays[-1])}."
        )
    ).to_be_visible()
    _check_page(page, "the sessions page")

    page.get_by_role("button", name="Generate the sessions again").click()
    expect(
        page.get_by_text(f"The sessions are generated again: there are {len(wednesdays)}.")
    ).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Wednesday steel pan starters is published.")).to_be_visible()
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED
    _check_page(page, "the published opportunity")

    page.goto("/manage/offer/")
    row = page.get_by_role("row").filter(has_text="Wednesday steel pan starters")
    assert "Published" in row.inner_text()
