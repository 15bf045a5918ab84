"""The safeguarding lead's queue in a real Chromium: read a concern, refuse a close without an outcome, close it.
axe-core (WCAG 2.2 AA) and a 320 px viewport on every page."""

from playwright.sync_api import expect

from musichub.core.roles import Role
from musichub.core.tests.browser import assert_accessible, assert_fits_width
from musichub.people.models import SafeguardingConcern
from musichub.people.safeguarding import raise_concern
from musichub.people.tests.factories import YoungPersonFactory

PASSWORD = "a-long-test-password"  # noqa: S105 -- make_user's test password


def check(page, label):
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_lead_reads_and_closes_a_concern(page, transactional_db, make_user):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    leader = make_user(Role.MUSIC_LEADER, first_name="Marcus")
    concern = raise_concern(
        raised_by=leader,
        details="Came in upset and said they are scared to go home.",
        source="register",
        source_ref="session:7",
        young_person=YoungPersonFactory(first_name="Zara", last_name="Lowe"),
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Safeguarding", exact=True).first.click()
    check(page, "queue")
    page.get_by_role("link", name=f"Concern {concern.pk}").click()
    expect(page.get_by_text("scared to go home")).to_be_visible()
    check(page, "concern")
    page.get_by_role("button", name="Close the concern").click()
    expect(page.get_by_text("Say why it is closed and what the outcome was.").first).to_be_visible()
    check(page, "concern: error")
    page.get_by_label("Why it is closed, and the outcome").fill("Early help in place with the family.")
    page.get_by_role("button", name="Close the concern").click()
    expect(page.get_by_text("Done: close the concern.")).to_be_visible()
    concern.refresh_from_db()
    assert concern.status == SafeguardingConcern.Status.CLOSED
