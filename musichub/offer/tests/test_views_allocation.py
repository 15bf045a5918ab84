"""The allocation pages: staff run, move and publish; the priority rules page; the rules on the public page."""

import pytest
from django.urls import reverse

from musichub.core.models import OutgoingEmail
from musichub.core.roles import Role
from musichub.offer.allocation import default_priority_rules, run_allocation
from musichub.offer.models import AllocationEntry, AllocationRun, Enrolment, PriorityRule
from musichub.offer.tests.factories import OpportunityFactory
from musichub.offer.tests.test_allocation import apply, apply_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    return default_priority_rules()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_run_the_allocation_and_see_the_ranked_list_with_reasons(staff_client, rules):
    opportunity = apply_opportunity(capacity=1)
    cared_for = apply(opportunity, care_experienced="yes", first_name="Robin", last_name="Care")
    apply(opportunity, first_name="Sam", last_name="Other")
    response = staff_client.post(reverse("offer:allocation_run", args=[opportunity.pk]), {"seed": "77"})
    assert response.status_code == 302
    run = AllocationRun.objects.get()
    assert run.seed == 77 and run.run_by is not None
    page = staff_client.get(reverse("offer:allocation", args=[opportunity.pk])).content.decode()
    assert "1. Robin Care" in page and "2. Sam Other" in page
    assert "Care-experienced (+5)" in page
    assert "Gets a place" in page
    assert "seed 77" in page
    assert run.entries.get(rank=1).enrolment == cared_for


def test_running_with_no_applicants_shows_a_clear_message_and_makes_no_run(staff_client, rules):
    opportunity = apply_opportunity()
    response = staff_client.post(reverse("offer:allocation_run", args=[opportunity.pk]), {"seed": ""})
    assert response.status_code == 400
    assert "Nobody has applied yet" in response.content.decode()
    assert not AllocationRun.objects.exists()


def test_a_seed_that_is_not_a_number_is_refused_beside_the_field(staff_client, rules):
    opportunity = apply_opportunity()
    apply(opportunity)
    response = staff_client.post(reverse("offer:allocation_run", args=[opportunity.pk]), {"seed": "abc"})
    assert response.status_code == 400
    assert "Enter the seed as a whole number" in response.content.decode()
    assert not AllocationRun.objects.exists()


def _run(opportunity, staff, applicants=3):
    for _ in range(applicants):
        apply(opportunity)
    return run_allocation(opportunity=opportunity, run_by=staff, seed=5)


