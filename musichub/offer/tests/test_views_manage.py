"""The management pages under /manage/offer/: lists, forms, sessions, publishing, venues, term dates."""

from datetime import date

import pytest
from django.urls import reverse

from musichub.core.roles import Role
from musichub.offer.models import Holiday, Opportunity, Term, Venue
from musichub.partners.tests.factories import ActivityKindFactory, PartnerFactory, PartnerMembershipFactory

from .factories import HolidayFactory, OpportunityFactory, TermFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spring_2030():
    TermFactory(name="Spring 2030", starts_on=date(2030, 1, 7), ends_on=date(2030, 3, 29))
    HolidayFactory(name="Half term", starts_on=date(2030, 2, 18), ends_on=date(2030, 2, 22))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def member(make_user):
    user = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=user)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def answers(**changes):
    """What a person types into the opportunity form: a weekly band on Mondays in spring 2030."""
    data = {
        "title": "Monday drum crew",
        "summary": "Drumming for beginners.",
        "description": "",
        "kind": ActivityKindFactory(name="Band").pk,
        "level": "no_experience",
        "min_age": "8",
        "max_age": "14",
        "setting": "out_of_school",
        "venue": VenueFactory().pk,
        "schedule": "weekly",
        "first_date": "2030-01-07",
        "last_date": "2030-03-29",
        "weekday": "0",
        "starts_at": "17:00",
        "ends_at": "18:30",
        "capacity": "",
        "cost": "0",
        "cost_note": "",
        "how_to_join": "enrol",
        "apply_by": "",
        "safeguarding_contact_name": "Sam Safe",
        "safeguarding_contact_email": "safe@example.org",
    }
    data.update(changes)
    return data


# ---- The list -----------------------------------------------------------------------------------------------


def test_a_partner_member_sees_only_their_own_partners_opportunities(member_client, member):
    own = PartnerFactory._meta.model.objects.get(memberships__user=member)
    OpportunityFactory(partner=own, title="Our steel band")
    OpportunityFactory(title="Someone else's choir")
    body = member_client.get(reverse("offer:manage_list")).content.decode()
    assert "Our steel band" in body
    assert "Someone else&#x27;s choir" not in body and "Someone else's choir" not in body
    assert 'name="partner"' not in body  # no partner filter for a member


def test_staff_see_every_partners_opportunities_and_filter_by_partner_and_status(staff_client):
    first = OpportunityFactory(title="First band")
    OpportunityFactory(title="Second band", status=Opportunity.Status.PUBLISHED)
    body = staff_client.get(reverse("offer:manage_list")).content.decode()
    assert "First band" in body and "Second band" in body
    body = staff_client.get(reverse("offer:manage_list"), {"partner": first.partner_id}).content.decode()
    assert "First band" in body and "Second band" not in body
    body = staff_client.get(reverse("offer:manage_list"), {"status": "published"}).content.decode()
    assert "First band" not in body and "Second band" in body


def test_an_unknown_filter_falls_back_to_everything(staff_client):
    OpportunityFactory(title="First band")
    body = staff_client.get(reverse("offer:manage_list"), {"status": "nonsense"}).content.decode()
    assert "First band" in body


def test_an_empty_list_says_so(member_client):
    body = member_client.get(reverse("offer:manage_list")).content.decode()
    assert "No opportunities yet." in body


@pytest.mark.parametrize("count", [3, 25])
def test_the_staff_list_takes_a_fixed_number_of_queries(staff_client, django_assert_num_queries, count):
    OpportunityFactory.create_batch(count)
    with django_assert_num_queries(6):  # session, user, count, hub identity, partners for the filter, page
        response = staff_client.get(reverse("offer:manage_list"))
    assert len(response.context["page"].object_list) == min(count, 20)


@pytest.mark.parametrize("count", [3, 25])
def test_the_members_list_takes_a_fixed_number_of_queries(
    member_client, member, django_assert_num_queries, count
):
    own = PartnerFactory._meta.model.objects.get(memberships__user=member)
    OpportunityFactory.create_batch(count, partner=own)
    OpportunityFactory.create_batch(3)
    with django_assert_num_queries(6):  # session, user, membership, count, hub identity, page
        response = member_client.get(reverse("offer:manage_list"))
    assert len(response.context["page"].object_list) == min(count, 20)
    assert {o.partner_id for o in response.context["page"].object_list} == {own.pk}


# ---- Creating and editing -----------------------------------------------------------------------------------


