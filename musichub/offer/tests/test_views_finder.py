"""The finder page and the opportunity page, through the client."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from musichub.core.roles import Role
from musichub.offer.models import Opportunity
from musichub.people.models import Family, YoungPerson

from . import finder_helpers as h

pytestmark = pytest.mark.django_db

FINDER = reverse("offer:finder")


def titles(response):
    return re.findall(r'class="opportunity-card__title"><a href="[^"]+">([^<]+)</a>', response.text)


def young_person_user(make_user, *, genres=(), instruments=()):
    user = make_user(Role.YOUNG_PERSON)
    record = YoungPerson.objects.create(
        first_name="Jo",
        last_name="Lee",
        date_of_birth=datetime.date(2012, 1, 1),
        user=user,
        registered_by="self",
    )
    record.genres.set([h.genre(g) for g in genres])
    record.instruments.set([h.instrument(i) for i in instruments])
    return user


# ---- The finder ------------------------------------------------------------------------------------------


def test_a_card_says_who_what_when_where_ages_cost_and_support(client, hub):
    tuesday = datetime.date(2026, 9, 8)
    h.opportunity(
        "Samba drummers",
        partner=h.partner("Beat Street"),
        kind=h.kind("Percussion group"),
        first_date=tuesday,
        last_date=h.today() + datetime.timedelta(days=60),
        weekday=1,
        venue=h.venue("Northam Hall", district="SO14"),
        cost_pence=300,
        free_for_fsm=True,
        instrument_provided=True,
    )
    text = client.get(FINDER).text
    assert "Beat Street" in text and "Percussion group" in text
    assert "Tuesdays 4:30–5:30pm in term time, from 8 September" in text
    assert "Northam Hall, SO14" in text
    assert "8 to 14" in text
    assert "£3 a session; free with free school meals" in text
    assert "Instrument provided" in text


def test_in_school_and_online_cards_say_so(client, hub):
    from musichub.people.models import School

    school_band = h.opportunity("School band", setting="in_school", venue=None)
    school_band.schools.set(
        [School.objects.create(urn=100000 + n, name=f"School {n}", postcode="SO14 1AA") for n in range(3)]
    )
    h.opportunity("Online production", setting="online", venue=None)
    text = client.get(FINDER).text
    assert "In school: 3 schools" in text
    assert "Online" in text


def test_filters_in_the_address_narrow_the_results_and_stay_in_the_form(client, hub):
    h.opportunity("Free choir", cost_pence=0, min_age=5, max_age=9)
    h.opportunity("Paid band", cost_pence=500)
    response = client.get(FINDER, {"cost": "free", "age": "7"})
    assert titles(response) == ["Free choir"]
    assert re.search(r'<option value="free" selected>', response.text)
    assert 'name="age" value="7"' in response.text


def test_malformed_parameters_fall_back_to_any_and_never_break_the_page(client, hub):
    h.opportunity("Band")
    response = client.get(
        FINDER, {"age": "old", "genre": "x" * 300, "day": "-1", "page": "lots", "access": "moat"}
    )
    assert response.status_code == 200
    assert titles(response) == ["Band"]


def test_an_unknown_postcode_is_explained_beside_the_field_and_the_search_runs_without_it(client, hub):
    h.opportunity("Band", venue=h.venue(district="SO15"))
    response = client.get(FINDER, {"area": "zz"})
    assert titles(response) == ["Band"]
    assert 'id="id_area_error"' in response.text
    assert "Enter a UK postcode" in response.text


def test_results_are_paginated_twenty_to_a_page(client, hub):
    for n in range(25):
        h.opportunity(f"Group {n:02d}")
    first = client.get(FINDER)
    second = client.get(FINDER, {"page": 2})
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert "25 opportunities found" in first.text


def test_a_young_person_sees_what_fits_their_tastes_first_with_the_reason(client, hub, make_user):
    client.force_login(young_person_user(make_user, genres=["Grime"], instruments=["Drums"]))
    h.opportunity("Free folk")
    h.opportunity("Grime and drums", cost_pence=500, genres=["Grime"], instruments=["Drums"])
    response = client.get(FINDER)
    assert titles(response) == ["Grime and drums", "Free folk"]
    assert "Because you like grime and drums" in response.text
    assert response.text.count("Because you like") == 1


def test_a_guardian_sees_the_first_childs_tastes_with_the_childs_name(client, hub, make_user):
    guardian = make_user(Role.GUARDIAN)
    family = Family.objects.create()
    family.guardians.add(guardian)
    child = YoungPerson.objects.create(
        first_name="Ash",
        last_name="Lee",
        date_of_birth=datetime.date(2013, 1, 1),
        family=family,
        registered_by="guardian",
    )
    child.genres.set([h.genre("Folk")])
    h.opportunity("Free rock")
    h.opportunity("Paid folk", cost_pence=200, genres=["Folk"])
    client.force_login(guardian)
    response = client.get(FINDER)
    assert titles(response) == ["Paid folk", "Free rock"]
    assert "Because Ash likes folk" in response.text


def test_nobody_signed_in_gets_the_plain_order_with_no_reasons(client, hub):
    h.opportunity("Free rock")
    h.opportunity("Paid grime", cost_pence=200, genres=["Grime"])
    response = client.get(FINDER)
    assert titles(response) == ["Free rock", "Paid grime"]
    assert "Because" not in response.text


def test_an_empty_search_says_so_and_suggests_dropping_one_filter_at_a_time(client, hub):
    h.opportunity("Free band for teens", cost_pence=0, min_age=13, max_age=18, instrument_provided=True)
    h.opportunity("Paid band for children", cost_pence=400, min_age=7, max_age=11, instrument_provided=True)
    response = client.get(FINDER, {"cost": "free", "age": "9", "instrument_provided": "on"})
    text = response.text
    assert titles(response) == []
    assert "Nothing matches all of that" in text
    suggestions = re.findall(r'<li><a href="/opportunities/\?([^"]*)">Without “([^”]+)”: (\d+)', text)
    # Dropping "instrument provided" alone still finds nothing: it is not suggested.
    assert sorted((label, count) for _query, label, count in suggestions) == [
        ("Age: 9", "1"),
        ("Free only", "1"),
    ]
    query_for = {label: query for query, label, _count in suggestions}
    assert "age" not in query_for["Age: 9"] and "cost=free" in query_for["Age: 9"]


def test_the_finder_links_to_feeds_of_the_same_search(client, hub):
    response = client.get(FINDER, {"cost": "free", "age": "9"})
    assert 'href="/opportunities/feed.ics?cost=free&amp;age=9"' in response.text
    assert 'href="/opportunities/feed.atom?cost=free&amp;age=9"' in response.text
    assert "Subscribe to this search" in response.text


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_finder_query_count_does_not_grow_with_the_results(
    client, hub, make_user, signed_in, finder_keys_fresh
):
    if signed_in:
        client.force_login(young_person_user(make_user, genres=["Grime"], instruments=["Drums"]))
    grime = h.genre("Grime")

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(FINDER, {"cost": "free"})
        return len(captured), len(titles(response))

    for _ in range(5):
        h.opportunity(genres=[grime], instruments=["Drums"])
    few, shown = queries_for_page()
    assert shown == 5
    for _ in range(35):
        h.opportunity(genres=[grime], instruments=["Drums"])
    many, shown = queries_for_page()
    assert shown == 20
    assert few == many


def test_the_finder_query_count_is_pinned(
    client, hub, make_user, django_assert_num_queries, finder_keys_fresh
):
    for _ in range(40):
        h.opportunity(genres=["Grime"], instruments=["Drums"])
    # count, page, genres, instruments; the form's three catalogue lists; the hub's identity.
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        client.get(FINDER, {"cost": "free"})
    client.force_login(young_person_user(make_user, genres=["Grime"], instruments=["Drums"]))
    # …and for a young person: session, user, their record, its genres and instruments.
    with django_assert_num_queries(YOUNG_PERSON_QUERIES):
        client.get(FINDER, {"cost": "free"})


ANONYMOUS_QUERIES = 8
YOUNG_PERSON_QUERIES = 13


# ---- The opportunity page --------------------------------------------------------------------------------


def detail(client, opportunity):
    return client.get(reverse("offer:detail", args=[opportunity.slug]))


def test_the_page_tells_a_family_everything_they_need(client, hub):
    soon = [h.today() + datetime.timedelta(days=7 * n + 1) for n in range(8)]
    opportunity = h.opportunity(
        "Steel pan band",
        description="Bring **nothing** but yourself.",
        venue=h.venue("Northam Hall", step_free=True, hearing_loop=True),
        sessions=soon,
        level=Opportunity.Level.BEGINNER,
    )
    opportunity.sessions.filter(date=soon[1]).update(is_cancelled=True)
    text = detail(client, opportunity).text
    assert "<strong>nothing</strong>" in text
    assert "Northam Hall" in text and "1 High Street" in text
    assert "Step-free access" in text and "Hearing loop" in text
    assert "Beginner" in text
    assert "to ask for a place" in text  # a visitor is invited to sign in or register (joining)
    assert "safe@example.org" in text and "Sam Safe" in text
    listed = re.findall(r"<li>(?:<del>)?(\w+day \d+ \w+ \d{4})", text)
    assert len(listed) == 6
    assert "Cancelled" in text
    assert f'href="{reverse("partners:detail", args=[opportunity.partner.slug])}"' in text


def test_an_unpublished_partner_is_named_without_a_link(client, hub):
    opportunity = h.opportunity(partner=h.partner("Quiet Partner", is_published=False))
    text = detail(client, opportunity).text
    assert "Quiet Partner" in text
    assert reverse("partners:detail", args=[opportunity.partner.slug]) not in text


def test_a_draft_is_a_404_except_for_people_who_may_manage_it(client, hub, make_user, staff):
    draft = h.opportunity("Secret plans", status=Opportunity.Status.DRAFT)
    assert detail(client, draft).status_code == 404
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert detail(client, draft).status_code == 404
    client.force_login(staff)
    response = detail(client, draft)
    assert response.status_code == 200 and "This is a draft" in response.text


def test_a_cancelled_opportunity_is_public_with_a_banner(client, hub):
    response = detail(client, h.opportunity(status=Opportunity.Status.CANCELLED))
    assert "This has been cancelled" in response.text
    assert "Asking for a place opens soon" not in response.text


def jsonld_of(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(match.group(1))


def test_a_one_off_is_a_schema_org_event_that_cannot_break_out_of_its_script_tag(client, hub):
    title = "Drums </script><script>alert(1)</script> & more"
    day = h.today() + datetime.timedelta(days=3)
    response = detail(
        client,
        h.opportunity(
            title, schedule=Opportunity.Schedule.ONE_OFF, first_date=day, last_date=day, weekday=None
        ),
    )
    data = jsonld_of(response)
    assert data["@type"] == "Event"
    assert data["name"] == title
    assert data["startDate"].startswith(day.isoformat() + "T16:30:00")
    assert data["location"]["address"]["postalCode"] == "SO14 1AA"
    assert "<script>alert(1)" not in response.text


def test_a_weekly_group_is_a_course_with_a_weekly_course_instance(client, hub):
    data = jsonld_of(detail(client, h.opportunity(weekday=1, cost_pence=250)))
    assert data["@type"] == "Course"
    instance = data["hasCourseInstance"][0]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseSchedule"]["repeatFrequency"] == "P1W"
    assert instance["courseSchedule"]["byDay"] == "https://schema.org/Tuesday"
    assert data["offers"]["price"] == "2.50"
