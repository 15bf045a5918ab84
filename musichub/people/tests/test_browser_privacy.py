"""The privacy pages in a real Chromium: WCAG 2.2 AA with axe-core, usable at 320 px, no CSP errors."""

from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.models import AuditEntry
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.people.models import YoungPerson

from .test_privacy import add_barrier_and_support, give_consents, make_young_person


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def check(page, label):
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    assert_accessible(page, f"{label} at 320px")


def test_an_admin_exports_and_then_erases_a_record_on_accessible_pages(page, demo_hub):
    from musichub.core.models import User

    admin = User.objects.get(username="admin")
    young_person = make_young_person()
    give_consents(young_person, admin)
    add_barrier_and_support(young_person, decided_by=admin)
    errors = watch_console(page)
    sign_in(page, "admin")

    page.goto(f"/manage/young-people/{young_person.pk}/subject-access/")
    page.get_by_role("button", name="Continue").click()  # no reason: the error summary
    expect(page.get_by_role("alert")).to_be_visible()
    check(page, "subject access, with a problem")
    page.get_by_label("Why are you exporting this record?").fill("request from parent by email, 3 March")
    page.get_by_role("button", name="Continue").click()
    check(page, "subject access, ready")
    page.get_by_role("link", name="Open the readable report").click()
    assert "Lessons cost too much for us" in page.content()
    check(page, "subject access report")
    with page.expect_download() as download:
        page.goto(f"/manage/young-people/{young_person.pk}/subject-access/")
        page.get_by_role("link", name="Download the file (JSON)").click()
    assert download.value.suggested_filename.startswith(f"subject-access-{young_person.pk}-")

    page.goto(f"/manage/young-people/{young_person.pk}/erase/")
    check(page, "erasure page")
    page.get_by_label("Why are you erasing this record?").fill("request from the young person, 3 March")
    page.get_by_role("button", name="Erase this record").click()
    page.wait_for_load_state()
    check(page, "young_person.erased")
    assert YoungPerson.objects.get(pk=young_person.pk).first_name == "Erased"
    assert list(
        AuditEntry.objects.filter(action="young_person.exported").values_list("detail", flat=True)
    ) == [
        "json: request from parent by email, 3 March",
        "report: request from parent by email, 3 March",
    ]
    assert [e for e in errors if "favicon" not in e and "status of 404" not in e] == []
