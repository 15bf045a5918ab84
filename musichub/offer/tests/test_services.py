"""The offer's writes: sessions from schedules, publishing, cancelling, bad input, venues and term dates."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer.models import Holiday, Opportunity, Session, Term
from musichub.offer.services import (
    cancel_opportunity,
    create_holiday,
    create_opportunity,
    create_term,
    create_venue,
    generate_sessions,
    publish_opportunity,
    update_opportunity,
    update_venue,
)
from musichub.partners.tests.factories import PartnerFactory, PartnerMembershipFactory
from musichub.people.models import PostcodeArea
from musichub.people.tests.factories import SchoolFactory

from .factories import HolidayFactory, OpportunityFactory, TermFactory, VenueFactory, opportunity_fields

pytestmark = pytest.mark.django_db

SPRING_2030_MONDAYS = [
    date(2030, 1, 7),
    date(2030, 1, 14),
    date(2030, 1, 21),
    date(2030, 1, 28),
    date(2030, 2, 4),
    date(2030, 2, 11),
    date(2030, 2, 25),
    date(2030, 3, 4),
    date(2030, 3, 11),
    date(2030, 3, 18),
    date(2030, 3, 25),
]  # fmt: skip  (18 February is in the half term)


@pytest.fixture
def spring_2030():
    TermFactory(name="Spring 2030", starts_on=date(2030, 1, 7), ends_on=date(2030, 3, 29))
    HolidayFactory(name="Half term", starts_on=date(2030, 2, 18), ends_on=date(2030, 2, 22))


def codes(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return {"__all__": [e.code for e in error.error_list]}


def session_dates(opportunity):
    return list(opportunity.sessions.order_by("date").values_list("date", flat=True))


# ---- Sessions -----------------------------------------------------------------------------------------------


def test_weekly_sessions_fall_in_term_time_and_skip_holidays(spring_2030):
    # The dates run from New Year to the end of April: only the term's Mondays, less the half term, count.
    opportunity = OpportunityFactory(first_date=date(2029, 12, 31), last_date=date(2030, 4, 29), weekday=0)
    assert generate_sessions(opportunity=opportunity) == 11
    assert session_dates(opportunity) == SPRING_2030_MONDAYS


def test_generating_sessions_twice_keeps_the_same_sessions(spring_2030):
    opportunity = OpportunityFactory()
    generate_sessions(opportunity=opportunity)
    before = list(opportunity.sessions.order_by("date").values_list("pk", flat=True))
    assert generate_sessions(opportunity=opportunity) == 11
    assert list(opportunity.sessions.order_by("date").values_list("pk", flat=True)) == before


def test_sessions_no_longer_in_the_schedule_are_deleted_only_when_still_to_come(spring_2030):
    opportunity = OpportunityFactory()
    generate_sessions(opportunity=opportunity)
    past = Session.objects.create(
        opportunity=opportunity, date=date(2020, 1, 6), starts_at=time(17), ends_at=time(18, 30)
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(weekday=2)  # now on Wednesdays
    opportunity.refresh_from_db()
    generate_sessions(opportunity=opportunity)
    dates = session_dates(opportunity)
    assert past.date in dates  # a past session may have a register: kept
    assert all(day.weekday() == 2 for day in dates if day.year == 2030)
    assert date(2030, 2, 20) not in dates


def test_changing_the_start_time_moves_future_sessions(spring_2030):
    opportunity = OpportunityFactory()
    generate_sessions(opportunity=opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(starts_at=time(16), ends_at=time(17))
    opportunity.refresh_from_db()
    generate_sessions(opportunity=opportunity)
    assert set(opportunity.sessions.values_list("starts_at", "ends_at")) == {(time(16), time(17))}


def test_a_holiday_course_meets_every_weekday_and_never_at_weekends():
    opportunity = OpportunityFactory(
        schedule=Opportunity.Schedule.HOLIDAY_COURSE, weekday=None,
        first_date=date(2030, 4, 1), last_date=date(2030, 4, 14),
    )  # fmt: skip
    assert generate_sessions(opportunity=opportunity) == 10
    assert {day.weekday() for day in session_dates(opportunity)} == {0, 1, 2, 3, 4}


def test_a_one_off_meets_on_its_first_date_only(spring_2030):
    opportunity = OpportunityFactory(
        schedule=Opportunity.Schedule.ONE_OFF, weekday=None,
        first_date=date(2030, 2, 16), last_date=date(2030, 2, 16),
    )  # fmt: skip
    assert generate_sessions(opportunity=opportunity) == 1
    assert session_dates(opportunity) == [date(2030, 2, 16)]


def test_creating_an_opportunity_makes_a_draft_with_its_sessions_and_a_slug_from_its_title(
    spring_2030, staff
):
    partner = PartnerFactory()
    first = create_opportunity(partner=partner, created_by=staff, **opportunity_fields())
    second = create_opportunity(partner=partner, created_by=staff, **opportunity_fields())
    assert first.status == Opportunity.Status.DRAFT
    assert first.slug == "saturday-drum-crew"
    assert second.slug == "saturday-drum-crew-2"
    assert first.sessions.count() == 11
    assert AuditEntry.objects.filter(action="opportunity.created", object_id=str(first.pk)).exists()


def test_editing_keeps_the_slug_and_refreshes_the_sessions(spring_2030, staff):
    opportunity = create_opportunity(partner=PartnerFactory(), created_by=staff, **opportunity_fields())
    update_opportunity(opportunity=opportunity, edited_by=staff, title="Monday drum crew", weekday=1)
    opportunity.refresh_from_db()
    assert opportunity.slug == "saturday-drum-crew"
    assert opportunity.title == "Monday drum crew"
    assert {day.weekday() for day in session_dates(opportunity)} == {1}


# ---- Bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"min_age": 14, "max_age": 8}, "max_age", "ages_order"),
        ({"first_date": date(2030, 3, 1), "last_date": date(2030, 2, 1)}, "last_date", "dates_order"),
        ({"starts_at": time(18), "ends_at": time(17)}, "ends_at", "times_order"),
        ({"starts_at": time(18), "ends_at": time(18)}, "ends_at", "times_order"),
        ({"how_to_join": Opportunity.HowToJoin.APPLY, "apply_by": None}, "apply_by", "apply_by_missing"),
        ({"weekday": None}, "weekday", "weekday_missing"),
        ({"weekday": 7}, "weekday", "weekday_invalid"),
        ({"min_age": 0, "max_age": 26}, "max_age", "age_range"),
        ({"min_age": -1}, "min_age", "age_range"),
        ({"last_date": None}, "last_date", "last_date_missing"),
    ],
)
def test_bad_answers_are_refused_with_a_message_for_the_field(staff, changes, field, code):
    with pytest.raises(ValidationError) as caught:
        create_opportunity(partner=PartnerFactory(), created_by=staff, **opportunity_fields(**changes))
    assert code in codes(caught.value)[field]
    assert not Opportunity.objects.exists()


def test_bad_answers_on_an_edit_change_nothing(staff):
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError, match="oldest age"):
        update_opportunity(opportunity=opportunity, edited_by=staff, min_age=15, max_age=9)
    opportunity.refresh_from_db()
    assert (opportunity.min_age, opportunity.max_age) == (8, 14)


def test_an_apply_opportunity_with_a_date_is_accepted(staff):
    opportunity = create_opportunity(
        partner=PartnerFactory(), created_by=staff,
        **opportunity_fields(how_to_join=Opportunity.HowToJoin.APPLY, apply_by=date(2029, 12, 1)),
    )  # fmt: skip
    assert opportunity.apply_by == date(2029, 12, 1)


# ---- Who may ------------------------------------------------------------------------------------------------


def test_a_partner_member_cannot_create_an_opportunity_for_another_partner(make_user):
    member = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=member)
    other = PartnerFactory()
    with pytest.raises(PermissionDenied):
        create_opportunity(partner=other, created_by=member, **opportunity_fields())
    assert not Opportunity.objects.exists()


def test_a_partner_member_cannot_edit_or_move_away_their_partners_opportunity(make_user):
    member = make_user(Role.PARTNER_MEMBER)
    own = PartnerMembershipFactory(user=member).partner
    theirs = OpportunityFactory()
    with pytest.raises(PermissionDenied):
        update_opportunity(opportunity=theirs, edited_by=member, title="Taken over")
    mine = OpportunityFactory(partner=own)
    with pytest.raises(PermissionDenied):
        update_opportunity(opportunity=mine, edited_by=member, partner=PartnerFactory())
    mine.refresh_from_db()
    assert mine.partner == own


# ---- Publishing and cancelling -----------------------------------------------------------------------------


def test_publishing_a_draft_with_future_sessions_and_a_venue_shows_it(spring_2030, staff):
    opportunity = OpportunityFactory()
    generate_sessions(opportunity=opportunity)
    publish_opportunity(opportunity=opportunity, published_by=staff)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert opportunity.published_at is not None


def test_publishing_needs_a_session_in_the_future(staff):
    opportunity = OpportunityFactory(
        schedule=Opportunity.Schedule.ONE_OFF,
        weekday=None,
        first_date=date(2020, 5, 2),
        last_date=date(2020, 5, 2),
    )
    generate_sessions(opportunity=opportunity)
    with pytest.raises(ValidationError) as caught:
        publish_opportunity(opportunity=opportunity, published_by=staff)
    assert codes(caught.value)["__all__"] == ["no_future_sessions"]
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT


def test_publishing_out_of_school_needs_a_venue(spring_2030, staff):
    opportunity = OpportunityFactory(venue=None)
    generate_sessions(opportunity=opportunity)
    with pytest.raises(ValidationError) as caught:
        publish_opportunity(opportunity=opportunity, published_by=staff)
    assert codes(caught.value)["__all__"] == ["venue_missing"]


def test_publishing_in_school_needs_its_schools_but_no_venue(spring_2030, staff):
    opportunity = OpportunityFactory(venue=None, setting="in_school")
    generate_sessions(opportunity=opportunity)
    with pytest.raises(ValidationError) as caught:
        publish_opportunity(opportunity=opportunity, published_by=staff)
    assert codes(caught.value)["__all__"] == ["schools_missing"]
    opportunity.schools.add(SchoolFactory())
    publish_opportunity(opportunity=opportunity, published_by=staff)
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.PUBLISHED


def test_an_online_opportunity_is_published_without_a_venue(spring_2030, staff):
    opportunity = OpportunityFactory(venue=None, setting="online")
    generate_sessions(opportunity=opportunity)
    publish_opportunity(opportunity=opportunity, published_by=staff)
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.PUBLISHED


def test_a_cancelled_opportunity_cannot_be_published(spring_2030, staff):
    opportunity = OpportunityFactory(status=Opportunity.Status.CANCELLED)
    generate_sessions(opportunity=opportunity)
    with pytest.raises(ValidationError) as caught:
        publish_opportunity(opportunity=opportunity, published_by=staff)
    assert codes(caught.value)["__all__"] == ["not_draft"]


def test_cancelling_needs_a_reason_and_cancels_the_sessions_to_come(spring_2030, staff):
    opportunity = OpportunityFactory(status=Opportunity.Status.PUBLISHED)
    generate_sessions(opportunity=opportunity)
    with pytest.raises(ValidationError, match="reason"):
        cancel_opportunity(opportunity=opportunity, cancelled_by=staff, reason="  ")
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.PUBLISHED
    cancel_opportunity(opportunity=opportunity, cancelled_by=staff, reason="The leader has left.")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CANCELLED
    assert not opportunity.sessions.filter(is_cancelled=False).exists()
    assert AuditEntry.objects.get(action="opportunity.cancelled").detail == "The leader has left."


# ---- Venues -------------------------------------------------------------------------------------------------


def test_a_venues_postcode_is_tidied_and_placed_in_its_area(staff):
    PostcodeArea.objects.create(postcode="SO14 7LY", lsoa_code="E01099001")
    venue = create_venue(created_by=staff, name="Quay Hall", address="1 Quay", postcode=" so147ly ")
    assert (venue.postcode, venue.postcode_district, venue.lsoa_code) == ("SO14 7LY", "SO14", "E01099001")
    assert venue.slug == "quay-hall"
    update_venue(venue=venue, edited_by=staff, postcode="so15 2aa")
    venue.refresh_from_db()
    assert (venue.postcode, venue.postcode_district, venue.lsoa_code) == ("SO15 2AA", "SO15", "")


def test_a_venue_postcode_in_the_wrong_shape_is_refused(staff):
    with pytest.raises(ValidationError) as caught:
        create_venue(created_by=staff, name="Quay Hall", address="1 Quay", postcode="SO14")
    assert codes(caught.value) == {"postcode": ["postcode_shape"]}


def test_a_partner_member_edits_only_their_partners_venues(make_user):
    member = make_user(Role.PARTNER_MEMBER)
    own = PartnerMembershipFactory(user=member).partner
    venue = create_venue(
        created_by=member, partner=own, name="Our Hall", address="2 Road", postcode="SO14 7LY"
    )
    update_venue(venue=venue, edited_by=member, name="Our Big Hall")
    with pytest.raises(PermissionDenied):
        update_venue(venue=VenueFactory(), edited_by=member, name="Not ours")
    with pytest.raises(PermissionDenied):
        create_venue(created_by=member, partner=PartnerFactory(), name="X", address="Y", postcode="SO14 7LY")


# ---- Term dates ---------------------------------------------------------------------------------------------


def test_a_term_ending_before_it_starts_is_refused(staff):
    with pytest.raises(ValidationError) as caught:
        create_term(name="Autumn", starts_on=date(2030, 9, 2), ends_on=date(2030, 7, 1), created_by=staff)
    assert codes(caught.value) == {"ends_on": ["dates_order"]}
    with pytest.raises(ValidationError):
        create_holiday(
            name="Half term", starts_on=date(2030, 9, 2), ends_on=date(2030, 9, 1), created_by=staff
        )
    assert not Term.objects.exists() and not Holiday.objects.exists()


def test_terms_may_not_overlap(staff):
    create_term(name="Autumn", starts_on=date(2030, 9, 2), ends_on=date(2030, 12, 20), created_by=staff)
    with pytest.raises(ValidationError) as caught:
        create_term(
            name="Also autumn", starts_on=date(2030, 12, 1), ends_on=date(2031, 1, 10), created_by=staff
        )
    assert codes(caught.value) == {"starts_on": ["overlaps"]}
