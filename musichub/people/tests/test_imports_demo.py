"""The demo city's schools, areas and population, imported from the made-up sample files."""

import pytest
from django.db.models import Sum

from musichub.people.demo_imports import DEMO_POPULATION_AS_OF, load_demo_areas_and_schools
from musichub.people.models import ImportRun, Neighbourhood, PopulationFigure, PostcodeArea, School

pytestmark = pytest.mark.django_db


def test_the_demo_imports_about_60_schools_of_the_demo_local_authority_two_of_them_closed():
    load_demo_areas_and_schools()

    assert set(School.objects.values_list("la_code", flat=True)) == {"852"}
    assert School.objects.filter(is_open=True).count() == 60
    assert School.objects.filter(is_open=False).count() == 2
    assert set(School.objects.values_list("phase", flat=True)) == {
        "Primary",
        "Secondary",
        "Not applicable",
        "All-through",
    }
    # The sample is Windows-1252, as GIAS publishes it: its accented names arrive intact.
    assert School.objects.filter(name="St Brannoc’s Catholic Primary School").exists()
    assert School.objects.filter(name="Amélie Road Infant School").exists()


def test_the_demo_areas_link_school_postcodes_to_deprivation_skewed_to_the_most_deprived():
    load_demo_areas_and_schools()

    assert Neighbourhood.objects.count() == 40
    assert PostcodeArea.objects.values("ward_code").distinct().count() == 16
    deciles = list(Neighbourhood.objects.values_list("imd_decile", flat=True))
    assert sum(1 for d in deciles if d <= 3) > sum(1 for d in deciles if d >= 8) * 2
    school_postcodes = set(School.objects.values_list("postcode", flat=True))
    assert school_postcodes <= set(PostcodeArea.objects.values_list("postcode", flat=True))


def test_the_demo_population_has_the_citys_shares_of_each_characteristic():
    load_demo_areas_and_schools()

    figures = PopulationFigure.objects.filter(as_of=DEMO_POPULATION_AS_OF)
    total = figures.filter(characteristic="all").aggregate(n=Sum("pupils"))["n"]
    shares = {
        (c, v): round(100 * n / total)
        for c, v, n in figures.exclude(characteristic="all")
        .values_list("characteristic", "value")
        .annotate(n=Sum("pupils"))
        .values_list("characteristic", "value", "n")
    }
    assert 27 <= shares["fsm", ""] <= 33
    assert 12 <= shares["sen_support", ""] <= 16
    assert 3 <= shares["ehcp", ""] <= 5
    assert 17 <= shares["eal", ""] <= 23
    assert {
        value: shares["ethnic_group", value] for value in ["white", "asian", "black", "mixed", "other"]
    } == {
        "white": 75,
        "asian": 10,
        "black": 5,
        "mixed": 6,
        "other": 4,
    }
    assert shares["sex", "female"] == shares["sex", "male"] == 50
    # Every open school has figures, and they add up to the pupils GIAS says it has.
    on_roll = dict(School.objects.filter(is_open=True).values_list("pk", "number_of_pupils"))
    by_school = dict(figures.filter(characteristic="all").values_list("school").annotate(n=Sum("pupils")))
    assert by_school == on_roll


def test_loading_the_demo_twice_changes_nothing_the_second_time():
    load_demo_areas_and_schools()
    counts = (School.objects.count(), PostcodeArea.objects.count(), PopulationFigure.objects.count())

    load_demo_areas_and_schools()

    assert (School.objects.count(), PostcodeArea.objects.count(), PopulationFigure.objects.count()) == counts
    second = ImportRun.objects.order_by("-pk")[:4]
    assert all(run.counts["created"] == run.counts["updated"] == 0 for run in second)
