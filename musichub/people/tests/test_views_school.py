"""School figures: a school contact sees counts for their own school only, never names; staff choose a school."""

import pytest
from django.urls import reverse

from musichub.core.roles import Role

from .factories import SchoolContactFactory, SchoolFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db

FIGURES = reverse("people:school_figures")


@pytest.fixture
def school():
    school = SchoolFactory(name="Bitterne Park Primary")
    YoungPersonFactory.create_batch(7, school=school, year_group="5", first_name="Amara")
    YoungPersonFactory.create_batch(6, school=school, year_group="6", first_name="Kofi")
    return school


def test_a_school_contact_sees_figures_for_their_school_and_never_names(client, make_user, school):
    contact = make_user(Role.SCHOOL_CONTACT)
    SchoolContactFactory(user=contact, school=school)
    other = SchoolFactory(name="Harefield Juniors")
    YoungPersonFactory.create_batch(9, school=other, year_group="5")
    client.force_login(contact)
    response = client.get(FIGURES, {"school": other.urn})  # asking for another school changes nothing
    text = response.text
    assert "Bitterne Park Primary" in text and "Harefield" not in text
    assert "<td>7</td>" in text and "<td>6</td>" in text and "<td>13</td>" in text
    assert "Amara" not in text and "Kofi" not in text


def test_small_numbers_are_suppressed_for_a_school_contact(client, make_user):
    contact = make_user(Role.SCHOOL_CONTACT)
    small = SchoolFactory()
    SchoolContactFactory(user=contact, school=small)
    YoungPersonFactory.create_batch(3, school=small, year_group="2")
    YoungPersonFactory.create_batch(8, school=small, year_group="3")
    client.force_login(contact)
    text = client.get(FIGURES).text
    assert "<td>3</td>" not in text and "<td>8</td>" not in text and "fewer than 5" in text


def test_a_school_contact_without_a_school_is_told_so(client, make_user):
    client.force_login(make_user(Role.SCHOOL_CONTACT))
    assert "not linked to a school yet" in client.get(FIGURES).text


def test_staff_choose_any_school(client, staff, school):
    client.force_login(staff)
    assert "Choose a school to see its figures." in client.get(FIGURES).text
    response = client.get(FIGURES, {"school": school.urn})
    assert "Young people from Bitterne Park Primary" in response.text and "<td>13</td>" in response.text


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.PARTNER_MEMBER, Role.MUSIC_LEADER, Role.YOUNG_PERSON])
def test_other_roles_cannot_see_school_figures(client, make_user, school, role):
    client.force_login(make_user(role))
    assert client.get(FIGURES, {"school": school.urn}).status_code == 403
