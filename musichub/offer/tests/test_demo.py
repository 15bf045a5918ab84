"""The demo offer: term dates, venues and ~150 opportunities that look like a real city's, loaded quickly."""

import time
from collections import Counter
from datetime import date

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from musichub.core.demo import load_demo_hub
from musichub.core.models import ActivityKind, Setting
from musichub.offer.demo import load_demo_offer, school_year
from musichub.offer.models import Holiday, Opportunity, Session, Term, Venue
from musichub.partners.demo import load_demo_partners
from musichub.people.demo_imports import load_demo_areas_and_schools


@pytest.fixture
def demo_offer(db):
    """The demo hub's partners and schools, then the demo offer; returns how long the offer took to load."""
    load_demo_hub()
    load_demo_partners()
    load_demo_areas_and_schools()
    started = time.perf_counter()
    load_demo_offer()
    return time.perf_counter() - started


def test_the_demo_loads_quickly_with_the_citys_three_terms_and_half_terms(demo_offer):
    assert demo_offer < 10
    year = school_year(timezone.localdate())
    assert list(Term.objects.values_list("starts_on__year", flat=True)) == [year, year + 1, year + 1]
    assert Holiday.objects.filter(name__icontains="half term").count() == 3


def test_the_demo_has_forty_venues_and_an_offer_like_a_real_citys(demo_offer):
    venues = Venue.objects.all()
    assert 35 <= venues.count() <= 45
    assert not venues.filter(lsoa_code="").exists()
    assert venues.values("postcode_district").distinct().count() >= 5
    step_free = venues.filter(step_free=True).count()
    assert 0 < step_free < venues.count()
    opportunities = Opportunity.objects.all()
    total = opportunities.count()
    assert 140 <= total <= 160
    assert set(ActivityKind.objects.values_list("pk", flat=True)) <= set(
        opportunities.values_list("kind", flat=True)
    )
    settings = Counter(opportunities.values_list("setting", flat=True))
    assert 0.2 < settings[Setting.IN_SCHOOL] / total < 0.45
    assert settings[Setting.OUT_OF_SCHOOL] > total / 2
    assert settings[Setting.ONLINE] > 0
    assert 0.45 < opportunities.filter(cost_pence=0).count() / total < 0.75
    statuses = Counter(opportunities.values_list("status", flat=True))
    assert statuses["draft"] == 8 and statuses["cancelled"] == 5 and statuses["finished"] >= 10
    genres = Counter(opportunities.values_list("genres__name", flat=True))
    assert genres["Pop"] + genres["Rock"] > genres["Folk"]
    for genre in ("Classical", "Grime", "Hip hop", "Steel pan", "Bhangra", "Gospel", "Folk"):
        assert genres[genre] > 0, genre


def test_demo_statuses_agree_with_the_dates_and_sessions_skip_half_terms(demo_offer):
    today = timezone.localdate()
    assert not Opportunity.objects.filter(status="published", last_date__lt=today).exists()
    finished = Opportunity.objects.filter(status="finished").annotate(last=Max("sessions__date"))
    assert all(o.last is None or o.last < today for o in finished)
    in_school = Opportunity.objects.filter(setting="in_school").annotate(n=Count("schools"))
    assert all(1 <= o.n <= 3 for o in in_school)
    assert not Opportunity.objects.filter(setting="out_of_school", venue=None).exists()
    assert Session.objects.count() > 1000
    half_term = Holiday.objects.get(name__startswith="October half term")
    assert not Session.objects.filter(
        date__range=(half_term.starts_on, half_term.ends_on), opportunity__schedule="weekly"
    ).exists()


def test_the_demo_has_a_free_drumming_group_in_so14(demo_offer):
    drums = Opportunity.objects.filter(
        status="published", cost_pence=0, setting="out_of_school", instruments__name="Drums and percussion",
        min_age__lte=8, max_age__gte=14, venue__postcode_district="SO14", kind__name__in=["Band", "Ensemble"],
        schedule="weekly", sessions__date__gte=timezone.localdate(),
    ).distinct()  # fmt: skip
    assert drums.exists()


def test_loading_the_demo_again_changes_nothing(demo_offer):
    before = (
        Opportunity.objects.count(),
        Session.objects.count(),
        Venue.objects.count(),
        Term.objects.count(),
    )
    load_demo_offer()
    after = (
        Opportunity.objects.count(),
        Session.objects.count(),
        Venue.objects.count(),
        Term.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize(
    "today", [date(2026, 11, 25), date(2027, 8, 3), date(2028, 2, 29), date(2031, 6, 1)], ids=str
)
def test_the_demo_offer_is_current_on_any_day_it_is_loaded(db, monkeypatch, today):
    """Term dates follow the school year the demo is loaded in, and statuses agree with the dates."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    load_demo_hub()
    load_demo_partners()
    load_demo_areas_and_schools()
    load_demo_offer()
    year = school_year(today)
    assert Term.objects.order_by("starts_on").first().starts_on.year == year
    assert Opportunity.objects.filter(status="published", last_date__gte=today).count() > 50
    assert not Opportunity.objects.filter(status="finished", last_date__gte=today).exists()
    assert not Opportunity.objects.filter(status="published", last_date__lt=today).exists()
