"""Postcodes: normalising them, and finding the areas a postcode lies in (musichub/people/areas.py)."""

import pytest
from django.core.exceptions import ValidationError

from musichub.people.areas import area_for_postcode, normalise_postcode
from musichub.people.models import Neighbourhood, PostcodeArea


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