def test_moving_without_a_reason_shows_the_error_and_changes_nothing(staff_client, staff, rules):
    opportunity = apply_opportunity(capacity=1)
    run = _run(opportunity, staff)
    last = run.entries.get(rank=3)
    url = reverse("offer:allocation_override", args=[last.pk])
    response = staff_client.post(url, {f"entry-{last.pk}-new_rank": "1", f"entry-{last.pk}-reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for moving this applicant" in response.content.decode()
    last.refresh_from_db()
    assert last.rank == 3 and last.override_rank is None


def test_moving_with_a_reason_moves_the_applicant(staff_client, staff, rules):
    opportunity = apply_opportunity(capacity=1)
    run = _run(opportunity, staff)
    last = run.entries.get(rank=3)
    url = reverse("offer:allocation_override", args=[last.pk])
    response = staff_client.post(
        url, {f"entry-{last.pk}-new_rank": "1", f"entry-{last.pk}-reason": "Moved from a cancelled group"}
    )
    assert response.status_code == 302
    last.refresh_from_db()
    assert last.rank == 1 and last.gets_a_place
    page = staff_client.get(reverse("offer:allocation", args=[opportunity.pk])).content.decode()
    assert "Moved to position 1 by staff: Moved from a cancelled group" in page


def test_publishing_asks_for_confirmation_then_publishes(staff_client, staff, make_user, rules):
    opportunity = apply_opportunity(capacity=1)
    run = _run(opportunity, staff)
    url = reverse("offer:allocation_publish", args=[run.pk])
    confirm = staff_client.get(url).content.decode()
    assert "1 applicant gets a place." in confirm and "2 go on the waiting list" in confirm
    run.refresh_from_db()
    assert run.status == "draft"
    assert staff_client.post(url).status_code == 302
    run.refresh_from_db()
    assert run.status == "published"
    statuses = sorted(Enrolment.objects.values_list("status", flat=True))
    assert statuses == ["enrolled", "waiting", "waiting"]
    page = staff_client.get(reverse("offer:allocation", args=[opportunity.pk])).content.decode()
    assert "it can no longer be changed" in page
    assert "Move to this position" not in page  # no override forms on a published run


def test_publishing_a_published_run_again_is_refused_on_the_page(staff_client, staff, rules):
    opportunity = apply_opportunity(capacity=1)
    run = _run(opportunity, staff)
    url = reverse("offer:allocation_publish", args=[run.pk])
    staff_client.post(url)
    emails = OutgoingEmail.objects.count()
    response = staff_client.post(url)
    assert response.status_code == 400
    assert "can no longer be changed" in response.content.decode()
    assert OutgoingEmail.objects.count() == emails


def test_partner_members_and_guardians_cannot_reach_the_allocation(client, make_user, staff, rules):
    opportunity = apply_opportunity()
    run = _run(opportunity, staff)
    for role in (Role.PARTNER_MEMBER, Role.GUARDIAN):
        client.force_login(make_user(role))
        assert client.get(reverse("offer:allocation", args=[opportunity.pk])).status_code == 403
        assert client.post(reverse("offer:allocation_publish", args=[run.pk])).status_code == 403
        assert client.get(reverse("offer:priority_rules")).status_code == 403
    run.refresh_from_db()
    assert run.status == "draft"


def test_the_allocation_page_query_count_does_not_grow_with_applicants(
    staff_client, staff, rules, django_assert_num_queries
):
    urls = []
    for size in (5, 40):
        opportunity = apply_opportunity(capacity=3)
        _run(opportunity, staff, applicants=size)
        urls.append(reverse("offer:allocation", args=[opportunity.pk]))
    staff_client.get(urls[0])
    # session, user, opportunity, latest run, count, entries, runs count, runs, applicants, rules, messages
    for url in urls:
        with django_assert_num_queries(11):
            staff_client.get(url)


# ---- Priority rules page ------------------------------------------------------------------------------------


def test_staff_set_up_the_standard_rules_from_the_empty_page(staff_client):
    page = staff_client.get(reverse("offer:priority_rules")).content.decode()
    assert "No priority rules yet" in page
    staff_client.post(reverse("offer:priority_rules"), {"action": "defaults"})
    assert PriorityRule.objects.count() == 6


def _rules_post(**changes):
    data = {}
    for rule in PriorityRule.objects.all():
        data[f"{rule.code}-points"] = str(rule.points)
        if rule.is_active:
            data[f"{rule.code}-is_active"] = "on"
        data[f"{rule.code}-explanation"] = rule.explanation
    data.update(changes)
    return data


def test_staff_change_a_rules_points_and_turn_one_off(staff_client, rules):
    data = _rules_post(**{"fsm-points": "4"})
    del data["send-is_active"]
    response = staff_client.post(reverse("offer:priority_rules"), data)
    assert response.status_code == 302
    assert PriorityRule.objects.get(code="fsm").points == 4
    assert not PriorityRule.objects.get(code="send").is_active
    assert PriorityRule.objects.get(code="care_experienced").points == 5


def test_points_out_of_range_are_refused_and_nothing_is_saved(staff_client, rules):
    data = _rules_post(**{"fsm-points": "4", "send-points": "99"})
    response = staff_client.post(reverse("offer:priority_rules"), data)
    assert response.status_code == 400
    assert "Enter points of 20 or fewer" in response.content.decode()
    assert PriorityRule.objects.get(code="fsm").points == 3


# ---- The public page --------------------------------------------------------------------------------------


def test_the_public_page_of_an_apply_opportunity_shows_the_rules_in_use_and_the_lottery(client, rules):
    PriorityRule.objects.filter(code="young_carer").update(is_active=False)
    opportunity = apply_opportunity()
    page = client.get(reverse("offer:detail", args=[opportunity.slug])).content.decode()
    assert "How places are allocated" in page
    assert "Care-experienced" in page and "5 points" in page
    assert "Young carer" not in page
    assert "a lottery decides" in page


def test_the_public_page_of_an_ask_for_a_place_opportunity_has_no_allocation_rules(client, rules):
    opportunity = OpportunityFactory(status="published")
    page = client.get(reverse("offer:detail", args=[opportunity.slug])).content.decode()
    assert "How places are allocated" not in page


def test_an_entry_of_a_published_run_cannot_be_moved_through_the_page(staff_client, staff, rules):
    opportunity = apply_opportunity(capacity=1)
    run = _run(opportunity, staff)
    staff_client.post(reverse("offer:allocation_publish", args=[run.pk]))
    entry = AllocationEntry.objects.get(run=run, rank=3)
    response = staff_client.post(
        reverse("offer:allocation_override", args=[entry.pk]),
        {f"entry-{entry.pk}-new_rank": "1", f"entry-{entry.pk}-reason": "Too late"},
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.rank == 3
