"""The finder's reads: which opportunities a search finds, and in what order."""

import datetime

import pytest

from musichub.core.roles import Role
from musichub.offer import selectors
from musichub.offer.forms import FinderForm
from musichub.offer.models import Opportunity
from musichub.people.models import Family, PostcodeArea, YoungPerson

from . import finder_helpers as h

pytestmark = pytest.mark.django_db


def found(filters=None, tastes=None):
    return [o.title for o in selectors.finder_results(filters=filters or {}, today=h.today(), tastes=tastes)]


def search(**query):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [str(value)])
    return FinderForm.from_query(data)


# ---- What is listed ------------------------------------------------------------------------------------


def test_drafts_cancelled_and_finished_or_past_opportunities_are_never_listed():
    h.opportunity("Open band")
    h.opportunity("Draft band", status=Opportunity.Status.DRAFT)
    h.opportunity("Cancelled band", status=Opportunity.Status.CANCELLED)
    h.opportunity("Full band", status=Opportunity.Status.FULL)
    past = h.today() - datetime.timedelta(days=30)
    h.opportunity("Past band", first_date=past, last_date=h.today() - datetime.timedelta(days=1))
    h.opportunity("Ends today", first_date=past, last_date=h.today())
    assert sorted(found()) == ["Ends today", "Open band"]


# ---- Each filter narrows --------------------------------------------------------------------------------


def test_free_text_searches_title_and_summary():
    h.opportunity("Steel pan band")
    h.opportunity("Choir", summary="Sing with steel in your voice")
    h.opportunity("Orchestra")
    assert sorted(found({"q": "steel"})) == ["Choir", "Steel pan band"]


def test_genre_instrument_and_kind_filters_narrow_and_list_each_opportunity_once():
    grime, folk = h.genre("Grime"), h.genre("Folk")
    drums = h.instrument("Drums")
    h.opportunity("Grime crew", genres=[grime, folk], instruments=[drums], kind=h.kind("DJ and MC"))
    h.opportunity("Folk club", genres=[folk])
    assert found({"genre": grime}) == ["Grime crew"]
    assert sorted(found({"genre": folk})) == ["Folk club", "Grime crew"]
    assert found({"instrument": drums}) == ["Grime crew"]
    assert found({"kind": h.kind("DJ and MC")}) == ["Grime crew"]


def test_age_boundaries_are_inclusive():
    h.opportunity("Eight to fourteen", min_age=8, max_age=14)
    assert found({"age": 8}) == ["Eight to fourteen"]
    assert found({"age": 14}) == ["Eight to fourteen"]
    assert found({"age": 7}) == []
    assert found({"age": 15}) == []


def test_day_filter_finds_weekly_opportunities_on_that_day_and_one_offs_with_a_session_then():
    monday = h.today() + datetime.timedelta(days=(7 - h.today().weekday()) % 7 or 7)
    tuesday = monday + datetime.timedelta(days=1)
    h.opportunity("Monday band", first_date=monday, weekday=0)
    h.opportunity("Tuesday band", first_date=tuesday, weekday=1)
    h.opportunity(
        "Tuesday workshop",
        schedule=Opportunity.Schedule.ONE_OFF,
        weekday=None,
        first_date=tuesday,
        last_date=tuesday,
        sessions=[tuesday],
    )
    assert sorted(found({"day": "1"})) == ["Tuesday band", "Tuesday workshop"]
    assert found({"day": "0"}) == ["Monday band"]


def test_time_of_day_filters_by_start_time_and_weekend_by_day():
    h.opportunity("Morning", starts_at=datetime.time(9, 0), ends_at=datetime.time(11, 0), weekday=5)
    h.opportunity("Afternoon", starts_at=datetime.time(12, 0), ends_at=datetime.time(13, 0), weekday=1)
    h.opportunity("Evening", starts_at=datetime.time(17, 0), ends_at=datetime.time(19, 0), weekday=2)
    assert found({"time": "morning"}) == ["Morning"]
    assert found({"time": "afternoon"}) == ["Afternoon"]
    assert found({"time": "evening"}) == ["Evening"]
    assert found({"time": "weekend"}) == ["Morning"]


def test_cost_filters_free_only_or_free_with_free_school_meals():
    h.opportunity("Free", cost_pence=0)
    h.opportunity("Paid", cost_pence=300)
    h.opportunity("Paid but free with FSM", cost_pence=300, free_for_fsm=True)
    assert found({"cost": "free"}) == ["Free"]
    assert sorted(found({"cost": "free_fsm"})) == ["Free", "Paid but free with FSM"]


