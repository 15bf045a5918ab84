"""The partners pages in a real Chromium: WCAG 2.2 AA with axe-core, usable at 320 px, no CSP errors."""

from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.partners.models import Partner, PartnerApplication


def real_errors(errors):
    """Console errors other than the missing favicon (the site has none yet): CSP refusals, script errors."""
    return [error for error in errors if "favicon" not in error and "status of 404" not in error]


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def check(page, path, label=""):
    page.set_viewport_size({"width": 1280, "height": 900})
    if path:
        page.goto(path)
    label = label or path
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    assert_accessible(page, f"{label} at 320px")


def test_the_public_partner_pages_pass_axe_and_fit_a_phone(page, demo_hub):
    errors = watch_console(page)
    partner = Partner.objects.filter(is_published=True, level=Partner.Level.LOCAL).first()
    paths = [
        "/partners/",
        "/partners/?setting=online&page=2",
        "/partners/?genre=zither-and-kazoo",
        f"/partners/{partner.slug}/",
        "/partners/become/",
        "/partners/become/thanks/",
    ]
    for path in paths:
        check(page, path)
    assert real_errors(errors) == []


def test_the_application_form_with_problems_passes_axe_and_a_complete_one_is_sent(page, demo_hub, tmp_path):
    page.goto("/partners/become/")
    page.get_by_label("Organisation name").fill("Driftwood Kazoo Band")
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.get_by_label("Organisation name").input_value() == "Driftwood Kazoo Band"
    check(page, "", "become a partner, with errors")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Community group").check()
    page.get_by_label("Contact person").fill("Robin Fairweather")
    page.get_by_label("Contact email").fill("robin@driftwood.example.org")
    page.get_by_role("group", name="Which of the hub's inclusion aims").get_by_role("checkbox").first.check()
    page.get_by_label("How will you contribute to these aims?").fill("Free sessions.")
    page.get_by_label("Which young people do you already reach?").fill("About forty a week.")
    page.get_by_label("Safeguarding lead's name").fill("Sam Safe")
    page.get_by_label("Safeguarding lead's email").fill("safe@driftwood.example.org")
    policy = tmp_path / "policy.pdf"
    policy.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Your safeguarding policy").set_input_files(str(policy))
    page.get_by_label("The hub may contact me").check()
    page.get_by_role("button", name="Send the application").click()
    assert page.locator("h1").inner_text() == "Thank you: your application is sent"
    assert PartnerApplication.objects.filter(organisation_name="Driftwood Kazoo Band").exists()


def test_the_staff_partner_pages_pass_axe_and_fit_a_phone(page, demo_hub):
    errors = watch_console(page)
    sign_in(page, "staff")
    application = PartnerApplication.objects.filter(status="submitted").first()
    declined = PartnerApplication.objects.filter(status="declined").first()
    partner = Partner.objects.exclude(level=Partner.Level.LEAD).first()
    paths = [
        "/manage/partners/applications/",
        "/manage/partners/applications/?status=approved",
        f"/manage/partners/applications/{application.pk}/",
        f"/manage/partners/applications/{declined.pk}/",
        "/manage/partners/",
        "/manage/partners/?q=zzz",
        "/manage/partners/new/",
        f"/manage/partners/{partner.slug}/edit/",
    ]
    for path in paths:
        check(page, path)
    page.goto(f"/manage/partners/applications/{application.pk}/")
    page.get_by_role("button", name="Decline the application").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "", "application, decline without a reason")
    page.goto("/manage/partners/new/")
    page.get_by_role("button", name="Save").click()
    check(page, "", "new partner, with errors")
    assert real_errors(errors) == []


def test_the_partner_member_pages_pass_axe_and_fit_a_phone(page, demo_hub):
    errors = watch_console(page)
    sign_in(page, "partner")
    check(page, "/partner/")
    check(page, "/partner/edit/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Summary").fill("")
    page.get_by_role("button", name="Save").click()
    check(page, "", "own entry, with errors")
    assert real_errors(errors) == []
