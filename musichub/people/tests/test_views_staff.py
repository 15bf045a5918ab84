"""Staff pages: the list, a record (audited), editing, duplicates and merging, the support queue; and what
partner members and music leaders get from the same addresses (nothing, and 404 on a record)."""

import pytest
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.people.models import SupportRequest, YoungPerson

from .factories import (
    ConsentFactory,
    NamedBarrierFactory,
    SchoolFactory,
    SupportRequestFactory,
    YoungPersonFactory,
    born_years_ago,
)

pytestmark = pytest.mark.django_db

LIST = reverse("people:list")
QUEUE = reverse("people:support_queue")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def person():
    return YoungPersonFactory(
        first_name="Amara", last_name="Okafor", school=SchoolFactory(name="Bitterne Park Primary"),
        year_group="5", ethnicity="black_african", send="ehcp",
    )  # fmt: skip


def test_staff_see_everyone_in_the_list_without_sensitive_characteristics(staff_client, person):
    YoungPersonFactory(first_name="Kofi", last_name="Mensah")
    response = staff_client.get(LIST)
    assert "Okafor, Amara" in response.text and "Mensah, Kofi" in response.text
    assert "Bitterne Park Primary" in response.text and "Year 5" in response.text
    assert (
        "African" not in response.text
        and "EHCP" not in response.text
        and "education, health" not in response.text
    )


def test_the_list_searches_by_name_and_filters_by_school_and_year(staff_client, person):
    YoungPersonFactory(first_name="Kofi", last_name="Mensah", school=person.school, year_group="6")
    response = staff_client.get(LIST, {"q": "okaf"})
    assert "Okafor" in response.text and "Mensah" not in response.text
    response = staff_client.get(LIST, {"school": person.school.urn, "year": "6"})
    assert "Mensah" in response.text and "Okafor" not in response.text


def test_a_search_that_finds_nothing_says_so_and_bad_filters_are_ignored(staff_client, person):
    assert "No young people match this search." in staff_client.get(LIST, {"q": "zzz"}).text
    assert "Okafor" in staff_client.get(LIST, {"school": "not-a-urn", "year": "99"}).text


@pytest.mark.parametrize("count", [25, 45])
def test_the_list_is_paginated_with_a_fixed_number_of_queries(staff_client, django_assert_num_queries, count):
    YoungPersonFactory.create_batch(count, school=SchoolFactory())
    # session, user, hub identity, schools for the filter, count, page of young people
    with django_assert_num_queries(6):
        response = staff_client.get(LIST, {"page": "2"})
    assert response.text.count('<th scope="row">') == min(count - 20, 20)


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.MUSIC_LEADER])
def test_partner_members_and_music_leaders_see_an_empty_list_and_404_on_a_record(
    client, make_user, person, role
):
    client.force_login(make_user(role))
    response = client.get(LIST)
    assert "Okafor" not in response.text and "There are no young people for you to see here." in response.text
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="young_person.viewed").exists()


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.SCHOOL_CONTACT, Role.YOUNG_PERSON])
def test_other_roles_are_refused_the_staff_pages(client, make_user, person, role):
    client.force_login(make_user(role))
    for url in (LIST, reverse("people:detail", args=[person.pk]), QUEUE, reverse("people:staff_register")):
        assert client.get(url).status_code == 403


def test_every_view_of_a_record_is_audited(staff_client, staff, person):
    ConsentFactory(young_person=person, given_by_name="Grace Okafor")
    url = reverse("people:detail", args=[person.pk])
    response = staff_client.get(url)
    staff_client.get(url)
    assert "Black: African" in response.text and "Grace Okafor" in response.text
    entries = AuditEntry.objects.filter(action="young_person.viewed", object_id=str(person.pk), actor=staff)
    assert entries.count() == 2
    assert all("Okafor" not in entry.detail for entry in entries)


