"""The rules of registration, consent, support, families and merging, tested through the services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry, OutgoingEmail, User
from musichub.core.roles import Role
from musichub.partners.tests.factories import GenreFactory, InstrumentFactory
from musichub.people import services
from musichub.people.choices import ConsentPurpose, EducationStatus, Gender
from musichub.people.consent_texts import CURRENT_VERSION
from musichub.people.models import (
    Consent,
    FamilyGuardian,
    NamedBarrier,
    Neighbourhood,
    PostcodeArea,
    SupportRequest,
    YoungPerson,
)
from musichub.people.selectors import has_consent
from musichub.people.services import (
    create_family_for_guardian,
    decide_support_request,
    give_consent,
    invite_second_guardian,
    merge_young_people,
    name_barrier,
    register_young_person,
    request_support,
    update_young_person,
    withdraw_consent,
)

from .factories import (
    BarrierFactory,
    ConsentFactory,
    NamedBarrierFactory,
    SchoolFactory,
    SupportKindFactory,
    SupportRequestFactory,
    YoungPersonFactory,
    born_years_ago,
)

pytestmark = pytest.mark.django_db

GUARDIAN_DATA = (
    ConsentPurpose.DATA_PROCESSING,
    Consent.GivenBy.GUARDIAN,
    "Pat Mensah",
    Consent.Method.ONLINE,
)
SELF_DATA = (ConsentPurpose.DATA_PROCESSING, Consent.GivenBy.YOUNG_PERSON, "Jo Rivera", Consent.Method.ONLINE)


@pytest.fixture
def guardian(make_user):
    return make_user(Role.GUARDIAN, first_name="Pat", last_name="Mensah")


def register(guardian, *, age=10, consents=(GUARDIAN_DATA,), registered_by=YoungPerson.RegisteredBy.GUARDIAN,
             **fields):  # fmt: skip
    data = {"first_name": "Jo", "last_name": "Rivera", "date_of_birth": born_years_ago(age)}
    data.update(fields)
    return register_young_person(
        registered_by_user=guardian, registered_by=registered_by, consents=list(consents), **data
    )


# ---- Registration --------------------------------------------------------------------------------------


def test_a_guardian_registers_a_child_with_consent_to_todays_wording(guardian):
    family = create_family_for_guardian(guardian=guardian)
    child = register(guardian, family=family)
    consent = child.consents.get()
    assert (consent.purpose, consent.given_by, consent.given_by_user, consent.wording_version) == (
        ConsentPurpose.DATA_PROCESSING,
        Consent.GivenBy.GUARDIAN,
        guardian,
        CURRENT_VERSION,
    )
    assert child.family == family and child.registered_by == YoungPerson.RegisteredBy.GUARDIAN


def test_an_under_13_is_refused_without_a_guardians_data_consent(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, age=12, consents=[])
    assert caught.value.code == "guardian_consent_required"
    assert not YoungPerson.objects.exists()


def test_an_under_13_cannot_consent_for_themself(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, age=9, consents=[SELF_DATA])
    assert caught.value.code == "guardian_consent_required"
    assert not YoungPerson.objects.exists()


def test_a_13_year_old_can_give_their_own_consent(guardian):
    person = register(guardian, age=13, consents=[SELF_DATA], registered_by=YoungPerson.RegisteredBy.SELF)
    assert has_consent(person, ConsentPurpose.DATA_PROCESSING)


def test_nobody_is_registered_without_consent_to_keep_their_details(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, age=16, consents=[])
    assert caught.value.code == "consent_required"


def test_a_date_of_birth_in_the_future_is_refused(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, date_of_birth=timezone.localdate() + timedelta(days=1))
    assert caught.value.code == "date_in_future"
    assert not YoungPerson.objects.exists()


def test_a_date_of_birth_making_the_child_2_is_refused_with_a_clear_message(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, age=2)
    assert caught.value.code == "too_young"
    assert "2 years old" in caught.value.messages[0] and "4 to 25" in caught.value.messages[0]


def test_the_hub_takes_children_from_4_and_young_people_up_to_25(guardian):
    register(guardian, age=4, first_name="Four")
    register(guardian, age=25, first_name="Twentyfive", consents=[SELF_DATA])
    with pytest.raises(ValidationError) as caught:
        register(guardian, age=26, consents=[SELF_DATA])
    assert caught.value.code == "too_old"
    assert YoungPerson.objects.count() == 2


def test_a_young_person_under_13_cannot_register_themself(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, age=12, registered_by=YoungPerson.RegisteredBy.SELF)
    assert caught.value.code == "too_young_to_register_alone"


def test_age_counts_whole_years_to_the_birthday():
    assert services.age_on(date(2013, 11, 26), date(2026, 11, 25)) == 12
    assert services.age_on(date(2013, 11, 25), date(2026, 11, 25)) == 13


def test_the_postcode_is_stored_normalised_with_its_district(guardian):
    child = register(guardian, postcode="so147ly")
    assert (child.postcode, child.postcode_district) == ("SO14 7LY", "SO14")


def test_the_postcode_gets_its_area_codes_and_deprivation_decile(guardian):
    PostcodeArea.objects.create(postcode="SO14 7LY", lsoa_code="E01017140", ward_code="E05002462")
    Neighbourhood.objects.create(lsoa_code="E01017140", imd_decile=2)
    child = register(guardian, postcode="so14 7ly")
    assert (child.lsoa_code, child.ward_code, child.imd_decile) == ("E01017140", "E05002462", 2)


def test_an_unknown_postcode_keeps_its_district_only(guardian):
    child = register(guardian, postcode="ZZ9 9ZZ")
    assert (child.postcode_district, child.lsoa_code, child.imd_decile) == ("ZZ9", "", None)


def test_a_postcode_in_the_wrong_shape_is_refused(guardian):
    with pytest.raises(ValidationError) as caught:
        register(guardian, postcode="12345")
    assert caught.value.code == "postcode_shape"
    assert not YoungPerson.objects.exists()


def test_registration_records_barriers_and_support_asked_for(guardian):
    cost, kind = BarrierFactory(name="Cost"), SupportKindFactory(name="Bursary")
    child = register(
        guardian, barriers=[cost], barrier_note="Fees", support=[kind], support_reason="Two kids"
    )
    assert list(child.named_barriers.values_list("barrier__name", "note")) == [("Cost", "Fees")]
    request = child.support_requests.get()
    assert (request.kind, request.status, request.requested_by) == (
        kind,
        SupportRequest.Status.REQUESTED,
        guardian,
    )


def test_a_child_not_at_school_has_no_school_and_self_description_needs_its_choice(guardian):
    school = SchoolFactory()
    child = register(
        guardian,
        education_status=EducationStatus.HOME_EDUCATED,
        school=school,
        gender=Gender.GIRL,
        gender_self_described="ignored",
    )
    assert child.school is None and child.gender_self_described == ""


def test_registration_is_audited_without_names(guardian):
    child = register(guardian)
    entry = AuditEntry.objects.get(action="young_person.registered")
    assert entry.object_id == str(child.pk) and entry.actor == guardian
    assert "Jo" not in entry.detail and "Rivera" not in entry.detail


# ---- Updating ------------------------------------------------------------------------------------------


def test_updating_checks_the_date_of_birth_and_audits_the_changed_fields(guardian, staff):
    child = register(guardian)
    with pytest.raises(ValidationError):
        update_young_person(young_person=child, updated_by=staff, date_of_birth=born_years_ago(2))
    update_young_person(young_person=child, updated_by=staff, preferred_name="JoJo", postcode="SO15 2AB")
    child.refresh_from_db()
    assert (child.preferred_name, child.postcode_district) == ("JoJo", "SO15")
    entry = AuditEntry.objects.filter(action="young_person.changed").get()
    assert "preferred_name" in entry.detail and "JoJo" not in entry.detail


# ---- Consent ------------------------------------------------------------------------------------------


def test_withdrawing_consent_takes_effect_at_once(guardian):
    child = register(guardian, consents=[GUARDIAN_DATA, (ConsentPurpose.MEDIA, "guardian", "Pat", "online")])
    assert has_consent(child, ConsentPurpose.MEDIA)
    withdraw_consent(young_person=child, purpose=ConsentPurpose.MEDIA, withdrawn_by=guardian)
    assert has_consent(child, ConsentPurpose.MEDIA) is False
    assert has_consent(child, ConsentPurpose.DATA_PROCESSING) is True
    withdrawn = child.consents.get(purpose=ConsentPurpose.MEDIA)
    assert withdrawn.withdrawn_by == guardian and withdrawn.withdrawn_at is not None


def test_consent_can_be_given_again_after_withdrawal_and_history_is_kept(guardian):
    child = register(guardian)
    withdraw_consent(young_person=child, purpose=ConsentPurpose.DATA_PROCESSING, withdrawn_by=guardian)
    give_consent(
        young_person=child,
        purpose=ConsentPurpose.DATA_PROCESSING,
        given_by=Consent.GivenBy.GUARDIAN,
        given_by_user=guardian,
        given_by_name="Pat Mensah",
    )
    assert child.consents.count() == 2 and has_consent(child, ConsentPurpose.DATA_PROCESSING)


def test_giving_a_consent_already_in_force_is_refused(guardian):
    child = register(guardian)
    with pytest.raises(ValidationError) as caught:
        give_consent(young_person=child, purpose="data_processing", given_by="guardian", given_by_name="Pat")
    assert caught.value.code == "already_given"


def test_an_under_13_cannot_give_their_own_consent_later(guardian):
    child = register(guardian, age=11)
    with pytest.raises(ValidationError) as caught:
        give_consent(young_person=child, purpose="media", given_by="young_person", given_by_name="Jo")
    assert caught.value.code == "guardian_consent_required"
    assert not has_consent(child, ConsentPurpose.MEDIA)


def test_withdrawing_a_consent_never_given_says_so(guardian):
    child = register(guardian)
    with pytest.raises(ValidationError) as caught:
        withdraw_consent(young_person=child, purpose=ConsentPurpose.MEDIA, withdrawn_by=guardian)
    assert caught.value.code == "not_given"


# ---- Barriers and support ----------------------------------------------------------------------------


def test_naming_a_barrier_twice_keeps_one_with_the_newer_note(guardian):
    child, barrier = YoungPersonFactory(), BarrierFactory()
    name_barrier(young_person=child, barrier=barrier, named_by=guardian, note="first")
    name_barrier(young_person=child, barrier=barrier, named_by=guardian, note="second")
    assert list(NamedBarrier.objects.values_list("note", flat=True)) == ["second"]


def test_the_same_support_cannot_be_asked_for_twice_while_waiting(guardian):
    child, kind = YoungPersonFactory(), SupportKindFactory()
    request_support(young_person=child, kind=kind, reason="", requested_by=guardian)
    with pytest.raises(ValidationError) as caught:
        request_support(young_person=child, kind=kind, reason="", requested_by=guardian)
    assert caught.value.code == "already_requested"


def test_staff_decide_a_support_request_once_and_who_and_when_is_recorded(staff):
    request = SupportRequestFactory()
    decide_support_request(request=request, award=True, decided_by=staff, note="Full bursary")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == ("awarded", staff, "Full bursary")
    assert request.decided_at is not None
    with pytest.raises(ValidationError) as caught:
        decide_support_request(request=request, award=False, decided_by=staff)
    assert caught.value.code == "already_decided"
    request.refresh_from_db()
    assert request.status == "awarded"


def test_only_staff_decide_support(guardian):
    request = SupportRequestFactory()
    with pytest.raises(PermissionDenied):
        decide_support_request(request=request, award=True, decided_by=guardian)
    request.refresh_from_db()
    assert request.status == "requested"


# ---- Families ----------------------------------------------------------------------------------------


def test_a_guardian_has_one_family_however_often_it_is_asked_for(guardian):
    assert create_family_for_guardian(guardian=guardian) == create_family_for_guardian(guardian=guardian)


def test_inviting_a_second_guardian_creates_their_account_and_links_it(guardian):
    family = create_family_for_guardian(guardian=guardian)
    second = invite_second_guardian(
        family=family, invited_by=guardian, email="sam@example.org", first_name="Sam", last_name="Mensah",
        relationship="dad",
    )  # fmt: skip
    assert second.role == Role.GUARDIAN and not second.has_usable_password()
    assert FamilyGuardian.objects.get(family=family, guardian=second).relationship == "dad"
    assert OutgoingEmail.objects.filter(to="sam@example.org").exists()


def test_an_existing_guardian_account_is_linked_and_another_kind_refused(guardian, make_user):
    family = create_family_for_guardian(guardian=guardian)
    other_guardian = make_user(Role.GUARDIAN, email="other@example.org")
    make_user(Role.PARTNER_MEMBER, email="partner@example.org")
    linked = invite_second_guardian(
        family=family, invited_by=guardian, email="OTHER@example.org", first_name="O", last_name="G"
    )
    assert linked == other_guardian
    with pytest.raises(ValidationError) as caught:
        invite_second_guardian(
            family=family, invited_by=guardian, email="partner@example.org", first_name="P", last_name="M"
        )
    assert caught.value.code == "not_a_guardian_account"
    assert family.guardians.count() == 2
    assert User.objects.filter(email__iexact="partner@example.org").get().role == Role.PARTNER_MEMBER


def test_only_a_guardian_of_the_family_can_invite_to_it(guardian, make_user):
    family = create_family_for_guardian(guardian=guardian)
    stranger = make_user(Role.GUARDIAN)
    with pytest.raises(PermissionDenied):
        invite_second_guardian(family=family, invited_by=stranger, email="x@example.org", first_name="X",
                               last_name="Y")  # fmt: skip


# ---- Merging ---------------------------------------------------------------------------------------


def test_merging_moves_every_related_record_and_keeps_the_counts(staff):
    school = SchoolFactory()
    keep = YoungPersonFactory(first_name="Jo", last_name="Rivera", school=school, postcode="")
    merge = YoungPersonFactory(
        first_name="Jo", last_name="Rivera", preferred_name="JJ", postcode="SO14 7LY", postcode_district="SO14",
        lsoa_code="E01017140", access_needs="A quiet room",
    )  # fmt: skip
    guitar, drums, grime = InstrumentFactory(name="Guitar"), InstrumentFactory(name="Drums"), GenreFactory()
    keep.instruments.add(guitar)
    merge.instruments.add(guitar, drums)
    merge.genres.add(grime)
    ConsentFactory(young_person=keep, given_at=timezone.now() - timedelta(days=5))
    later = ConsentFactory(young_person=merge)
    ConsentFactory(young_person=merge, purpose=ConsentPurpose.MEDIA)
    shared_barrier = BarrierFactory()
    NamedBarrierFactory(young_person=keep, barrier=shared_barrier)
    NamedBarrierFactory(young_person=merge, barrier=shared_barrier)
    NamedBarrierFactory(young_person=merge)
    SupportRequestFactory.create_batch(2, young_person=merge)
    SupportRequestFactory(young_person=keep)

    merge_young_people(keep=keep, merge=merge, merged_by=staff)

    keep.refresh_from_db()
    assert not YoungPerson.objects.filter(pk=merge.pk).exists()
    assert keep.consents.count() == 3  # all kept: the clashing one is withdrawn, not lost
    assert keep.consents.filter(withdrawn_at__isnull=True).count() == 2
    later.refresh_from_db()
    assert later.withdrawn_at is not None and later.young_person == keep  # the earlier active one wins
    assert keep.named_barriers.count() == 2  # the same barrier named on both is one barrier
    assert keep.support_requests.count() == 3
    assert set(keep.instruments.all()) == {guitar, drums} and list(keep.genres.all()) == [grime]
    assert (keep.preferred_name, keep.access_needs, keep.school) == ("JJ", "A quiet room", school)
    assert (keep.postcode, keep.postcode_district, keep.lsoa_code) == ("SO14 7LY", "SO14", "E01017140")
    entry = AuditEntry.objects.get(action="young_person.merged")
    assert entry.object_id == str(keep.pk) and f"#{merge.pk}" in entry.detail and "Rivera" not in entry.detail


def test_merging_moves_the_young_persons_own_account(staff, make_user):
    account = make_user(Role.YOUNG_PERSON)
    keep, merge = YoungPersonFactory(), YoungPersonFactory(user=account)
    merge_young_people(keep=keep, merge=merge, merged_by=staff)
    keep.refresh_from_db()
    assert keep.user == account


def test_a_record_cannot_be_merged_into_itself(staff):
    person = YoungPersonFactory()
    with pytest.raises(ValidationError) as caught:
        merge_young_people(keep=person, merge=person, merged_by=staff)
    assert caught.value.code == "same_record"
    assert YoungPerson.objects.filter(pk=person.pk).exists()
