"""Postcodes: normalising them, and finding the areas a postcode lies in (musichub/people/areas.py)."""

import pytest
from django.core.exceptions import ValidationError

from musichub.people.areas import area_for_postcode, coordinates_for_postcode, normalise_postcode
from musichub.people.imports import Source, run_import
from musichub.people.models import ImportRun, Neighbourhood, PostcodeArea


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("so147ly", "SO14 7LY"),
        ("  SO14   7LY ", "SO14 7LY"),
        ("s o 1 4 7 l y", "SO14 7LY"),
        ("m11ae", "M1 1AE"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A0AX", "W1A 0AX"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised_to_capitals_with_one_space(typed, normalised):
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize(
    "typed", ["", "SO14", "SO14 77LY", "1SO4 7LY", "SO14 7L1", "SO147LYX", "not a postcode"]
)
def test_a_postcode_in_the_wrong_shape_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as error:
        normalise_postcode(typed)

    assert error.value.code == "postcode_shape"
    assert error.value.messages == ["Enter a UK postcode, like SO14 7LY."]


@pytest.fixture
def areas(db):
    Neighbourhood.objects.create(lsoa_code="E01099001", imd_decile=2)
    PostcodeArea.objects.create(postcode="SO14 7LY", lsoa_code="E01099001", ward_code="E05099001")
    PostcodeArea.objects.create(postcode="SO15 2AB", lsoa_code="E01099999", ward_code="E05099002")


def test_a_known_postcode_gives_its_lsoa_ward_deprivation_decile_and_district_in_one_query(
    areas, django_assert_num_queries
):
    with django_assert_num_queries(1):
        area = area_for_postcode("so14 7ly")

    assert area == {"lsoa_code": "E01099001", "ward_code": "E05099001", "imd_decile": 2, "district": "SO14"}


def test_a_postcode_whose_lsoa_has_no_deprivation_figure_gives_no_decile(areas):
    assert area_for_postcode("SO15 2AB") == {
        "lsoa_code": "E01099999",
        "ward_code": "E05099002",
        "imd_decile": None,
        "district": "SO15",
    }


def test_a_postcode_not_in_the_directory_gives_its_district_only(areas):
    assert area_for_postcode("SO16 9ZZ") == {
        "lsoa_code": "",
        "ward_code": "",
        "imd_decile": None,
        "district": "SO16",
    }


def test_a_blank_postcode_gives_blank_areas_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert area_for_postcode("  ") == {
            "lsoa_code": "",
            "ward_code": "",
            "imd_decile": None,
            "district": "",
        }


def test_area_for_a_postcode_in_the_wrong_shape_is_refused(db):
    with pytest.raises(ValidationError, match="UK postcode"):
        area_for_postcode("SO14 77LY")


# ---- Where a postcode is ------------------------------------------------------------------------------------


def import_postcodes(text: str) -> ImportRun:
    return run_import(kind="postcodes", source=Source.from_bytes(text.encode(), "onspd.csv"), options={})


def test_the_postcode_import_reads_latitude_and_longitude_and_the_no_location_value_as_missing(db):
    run = import_postcodes(
        "pcds,lsoa21cd,osward,lat,long\n"
        "SO14 7LY,E01099001,E05099001,50.909700,-1.404400\n"
        "SO15 2AB,E01099002,E05099002,99.999999,0.000000\n"
        "SO16 3CD,E01099003,E05099003,,\n"
    )

    assert run.status == ImportRun.Status.COMPLETED, run.problems
    assert dict(PostcodeArea.objects.values_list("postcode", "latitude")) == {
        "SO14 7LY": 50.9097,
        "SO15 2AB": None,
        "SO16 3CD": None,
    }
    assert PostcodeArea.objects.get(postcode="SO14 7LY").longitude == -1.4044
    assert PostcodeArea.objects.get(postcode="SO15 2AB").longitude is None


def test_a_coordinate_that_is_not_a_number_or_out_of_range_is_a_row_problem(db):
    run = import_postcodes(
        "pcds,lsoa21cd,osward,lat,long\nSO14 7LY,E01099001,,north,-1.4\nSO15 2AB,E01099002,,50.9,-181\n"
    )

    assert [(p["row"], p["column"]) for p in run.problems] == [(2, "lat"), (3, "long")]
    assert not PostcodeArea.objects.exists()


def test_a_postcode_file_without_coordinates_keeps_the_ones_already_stored(db):
    import_postcodes("pcds,lsoa21cd,osward,lat,long\nSO14 7LY,E01099001,,50.9097,-1.4044\n")

    import_postcodes("pcds,lsoa21cd,osward\nSO14 7LY,E01099002,\n")

    assert PostcodeArea.objects.values_list("lsoa_code", "latitude").get() == ("E01099002", 50.9097)


def test_coordinates_for_a_postcode_come_from_the_directory_in_one_query(db, django_assert_num_queries):
    PostcodeArea.objects.create(
        postcode="SO14 7LY", lsoa_code="E01099001", latitude=50.9097, longitude=-1.4044
    )
    PostcodeArea.objects.create(postcode="SO15 2AB", lsoa_code="E01099002")

    with django_assert_num_queries(1):
        assert coordinates_for_postcode("so147ly") == (50.9097, -1.4044)
    assert coordinates_for_postcode("SO15 2AB") is None  # in the directory, but with no location
    assert coordinates_for_postcode("SO99 9ZZ") is None
    with django_assert_num_queries(0):
        assert coordinates_for_postcode("not a postcode") is None
        assert coordinates_for_postcode("") is None


def test_the_sample_postcodes_lie_in_southampton_each_district_together():
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "sample_data" / "postcodes_sample.csv"
    by_district: dict[str, list[tuple[float, float]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_district.setdefault(row["pcds"].split()[0], []).append((float(row["lat"]), float(row["long"])))
    for points in by_district.values():
        latitudes, longitudes = [p[0] for p in points], [p[1] for p in points]
        assert min(latitudes) > 50.88 and max(latitudes) < 50.96
        assert min(longitudes) > -1.46 and max(longitudes) < -1.34
        assert max(latitudes) - min(latitudes) < 0.02 and max(longitudes) - min(longitudes) < 0.03
