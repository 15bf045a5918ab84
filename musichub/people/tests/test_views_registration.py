"""Registering in the browser: a new guardian, a signed-in guardian, a young person of 13+, staff on behalf."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import AuditEntry, User
from musichub.core.roles import Role
from musichub.people.choices import ConsentPurpose
from musichub.people.models import Consent, SupportRequest, YoungPerson

from .factories import BarrierFactory, SchoolFactory, SupportKindFactory, born_years_ago

pytestmark = pytest.mark.django_db

REGISTER = reverse("people:register")
REGISTER_SELF = reverse("people:register_self")
ADD_CHILD = reverse("people:add_child")
STAFF_REGISTER = reverse("people:staff_register")


@pytest.fixture
def school():
    return SchoolFactory(name="Bitterne Park Primary", urn=116001)


def child_answers(the_school, *, age=10, **changes):
    born = born_years_ago(age)
    data = {
        "first_name": "Amara",
        "last_name": "Okafor",
        "preferred_name": "",
        "dob_day": str(born.day),
        "dob_month": str(born.month),
        "dob_year": str(born.year),
        "education_status": "in_school",
        "school": str(the_school.urn),
        "year_group": "5",
        "postcode": "so14 7ly",
    }
    data.update(changes)
    return data


def post_step(client, url, step, data):
    return client.post(f"{url}?step={step}", {"step": step, **data})


def walk(client, url, school, *, child=None, consents=None, barriers=None):
    """Answer every step after the account step; return the last response (the check page's redirect)."""
    post_step(client, url, "child", child or child_answers(school))
    post_step(client, url, "music", {"next_steps": "Join a band"})
    post_step(client, url, "about", {"sex": "female", "ethnicity": "black_african"})
    post_step(client, url, "barriers", barriers or {})
    return post_step(client, url, "consents", consents or {"consent_data_processing": "on"})


ACCOUNT = {
    "first_name": "Grace",
    "last_name": "Mensah",
    "email": "grace@example.org",
    "password1": "a long walk by the river",
    "password2": "a long walk by the river",
}


def test_a_new_guardian_registers_with_an_account_then_their_child(client, school):
    response = client.get(REGISTER)
    assert "step 1 of 7" in response.text and 'name="password1"' in response.text
    post_step(client, REGISTER, "account", ACCOUNT)
    assert not User.objects.filter(email="grace@example.org").exists()  # nothing is written before the end
    response = walk(
        client, REGISTER, school, consents={"consent_data_processing": "on", "consent_media": "on"}
    )
    assert response["Location"].endswith("?step=check")
    check = client.get(response["Location"])
    assert "Amara" in check.text and "Bitterne Park Primary" in check.text and "a long walk" not in check.text

    response = post_step(client, REGISTER, "check", {})

    guardian = User.objects.get(email="grace@example.org")
    child = YoungPerson.objects.get()
    assert guardian.role == Role.GUARDIAN and guardian.check_password("a long walk by the river")
    assert child.family.guardians.get() == guardian
    assert (child.school, child.postcode, child.ethnicity, child.next_steps) == (
        school, "SO14 7LY", "black_african", "Join a band"
    )  # fmt: skip
    assert set(child.consents.values_list("purpose", "given_by", "given_by_name")) == {
        ("data_processing", "guardian", "Grace Mensah"),
        ("media", "guardian", "Grace Mensah"),
    }
    assert response["Location"] == reverse("people:child", args=[child.pk])
    assert int(client.session["_auth_user_id"]) == guardian.pk
    # Signed in for real: the next page opens without asking to sign in.
    assert client.get(response["Location"]).context["young_person"] == child


def test_the_password_is_never_kept_in_the_session(client):
    post_step(client, REGISTER, "account", ACCOUNT)
    stored = str(dict(client.session))
    assert "a long walk by the river" not in stored and "password_hash" in stored


def test_a_weak_password_is_refused_by_djangos_validators_and_answers_are_kept(client):
    response = post_step(client, REGISTER, "account", {**ACCOUNT, "password1": "12345", "password2": "12345"})
    assert "This password is too short" in response.text
    assert 'value="grace@example.org"' in response.text


def test_a_step_cannot_be_skipped(client, school):
    response = client.get(f"{REGISTER}?step=consents")
    assert 'name="password1"' in response.text  # back at the first unanswered step


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dob_year": str(timezone.localdate().year + 1)}, "must be in the past"),
        ("age2", "makes the child 2 years old"),
        ({"school": "999999"}, "Choose their school from the list"),
        ({"postcode": "SO14"}, "Enter a UK postcode, like SO14 7LY"),
        ({"dob_month": "13"}, "must be a real date"),
        ({"dob_day": ""}, "must include a day"),
        ({"school": ""}, "Choose their school from the list"),
    ],
)
def test_bad_answers_about_the_child_are_refused_with_what_to_do_and_kept(
    client, make_user, school, changes, message
):
    client.force_login(make_user(Role.GUARDIAN))
    if changes == "age2":
        born = born_years_ago(2)
        changes = {"dob_day": str(born.day), "dob_month": str(born.month), "dob_year": str(born.year)}
    response = post_step(client, ADD_CHILD, "child", child_answers(school, **changes))
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Amara"' in response.text and "There is a problem" in response.text
    assert "child" not in client.session.get("people.registration.guardian_child", {})


def test_data_processing_consent_is_required_to_register(client, make_user, school):
    client.force_login(make_user(Role.GUARDIAN))
    response = walk(client, ADD_CHILD, school, consents={"consent_media": "on"})
    assert "To register, agree to the hub keeping and using the details" in response.text
    assert not YoungPerson.objects.exists()


