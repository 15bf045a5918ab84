"""The demo city's young people: how many, how they are spread, and that loading is idempotent and quick."""

import datetime
import time

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from musichub.core.models import User
from musichub.core.roles import Role
from musichub.people.choices import Ethnicity
from musichub.people.demo import (
    FAMILY_EMAIL_DOMAIN,
    link_demo_logins,
    load_demo_people,
    year_group_for,
)
from musichub.people.models import Consent, Family, NamedBarrier, SupportRequest, YoungPerson
from musichub.people.privacy import records_due_for_erasure
from musichub.people.selectors import young_people_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The hub, its schools, areas and catalogues, the staff login, then the young people (timed).

    Loaded once for the module inside a transaction that is rolled back at the end (as TestCase's
    setUpTestData does); each test runs in a savepoint inside it.
    """
    from django.db import transaction

    from musichub.core.demo import load_demo_hub
    from musichub.people.demo_catalogues import load_demo_catalogues
    from musichub.people.demo_imports import load_demo_areas_and_schools

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_hub()
        load_demo_areas_and_schools()
        load_demo_catalogues()
        staff = User.objects.create_user(username="staff", email="staff@example.org", role=Role.HUB_STAFF)
        started = time.monotonic()
        load_demo_people()
        yield {"seconds": time.monotonic() - started, "staff": staff}
        transaction.set_rollback(True)


def _share(condition) -> float:
    return YoungPerson.objects.filter(condition).count() / YoungPerson.objects.count()


def test_the_demo_city_has_about_3000_young_people_in_about_1400_families(demo_city):
    assert YoungPerson.objects.count() == 3000
    assert 1350 <= Family.objects.count() <= 1400
    sizes = set(Family.objects.annotate(n=Count("children")).values_list("n", flat=True))
    assert sizes <= {1, 2, 3}
    guardians = Family.objects.annotate(n=Count("guardians")).values_list("n", flat=True)
    assert set(guardians) == {1, 2}
    accounts = User.objects.filter(email__endswith=f"@{FAMILY_EMAIL_DOMAIN}")
    assert accounts.count() == sum(guardians)
    assert set(accounts.values_list("role", flat=True)) == {Role.GUARDIAN}
    assert not any(user.has_usable_password() for user in accounts[:50])


def test_loading_the_demo_people_twice_adds_nothing(demo_city):
    counts = (
        YoungPerson.objects.count(),
        Family.objects.count(),
        Consent.objects.count(),
        User.objects.count(),
    )
    load_demo_people()
    assert (
        YoungPerson.objects.count(),
        Family.objects.count(),
        Consent.objects.count(),
        User.objects.count(),
    ) == counts


def test_the_demo_people_load_quickly(demo_city):
    assert demo_city["seconds"] < 30


def test_ages_are_5_to_18_and_year_groups_match_ages(demo_city):
    today = timezone.localdate()
    births = YoungPerson.objects.values_list("date_of_birth", "year_group")
    for date_of_birth, year_group in births:
        age = (
            today.year
            - date_of_birth.year
            - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
        )
        assert 5 <= age <= 18
        assert year_group == year_group_for(date_of_birth, today)


def test_year_groups_follow_the_english_school_year():
    today = datetime.date(2026, 11, 25)
    assert year_group_for(datetime.date(2015, 8, 31), today) == "7"  # 11 on 31 August 2026: secondary school
    assert year_group_for(datetime.date(2015, 9, 1), today) == "6"
    assert year_group_for(datetime.date(2022, 1, 1), today) == "R"
    assert year_group_for(datetime.date(2008, 1, 1), today) == ""  # 18 before September: past Year 13


def test_most_are_at_a_school_that_teaches_their_year_group_and_a_few_are_not_in_school(demo_city):
    at_school = YoungPerson.objects.filter(school__isnull=False).select_related("school")
    for young_person in at_school[:500]:
        school = young_person.school
        start_age = {"N": 3, "R": 4}.get(young_person.year_group) or int(young_person.year_group) + 4
        assert school.statutory_low_age <= start_age < school.statutory_high_age
    elsewhere = _share(Q(school__isnull=True))
    assert 0.01 <= elsewhere <= 0.06
    assert YoungPerson.objects.values("school").distinct().count() >= 50


def test_characteristics_come_in_realistic_proportions_with_not_known_and_prefer_not_to_say(demo_city):
    assert 0.25 <= _share(Q(fsm="yes")) <= 0.35
    assert 0.11 <= _share(Q(send="sen_support")) <= 0.17
    assert 0.025 <= _share(Q(send="ehcp")) <= 0.055
    assert 0.15 <= _share(Q(eal="yes")) <= 0.26
    assert 0.004 <= _share(Q(care_experienced="yes")) <= 0.02
    assert 0.02 <= _share(Q(young_carer="yes")) <= 0.045
    assert 0.06 <= _share(Q(disability="yes")) <= 0.10
    groups = {}
    for ethnicity, n in YoungPerson.objects.values_list("ethnicity").annotate(n=Count("pk")):
        group = Ethnicity.group_of(ethnicity)
        groups[group] = groups.get(group, 0) + n
    total = sum(groups.values())
    assert 0.66 <= groups["white"] / total <= 0.77
    assert 0.07 <= groups["asian"] / total <= 0.12
    for answer in ["not_known", "prefer_not_to_say"]:
        assert groups.get(answer, 0) > 0
        assert YoungPerson.objects.filter(fsm=answer).exists()
    assert YoungPerson.objects.exclude(imd_decile=None).values("imd_decile").distinct().count() >= 8


def test_everyone_consents_to_data_processing_most_to_media_and_some_withdraw(demo_city):
    active = Consent.objects.filter(withdrawn_at__isnull=True)
    assert active.filter(purpose="data_processing").count() == 3000
    assert 0.68 <= active.filter(purpose="media").count() / 3000 <= 0.78
    assert 0.48 <= active.filter(purpose="public_sharing").count() / 3000 <= 0.58
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() >= 20


def test_under_13s_all_have_a_family_and_their_consent_came_from_a_guardian(demo_city):
    today = timezone.localdate()
    under_13 = YoungPerson.objects.filter(date_of_birth__gt=today.replace(year=today.year - 13))
    assert not under_13.filter(family__isnull=True).exists()
    assert not Consent.objects.filter(
        young_person__in=under_13, given_by=Consent.GivenBy.YOUNG_PERSON
    ).exists()


def test_barriers_and_support_are_named_and_decided_by_the_staff_login(demo_city):
    with_barriers = NamedBarrier.objects.values("young_person").distinct().count() / 3000
    assert 0.30 <= with_barriers <= 0.40
    requests = SupportRequest.objects.all()
    assert 0.16 <= requests.count() / 3000 <= 0.24
    awarded = requests.filter(status="awarded")
    assert 0.52 <= awarded.count() / requests.count() <= 0.68
    assert set(awarded.values_list("decided_by", flat=True)) == {demo_city["staff"].pk}


def test_most_were_active_in_the_last_two_years_and_about_1_percent_are_due_for_erasure(demo_city):
    today = timezone.localdate()
    recent = _share(Q(last_activity_on__gte=today - datetime.timedelta(days=731)))
    assert recent >= 0.9
    assert 15 <= records_due_for_erasure(today).count() <= 45


def test_the_demo_parent_and_young_person_logins_have_their_records(demo_city):
    from musichub.core.demo import load_demo_logins

    load_demo_logins()
    link_demo_logins()
    link_demo_logins()  # idempotent
    parent = User.objects.get(username="parent")
    children = young_people_visible_to(parent)
    today = timezone.localdate()

    def age(young_person):
        born = young_person.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    assert sorted(age(child) for child in children) == [10, 14]
    assert all(
        child.consents.filter(purpose="data_processing", given_by_user=parent).exists() for child in children
    )
    young = User.objects.get(username="young")
    (record,) = young_people_visible_to(young)
    assert (record.first_name, age(record)) == ("Jay", 15)
