"""The whole partner journey in a real browser.

A visitor reads the inclusion strategy, applies to become a partner (first with a mistake, then correctly),
a staff member approves the application and publishes the new partner, and it appears in the directory.
"""

from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.models import OutgoingEmail
from musichub.core.tests.browser import assert_accessible
from musichub.partners.models import Partner, PartnerApplication, PartnerMembership


def test_an_organisation_becomes_a_partner_and_appears_in_the_directory(page, demo_hub, tmp_path):
    # A visitor reads the strategy, then follows the call to action.
    page.goto("/inclusion/")
    expect(page.get_by_role("heading", name="Breaking down the barriers", exact=False)).to_be_visible()
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Become a partner").first.click()
    page.wait_for_url("**/partners/become/")

    # First try: a mistake (no aim chosen, an email address that is not one).
    page.get_by_label("Organisation name").fill("Shirley Ukulele Orchestra")
    page.get_by_label("Charity").check()
    page.get_by_label("Contact person").fill("Morgan Reyes")
    page.get_by_label("Contact email").fill("morgan-at-example")
    page.get_by_label("How will you contribute to these aims?").fill("Free after-school ukulele clubs.")
    page.get_by_label("Which young people do you already reach?").fill("Sixty children in Shirley each week.")
    page.get_by_label("Safeguarding lead's name").fill("Dee Walsh")
    page.get_by_label("Safeguarding lead's email").fill("dee@ukulele.example.org")
    policy = tmp_path / "safeguarding.pdf"
    policy.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    page.get_by_label("Your safeguarding policy").set_input_files(str(policy))
    page.get_by_label("The hub may contact me").check()
    page.get_by_role("button", name="Send the application").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert "Choose at least one inclusion aim" in summary.inner_text()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert page.get_by_label("Organisation name").input_value() == "Shirley Ukulele Orchestra"  # answers kept
    assert_accessible(page, "application with mistakes")
    assert not PartnerApplication.objects.filter(organisation_name="Shirley Ukulele Orchestra").exists()

    # Second try: corrected.
    page.get_by_label("Contact email").fill("morgan@ukulele.example.org")
    page.get_by_role("group", name="Which of the hub's inclusion aims").get_by_role("checkbox").nth(2).check()
    page.get_by_label("Your safeguarding policy").set_input_files(str(policy))  # browsers never keep a file
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_url("**/partners/become/thanks/")
    application = PartnerApplication.objects.get(organisation_name="Shirley Ukulele Orchestra")
    assert application.status == PartnerApplication.Status.SUBMITTED
    assert OutgoingEmail.objects.filter(to="morgan@ukulele.example.org").exists()

    # A staff member signs in, finds it in the review queue and approves it.
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("staff")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Your tools").get_by_role("link", name="Partner applications").click()
    page.get_by_role("link", name="Shirley Ukulele Orchestra").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Application from Shirley Ukulele Orchestra"
    page.get_by_role("button", name="Approve the application").click()
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.APPROVED
    partner = application.partner
    assert PartnerMembership.objects.filter(
        partner=partner, user__email="morgan@ukulele.example.org"
    ).exists()
    assert not partner.is_published

    # Not in the directory until staff publish it.
    page.goto("/partners/?organisation_type=charity")
    assert page.get_by_role("link", name="Shirley Ukulele Orchestra").count() == 0
    page.goto(f"/manage/partners/{partner.slug}/edit/")
    page.get_by_label("Shown in the directory").check()
    page.get_by_role("button", name="Save").click()

    # A visitor now finds the new partner in the directory and on its own page.
    page.context.clear_cookies()
    page.goto("/partners/?organisation_type=charity")
    page.get_by_role("link", name="Shirley Ukulele Orchestra").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Shirley Ukulele Orchestra"
    assert Partner.objects.get(pk=partner.pk).is_published

    # The applicant heard at each step: the acknowledgement, the decision, and the invitation to an account.
    emails = OutgoingEmail.objects.filter(to="morgan@ukulele.example.org").order_by("created_at")
    assert emails.count() == 3
    assert any("/accounts/reset/" in email.body for email in emails)