def test_a_signed_in_guardian_adds_a_second_child_to_the_same_family(client, make_user, school):
    guardian = make_user(Role.GUARDIAN, first_name="Pat", last_name="Mensah")
    client.force_login(guardian)
    for first_name in ("Amara", "Kofi"):
        walk(client, ADD_CHILD, school, child=child_answers(school, first_name=first_name))
        post_step(client, ADD_CHILD, "check", {})
    amara, kofi = YoungPerson.objects.order_by("first_name")
    assert amara.family == kofi.family and amara.family.guardians.get() == guardian
    assert kofi.registered_by == YoungPerson.RegisteredBy.GUARDIAN


def test_barriers_and_support_named_while_registering_are_recorded(client, make_user, school):
    client.force_login(make_user(Role.GUARDIAN))
    cost, bursary = BarrierFactory(name="Cost"), SupportKindFactory(name="Bursary")
    walk(client, ADD_CHILD, school, barriers={"barriers": [cost.pk], "support": [bursary.pk]})
    post_step(client, ADD_CHILD, "check", {})
    child = YoungPerson.objects.get()
    assert list(child.named_barriers.values_list("barrier", flat=True)) == [cost.pk]
    assert child.support_requests.get().status == SupportRequest.Status.REQUESTED


def test_changing_an_answer_from_the_check_page_returns_to_it(client, make_user, school):
    client.force_login(make_user(Role.GUARDIAN))
    walk(client, ADD_CHILD, school)
    response = client.get(f"{ADD_CHILD}?step=music")
    assert "Join a band" in response.text  # the answer given before is shown
    response = post_step(client, ADD_CHILD, "music", {"next_steps": "Write songs"})
    assert response["Location"].endswith("?step=check")
    assert "Write songs" in client.get(response["Location"]).text


def test_a_young_person_of_13_registers_themself_and_gives_their_own_consent(client, school):
    post_step(client, REGISTER_SELF, "child", child_answers(school, age=14))
    post_step(
        client, REGISTER_SELF, "account", {**ACCOUNT, "first_name": "Amara", "email": "amara@example.org"}
    )
    post_step(client, REGISTER_SELF, "music", {})
    post_step(client, REGISTER_SELF, "about", {})
    post_step(client, REGISTER_SELF, "barriers", {})
    post_step(client, REGISTER_SELF, "consents", {"consent_data_processing": "on"})
    response = post_step(client, REGISTER_SELF, "check", {})
    person = YoungPerson.objects.get()
    assert person.user.email == "amara@example.org" and person.user.role == Role.YOUNG_PERSON
    assert person.registered_by == YoungPerson.RegisteredBy.SELF
    consent = person.consents.get()
    assert (consent.given_by, consent.given_by_user) == (Consent.GivenBy.YOUNG_PERSON, person.user)
    assert person.sex == "not_known"  # the optional questions left unanswered
    assert response["Location"] == reverse("people:me")


def test_a_12_year_old_cannot_register_themself(client, school):
    response = post_step(client, REGISTER_SELF, "child", child_answers(school, age=12))
    assert "You need to be 13 or older to register yourself" in response.text
    assert "account" not in response.text or 'name="password1"' not in response.text


def test_staff_register_on_someones_behalf_recording_how_consent_was_given(client, staff, school):
    client.force_login(staff)
    walk(client, STAFF_REGISTER, school, consents={
        "consent_data_processing": "on", "given_by": "guardian", "given_by_name": "Grace Mensah", "method": "phone",
    })  # fmt: skip
    response = post_step(client, STAFF_REGISTER, "check", {})
    person = YoungPerson.objects.get()
    consent = person.consents.get()
    assert (consent.method, consent.given_by_name, consent.given_by_user) == ("phone", "Grace Mensah", None)
    assert person.registered_by == YoungPerson.RegisteredBy.STAFF and person.registered_by_user == staff
    assert response["Location"] == reverse("people:detail", args=[person.pk])


def test_staff_cannot_record_an_under_13s_own_consent(client, staff, school):
    client.force_login(staff)
    response = walk(client, STAFF_REGISTER, school, consents={
        "consent_data_processing": "on", "given_by": "young_person", "given_by_name": "Amara", "method": "paper",
    })  # fmt: skip
    assert "This child is under 13, so consent must come from their parent or guardian" in response.text
    assert not YoungPerson.objects.exists()


def test_a_signed_in_guardian_opening_register_is_sent_to_add_a_child(client, make_user):
    client.force_login(make_user(Role.GUARDIAN))
    assert client.get(REGISTER)["Location"] == ADD_CHILD


def test_the_check_page_sends_back_to_a_step_that_is_no_longer_valid(client, make_user, school):
    client.force_login(make_user(Role.GUARDIAN))
    walk(client, ADD_CHILD, school)
    school.is_open = False
    school.save()
    response = post_step(client, ADD_CHILD, "check", {})
    assert response["Location"].endswith("?step=child")
    assert not YoungPerson.objects.exists()


def test_registering_writes_an_audit_entry_without_personal_details(client, make_user, school):
    client.force_login(make_user(Role.GUARDIAN))
    walk(client, ADD_CHILD, school)
    post_step(client, ADD_CHILD, "check", {})
    entry = AuditEntry.objects.get(action="young_person.registered")
    assert "Amara" not in entry.detail and "SO14" not in entry.detail


def test_a_young_persons_registration_consents_are_for_today(client, make_user, school):
    client.force_login(make_user(Role.GUARDIAN))
    walk(client, ADD_CHILD, school)
    post_step(client, ADD_CHILD, "check", {})
    consent = Consent.objects.get(purpose=ConsentPurpose.DATA_PROCESSING)
    assert timezone.now() - consent.given_at < timedelta(minutes=1)
