"""The instrument library in a real Chromium: staff find a free 3/4 violin and lend it to a child, the child's
guardian reads and accepts the loan agreement, staff record the return. axe-core and a 320 px viewport on the
library list, the instrument page and the guardian's page."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.instruments.models import Condition, LibraryInstrument, Loan, Location
from musichub.people.models import YoungPerson


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


def test_staff_lend_a_free_violin_the_guardian_accepts_and_staff_record_the_return(page, demo_hub):
    console = watch_console(page)
    sign_in(page, "staff")
    page.get_by_role("navigation", name="Your tools").get_by_role("link", name="Instruments").click()
    page.get_by_label(re.compile(r"^Instrument\b")).select_option(label="Violin")
    page.get_by_label("Size").select_option(label="3/4")
    page.get_by_label("Only those free to lend now").check()
    page.get_by_role("button", name="Find").click()
    check(page, "library list, filtered")
    first = page.locator("tbody tr").first
    asset_number = first.locator("th").inner_text().strip()
    violin = LibraryInstrument.objects.get(asset_number=asset_number)
    assert (violin.instrument_type.name, violin.size, violin.location) == ("Violin", "3-4", Location.STORE)
    first.get_by_role("link", name=re.compile("^Lend")).click()

    kwame = YoungPerson.objects.get(family__guardians__username="parent", first_name="Kwame")
    page.get_by_label("Young person’s name").fill("Kwame Mensah")
    page.get_by_role("button", name="Find").click()
    page.locator(f'a[href="?young_person={kwame.pk}"]').click()
    assert_accessible(page, "lend form")
    page.get_by_role("button", name="Lend it").click()
    expect(page.get_by_text(f"{asset_number} is lent to Kwame Mensah")).to_be_visible()
    loan = Loan.objects.get(instrument=violin, returned_on__isnull=True)
    assert loan.young_person == kwame and loan.agreement_accepted_at is None

    page.get_by_role("link", name=f"Back to {asset_number}").click()
    expect(page.get_by_text("On loan to Kwame Mensah")).to_be_visible()
    check(page, "instrument page")

    sign_in(page, "parent")
    page.get_by_role("navigation", name="Your tools").get_by_role("link", name="Loans").click()
    expect(page.get_by_text("Agreement waiting for you")).to_be_visible()
    page.get_by_role("link", name=re.compile(asset_number)).click()
    check(page, "guardian's loan page")
    page.get_by_label("I have read the loan agreement and I accept it").check()
    page.get_by_role("button", name="Accept the loan agreement").click()
    expect(page.get_by_text("Thank you: the loan agreement is accepted.")).to_be_visible()
    expect(page.get_by_text("Accepted by Grace Mensah")).to_be_visible()
    loan.refresh_from_db()
    assert loan.agreement_accepted_by.username == "parent" and loan.agreement_version
    check(page, "guardian's loan page, accepted")

    sign_in(page, "staff")
    page.goto(f"/manage/instruments/{violin.pk}/")
    page.get_by_role("link", name="Record its return").click()
    page.get_by_label("Condition it came back in").select_option(label="Good")
    page.get_by_label("Notes").fill("Bow rehaired needed soon")
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text(f"{asset_number} is back in the store.")).to_be_visible()
    expect(page.get_by_text("In the store and free to lend.")).to_be_visible()
    loan.refresh_from_db()
    violin.refresh_from_db()
    assert (loan.returned_on, loan.condition_in) == (timezone.localdate(), Condition.GOOD)
    assert violin.location == Location.STORE
    check(page, "instrument page, returned")

    # The other staff pages pass the same checks, with the demo's loans, repairs and awards in them.
    page.goto("/manage/instruments/")
    for link, heading in [("Overdue", "Overdue loans"), ("Support to fulfil", "Instrument support to fulfil"),
                          ("Loans", "Loans"), ("Add an instrument", "Add an instrument")]:  # fmt: skip
        page.get_by_role("navigation", name="The instrument library").get_by_role("link", name=link).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        check(page, heading)
    overdue = Loan.objects.filter(
        returned_on__isnull=True, due_on__lt=timezone.localdate(), young_person__isnull=False
    )
    page.goto(f"/manage/instruments/loans/{overdue.first().pk}/")
    expect(page.get_by_text("days overdue").first).to_be_visible()
    check(page, "a loan's page")
    assert console == []
    page.goto(f"/manage/instruments/{violin.pk}/repair/")
    page.get_by_role("button", name="Send for repair").click()  # answered 400, with the problems listed
    expect(page.get_by_role("link", name="Enter who is repairing it")).to_be_visible()
    check(page, "repair form with errors")