def test_setting_beginner_and_instrument_provided_filters_narrow():
    h.opportunity("Online", setting="online")
    h.opportunity("Advanced", level=Opportunity.Level.ADVANCED, instrument_provided=True)
    h.opportunity("Beginners", level=Opportunity.Level.BEGINNER)
    h.opportunity("No experience", level=Opportunity.Level.NO_EXPERIENCE)
    assert found({"setting": "online"}) == ["Online"]
    assert "Advanced" not in found({"beginner": True})
    assert {"Beginners", "No experience"} <= set(found({"beginner": True}))
    assert found({"instrument_provided": True}) == ["Advanced"]


def test_every_ticked_access_fact_is_required():
    h.opportunity("Step-free only", venue=h.venue(step_free=True))
    h.opportunity("Step-free with loop", venue=h.venue(step_free=True, hearing_loop=True))
    h.opportunity("Online", setting="online")
    assert sorted(found({"access": ["step_free"]})) == ["Step-free only", "Step-free with loop"]
    assert found({"access": ["step_free", "hearing_loop"]}) == ["Step-free with loop"]


def test_area_filter_matches_the_venue_district_or_a_school_there():
    from musichub.people.models import School

    h.opportunity("In SO14", venue=h.venue(district="SO14"))
    h.opportunity("In SO15", venue=h.venue(district="SO15"))
    in_school = h.opportunity("School band", setting="in_school", venue=None)
    in_school.schools.set([School.objects.create(urn=100001, name="Bitterne Park", postcode="SO14 2AB")])
    assert sorted(found({"area": "SO14"})) == ["In SO14", "School band"]


# ---- Reading the form ------------------------------------------------------------------------------------


def test_a_full_postcode_is_reduced_to_its_district_until_the_directory_is_imported():
    # (With the directory imported, a full postcode is a distance search: test_distance.py.)
    _form, filters = search(area="so14 7ly")
    assert filters["area"] == "SO14"
    _form, filters = search(area="so14")
    assert filters["area"] == "SO14"


def test_an_unknown_or_malformed_postcode_gets_a_message_and_the_search_runs_without_it():
    PostcodeArea.objects.create(postcode="SO14 7LY", lsoa_code="E01017140")
    form, filters = search(area="SO99 9ZZ", age=9)
    assert "area" not in filters and filters["age"] == 9
    assert "could not find SO99 9ZZ" in form.errors["area"][0]
    form, filters = search(area="not a postcode")
    assert "area" not in filters
    assert "Enter a UK postcode" in form.errors["area"][0]


def test_malformed_values_fall_back_to_any():
    form, filters = search(
        age="eleven", genre="no-such-genre", day="9", time="midnight", cost="cheap", access=["moat"]
    )
    assert filters == {}
    assert not form.errors
    form, filters = search(age="99")
    assert filters == {}


# ---- Order -----------------------------------------------------------------------------------------------


def test_free_opportunities_come_first_then_by_next_session_date():
    soon, later = h.today() + datetime.timedelta(days=2), h.today() + datetime.timedelta(days=5)
    h.opportunity("Paid and soon", cost_pence=500, sessions=[soon])
    h.opportunity("Free and later", sessions=[later])
    h.opportunity("Free and soon", sessions=[soon])
    assert found() == ["Free and soon", "Free and later", "Paid and soon"]


def test_tastes_put_matching_opportunities_first_however_many_they_match():
    grime, drums = h.genre("Grime"), h.instrument("Drums")
    h.opportunity("Free folk")
    h.opportunity("Paid grime", cost_pence=300, genres=[grime])
    h.opportunity("Paid grime with drums", cost_pence=300, genres=[grime], instruments=[drums])
    tastes = {"genres": {grime.pk: "Grime"}, "instruments": {drums.pk: "Drums"}}
    assert found(tastes=tastes) == ["Paid grime with drums", "Paid grime", "Free folk"]
    # A genre filter does not cut the score down to the filtered genre.
    assert found({"genre": grime}, tastes=tastes) == ["Paid grime with drums", "Paid grime"]


def test_a_young_persons_own_record_or_a_guardians_first_child_gives_the_tastes(make_user):
    person = make_user(Role.YOUNG_PERSON)
    record = YoungPerson.objects.create(
        first_name="Jo",
        last_name="Lee",
        date_of_birth=datetime.date(2012, 1, 1),
        user=person,
        registered_by="self",
    )
    assert selectors.young_person_for_tastes(person) == record
    guardian = make_user(Role.GUARDIAN)
    family = Family.objects.create()
    family.guardians.add(guardian)
    older = YoungPerson.objects.create(
        first_name="Ash",
        last_name="Lee",
        date_of_birth=datetime.date(2010, 1, 1),
        family=family,
        registered_by="guardian",
    )
    YoungPerson.objects.create(
        first_name="Bo",
        last_name="Lee",
        date_of_birth=datetime.date(2014, 1, 1),
        family=family,
        registered_by="guardian",
    )
    assert selectors.young_person_for_tastes(guardian) == older
    assert selectors.young_person_for_tastes(make_user(Role.HUB_STAFF)) is None