def test_a_member_creates_an_opportunity_for_their_own_partner_even_when_naming_another(
    spring_2030, member_client, member
):
    other = PartnerFactory()
    response = member_client.post(reverse("offer:opportunity_create"), answers(partner=other.pk))
    opportunity = Opportunity.objects.get()
    assert response.url == reverse("offer:opportunity_sessions", args=[opportunity.pk])
    assert opportunity.partner.memberships.filter(user=member).exists()
    assert opportunity.partner != other
    assert opportunity.sessions.count() == 11
    assert opportunity.status == Opportunity.Status.DRAFT


def test_staff_choose_the_partner(spring_2030, staff_client):
    partner = PartnerFactory()
    staff_client.post(reverse("offer:opportunity_create"), answers(partner=partner.pk, cost="2.50"))
    opportunity = Opportunity.objects.get()
    assert opportunity.partner == partner
    assert opportunity.cost_pence == 250


def test_staff_must_choose_a_partner(staff_client):
    body = staff_client.post(reverse("offer:opportunity_create"), answers()).content.decode()
    assert "Choose the partner that runs it" in body
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"min_age": "14", "max_age": "8"},
            "The oldest age must be the same as or higher than the youngest age",
        ),
        ({"min_age": "3", "max_age": "30"}, "Enter an age from 0 to 25"),
        ({"last_date": "2029-12-01"}, "The last date must be the same as or after the first date"),
        ({"ends_at": "16:00"}, "The end time must be after the start time"),
        ({"how_to_join": "apply"}, "Enter the date by which people must apply"),
        ({"weekday": ""}, "Choose the day of the week the sessions are on"),
        ({"first_date": "31 Feb"}, "Enter a real date, like 2026-09-14"),
    ],
)
def test_mistakes_are_shown_beside_their_fields_and_in_the_summary(member_client, changes, message):
    response = member_client.post(reverse("offer:opportunity_create"), answers(**changes))
    body = response.content.decode()
    assert body.count(message) == 2  # the error summary and the field
    assert "<title>Error:" in body
    assert not Opportunity.objects.exists()


def test_the_form_groups_its_questions(member_client):
    body = member_client.get(reverse("offer:opportunity_create")).content.decode()
    for legend in (
        "What it is",
        "Who it is for",
        "Where and when",
        "Cost and support",
        "How to join",
        "Safeguarding",
    ):
        assert f"<h2>{legend}</h2>" in body


def test_the_schools_list_offers_only_open_schools(member_client):
    from musichub.people.tests.factories import SchoolFactory

    SchoolFactory(name="Open Primary")
    SchoolFactory(name="Closed Primary", is_open=False)
    body = member_client.get(reverse("offer:opportunity_create")).content.decode()
    assert "Open Primary" in body and "Closed Primary" not in body


def test_a_member_edits_their_opportunity(spring_2030, member_client, member):
    own = PartnerFactory._meta.model.objects.get(memberships__user=member)
    opportunity = OpportunityFactory(partner=own)
    member_client.post(reverse("offer:opportunity_edit", args=[opportunity.pk]), answers(title="Renamed"))
    opportunity.refresh_from_db()
    assert opportunity.title == "Renamed"


