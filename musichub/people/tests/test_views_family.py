"""The family area and a young person's own page: each sees only their own, consent changes apply at once."""

import pytest
from django.urls import reverse

from musichub.core.models import AuditEntry, OutgoingEmail, User
from musichub.core.roles import Role
from musichub.people.choices import ConsentPurpose
from musichub.people.models import FamilyGuardian, SupportRequest
from musichub.people.selectors import has_consent
from musichub.people.services import create_family_for_guardian

from .factories import ConsentFactory, SchoolFactory, SupportKindFactory, YoungPersonFactory, born_years_ago

pytestmark = pytest.mark.django_db

FAMILY = reverse("people:family")


@pytest.fixture
def guardian(make_user):
    return make_user(Role.GUARDIAN, first_name="Grace", last_name="Mensah")


@pytest.fixture
def child(guardian):
    family = create_family_for_guardian(guardian=guardian)
    person = YoungPersonFactory(first_name="Amara", last_name="Mensah", family=family, school=SchoolFactory())
    ConsentFactory(young_person=person)
    ConsentFactory(young_person=person, purpose=ConsentPurpose.MEDIA)
    return person


@pytest.fixture
def stranger_child(make_user):
    family = create_family_for_guardian(guardian=make_user(Role.GUARDIAN))
    return YoungPersonFactory(first_name="Zeb", last_name="Other", family=family)


def test_the_family_page_lists_only_the_guardians_own_children(client, guardian, child, stranger_child):
    client.force_login(guardian)
    response = client.get(FAMILY)
    assert "Amara Mensah" in response.text and reverse("people:child", args=[child.pk]) in response.text
    assert "Zeb" not in response.text


