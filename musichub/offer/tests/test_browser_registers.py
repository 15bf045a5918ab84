"""Taking a register on a phone (375 px) in a real Chromium: the leader opens it online, the signal goes, they
finish marking and send, the signal comes back, and the register arrives exactly once; a member of the partner
then sees the marks. axe-core on my sessions and the register; both fit 320 px."""

import re

import pytest
from playwright.sync_api import expect

from musichub.core.roles import Role
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.offer.models import Attendance, Register, RegisterSubmission
from musichub.people.models import YoungPerson
from musichub.people.tests.factories import YoungPersonFactory

from .register_helpers import enrol, group, leader_of, member_of, session_on

PASSWORD = "a-long-test-password"  # noqa: S105 -- make_user's test password
PHONE = {"width": 375, "height": 800}
CACHE = "musichub-registers-v1"


@pytest.fixture
def delivery(transactional_db, make_user, hub):
    session = session_on(title="Thursday samba band")
    people = group(session.opportunity, 3)
    for person, name in zip(people, ["Amara", "Ben", "Cleo"], strict=True):
        YoungPerson.objects.filter(pk=person.pk).update(first_name=name)
    dee = enrol(session.opportunity, first_name="Dee")  # no consents recorded: shown on the register
    YoungPersonFactory(
        first_name="Zed", last_name="Howard", year_group="9"
    )  # known to the hub, not in the group
    leader = leader_of(make_user, session.opportunity, username="marcus")
    member = member_of(make_user, session.opportunity.partner, username="priya")
    make_user(Role.HUB_STAFF, username="sam")
    return (
        session,
        leader,
        member,
        {p.first_name: p for p in YoungPerson.objects.filter(pk__in=[p.pk for p in [*people, dee]])},
    )


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check(page, label):
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size(PHONE)


def eventually(page, script, attempts=100):
    """Wait until `script` (evaluated outside the page's CSP) is truthy; the page's own CSP forbids eval."""
    for _attempt in range(attempts):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def row(page, first_name):
    return page.get_by_role("group", name=re.compile(rf"^{first_name} "))


def test_a_register_filled_in_offline_arrives_once_and_the_partner_sees_it(page, delivery):
    session, leader, member, people = delivery
    errors = watch_console(page)
    page.set_viewport_size(PHONE)
    sign_in(page, "marcus")

    page.goto("/delivery/")
    expect(page.get_by_role("heading", level=2, name=re.compile("^Today"))).to_be_visible()
    assert "Not taken" in page.locator(".session-card").inner_text()
    check(page, "my sessions")
    page.get_by_role("link", name=re.compile("Take the register")).click()
    page.wait_for_url(f"**/delivery/sessions/{session.pk}/register/")
    expect(page.get_by_role("heading", level=1, name="Thursday samba band")).to_be_visible()
    assert "No photo consent" in row(page, "Dee").inner_text()
    check(page, "the register")

    # The service worker keeps this page for offline use.
    eventually(page, f"caches.open('{CACHE}').then(c => c.match(location.href)).then(kept => Boolean(kept))")

    # One mark while online, then the signal goes.
    row(page, "Amara").get_by_label("Present", exact=True).check()
    page.context.set_offline(True)
    row(page, "Ben").get_by_label("Late", exact=True).check()
    row(page, "Cleo").get_by_label("Absent with reason", exact=True).check()
    row(page, "Cleo").get_by_label(re.compile("^Reason")).fill("Dentist")

    # Reopened with no signal: the page comes from the phone, with the taps made so far.
    page.reload()
    assert row(page, "Cleo").get_by_label("Absent with reason", exact=True).is_checked()
    assert row(page, "Cleo").get_by_label(re.compile("^Reason")).input_value() == "Dentist"
    assert row(page, "Amara").get_by_label("Present", exact=True).is_checked()
    row(page, "Dee").get_by_label("Absent", exact=True).check()
    page.get_by_role("button", name="Send the register").click()

    status = page.locator("#register-status")
    assert status.inner_text() == "Saved on this phone, will send when you're back online."
    assert not Attendance.objects.exists() and not RegisterSubmission.objects.exists()

    # The signal returns: the register is sent by itself, once.
    page.context.set_offline(False)
    expect(status).to_have_text(re.compile(r"^Sent\."), timeout=20_000)
    assert "4 marks saved" in status.inner_text()
    marks = dict(Attendance.objects.values_list("young_person__first_name", "mark"))
    assert marks == {"Amara": "present", "Ben": "late", "Cleo": "excused", "Dee": "absent"}
    assert Attendance.objects.get(young_person=people["Cleo"]).reason == "Dentist"
    assert RegisterSubmission.objects.count() == 1
    assert Register.objects.get(session=session).taken_by == leader
    # The mark made online keeps the time it was tapped, before the ones made offline.
    times = dict(Attendance.objects.values_list("young_person__first_name", "marked_at"))
    assert times["Amara"] < times["Ben"] < times["Dee"]
    assert page.evaluate("localStorage.getItem('musichub.registers.pending')") == "[]"

    # Loading the page again sends nothing more.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert RegisterSubmission.objects.count() == 1 and Attendance.objects.count() == 4
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

    # A member of the partner that runs the session sees the marks.
    sign_in(page, "priya")
    page.goto(f"/delivery/sessions/{session.pk}/register/")
    assert row(page, "Ben").get_by_label("Late", exact=True).is_checked()
    assert row(page, "Cleo").get_by_label("Absent with reason", exact=True).is_checked()
    assert "Sent: 4 young people marked." in page.locator(".register-taken").inner_text()
    check(page, "the register, as the partner sees it")

    # They add a walk-in the hub already knows, found by name.
    page.get_by_role("link", name="Add a walk-in").click()
    page.get_by_label("First name").first.fill("ze")
    page.get_by_label("Last name").first.fill("how")
    page.get_by_role("button", name="Find").click()
    assert page.locator(".walk-in-match").inner_text().startswith("Zed H. Year 9")
    check(page, "walk-ins, with a match")
    page.get_by_role("button", name=re.compile("Add and mark present.*Zed H")).click()
    page.wait_for_url(f"**/delivery/sessions/{session.pk}/register/")
    assert "Walk-in" in row(page, "Zed").inner_text()
    assert row(page, "Zed").get_by_label("Present", exact=True).is_checked()
    assert Attendance.objects.get(young_person__first_name="Zed").walk_in

    # Staff see every session this week, with the partner and a filter.
    sign_in(page, "sam")
    page.goto("/delivery/")
    assert "5 marks, 3 came" in page.locator(".session-card").inner_text()  # with the walk-in
    page.get_by_label("Partner").select_option(label=session.opportunity.partner.name)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=3, name="Thursday samba band")).to_be_visible()
    check(page, "my sessions, as staff see them")