def test_a_member_cannot_open_or_change_another_partners_opportunity(member_client):
    theirs = OpportunityFactory(title="Theirs")
    for name in ("offer:opportunity_edit", "offer:opportunity_sessions"):
        assert member_client.get(reverse(name, args=[theirs.pk])).status_code == 403
    response = member_client.post(
        reverse("offer:opportunity_edit", args=[theirs.pk]), answers(title="Mine now")
    )
    assert response.status_code == 403
    assert member_client.post(reverse("offer:opportunity_publish", args=[theirs.pk])).status_code == 403
    response = member_client.post(reverse("offer:opportunity_cancel", args=[theirs.pk]), {"reason": "x"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("Theirs", Opportunity.Status.DRAFT)


def test_an_unknown_opportunity_is_not_found(staff_client):
    assert staff_client.get(reverse("offer:opportunity_edit", args=[999])).status_code == 404


# ---- Sessions, publishing, cancelling ----------------------------------------------------------------------


def test_generating_the_sessions_again_adds_those_for_new_term_dates(staff_client):
    opportunity = OpportunityFactory()
    url = reverse("offer:opportunity_sessions", args=[opportunity.pk])
    assert "No sessions." in staff_client.get(url).content.decode()
    TermFactory(starts_on=date(2030, 1, 7), ends_on=date(2030, 3, 29))
    staff_client.post(url)
    assert opportunity.sessions.count() == 12
    body = staff_client.get(url).content.decode()
    assert "12 sessions, from 7 January 2030 to 25 March 2030." in body


def test_publishing_from_the_sessions_page(spring_2030, staff_client, staff):
    opportunity = OpportunityFactory()
    staff_client.post(reverse("offer:opportunity_sessions", args=[opportunity.pk]))
    staff_client.post(reverse("offer:opportunity_publish", args=[opportunity.pk]))
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


def test_publishing_without_sessions_says_what_to_do(staff_client):
    opportunity = OpportunityFactory()
    response = staff_client.post(reverse("offer:opportunity_publish", args=[opportunity.pk]))
    assert response.status_code == 400
    assert "Add at least one session in the future" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT


def test_cancelling_asks_for_a_reason(spring_2030, staff_client):
    opportunity = OpportunityFactory(status=Opportunity.Status.PUBLISHED)
    url = reverse("offer:opportunity_cancel", args=[opportunity.pk])
    response = staff_client.post(url, {"reason": ""})
    assert "Enter the reason for cancelling" in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.PUBLISHED
    staff_client.post(url, {"reason": "The hall is closed."})
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.CANCELLED


# ---- Venues -------------------------------------------------------------------------------------------------


def test_a_member_adds_a_venue_that_belongs_to_their_partner(member_client, member):
    member_client.post(
        reverse("offer:venue_create"),
        {"name": "Our Hall", "address": "2 Road", "postcode": "so14 7ly", "step_free": "on"},
    )
    venue = Venue.objects.get()
    assert venue.partner.memberships.filter(user=member).exists()
    assert (venue.postcode, venue.step_free, venue.hearing_loop) == ("SO14 7LY", True, False)


def test_a_venue_postcode_in_the_wrong_shape_is_explained(staff_client):
    body = staff_client.post(
        reverse("offer:venue_create"), {"name": "Hall", "address": "2 Road", "postcode": "SO14"}
    ).content.decode()
    assert "Enter a UK postcode, like SO14 7LY." in body
    assert not Venue.objects.exists()


def test_a_member_cannot_edit_a_shared_or_another_partners_venue(member_client):
    for venue in (VenueFactory(), VenueFactory(partner=PartnerFactory())):
        response = member_client.post(
            reverse("offer:venue_edit", args=[venue.pk]),
            {"name": "Ours", "address": "x", "postcode": "SO14 7LY"},
        )
        assert response.status_code == 403
        venue.refresh_from_db()
        assert venue.name != "Ours"


@pytest.mark.parametrize("count", [3, 25])
def test_the_venue_list_takes_a_fixed_number_of_queries(staff_client, django_assert_num_queries, count):
    VenueFactory.create_batch(count)
    with django_assert_num_queries(5):  # session, user, count, hub identity, page
        response = staff_client.get(reverse("offer:venues"))
    assert len(response.context["page"].object_list) == min(count, 20)


# ---- Term dates ---------------------------------------------------------------------------------------------


def test_staff_add_and_remove_terms_and_holidays(staff_client):
    staff_client.post(
        reverse("offer:term_create"),
        {"term-name": "Autumn 2030", "term-starts_on": "2030-09-02", "term-ends_on": "2030-12-20"},
    )
    staff_client.post(
        reverse("offer:holiday_create"),
        {"holiday-name": "Half term", "holiday-starts_on": "2030-10-28", "holiday-ends_on": "2030-11-01"},
    )
    body = staff_client.get(reverse("offer:term_dates")).content.decode()
    assert "Autumn 2030" in body and "Half term" in body
    staff_client.post(reverse("offer:term_delete", args=[Term.objects.get().pk]))
    staff_client.post(reverse("offer:holiday_delete", args=[Holiday.objects.get().pk]))
    assert not Term.objects.exists() and not Holiday.objects.exists()


def test_a_term_that_ends_before_it_starts_is_explained(staff_client):
    response = staff_client.post(
        reverse("offer:term_create"),
        {"term-name": "Autumn", "term-starts_on": "2030-09-02", "term-ends_on": "2030-07-01"},
    )
    assert response.status_code == 400
    assert "The last day must be the same as or after the first day" in response.content.decode()
    assert not Term.objects.exists()


def test_partner_members_cannot_change_term_dates(member_client):
    term = TermFactory()
    assert member_client.get(reverse("offer:term_dates")).status_code == 403
    assert member_client.post(reverse("offer:term_delete", args=[term.pk])).status_code == 403
    assert Term.objects.filter(pk=term.pk).exists()
