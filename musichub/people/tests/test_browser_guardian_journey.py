"""The guardian's journey in a real browser, and who else may see the child.

A parent registers their 10-year-old with consent, then withdraws consent to photos; a partner member cannot
open the child's record; the audit log shows each view of it.
"""

import re
from datetime import date

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.models import AuditEntry
from musichub.core.tests.browser import assert_accessible, assert_fits_width
from musichub.people.choices import ConsentPurpose
from musichub.people.models import School, YoungPerson
from musichub.people.selectors import has_consent


def sign_in(page, username, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def continue_(page, label):
    assert_accessible(page, label)
    page.get_by_role("button", name="Continue").click()


def test_a_guardian_registers_a_child_and_withdraws_media_consent_and_nobody_else_sees_the_child(
    page, demo_hub
):
    today = date.today()
    school = School.objects.filter(is_open=True, phase__icontains="primary").order_by("name").first()

    # The parent registers, with their own account first.
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Register your child").click()
    page.get_by_label("Your first name").fill("Amara")
    page.get_by_label("Your last name").fill("Okoye")
    page.get_by_label("Your email address").fill("amara.okoye@example.org")
    page.get_by_label("Choose a password").fill("a tune to remember 42")
    page.get_by_label("Type the password again").fill("a tune to remember 42")
    continue_(page, "register: your account")

    # About the child: first a date of birth that makes them 2, which is refused with a clear message.
    page.get_by_label("First name", exact=True).fill("Tobi")
    page.get_by_label("Last name", exact=True).fill("Okoye")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year", exact=True).fill(str(today.year - 2))
    page.get_by_label("At school").check()
    page.get_by_role("combobox", name=re.compile("^School")).select_option(label=school.name)
    page.get_by_label("Year group").select_option(label="Year 5")
    page.get_by_label("Home postcode").fill("so14 7ly")
    page.get_by_role("button", name="Continue").click()
    assert "2 years old" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("First name", exact=True).input_value() == "Tobi"  # answers kept
    assert_accessible(page, "register: the child, with a mistake")
    page.get_by_label("Year", exact=True).fill(
        str(today.year - 10 - (1 if (today.month, today.day) < (3, 14) else 0))
    )
    continue_(page, "register: the child")
    continue_(page, "register: their music")
    continue_(page, "register: about them")
    continue_(page, "register: barriers")
    page.get_by_label("Yes, I agree: Keeping and using your details").check()
    page.get_by_label("Yes, I agree: Photos, audio and video").check()
    continue_(page, "register: consent")
    assert_accessible(page, "register: check your answers")
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Accept and register").click()
    page.wait_for_url(re.compile(r"^[^?]*/family/children/\d+/$"))  # the new child's page, signed in

    child = YoungPerson.objects.get(first_name="Tobi", last_name="Okoye")
    assert child.school == school
    assert child.postcode == "SO14 7LY"
    assert has_consent(child, ConsentPurpose.MEDIA)

    # The parent opens the child's page and withdraws consent to photos: it takes effect at once.
    page.goto("/family/")
    page.get_by_role("link", name="Tobi Okoye").click()
    assert_accessible(page, "the child's page")
    page.get_by_role("button", name="Withdraw Photos, audio and video").click()
    assert not has_consent(child, ConsentPurpose.MEDIA)
    assert has_consent(child, ConsentPurpose.DATA_PROCESSING)

    # A partner member cannot open the child's record: as far as they can tell, it does not exist.
    sign_in(page, "partner")
    response = page.goto(f"/manage/young-people/{child.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.goto(f"/family/children/{child.pk}/").status == 403

    # The audit log shows each view of the record, and no refused attempt counts as one.
    views = AuditEntry.objects.filter(
        object_type="people.youngperson", object_id=str(child.pk), action="young_person.viewed"
    )
    assert views.count() >= 1
    assert not views.filter(actor__username="partner").exists()
    sign_in(page, "admin")
    page.goto(f"/manage/audit/?object_type=people.youngperson&object_id={child.pk}")
    assert_accessible(page, "audit log")
    rows = page.locator("tbody tr")
    assert (
        rows.count()
        == AuditEntry.objects.filter(object_type="people.youngperson", object_id=str(child.pk)).count()
    )
    assert "young_person.viewed" in page.locator("tbody").inner_text()
    assert "amara.okoye" in page.locator("tbody").inner_text()  # the guardian, by username
