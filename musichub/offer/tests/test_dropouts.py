"""The drop-out rule, follow-ups and the reasons summary (offer/dropouts.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer import dropouts
from musichub.offer.models import DeliverySettings, DropOutReason, Enrolment, FollowUp
from musichub.offer.tests.delivery_helpers import (
    enrol,
    group,
    leader_of,
    mark,
    marks,
    member_of,
    session,
    weeks_ago,
    young_person,
)

pytestmark = pytest.mark.django_db

Outcome = FollowUp.Outcome


def on_list(user, **kwargs) -> set[int]:
    return set(dropouts.dropouts_for(user, **kwargs).values_list("young_person_id", flat=True))


@pytest.fixture
def band():
    return group(title="Saturday band")


def test_missing_three_sessions_puts_a_young_person_on_the_list_and_a_follow_up_takes_them_off(staff, band):
    amara = young_person(first_name="Amara")
    place = enrol(amara, band)
    marks(band, amara, "PAAA")
    assert on_list(staff) == {amara.pk}
    listed = dropouts.dropouts_for(staff).get()
    assert listed.missed_in_a_row == 3
    assert listed.missed_since == weeks_ago(3)
    assert listed.last_came_on == weeks_ago(4)

    dropouts.record_follow_up(enrolment=place, recorded_by=staff, outcome=Outcome.NO_REPLY)

    assert on_list(staff) == set()


def test_two_missed_sessions_are_not_enough_with_the_default_of_three(staff, band):
    ben = young_person()
    enrol(ben, band)
    marks(band, ben, "PAA")
    assert DeliverySettings.current().missed_in_a_row == 3
    assert on_list(staff) == set()


def test_absent_with_reason_counts_as_missed(staff, band):
    ben = young_person()
    enrol(ben, band)
    marks(band, ben, "ARA")
    assert on_list(staff) == {ben.pk}


def test_coming_once_resets_the_streak(staff, band):
    chloe = young_person()
    enrol(chloe, band)
    marks(band, chloe, "AAPAA")
    assert on_list(staff) == set()
    assert dropouts.with_streaks(Enrolment.objects.all()).get().missed_in_a_row == 2
    marks(band, chloe, "A", last_week=0)  # a third absence after the present mark
    assert on_list(staff) == {chloe.pk}


def test_coming_late_counts_as_coming(staff, band):
    dev = young_person()
    enrol(dev, band)
    marks(band, dev, "AAAL")
    assert on_list(staff) == set()


def test_a_different_configured_number_is_used(staff, band):
    erin = young_person()
    enrol(erin, band)
    marks(band, erin, "PAA")
    settings_row = DeliverySettings.current()
    settings_row.missed_in_a_row = 2
    settings_row.save()
    assert on_list(staff) == {erin.pk}
    settings_row.missed_in_a_row = 4
    settings_row.save()
    assert on_list(staff) == set()
    marks(band, erin, "AA", last_week=-1)  # this week and next: four in a row
    assert on_list(staff) == {erin.pk}


def test_unmarked_registers_neither_count_nor_break_the_streak(staff, band):
    finn = young_person()
    enrol(finn, band)
    marks(band, finn, "PA-A-A")
    assert on_list(staff) == {finn.pk}


def test_sessions_without_a_register_and_cancelled_sessions_do_not_count(staff, band):
    gus = young_person()
    enrol(gus, band)
    made = marks(band, gus, "PAx")
    # A mark on a session with no register (not possible through the register pages) does not count.
    mark(made[2], gus, "absent")
    off = session(band, weeks_ago(0), cancelled=True)
    mark(off, gus, "absent")
    assert dropouts.with_streaks(Enrolment.objects.all()).get().missed_in_a_row == 1
    assert on_list(staff) == set()


def test_only_marks_on_this_opportunity_count(staff, band):
    hana = young_person()
    other = group(title="Choir")
    enrol(hana, band)
    enrol(hana, other)
    marks(band, hana, "AA")
    marks(other, hana, "A")
    marks(other, hana, "AA", last_week=5)
    assert on_list(staff) == {hana.pk}
    listed = dropouts.dropouts_for(staff).get()
    assert listed.opportunity == other  # three on the choir, two on the band


def test_marks_from_an_earlier_place_that_ended_do_not_count(staff, band):
    """Someone who left and came back starts their streak from the day the earlier place ended."""
    ivy = young_person()
    earlier = enrol(ivy, band, days_ago=120, status=Enrolment.Status.WITHDRAWN)
    marks(band, ivy, "AAA", last_week=3)  # under the earlier place
    Enrolment.objects.filter(pk=earlier.pk).update(updated_at=timezone.now() - timedelta(days=17))
    enrol(ivy, band, days_ago=14)
    marks(band, ivy, "A")
    streaks = dropouts.with_streaks(Enrolment.objects.filter(status=Enrolment.Status.ENROLLED))
    assert streaks.get().missed_in_a_row == 1
    assert on_list(staff) == set()


def test_marks_entered_before_the_place_was_put_on_the_platform_count(staff, band):
    """Paper registers entered for a young person whose place was recorded after they started still count."""
    jo = young_person()
    marks(band, jo, "PAAA")
    enrol(jo, band, days_ago=0)
    assert on_list(staff) == {jo.pk}


def test_only_enrolled_places_are_on_the_list(staff, band):
    jay = young_person()
    enrol(jay, band, status=Enrolment.Status.WITHDRAWN)
    marks(band, jay, "AAA")
    assert on_list(staff) == set()


def test_after_a_follow_up_they_come_back_only_after_missing_that_many_again(staff, band):
    kai = young_person()
    place = enrol(kai, band)
    marks(band, kai, "AAA", last_week=4)
    follow_up = dropouts.record_follow_up(enrolment=place, recorded_by=staff, outcome=Outcome.COMING_BACK)
    FollowUp.objects.filter(pk=follow_up.pk).update(created_at=timezone.now() - timedelta(weeks=3, days=1))
    assert on_list(staff) == set()
    marks(band, kai, "AA", last_week=2)  # two more after the follow-up
    assert on_list(staff) == set()
    marks(band, kai, "A", last_week=1)
    assert on_list(staff) == {kai.pk}
    assert dropouts.dropouts_for(staff).get().followed_up_on == (
        timezone.localdate() - timedelta(weeks=3, days=1)
    )


def test_leaders_see_their_groups_and_partner_members_their_partners(make_user, staff, band):
    other_band = group(title="Other band")
    lea, mo = young_person(), young_person()
    enrol(lea, band)
    enrol(mo, other_band)
    marks(band, lea, "AAA")
    marks(other_band, mo, "AAA")
    leader = leader_of(make_user, band)
    member = member_of(make_user, band.partner)
    other_member = member_of(make_user, other_band.partner)

    assert on_list(staff) == {lea.pk, mo.pk}
    assert on_list(leader) == {lea.pk}
    assert on_list(member) == {lea.pk}
    assert on_list(other_member) == {mo.pk}
    assert on_list(make_user(Role.MUSIC_LEADER)) == set()
    assert on_list(make_user(Role.GUARDIAN)) == set()


def test_the_list_carries_barriers_and_support_without_more_queries(staff, band, django_assert_num_queries):
    from musichub.people.tests.factories import NamedBarrierFactory, SupportRequestFactory

    people = [young_person() for _n in range(3)]
    for person in people:
        enrol(person, band)
        marks(band, person, "AAA")
        NamedBarrierFactory(young_person=person)
        SupportRequestFactory(young_person=person)
    with django_assert_num_queries(3):  # the list, barriers, support
        rows = list(dropouts.dropouts_for(staff, missed_in_a_row=3))
        assert [len(r.young_person.named_barriers.all()) for r in rows] == [1, 1, 1]
        assert [len(r.young_person.support_requests.all()) for r in rows] == [1, 1, 1]


# ---- Follow-ups ---------------------------------------------------------------------------------------------


def test_a_follow_up_records_who_what_and_why_and_is_audited(staff, band):
    cost = DropOutReason.objects.create(name="Cost", slug="cost")
    place = enrol(young_person(), band)
    made = dropouts.record_follow_up(
        enrolment=place, recorded_by=staff, outcome=Outcome.SUPPORT_OFFERED, reason=cost, note=" A bursary. "
    )
    made.refresh_from_db()
    assert (made.reason, made.outcome, made.note, made.recorded_by, made.contacted) == (
        cost,
        "support",
        "A bursary.",
        staff,
        True,
    )
    assert AuditEntry.objects.filter(
        action="follow_up.recorded", object_id=str(place.pk), actor=staff
    ).exists()


def test_a_follow_up_needs_no_reason_when_the_catalogue_is_empty(staff, band):
    assert not DropOutReason.objects.exists()
    place = enrol(young_person(), band)
    made = dropouts.record_follow_up(
        enrolment=place, recorded_by=staff, outcome=Outcome.NO_REPLY, contacted=False
    )
    assert made.reason is None


def test_a_place_no_longer_held_cannot_be_followed_up(staff, band):
    place = enrol(young_person(), band, status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        dropouts.record_follow_up(enrolment=place, recorded_by=staff, outcome=Outcome.NO_REPLY)
    assert error.value.code == "not_enrolled"
    assert not FollowUp.objects.exists()


def test_an_unknown_outcome_is_refused(staff, band):
    place = enrol(young_person(), band)
    with pytest.raises(ValidationError) as error:
        dropouts.record_follow_up(enrolment=place, recorded_by=staff, outcome="vanished")
    assert error.value.code == "outcome"


# ---- Reasons counted ------------------------------------------------------------------------------------------


def _follow_ups(band, reason, n, outcome=Outcome.LEFT):
    for _n in range(n):
        FollowUp.objects.create(enrolment=enrol(young_person(), band), reason=reason, outcome=outcome)


def test_reasons_are_counted_in_the_year_with_small_numbers_suppressed(band):
    from musichub.offer.wholeclass import academic_year_of

    cost = DropOutReason.objects.create(name="Cost", slug="cost")
    transport = DropOutReason.objects.create(name="Transport", slug="transport")
    clash = DropOutReason.objects.create(name="Time clash", slug="time-clash")
    _follow_ups(band, cost, 7)
    _follow_ups(band, clash, 5, outcome=Outcome.COMING_BACK)
    _follow_ups(band, transport, 2)
    last_year = FollowUp.objects.create(
        enrolment=enrol(young_person(), band), reason=cost, outcome=Outcome.LEFT
    )
    FollowUp.objects.filter(pk=last_year.pk).update(created_at=timezone.now() - timedelta(days=400))

    summary = dropouts.reasons_summary(year=academic_year_of(timezone.localdate()))

    rows = {row["label"]: row["count"] for row in summary["reasons"]}
    # Transport (2) is hidden, and so is the next smallest (5), or 14 - 7 - 5 would give it away.
    assert rows == {"Cost": 7, "Time clash": "fewer than 5", "Transport": "fewer than 5"}
    assert summary["total"] == 14
    outcomes = {str(row["label"]): row["count"] for row in summary["outcomes"]}
    assert outcomes["Has left the group"] == 9
    assert outcomes["Coming back"] == 5
    assert outcomes["No reply yet"] == 0


def test_follow_ups_without_a_reason_are_counted_as_such(band):
    from musichub.offer.wholeclass import academic_year_of

    _follow_ups(band, None, 6)
    summary = dropouts.reasons_summary(year=academic_year_of(timezone.localdate()))
    assert [(str(r["label"]), r["count"]) for r in summary["reasons"]] == [("No reason recorded", 6)]
