"""Hub staff allocate the places of an "apply" opportunity in a real browser: run, move one, publish."""

from musichub.core.demo import DEMO_PASSWORD
from musichub.core.tests.browser import assert_accessible, assert_fits_width
from musichub.offer.models import AllocationRun, Enrolment, Opportunity
from musichub.people.models import YoungPerson


def _check_page(page, label):
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_run_an_allocation_move_an_applicant_and_publish(page, demo_hub):
    opportunity = Opportunity.objects.filter(how_to_join="apply").exclude(
        status__in=["cancelled", "finished"]
    )[0]
    Opportunity.objects.filter(pk=opportunity.pk).update(capacity=2)
    Enrolment.objects.filter(opportunity=opportunity).delete()
    young_people = list(YoungPerson.objects.order_by("pk")[:4])
    for young_person in young_people:
        Enrolment.objects.create(young_person=young_person, opportunity=opportunity, status="applied")

    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("staff")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/manage/offer/{opportunity.pk}/allocation/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Allocating places")
    assert "The allocation has not been run yet." in page.content()
    _check_page(page, "the allocation page before a run")

    page.get_by_role("button", name="Run the allocation").click()
    page.wait_for_url(f"**/manage/offer/{opportunity.pk}/allocation/")
    run = AllocationRun.objects.get(opportunity=opportunity)
    entries = list(run.entries.select_related("enrolment__young_person").order_by("rank"))
    assert page.locator(".allocation-entry").count() == 4
    assert f"seed {run.seed}" in page.content()
    _check_page(page, "the ranked list")

    last = entries[-1]
    name = last.enrolment.young_person.display_name
    row = page.locator(".allocation-entry").nth(3)
    row.get_by_text("Move", exact=False).first.click()
    row.get_by_label("New position").fill("1")
    row.get_by_label("Reason").fill("Their sibling already plays in the group")
    row.get_by_role("button", name="Move to this position").click()
    page.wait_for_url(f"**/manage/offer/{opportunity.pk}/allocation/")
    first = page.locator(".allocation-entry").first
    assert f"1. {name}" in first.inner_text()
    assert "Their sibling already plays in the group" in first.inner_text()

    page.get_by_role("link", name="Publish the result").click()
    assert "2 applicants get a place." in page.content()
    _check_page(page, "the confirmation")
    page.get_by_role("button", name="Yes, publish the result").click()
    page.wait_for_url(f"**/manage/offer/{opportunity.pk}/allocation/")
    assert "it can no longer be changed" in page.content()

    run.refresh_from_db()
    assert run.status == "published"
    last.enrolment.refresh_from_db()
    assert last.enrolment.status == "enrolled"
    statuses = sorted(Enrolment.objects.filter(opportunity=opportunity).values_list("status", flat=True))
    assert statuses == ["enrolled", "enrolled", "waiting", "waiting"]
