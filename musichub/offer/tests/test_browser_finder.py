"""The finder in a real Chromium: WCAG 2.2 AA with axe-core at 1280 and 320 px, and usable without JavaScript."""

import datetime

from musichub.core.tests.browser import assert_accessible, assert_fits_width
from musichub.offer.models import Opportunity

from . import finder_helpers as h


def published_opportunities():
    """The demo offer if seed_demo loaded it, else a few of our own (weekly, one-off, online, in school)."""
    if not Opportunity.objects.filter(status="published").exists():
        start = h.today()
        h.opportunity(
            "Samba drumming for beginners",
            genres=["Latin"],
            instruments=["Drums and percussion"],
            cost_pence=0,
            min_age=8,
            max_age=14,
            venue=h.venue("Northam Community Hall", district="SO14", step_free=True, hearing_loop=True),
            instrument_provided=True,
            description="Come and **play**. No experience needed.",
            sessions=[start + datetime.timedelta(weeks=n) for n in range(6)],
        )
        h.opportunity(
            "Grime and MC workshop",
            schedule=Opportunity.Schedule.ONE_OFF,
            weekday=None,
            first_date=start + datetime.timedelta(days=3),
            last_date=start + datetime.timedelta(days=3),
            cost_pence=300,
            free_for_fsm=True,
            min_age=13,
            max_age=18,
        )
        h.opportunity("Online music production", setting="online", venue=None, cost_pence=500)
    return Opportunity.objects.filter(status="published", last_date__gte=h.today())


def check(page, label):
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    assert_accessible(page, f"{label} at 320px")


def test_the_finder_with_filters_and_the_opportunity_page_pass_axe_and_fit_a_phone(page, demo_hub):
    opportunity = published_opportunities().order_by("pk").first()
    page.goto("/opportunities/?cost=free&age=9&access=step_free&area=SO14")
    check(page, "finder with filters")
    page.goto("/opportunities/?cost=free&age=99&area=not+a+postcode&q=zzzz-nothing")
    assert page.get_by_text("Enter a UK postcode").count() >= 1
    check(page, "finder with an area error and nothing found")
    page.goto(f"/opportunities/{opportunity.slug}/")
    check(page, "opportunity page")


def test_the_finder_works_without_javascript(browser, live_server, demo_hub):
    published_opportunities()
    Opportunity.objects.filter(status="published").update(min_age=5, max_age=18)
    free = Opportunity.objects.filter(status="published", cost_pence=0).first()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/opportunities/")
        page.locator("#id_cost").select_option("free")
        page.locator("#id_age").fill("10")
        page.get_by_role("button", name="Show music-making").click()
        page.wait_for_load_state()
        assert "cost=free" in page.url and "age=10" in page.url
        cards = page.locator(".opportunity-card")
        assert cards.count() >= 1
        # Only free opportunities are listed: every card's cost says so, and a paid one is not among them.
        for index in range(cards.count()):
            assert "Free" in cards.nth(index).locator("dd").all_inner_texts()
        titles = page.locator(".opportunity-card__title").all_inner_texts()
        assert free.title in titles or page.get_by_role("link", name="Next").count() == 1
        # The choices made are still in the form, ready to change.
        assert page.locator("#id_cost").input_value() == "free"
        assert page.locator("#id_age").input_value() == "10"
        first = page.locator(".opportunity-card__title a").first
        title = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == title
    finally:
        context.close()
