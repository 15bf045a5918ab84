"""Reads: who sees which records, which consents are in force, duplicates, school figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from musichub.core.privacy import FEWER_THAN_5
from musichub.core.roles import Role
from musichub.people.choices import ConsentPurpose
from musichub.people.models import YoungPerson
from musichub.people.selectors import (
    children_of,
    has_consent,
    possible_duplicates,
    school_figures,
    school_of_contact,
    with_active_consent,
    young_people_list,
    young_people_visible_to,
)
from musichub.people.services import create_family_for_guardian, invite_second_guardian

from .factories import ConsentFactory, SchoolContactFactory, SchoolFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_families(make_user):
    mine, theirs = make_user(Role.GUARDIAN), make_user(Role.GUARDIAN)
    my_family, their_family = (
        create_family_for_guardian(guardian=mine),
        create_family_for_guardian(guardian=theirs),
    )
    my_children = YoungPersonFactory.create_batch(2, family=my_family)
    their_child = YoungPersonFactory(family=their_family)
    return mine, my_children, their_child


def test_a_guardian_sees_only_their_own_children(two_families):
    guardian, my_children, their_child = two_families
    assert set(young_people_visible_to(guardian)) == set(my_children)
    assert set(children_of(guardian)) == set(my_children)


def test_a_second_guardian_sees_the_same_children(two_families):
    guardian, my_children, _their_child = two_families
    family = my_children[0].family
    second = invite_second_guardian(
        family=family, invited_by=guardian, email="second@example.org", first_name="S", last_name="G"
    )
    assert set(young_people_visible_to(second)) == set(my_children)


def test_a_young_person_sees_only_themself(make_user):
    account = make_user(Role.YOUNG_PERSON)
    me = YoungPersonFactory(user=account)
    YoungPersonFactory()
    assert list(young_people_visible_to(account)) == [me]


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.MUSIC_LEADER, Role.SCHOOL_CONTACT])
def test_partner_members_music_leaders_and_school_contacts_see_no_records(make_user, role):
    user = make_user(role)
    school = SchoolFactory()
    SchoolContactFactory(user=user, school=school)
    YoungPersonFactory.create_batch(3, school=school)
    assert not young_people_visible_to(user).exists()
    assert not young_people_list(user).exists()


def test_staff_see_everyone_including_anonymised_records(staff, two_families):
    YoungPersonFactory(anonymised_at=timezone.now())
    assert young_people_visible_to(staff).count() == YoungPerson.objects.count() == 4


def test_the_staff_list_searches_names_and_filters_by_school_and_year(staff):
    school = SchoolFactory()
    YoungPersonFactory(first_name="Amara", last_name="Okafor", school=school, year_group="5")
    YoungPersonFactory(first_name="Amara", last_name="Smith", school=school, year_group="6")
    YoungPersonFactory(first_name="Ben", last_name="Okafor", year_group="5")
    assert [p.last_name for p in young_people_list(staff, search="amara")] == ["Okafor", "Smith"]
    assert [p.first_name for p in young_people_list(staff, search="amara okafor")] == ["Amara"]
    assert [p.last_name for p in young_people_list(staff, school=school, year_group="6")] == ["Smith"]


def test_has_consent_reads_only_active_consents():
    person = YoungPersonFactory()
    ConsentFactory(young_person=person, purpose=ConsentPurpose.MEDIA, withdrawn_at=timezone.now())
    assert not has_consent(person, ConsentPurpose.MEDIA)
    ConsentFactory(young_person=person, purpose=ConsentPurpose.MEDIA)
    assert has_consent(person, ConsentPurpose.MEDIA)


def test_with_active_consent_filters_a_queryset_to_those_who_consented():
    yes, withdrawn, never = YoungPersonFactory.create_batch(3)
    ConsentFactory(young_person=yes, purpose=ConsentPurpose.PUBLIC_SHARING)
    ConsentFactory(young_person=withdrawn, purpose=ConsentPurpose.PUBLIC_SHARING, withdrawn_at=timezone.now())
    ConsentFactory(young_person=never, purpose=ConsentPurpose.MEDIA)
    assert list(with_active_consent(YoungPerson.objects.all(), ConsentPurpose.PUBLIC_SHARING)) == [yes]


def test_duplicates_same_name_ignoring_case_and_date_of_birth():
    person = YoungPersonFactory(first_name="Jo", last_name="Rivera")
    same = YoungPersonFactory(first_name="JO", last_name="rivera", date_of_birth=person.date_of_birth)
    YoungPersonFactory(
        first_name="Jo", last_name="Rivera", date_of_birth=person.date_of_birth - timedelta(days=1)
    )
    assert list(possible_duplicates(person)) == [same]


def test_duplicates_at_the_same_school_with_a_similar_name_or_the_same_birthday():
    school = SchoolFactory()
    person = YoungPersonFactory(first_name="Jonathan", last_name="Rivera", school=school)
    similar = YoungPersonFactory(first_name="Jon", last_name="Rivera", school=school,
                                 date_of_birth=person.date_of_birth - timedelta(days=400))  # fmt: skip
    same_birthday = YoungPersonFactory(first_name="Zed", last_name="Other", school=school,
                                       date_of_birth=person.date_of_birth)  # fmt: skip
    YoungPersonFactory(
        first_name="Jon", last_name="Rivera", date_of_birth=person.date_of_birth - timedelta(days=400)
    )
    YoungPersonFactory(first_name="Mia", last_name="Rivera", school=school,
                       date_of_birth=person.date_of_birth - timedelta(days=30))  # fmt: skip
    assert set(possible_duplicates(person)) == {similar, same_birthday}


def test_school_figures_count_by_year_group_and_suppress_small_numbers():
    school = SchoolFactory()
    YoungPersonFactory.create_batch(6, school=school, year_group="5")
    YoungPersonFactory.create_batch(2, school=school, year_group="6")
    YoungPersonFactory.create_batch(9, school=school, year_group="7")
    YoungPersonFactory.create_batch(3, year_group="6")  # another school
    figures = school_figures(school)
    rows = {str(row["label"]): row["count"] for row in figures["rows"]}
    # Year 6's 2 is hidden; with the total shown, the smallest other cell (Year 5) is hidden too.
    assert rows == {"Year 5": FEWER_THAN_5, "Year 6": FEWER_THAN_5, "Year 7": 9}
    assert figures["total"] == 17


def test_a_school_contact_speaks_for_their_linked_school(make_user):
    contact = make_user(Role.SCHOOL_CONTACT)
    link = SchoolContactFactory(user=contact)
    assert school_of_contact(contact) == link.school
    assert school_of_contact(make_user(Role.SCHOOL_CONTACT)) is None
