"""The family pages: a guardian sees their children's loans and accepts each agreement; nobody sees another
family's loan (404); a young person sees their own and accepts it from 16."""

import pytest
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.instruments.models import AgreementGivenBy
from musichub.people.tests.factories import FamilyFactory, SchoolFactory, YoungPersonFactory, born_years_ago

from .factories import LoanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guardian(make_user):
    return make_user(Role.GUARDIAN, first_name="Grace", last_name="Mensah")


@pytest.fixture
def kwame(guardian):
    return YoungPersonFactory(first_name="Kwame", family=FamilyFactory(guardians=[guardian]))


def test_a_guardian_sees_only_their_own_childrens_loans(
    client, guardian, kwame, make_user, django_assert_num_queries
):
    mine = LoanFactory(young_person=kwame)
    other_family = FamilyFactory(guardians=[make_user(Role.GUARDIAN)])
    theirs = LoanFactory(young_person=YoungPersonFactory(family=other_family))
    LoanFactory(young_person=None, school=SchoolFactory())
    client.force_login(guardian)
    url = reverse("instruments:family_loans")
    with django_assert_num_queries(5):  # session, user, count, hub identity, page
        response = client.get(url)
    assert [loan.pk for loan in response.context["page"].object_list] == [mine.pk]
    assert "Agreement waiting for you" in response.content.decode()
    for _n in range(3):
        LoanFactory(young_person=kwame, returned_on=mine.starts_on, condition_in="good")
    with django_assert_num_queries(5):
        response = client.get(url)
    assert theirs.pk not in [loan.pk for loan in response.context["page"].object_list]


def test_another_familys_loan_is_not_found(client, guardian, kwame, make_user):
    theirs = LoanFactory(
        young_person=YoungPersonFactory(family=FamilyFactory(guardians=[make_user(Role.GUARDIAN)]))
    )
    client.force_login(guardian)
    assert client.get(reverse("instruments:family_loan", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("instruments:family_accept", args=[theirs.pk]), {"confirm": "on"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.agreement_accepted_at is None


def test_a_guardian_reads_and_accepts_the_agreement(client, guardian, kwame):
    loan = LoanFactory(young_person=kwame)
    client.force_login(guardian)
    url = reverse("instruments:family_loan", args=[loan.pk])
    page = client.get(url)
    content = page.content.decode()
    assert "Instrument loan agreement" in content and "we will not be asked to pay for an accident" in content
    assert AuditEntry.objects.filter(
        action="young_person.loans_viewed", object_id=str(kwame.pk), actor=guardian
    ).exists()

    unticked = client.post(reverse("instruments:family_accept", args=[loan.pk]), {})
    assert unticked.status_code == 400
    assert "Tick the box to say you accept the loan agreement" in unticked.content.decode()
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is None

    response = client.post(reverse("instruments:family_accept", args=[loan.pk]), {"confirm": "on"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.agreement_given_by, loan.agreement_accepted_by, loan.agreement_accepted_by_name) == (
        AgreementGivenBy.GUARDIAN,
        guardian,
        "Grace Mensah",
    )
    assert "Accepted by Grace Mensah" in client.get(url).content.decode()


def test_a_fifteen_year_old_is_asked_to_get_their_guardian_to_accept(client, make_user):
    user = make_user(Role.YOUNG_PERSON)
    loan = LoanFactory(young_person=YoungPersonFactory(user=user, date_of_birth=born_years_ago(15)))
    client.force_login(user)
    page = client.get(reverse("instruments:family_loan", args=[loan.pk]))
    assert "Your parent or guardian needs to accept this agreement" in page.content.decode()
    assert "Accept the loan agreement" not in page.content.decode()
    response = client.post(reverse("instruments:family_accept", args=[loan.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "A young person under 16 can’t accept a loan agreement for themself" in response.content.decode()
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is None


def test_a_sixteen_year_old_accepts_their_own_agreement(client, make_user):
    user = make_user(Role.YOUNG_PERSON)
    loan = LoanFactory(young_person=YoungPersonFactory(user=user, date_of_birth=born_years_ago(16)))
    client.force_login(user)
    assert (
        "Accept the loan agreement"
        in client.get(reverse("instruments:family_loan", args=[loan.pk])).content.decode()
    )
    client.post(reverse("instruments:family_accept", args=[loan.pk]), {"confirm": "on"})
    loan.refresh_from_db()
    assert loan.agreement_given_by == AgreementGivenBy.YOUNG_PERSON and loan.agreement_accepted_by == user


def test_staff_do_not_use_the_family_pages(client, staff):
    client.force_login(staff)
    assert client.get(reverse("instruments:family_loans")).status_code == 403