def test_a_guardian_gets_404_for_someone_elses_child(client, guardian, child, stranger_child):
    client.force_login(guardian)
    assert client.get(reverse("people:child", args=[stranger_child.pk])).status_code == 404
    assert client.get(reverse("people:child_edit", args=[stranger_child.pk])).status_code == 404
    response = client.post(reverse("people:withdraw_consent", args=[stranger_child.pk, "media"]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(object_id=str(stranger_child.pk)).exists()


def test_a_second_guardian_sees_the_same_children(client, guardian, child, make_user):
    second = make_user(Role.GUARDIAN)
    FamilyGuardian.objects.create(family=child.family, guardian=second)
    client.force_login(second)
    assert "Amara Mensah" in client.get(FAMILY).text
    assert "Amara" in client.get(reverse("people:child", args=[child.pk])).text


def test_a_childs_page_shows_their_details_and_consents_and_is_audited(client, guardian, child):
    client.force_login(guardian)
    response = client.get(reverse("people:child", args=[child.pk]))
    assert child.school.name in response.text
    assert reverse("people:withdraw_consent", args=[child.pk, "media"]) in response.text
    assert reverse("people:give_consent", args=[child.pk, "public_sharing"]) in response.text
    entry = AuditEntry.objects.get(action="young_person.viewed")
    assert (entry.actor, entry.object_id) == (guardian, str(child.pk))


def test_withdrawing_media_consent_takes_effect_at_once(client, guardian, child):
    client.force_login(guardian)
    response = client.post(reverse("people:withdraw_consent", args=[child.pk, "media"]), follow=True)
    assert has_consent(child, ConsentPurpose.MEDIA) is False
    assert "Consent withdrawn: Photos, audio and video" in response.text
    assert reverse("people:give_consent", args=[child.pk, "media"]) in response.text


def test_giving_consent_again_from_the_childs_page(client, guardian, child):
    client.force_login(guardian)
    client.post(reverse("people:give_consent", args=[child.pk, "public_sharing"]))
    consent = child.consents.get(purpose=ConsentPurpose.PUBLIC_SHARING)
    assert (consent.given_by, consent.given_by_user, consent.given_by_name) == (
        "guardian",
        guardian,
        "Grace Mensah",
    )


def test_an_unknown_consent_purpose_is_a_404(client, guardian, child):
    client.force_login(guardian)
    assert client.post(reverse("people:withdraw_consent", args=[child.pk, "dancing"])).status_code == 404


def test_withdrawing_needs_a_post(client, guardian, child):
    client.force_login(guardian)
    assert client.get(reverse("people:withdraw_consent", args=[child.pk, "media"])).status_code == 405
    assert has_consent(child, ConsentPurpose.MEDIA)


def test_a_guardian_edits_their_childs_details_and_bad_input_is_kept(client, guardian, child):
    client.force_login(guardian)
    url = reverse("people:child_edit", args=[child.pk])
    born = born_years_ago(11)
    data = {
        "first_name": "Amara", "last_name": "Mensah", "preferred_name": "Mara", "dob_day": str(born.day),
        "dob_month": str(born.month), "dob_year": str(born.year), "education_status": "home_educated",
        "postcode": "SO14 7LY", "gender": "self_described", "gender_self_described": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert "Describe their gender in their words" in response.text and 'value="Mara"' in response.text
    response = client.post(url, {**data, "gender": "girl_or_woman"})
    assert response["Location"] == reverse("people:child", args=[child.pk])
    child.refresh_from_db()
    assert (child.preferred_name, child.school, child.postcode) == ("Mara", None, "SO14 7LY")
    assert AuditEntry.objects.filter(action="young_person.changed", actor=guardian).exists()


def test_a_guardian_asks_for_support_for_their_child(client, guardian, child):
    client.force_login(guardian)
    kind = SupportKindFactory(name="Instrument loan")
    client.post(reverse("people:child_support", args=[child.pk]), {"kind": kind.pk, "reason": "No violin"})
    request = SupportRequest.objects.get()
    assert (request.young_person, request.kind, request.requested_by) == (child, kind, guardian)


def test_a_guardian_invites_a_second_guardian(client, guardian, child):
    client.force_login(guardian)
    response = client.post(
        reverse("people:invite_guardian"),
        {"first_name": "Kwame", "last_name": "Mensah", "email": "kwame@example.org", "relationship": "dad"},
    )
    assert response["Location"] == FAMILY
    kwame = User.objects.get(email="kwame@example.org")
    assert kwame.role == Role.GUARDIAN and child.family.guardians.filter(pk=kwame.pk).exists()
    assert OutgoingEmail.objects.filter(to="kwame@example.org").exists()


def test_inviting_an_email_of_a_staff_account_is_refused_and_the_answers_kept(client, guardian, child, staff):
    client.force_login(guardian)
    response = client.post(
        reverse("people:invite_guardian"),
        {"first_name": "Sam", "last_name": "Patel", "email": staff.email, "relationship": ""},
    )
    assert "cannot be a parent or guardian here" in response.text and 'value="Sam"' in response.text
    assert not child.family.guardians.filter(pk=staff.pk).exists()


@pytest.mark.parametrize("children", [1, 5])
def test_the_family_page_query_count_does_not_grow_with_children(
    client, guardian, django_assert_num_queries, children
):
    family = create_family_for_guardian(guardian=guardian)
    for person in YoungPersonFactory.create_batch(children, family=family, school=SchoolFactory()):
        ConsentFactory(young_person=person)
    client.force_login(guardian)
    # session, user, hub identity, children, their consents, the family, its guardians
    with django_assert_num_queries(7):
        response = client.get(FAMILY)
    assert response.text.count('<li class="card">') == children


# ---- A young person's own page --------------------------------------------------------------------------


def test_a_young_person_sees_their_own_record_and_nobody_elses(client, make_user, child):
    account = make_user(Role.YOUNG_PERSON)
    me = YoungPersonFactory(
        first_name="Jay", last_name="Nowak", user=account, date_of_birth=born_years_ago(15)
    )
    client.force_login(account)
    response = client.get(reverse("people:me"))
    assert "Jay Nowak" in response.text and "Amara" not in response.text
    assert AuditEntry.objects.filter(
        action="young_person.viewed", object_id=str(me.pk), actor=account
    ).exists()
    assert client.get(reverse("people:child", args=[child.pk])).status_code == 403
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 403


def test_a_young_person_without_a_linked_record_is_told_so(client, make_user):
    client.force_login(make_user(Role.YOUNG_PERSON))
    assert "not linked to a record yet" in client.get(reverse("people:me")).text
