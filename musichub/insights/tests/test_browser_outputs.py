"""The outputs in a real Chromium, on the demo hub: staff download the annual return and the PDF report (which
carries the aims' headings), a partner member sends figures, and the public /impact/ page passes axe-core
(WCAG 2.2 AA), fits 320 px and shows no count under 5."""

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.models import InclusionAim, User
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.insights.models import PartnerContribution

from .outputs_helpers import pdf_titles


def sign_in(page, username, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def tools(page):
    return page.get_by_role("navigation", name="Your tools")


def check(page, label):
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    assert_accessible(page, f"{label} at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_download_the_annual_return_and_the_pdf_report(page, demo_hub):
    errors = watch_console(page)
    sign_in(page, "staff")
    tools(page).get_by_role("link", name="Annual return").click()
    check(page, "annual return")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the return (Excel)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert {"Schools", "Whole-class teaching", "Singing", "Characteristics", "Workforce"} <= set(
        book.sheetnames
    )
    assert download.value.suggested_filename.startswith("annual-return-")

    tools(page).get_by_role("link", name="Impact report").click()
    check(page, "impact report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    titles = pdf_titles(pdf)
    for aim in InclusionAim.objects.all():
        assert any(aim.title in title for title in titles), aim.title
    assert errors == []


def test_a_partner_member_sends_yearly_figures(page, demo_hub):
    errors = watch_console(page)
    sign_in(page, "partner")
    tools(page).get_by_role("link", name="Yearly figures").click()
    check(page, "yearly figures")
    page.get_by_role("link", name="Send figures").first.click()
    page.get_by_label("Singing").check()
    page.get_by_label("What the work was").fill("Lunchtime singing club at the library")
    page.get_by_label("Young people reached").fill("-5")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("alert").or_(page.locator(".error-summary")).first).to_be_visible()
    expect(page.get_by_text("cannot be negative").first).to_be_visible()
    check(page, "figures refused")
    page.get_by_label("Young people reached").fill("24")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("your figures are with the hub for review")).to_be_visible()
    partner = User.objects.get(username="partner").partner_membership.partner
    sent = PartnerContribution.objects.get(
        partner=partner, description="Lunchtime singing club at the library"
    )
    assert (sent.young_people, sent.status) == (24, "submitted")
    # The form with problems answers 400 on purpose (Chromium logs it); nothing else may go wrong.
    assert [e for e in errors if "status of 400" not in e] == []


def test_the_public_impact_page_is_accessible_fits_a_phone_and_shows_no_small_count(page, demo_hub):
    errors = watch_console(page)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Our impact").click()
    expect(page.get_by_role("heading", level=1, name="Our impact")).to_be_visible()
    check(page, "impact")
    html = page.content()
    cells = re.findall(r"<(?:dd|td)[^>]*>\s*([\d,]+)\s*</(?:dd|td)>", html)
    on_charts = re.findall(r'class="chart__value"[^>]*>\s*([\d,]+)\s*</text>', html)
    assert cells, "the page shows figures"
    assert not [n for n in cells + on_charts if n.replace(",", "") in {"1", "2", "3", "4"}]
    for aim in InclusionAim.objects.all():
        expect(page.get_by_role("heading", name=f"{aim.number}. {aim.title}")).to_be_visible()
    assert errors == []