def test_staff_edit_a_record_and_a_date_of_birth_making_them_2_is_refused(staff_client, person):
    url = reverse("people:edit", args=[person.pk])
    born = born_years_ago(2)
    data = {
        "first_name": "Amara", "last_name": "Okafor", "dob_day": str(born.day), "dob_month": str(born.month),
        "dob_year": str(born.year), "education_status": "in_school", "school": person.school.urn,
        "year_group": "6", "ethnicity": "black_african",
    }  # fmt: skip
    response = staff_client.post(url, data)
    assert "makes the child 2 years old" in response.text
    person.refresh_from_db()
    assert person.year_group == "5"
    born = born_years_ago(10)
    data.update(dob_day=str(born.day), dob_month=str(born.month), dob_year=str(born.year))
    assert staff_client.post(url, data)["Location"] == reverse("people:detail", args=[person.pk])
    person.refresh_from_db()
    assert person.year_group == "6"


def test_duplicates_are_listed_and_merged_after_confirmation(staff_client, staff, person):
    twin = YoungPersonFactory(first_name="amara", last_name="OKAFOR", date_of_birth=person.date_of_birth)
    NamedBarrierFactory(young_person=twin)
    SupportRequestFactory(young_person=twin)
    response = staff_client.get(reverse("people:duplicates", args=[person.pk]))
    merge_url = reverse("people:merge", args=[person.pk, twin.pk])
    assert merge_url in response.text
    confirm = staff_client.get(merge_url)
    assert "This cannot be undone" in confirm.text
    assert YoungPerson.objects.filter(pk=twin.pk).exists()  # nothing happens before the confirmation
    response = staff_client.post(merge_url)
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert not YoungPerson.objects.filter(pk=twin.pk).exists()
    assert person.named_barriers.count() == 1 and person.support_requests.count() == 1
    assert AuditEntry.objects.filter(action="young_person.merged", actor=staff).exists()


def test_a_record_cannot_be_merged_with_itself(staff_client, person):
    assert staff_client.get(reverse("people:merge", args=[person.pk, person.pk])).status_code == 404


def test_the_support_queue_shows_waiting_requests_and_staff_decide_them(staff_client, staff, person):
    waiting = SupportRequestFactory(young_person=person, reason="Fees are too much")
    response = staff_client.get(QUEUE)
    assert (
        "Fees are too much" in response.text
        and reverse("people:decide_support", args=[waiting.pk]) in response.text
    )
    staff_client.post(reverse("people:decide_support", args=[waiting.pk]), {"award": "yes", "note": "Half"})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.decision_note) == ("awarded", staff, "Half")
    assert "No requests are waiting for a decision." in staff_client.get(QUEUE).text
    # A second decision on the same request is refused.
    response = staff_client.post(
        reverse("people:decide_support", args=[waiting.pk]), {"award": "no"}, follow=True
    )
    assert "already decided" in response.text
    waiting.refresh_from_db()
    assert waiting.status == SupportRequest.Status.AWARDED


def test_a_decision_without_an_answer_changes_nothing(staff_client, person):
    waiting = SupportRequestFactory(young_person=person)
    response = staff_client.post(reverse("people:decide_support", args=[waiting.pk]), {}, follow=True)
    assert "Choose award or do not award" in response.text
    waiting.refresh_from_db()
    assert waiting.status == "requested"


@pytest.mark.parametrize("count", [3, 25])
def test_the_support_queue_query_count_does_not_grow(staff_client, django_assert_num_queries, count):
    SupportRequestFactory.create_batch(count)
    # session, user, hub identity, count, page of requests (with young person, school and kind)
    with django_assert_num_queries(5):
        staff_client.get(QUEUE)


def test_partner_members_cannot_decide_support(client, make_user, person):
    waiting = SupportRequestFactory(young_person=person)
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert (
        client.post(reverse("people:decide_support", args=[waiting.pk]), {"award": "yes"}).status_code == 403
    )
    waiting.refresh_from_db()
    assert waiting.status == "requested"
