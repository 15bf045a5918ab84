"""The privacy pages: subject access (reason, JSON file, readable report) and erasure, and who may reach them."""

import json

import pytest
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.permissions import PERMISSIONS
from musichub.core.roles import Role
from musichub.people.models import YoungPerson

from .test_privacy import add_barrier_and_support, give_consents, make_family, make_young_person

pytestmark = pytest.mark.django_db

PRIVACY_URLS = [
    "people:subject_access",
    "people:subject_access_json",
    "people:subject_access_report",
    "people:erase",
]
REASON = "request from parent by email, 3 March"


@pytest.fixture
def child(make_user, staff):
    young_person = make_young_person()
    _, guardian = make_family(make_user, young_person)
    give_consents(young_person, guardian)
    add_barrier_and_support(young_person, decided_by=staff, requested_by=guardian)
    young_person.guardian = guardian
    return young_person


def _give_reason(client, young_person, reason=REASON):
    return client.post(reverse("people:subject_access", args=[young_person.pk]), {"reason": reason})


# ---- Subject access ----------------------------------------------------------------------------------------


def test_staff_are_asked_why_before_anything_is_exported(client, staff, child):
    client.force_login(staff)
    response = client.get(reverse("people:subject_access_json", args=[child.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:subject_access", args=[child.pk])
    page = client.get(response["Location"])
    assert "Why are you exporting this record?" in page.content.decode()
    assert not AuditEntry.objects.filter(action="young_person.exported").exists()


def test_an_empty_reason_is_refused_with_a_message_that_says_what_to_write(client, staff, child):
    client.force_login(staff)
    response = _give_reason(client, child, reason="  ")
    assert response.status_code == 200
    assert "Enter why you are exporting this record" in response.content.decode()
    assert client.get(reverse("people:subject_access_json", args=[child.pk])).status_code == 302


def test_a_reason_that_names_someone_is_refused_and_nothing_is_exported(client, staff, child):
    client.force_login(staff)
    response = _give_reason(client, child, reason="Marguerite Abernethy asked by email")
    assert "Leave out names, email addresses" in response.content.decode()
    assert client.get(reverse("people:subject_access_json", args=[child.pk])).status_code == 302
    assert not AuditEntry.objects.filter(action="young_person.exported").exists()


def test_the_json_file_is_a_download_with_consents_and_related_records_and_is_audited_with_why(
    client, staff, child
):
    client.force_login(staff)
    assert _give_reason(client, child).status_code == 302
    ready = client.get(reverse("people:subject_access", args=[child.pk])).content.decode()
    assert reverse("people:subject_access_json", args=[child.pk]) in ready

    response = client.get(reverse("people:subject_access_json", args=[child.pk]))
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"subject-access-{child.pk}-" in disposition
    assert "Zofia" not in disposition and "Abernethy" not in disposition
    document = json.loads(response.content)
    assert document["young_person"]["first_name"] == "Zofia"
    assert len(document["consents"]) == 3
    assert len(document["related_records"]["people.supportrequest"]) == 1

    entry = AuditEntry.objects.get(action="young_person.exported")
    assert (entry.actor, entry.object_type, entry.object_id) == (staff, "people.youngperson", str(child.pk))
    assert entry.detail == f"json: {REASON}"


def test_the_readable_report_shows_everything_and_each_showing_is_audited(client, staff, child):
    client.force_login(staff)
    _give_reason(client, child)
    html = client.get(reverse("people:subject_access_report", args=[child.pk])).content.decode()
    for expected in ["Zofia", "I need breaks in a quiet room", "Marguerite Abernethy", "marguerite@example.org",
                     "Photos, audio and video", "Lessons cost too much for us", "Dad lost his job in June", REASON]:  # fmt: skip
        assert expected in html
    client.get(reverse("people:subject_access_report", args=[child.pk]))
    details = list(AuditEntry.objects.filter(action="young_person.exported").values_list("detail", flat=True))
    assert details == [f"report: {REASON}"] * 2


def test_the_export_page_and_report_never_put_personal_data_in_the_audit_detail(client, staff, child):
    client.force_login(staff)
    _give_reason(client, child)
    client.get(reverse("people:subject_access_json", args=[child.pk]))
    client.get(reverse("people:subject_access_report", args=[child.pk]))
    details = " ".join(AuditEntry.objects.values_list("detail", flat=True))
    for secret in ["Zofia", "Abernethy", "Marguerite", "@example.org", "SO14 7LY", "2014-03-17", "17 March"]:
        assert secret not in details


def test_an_erased_record_can_still_be_exported_by_staff(client, staff, hub_admin, child):
    from musichub.people.privacy import erase_young_person

    erase_young_person(young_person=child, erased_by=hub_admin, reason="request from parent")
    client.force_login(staff)
    _give_reason(client, child)
    document = json.loads(client.get(reverse("people:subject_access_json", args=[child.pk])).content)
    assert (document["young_person"]["first_name"], document["family"]) == ("Erased", None)


# ---- Erasure -----------------------------------------------------------------------------------------------


def test_hub_staff_who_are_not_admins_cannot_erase(client, staff, child):
    client.force_login(staff)
    response = client.post(reverse("people:erase", args=[child.pk]), {"reason": REASON})
    assert response.status_code == 403
    child.refresh_from_db()
    assert child.anonymised_at is None


def test_the_erasure_page_explains_what_is_kept_and_what_is_removed(client, hub_admin, child):
    client.force_login(hub_admin)
    html = client.get(reverse("people:erase", args=[child.pk])).content.decode()
    assert "What is removed" in html and "What is kept" in html
    assert "This cannot be undone." in html


def test_erasing_without_a_reason_is_refused_and_changes_nothing(client, hub_admin, child):
    client.force_login(hub_admin)
    response = client.post(reverse("people:erase", args=[child.pk]), {"reason": ""})
    assert "Enter why you are erasing this record" in response.content.decode()
    child.refresh_from_db()
    assert (child.first_name, child.anonymised_at) == ("Zofia", None)


def test_a_hub_admin_erases_a_record_with_a_reason(client, hub_admin, child):
    client.force_login(hub_admin)
    response = client.post(
        reverse("people:erase", args=[child.pk]), {"reason": "request from the young person"}
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.first_name, child.postcode, child.family_id) == ("Erased", "", None)
    entry = AuditEntry.objects.get(action="young_person.erased")
    assert (entry.actor, entry.detail) == (hub_admin, "request from the young person")
    page = client.get(response["Location"]).content.decode()
    assert "This record is erased" in page and "Zofia" not in page


# ---- Scope: a record outside someone's scope is a 404, never a hint ----------------------------------------


def _urls(pk):
    return [reverse(name, args=[pk]) for name in PRIVACY_URLS]


@pytest.fixture
def privacy_open_to_every_role(monkeypatch):
    """As if the policy let partner members and guardians use the privacy pages: only their scope stops them."""
    for permission in ["people.subject_access", "people.erase"]:
        monkeypatch.setitem(PERMISSIONS, permission, frozenset(Role))


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.GUARDIAN])
def test_someone_outside_the_records_scope_gets_404_on_every_privacy_url(
    client, make_user, child, role, privacy_open_to_every_role
):
    client.force_login(make_user(role))  # a guardian of another family, a partner member with no enrolments
    for url in _urls(child.pk):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Zofia" not in response.content.decode()
    response = client.post(reverse("people:erase", args=[child.pk]), {"reason": REASON})
    assert response.status_code == 404
    child.refresh_from_db()
    assert child.anonymised_at is None
    assert not AuditEntry.objects.exists()


def test_the_scope_comes_from_the_selector_so_a_guardian_in_scope_gets_past_it(
    client, child, privacy_open_to_every_role
):
    client.force_login(child.guardian)
    assert client.get(reverse("people:subject_access", args=[child.pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.GUARDIAN, Role.MUSIC_LEADER, Role.SCHOOL_CONTACT])
def test_roles_without_the_privacy_permissions_are_refused_alike_for_real_and_unknown_records(
    client, make_user, child, role
):
    client.force_login(make_user(role))
    missing = YoungPerson.objects.order_by("-pk").first().pk + 1000
    for real, unknown in zip(_urls(child.pk), _urls(missing), strict=True):
        answer, answer_for_unknown = client.get(real), client.get(unknown)
        # The same answer whether the record exists or not: the refusal reveals nothing about it.
        assert answer.status_code == answer_for_unknown.status_code == 403
        assert "Zofia" not in answer.content.decode()
