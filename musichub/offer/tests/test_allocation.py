"""Fair allocation: priority rules, the seeded lottery, overrides and publishing (musichub/offer/allocation.py)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.offer.allocation import (
    default_priority_rules,
    override_position,
    publish_allocation,
    rerun_with_seed,
    run_allocation,
    update_priority_rule,
)
from musichub.offer.models import AllocationRun, Enrolment, EnrolmentEvent, Opportunity, PriorityRule
from musichub.offer.tests.factories import OpportunityFactory
from musichub.people.tests.factories import FamilyFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db


def apply_opportunity(**fields) -> Opportunity:
    defaults = {
        "how_to_join": Opportunity.HowToJoin.APPLY,
        "apply_by": date(2029, 12, 1),
        "status": Opportunity.Status.PUBLISHED,
        "capacity": 2,
    }
    return OpportunityFactory(**{**defaults, **fields})


def apply(opportunity, **young_person_fields) -> Enrolment:
    young_person = YoungPersonFactory(**young_person_fields)
    return Enrolment.objects.create(
        young_person=young_person, opportunity=opportunity, status=Enrolment.Status.APPLIED
    )


def ranking(run) -> list[int]:
    return list(run.entries.order_by("rank").values_list("enrolment_id", flat=True))


@pytest.fixture
def rules(db):
    return default_priority_rules()


# ---- Rules --------------------------------------------------------------------------------------------------


def test_the_standard_rules_are_created_once_and_keep_staff_changes(staff):
    default_priority_rules()
    points = dict(PriorityRule.objects.values_list("code", "points"))
    assert points == {
        "care_experienced": 5, "fsm": 3, "send": 3, "young_carer": 3, "deprived_area": 2, "new_to_the_hub": 2,
    }  # fmt: skip
    rule = PriorityRule.objects.get(code="fsm")
    update_priority_rule(rule=rule, points=4, is_active=False, explanation="Changed", edited_by=staff)
    default_priority_rules()
    rule.refresh_from_db()
    assert PriorityRule.objects.count() == 6
    assert (rule.points, rule.is_active, rule.explanation) == (4, False, "Changed")
    assert AuditEntry.objects.filter(action="offer.priority_rule_changed").count() == 1


def test_a_rule_cannot_be_given_more_than_twenty_points(staff, rules):
    rule = PriorityRule.objects.get(code="fsm")
    with pytest.raises(ValidationError) as error:
        update_priority_rule(rule=rule, points=21, is_active=True, explanation="", edited_by=staff)
    assert error.value.code == "points"
    rule.refresh_from_db()
    assert rule.points == 3


# ---- The seeded lottery -------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_result_and_another_seed_a_different_one(staff, rules):
    opportunity = apply_opportunity(capacity=3)
    for _ in range(10):
        apply(opportunity)
    first = run_allocation(opportunity=opportunity, run_by=staff, seed=424242)
    second = run_allocation(opportunity=opportunity, run_by=staff, seed=424242)
    other = run_allocation(opportunity=opportunity, run_by=staff, seed=7)
    assert ranking(first) == ranking(second)
    assert list(first.entries.order_by("rank").values_list("lottery", "gets_a_place")) == list(
        second.entries.order_by("rank").values_list("lottery", "gets_a_place")
    )
    assert ranking(first) != ranking(other)  # 10 equal applicants: 1 chance in 3.6 million of a clash


def test_rerunning_with_a_recorded_seed_reproduces_the_ranking(staff, rules):
    opportunity = apply_opportunity()
    for index in range(8):
        apply(opportunity, fsm="yes" if index % 3 == 0 else "no")
    run = run_allocation(opportunity=opportunity, run_by=staff)  # a fresh random seed
    assert run.seed is not None
    again = rerun_with_seed(opportunity=opportunity, seed=run.seed, run_by=staff)
    assert again.seed == run.seed
    assert ranking(again) == ranking(run)


def test_the_lottery_settles_ties_in_order_of_the_draw_and_is_given_as_a_reason(staff, rules):
    opportunity = apply_opportunity()
    for _ in range(4):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=99)
    entries = list(run.entries.order_by("rank"))
    assert [e.lottery for e in entries] == sorted(e.lottery for e in entries)
    assert entries[0].reasons[-1] == f"Lottery draw {entries[0].lottery:.4f}"


# ---- Each rule moves an applicant up as documented ------------------------------------------------------


def _other_opportunity_enrolment(young_person):
    Enrolment.objects.create(
        young_person=young_person, opportunity=OpportunityFactory(), status=Enrolment.Status.ENROLLED
    )


RULES = {
    # code: (fields of the one who has it, fields of the one who doesn't, reason)
    "care_experienced": ({"care_experienced": "yes"}, {"care_experienced": "no"}, "Care-experienced (+5)"),
    "fsm": ({"fsm": "yes"}, {"fsm": "no"}, "Free school meals (+3)"),
    "send_sen_support": ({"send": "sen_support"}, {"send": "none"}, "SEN support or EHCP (+3)"),
    "send_ehcp": ({"send": "ehcp"}, {"send": "none"}, "SEN support or EHCP (+3)"),
    "young_carer": ({"young_carer": "yes"}, {"young_carer": "no"}, "Young carer (+3)"),
    "deprived_area_decile_1": ({"imd_decile": 1}, {"imd_decile": 3}, "Deprived area (+2)"),
    "deprived_area_decile_2": ({"imd_decile": 2}, {"imd_decile": 3}, "Deprived area (+2)"),
    "new_to_the_hub": ({}, {}, "New to the hub (+2)"),
}


@pytest.mark.parametrize("case", RULES)
def test_each_priority_rule_moves_an_applicant_up(case, staff, rules):
    has_it, lacks_it, reason = RULES[case]
    for seed in range(6):  # whatever the lottery draws
        opportunity = apply_opportunity(capacity=1)
        # The one without the characteristic applies first, so a tie would often put them first.
        without = apply(opportunity, **lacks_it)
        with_it = apply(opportunity, **has_it)
        if case == "new_to_the_hub":
            _other_opportunity_enrolment(without.young_person)
        run = run_allocation(opportunity=opportunity, run_by=staff, seed=seed)
        first, second = run.entries.order_by("rank")
        assert first.enrolment_id == with_it.pk
        assert first.gets_a_place and not second.gets_a_place
        assert reason in first.reasons
        assert reason not in second.reasons
        assert first.points - second.points == int(reason.split("+")[1].rstrip(")"))


def test_an_applicant_enrolled_elsewhere_is_not_new_to_the_hub_but_one_only_waiting_elsewhere_is(
    staff, rules
):
    opportunity = apply_opportunity()
    enrolled_elsewhere = apply(opportunity)
    waiting_elsewhere = apply(opportunity)
    _other_opportunity_enrolment(enrolled_elsewhere.young_person)
    Enrolment.objects.create(
        young_person=waiting_elsewhere.young_person,
        opportunity=OpportunityFactory(),
        status=Enrolment.Status.WAITING,
    )
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=1)
    points = dict(run.entries.values_list("enrolment_id", "points"))
    assert points == {enrolled_elsewhere.pk: 0, waiting_elsewhere.pk: 2}


def test_points_add_up_across_rules(staff, rules):
    opportunity = apply_opportunity()
    many = apply(opportunity, care_experienced="yes", fsm="yes", imd_decile=1)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=1)
    entry = run.entries.get(enrolment=many)
    assert entry.points == 5 + 3 + 2 + 2  # care-experienced, FSM, deprived area, new to the hub
    assert entry.reasons[:4] == [
        "Care-experienced (+5)", "Free school meals (+3)", "Deprived area (+2)", "New to the hub (+2)",
    ]  # fmt: skip


def test_inactive_rules_do_not_count(staff, rules):
    PriorityRule.objects.filter(code="care_experienced").update(is_active=False)
    opportunity = apply_opportunity()
    cared_for = apply(opportunity, care_experienced="yes")
    apply(opportunity, care_experienced="no")
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    entry = run.entries.get(enrolment=cared_for)
    assert entry.points == 2  # new to the hub only
    assert not any("Care-experienced" in reason for reason in entry.reasons)
    assert "care_experienced" not in [rule["code"] for rule in run.rules]


def test_the_rules_are_recorded_with_the_run_as_they_were(staff, rules):
    opportunity = apply_opportunity()
    apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    PriorityRule.objects.filter(code="fsm").update(points=9)
    run.refresh_from_db()
    assert {"code": "fsm", "points": 3}.items() <= next(r for r in run.rules if r["code"] == "fsm").items()


def test_points_are_computed_in_the_database_without_a_query_per_applicant(staff, rules):
    counts = []
    for size in (5, 30):
        opportunity = apply_opportunity(capacity=3)
        for index in range(size):
            apply(opportunity, fsm="yes" if index % 2 else "no", imd_decile=1 + index % 10)
        with CaptureQueriesContext(connection) as queries:
            run_allocation(opportunity=opportunity, run_by=staff, seed=5)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_run_allocation_makes_a_fixed_number_of_queries(staff, rules, django_assert_num_queries):
    opportunity = apply_opportunity(capacity=3)
    for _ in range(30):
        apply(opportunity)
    # lock, rules, applicants with points, places held, run, entries, audit (+ savepoint pair)
    with django_assert_num_queries(9):
        run_allocation(opportunity=opportunity, run_by=staff, seed=5)


# ---- Places -------------------------------------------------------------------------------------------------


def test_places_already_held_are_not_allocated_again(staff, rules):
    opportunity = apply_opportunity(capacity=3)
    _ = Enrolment.objects.create(
        young_person=YoungPersonFactory(), opportunity=opportunity, status=Enrolment.Status.ENROLLED
    )
    for _ in range(5):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    assert run.places == 2
    assert run.entries.filter(gets_a_place=True).count() == 2


def test_with_no_limit_every_applicant_gets_a_place(staff, rules):
    opportunity = apply_opportunity(capacity=None)
    for _ in range(4):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    assert run.entries.filter(gets_a_place=True).count() == 4


# ---- Refusals -----------------------------------------------------------------------------------------------


def test_an_allocation_with_no_applicants_is_refused_with_a_clear_message(staff, rules):
    opportunity = apply_opportunity()
    apply(opportunity).delete()
    with pytest.raises(ValidationError) as error:
        run_allocation(opportunity=opportunity, run_by=staff)
    assert error.value.code == "no_applicants"
    assert "Nobody has applied yet" in error.value.messages[0]
    assert not AllocationRun.objects.exists()


@pytest.mark.parametrize("status", [Opportunity.Status.CANCELLED, Opportunity.Status.FINISHED])
def test_a_cancelled_or_finished_opportunity_cannot_be_allocated(status, staff, rules):
    opportunity = apply_opportunity()
    apply(opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(status=status)
    with pytest.raises(ValidationError) as error:
        run_allocation(opportunity=opportunity, run_by=staff)
    assert error.value.code == "closed"
    assert not AllocationRun.objects.exists()


def test_an_opportunity_that_does_not_take_applications_cannot_be_allocated(staff, rules):
    opportunity = OpportunityFactory(how_to_join=Opportunity.HowToJoin.ENROL, status="published")
    apply(opportunity)
    with pytest.raises(ValidationError) as error:
        run_allocation(opportunity=opportunity, run_by=staff)
    assert error.value.code == "not_apply"


# ---- Overrides ----------------------------------------------------------------------------------------------


def test_moving_an_applicant_needs_a_reason(staff, rules):
    opportunity = apply_opportunity(capacity=1)
    for _ in range(3):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    before = ranking(run)
    last = run.entries.get(rank=3)
    with pytest.raises(ValidationError) as error:
        override_position(entry=last, new_rank=1, reason="   ", overridden_by=staff)
    assert error.value.code == "reason_required"
    assert ranking(run) == before


def test_moving_an_applicant_renumbers_the_run_and_is_recorded(staff, rules):
    opportunity = apply_opportunity(capacity=1)
    for _ in range(3):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    first, second, third = ranking(run)
    moved = override_position(
        entry=run.entries.get(rank=3), new_rank=1, reason="Sibling already in the band", overridden_by=staff
    )
    assert ranking(run) == [third, first, second]
    assert list(run.entries.order_by("rank").values_list("gets_a_place", flat=True)) == [True, False, False]
    moved.refresh_from_db()
    assert (moved.override_rank, moved.override_reason, moved.overridden_by) == (
        1, "Sibling already in the band", staff,
    )  # fmt: skip
    audit = AuditEntry.objects.get(action="offer.allocation_override")
    assert audit.actor == staff and "Sibling already in the band" in audit.detail


def test_a_position_outside_the_list_is_refused(staff, rules):
    opportunity = apply_opportunity()
    for _ in range(2):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    with pytest.raises(ValidationError) as error:
        override_position(entry=run.entries.get(rank=1), new_rank=3, reason="Why not", overridden_by=staff)
    assert error.value.code == "rank"


# ---- Publishing ---------------------------------------------------------------------------------------------


def test_publishing_gives_places_and_queues_the_rest_in_ranked_order(staff, make_user, rules):
    guardian = make_user(Role.GUARDIAN, email="parent@example.org")
    family = FamilyFactory(guardians=[guardian])
    own_account = make_user(Role.YOUNG_PERSON, email="teen@example.org")
    opportunity = apply_opportunity(capacity=2)
    earlier = timezone.now() - timedelta(days=3)
    already_waiting = Enrolment.objects.create(
        young_person=YoungPersonFactory(), opportunity=opportunity, status="waiting", queued_at=earlier
    )
    apply(opportunity, family=family)
    apply(opportunity, user=own_account)
    for _ in range(3):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=11)
    override_position(
        entry=run.entries.get(rank=5), new_rank=2, reason="Agreed with school", overridden_by=staff
    )

    publish_allocation(run=run, published_by=staff)

    run.refresh_from_db()
    assert run.status == "published" and run.published_at is not None
    entries = list(run.entries.select_related("enrolment").order_by("rank"))
    assert [e.enrolment.status for e in entries] == ["enrolled", "enrolled", "waiting", "waiting", "waiting"]
    waiting_order = list(
        Enrolment.objects.filter(opportunity=opportunity, status="waiting")
        .order_by("queued_at")
        .values_list("pk", flat=True)
    )
    assert waiting_order == [already_waiting.pk] + [e.enrolment_id for e in entries[2:]]
    actions = EnrolmentEvent.objects.filter(enrolment__opportunity=opportunity).values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["allocated_a_place"] * 2 + ["allocated_waiting_list"] * 3
    recipients = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert recipients == {"parent@example.org", "teen@example.org"}  # the others have no one to email
    assert AuditEntry.objects.filter(action="offer.allocation_published", actor=staff).exists()


def test_the_email_says_whether_the_young_person_has_a_place(staff, make_user, rules):
    guardian = make_user(Role.GUARDIAN, email="parent@example.org")
    opportunity = apply_opportunity(capacity=0)
    enrolment = apply(opportunity, family=FamilyFactory(guardians=[guardian]))
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=1)
    publish_allocation(run=run, published_by=staff)
    email = OutgoingEmail.objects.get()
    assert "waiting list" in email.subject
    assert "number 1" in email.body
    assert enrolment.young_person.display_name in email.body


def test_a_published_run_cannot_be_changed(staff, rules):
    opportunity = apply_opportunity(capacity=1)
    for _ in range(2):
        apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=3)
    publish_allocation(run=run, published_by=staff)
    before = ranking(run)
    with pytest.raises(ValidationError) as error:
        override_position(entry=run.entries.get(rank=2), new_rank=1, reason="Late", overridden_by=staff)
    assert error.value.code == "published"
    with pytest.raises(ValidationError) as error:
        publish_allocation(run=run, published_by=staff)
    assert error.value.code == "published"
    assert ranking(run) == before
    assert EnrolmentEvent.objects.count() == 2  # from the one publication


def test_only_the_latest_draft_can_be_published(staff, rules):
    opportunity = apply_opportunity()
    apply(opportunity)
    older = run_allocation(opportunity=opportunity, run_by=staff, seed=1)
    run_allocation(opportunity=opportunity, run_by=staff, seed=2)
    with pytest.raises(ValidationError) as error:
        publish_allocation(run=older, published_by=staff)
    assert error.value.code == "not_latest"
    assert Enrolment.objects.get().status == "applied"


def test_publishing_is_refused_when_places_were_taken_since_the_run(staff, rules):
    opportunity = apply_opportunity(capacity=1)
    apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=1)
    Enrolment.objects.create(young_person=YoungPersonFactory(), opportunity=opportunity, status="enrolled")
    with pytest.raises(ValidationError) as error:
        publish_allocation(run=run, published_by=staff)
    assert error.value.code == "places_changed"
    assert Enrolment.objects.filter(status="applied").count() == 1


def test_an_applicant_who_withdrew_after_the_run_is_left_alone(staff, rules):
    opportunity = apply_opportunity(capacity=1)
    leaving = apply(opportunity)
    run = run_allocation(opportunity=opportunity, run_by=staff, seed=1)
    Enrolment.objects.filter(pk=leaving.pk).update(status="withdrawn")
    publish_allocation(run=run, published_by=staff)
    leaving.refresh_from_db()
    assert leaving.status == "withdrawn"
    assert not EnrolmentEvent.objects.exists()
