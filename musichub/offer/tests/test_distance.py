"""The finder's distance search: venues within a few miles of a full postcode, nearest first."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from musichub.core.roles import Role
from musichub.offer.services import create_venue
from musichub.people.models import PostcodeArea

from . import finder_helpers as h
from .test_views_finder import ANONYMOUS_QUERIES, titles, young_person_user

pytestmark = pytest.mark.django_db

FINDER = reverse("offer:finder")
# The searcher's postcode, and a degree of latitude in miles (69), so venues can be placed a set distance north.
HOME = (50.9000, -1.4000)
MILE = 1 / 69.0


@pytest.fixture
def home(db):
    PostcodeArea.objects.create(
        postcode="SO14 7LY", lsoa_code="E01099001", latitude=HOME[0], longitude=HOME[1]
    )


def at(miles_north: float, miles_east: float = 0.0, **fields):
    """A venue that many miles north (and east) of HOME."""
    import math

    east = miles_east * MILE / math.cos(math.radians(HOME[0]))
    return h.venue(latitude=HOME[0] + miles_north * MILE, longitude=HOME[1] + east, **fields)


def distances(response) -> list[str]:
    return re.findall(r"<dt>Distance</dt><dd>([^<]+)</dd>", response.text)


def test_nearer_venues_come_first_even_before_free_ones_and_each_card_says_how_far(client, home):
    h.opportunity("Free, two miles", venue=at(2), cost_pence=0)
    h.opportunity("Paid, half a mile", venue=at(0.5), cost_pence=500)
    h.opportunity("Paid, a mile east", venue=at(0, 1.2), cost_pence=500)

    response = client.get(FINDER, {"area": "so14 7ly"})

    assert titles(response) == ["Paid, half a mile", "Paid, a mile east", "Free, two miles"]
    assert distances(response) == ["0.5 miles away", "1.2 miles away", "2.0 miles away"]
    # The postcode stays as typed (normalised) and the default radius is shown chosen.
    assert 'value="SO14 7LY"' in response.text
    assert re.search(r'<option value="3" selected>', response.text)


def test_among_venues_as_near_as_each_other_free_ones_come_first(client, home):
    same_place = at(1)
    h.opportunity("Paid", venue=same_place, cost_pence=500)
    h.opportunity("Free", venue=same_place, cost_pence=0)

    assert titles(client.get(FINDER, {"area": "SO14 7LY"})) == ["Free", "Paid"]


def test_the_radius_leaves_out_farther_venues_including_the_corners_of_the_box(client, home):
    h.opportunity("Under a mile", venue=at(0.9))
    h.opportunity("Nearly three", venue=at(-2.9))
    h.opportunity("Four miles", venue=at(4))
    h.opportunity("In the corner", venue=at(2.5, 2.5))  # 3.5 miles away, inside the 3-mile square
    h.opportunity("Nowhere known", venue=h.venue())  # a venue without coordinates

    assert titles(client.get(FINDER, {"area": "SO14 7LY"})) == ["Under a mile", "Nearly three"]
    assert titles(client.get(FINDER, {"area": "SO14 7LY", "within": "1"})) == ["Under a mile"]
    assert titles(client.get(FINDER, {"area": "SO14 7LY", "within": "5"})) == [
        "Under a mile",
        "Nearly three",
        "In the corner",
        "Four miles",
    ]


def test_a_district_on_its_own_still_filters_by_district_without_distances(client, home):
    h.opportunity("In SO14", venue=at(5, district="SO14"))
    h.opportunity("In SO15", venue=at(0.1, district="SO15"))

    response = client.get(FINDER, {"area": "so14", "within": "1"})

    assert titles(response) == ["In SO14"]
    assert distances(response) == []


def test_online_and_in_school_opportunities_are_left_out_of_distance_searches_and_the_hint_says_so(
    client, home
):
    near = at(0.2)
    h.opportunity("At the hall", venue=near)
    h.opportunity("In school", venue=near, setting="in_school")
    h.opportunity("Online", venue=None, setting="online")

    response = client.get(FINDER, {"area": "SO14 7LY"})

    assert titles(response) == ["At the hall"]
    assert "in-school and online activities are not included" in response.text
    assert sorted(titles(client.get(FINDER))) == ["At the hall", "In school", "Online"]


@pytest.mark.parametrize("postcode", ["SO99 9ZZ", "SO15 2AB"])
def test_a_postcode_not_found_or_without_a_location_is_explained_and_the_search_runs_without_distance(
    client, home, postcode
):
    PostcodeArea.objects.create(postcode="SO15 2AB", lsoa_code="E01099002")  # no location in the directory
    h.opportunity("Far away", venue=at(40))

    response = client.get(FINDER, {"area": postcode})

    assert titles(response) == ["Far away"]
    assert distances(response) == []
    district = postcode.split()[0]
    assert (
        f"We could not find {postcode}. Check it, or search by the first part, like {district}."
        in response.text
    )
    assert 'id="id_area_error"' in response.text
    assert re.search(r'<option value="3" selected>', response.text)  # the default radius, shown
    response = client.get(FINDER, {"area": postcode, "within": "5"})
    assert re.search(r'<option value="5" selected>', response.text)  # the radius chosen, kept


def test_the_distance_search_carries_into_the_calendar_feed(client, home):
    h.opportunity("Near", venue=at(1), sessions=[h.today()])
    h.opportunity("Far", venue=at(9), sessions=[h.today()])

    text = client.get(reverse("offer:finder_ics"), {"area": "SO14 7LY"}).content.decode()

    assert "SUMMARY:Near" in text and "SUMMARY:Far" not in text


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_distance_search_costs_the_same_queries_for_5_and_40_results(
    client, home, make_user, signed_in, finder_keys_fresh
):
    if signed_in:
        client.force_login(young_person_user(make_user, genres=["Grime"], instruments=["Drums"]))

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(FINDER, {"area": "SO14 7LY", "within": "2"})
        return len(captured), len(titles(response))

    for n in range(5):
        h.opportunity(genres=["Grime"], instruments=["Drums"], venue=at(n * 0.1))
    few, shown = queries_for_page()
    assert shown == 5
    for n in range(35):
        h.opportunity(genres=["Grime"], instruments=["Drums"], venue=at(n * 0.05))
    many, shown = queries_for_page()
    assert shown == 20
    assert few == many


def test_a_distance_search_adds_one_query_the_postcode_lookup(
    client, home, django_assert_num_queries, finder_keys_fresh
):
    for n in range(40):
        h.opportunity(venue=at(n * 0.05))
    with django_assert_num_queries(ANONYMOUS_QUERIES + 1):
        client.get(FINDER, {"area": "SO14 7LY", "cost": "free"})


def test_a_venue_takes_its_location_from_its_postcode_when_added_or_moved(make_user, home):
    staff = make_user(Role.HUB_STAFF)
    PostcodeArea.objects.create(postcode="SO15 2AB", lsoa_code="E01099002")

    venue = create_venue(created_by=staff, name="Quay Hall", address="1 Quay", postcode="so147ly")
    assert (venue.latitude, venue.longitude) == HOME

    from musichub.offer.services import update_venue

    venue = update_venue(venue=venue, edited_by=staff, postcode="SO15 2AB")
    assert (venue.latitude, venue.longitude) == (None, None)
