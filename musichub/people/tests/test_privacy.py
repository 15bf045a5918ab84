"""Subject access and erasure (musichub/people/privacy.py): what an export holds, what erasure removes and keeps."""

import datetime
import json

import pytest
from django.db.models import Count
from django.utils import timezone

from musichub.core.models import AuditEntry, Genre, Instrument
from musichub.core.roles import Role
from musichub.people.models import (
    Barrier,
    Consent,
    Family,
    FamilyGuardian,
    NamedBarrier,
    School,
    SupportKind,
    SupportRequest,
    YoungPerson,
)
from musichub.people.privacy import (
    contains_personal_data,
    erase_young_person,
    register_eraser,
    safe_detail,
    subject_access_data,
    subject_access_json,
    subject_access_report,
)
from musichub.people.selectors import young_people_visible_to

pytestmark = pytest.mark.django_db


# ---- Small builders shared by the privacy test files --------------------------------------------------------


def make_school(urn=100001, name="Harbourside Primary"):
    return School.objects.get_or_create(urn=urn, defaults={"name": name, "la_code": "852"})[0]


def make_young_person(**fields) -> YoungPerson:
    defaults = {
        "first_name": "Zofia",
        "last_name": "Abernethy",
        "preferred_name": "Zo",
        "date_of_birth": datetime.date(2014, 3, 17),
        "school": fields.pop("school", None) or make_school(),
        "year_group": "7",
        "postcode": "SO14 7LY",
        "postcode_district": "SO14",
        "lsoa_code": "E01017140",
        "ward_code": "E05002462",
        "imd_decile": 2,
        "next_steps": "Start a band with my cousin",
        "access_needs": "I need breaks in a quiet room",
        "sex": "female",
        "gender": "self_described",
        "gender_self_described": "genderfluid",
        "ethnicity": "black_african",
        "fsm": "yes",
        "send": "sen_support",
        "eal": "yes",
        "care_experienced": "no",
        "young_carer": "yes",
        "disability": "no",
        "registered_by": YoungPerson.RegisteredBy.GUARDIAN,
        "last_activity_on": datetime.date(2026, 1, 10),
    }
    defaults.update(fields)
    return YoungPerson.objects.create(**defaults)


def make_family(make_user, young_person, *, guardian_name=("Marguerite", "Abernethy"), email=None):
    guardian = make_user(
        Role.GUARDIAN,
        first_name=guardian_name[0],
        last_name=guardian_name[1],
        email=email or f"{guardian_name[0].lower()}@example.org",
        username=f"guardian-{guardian_name[0].lower()}",
    )
    family = Family.objects.create()
    FamilyGuardian.objects.create(family=family, guardian=guardian, relationship="Mother")
    young_person.family = family
    young_person.registered_by_user = guardian
    young_person.save()
    return family, guardian


def give_consents(young_person, guardian):
    given = timezone.now() - datetime.timedelta(days=30)
    common = {
        "young_person": young_person,
        "given_by": Consent.GivenBy.GUARDIAN,
        "given_by_user": guardian,
        "given_by_name": guardian.get_full_name(),
        "wording_version": "2026-11",
    }
    Consent.objects.create(purpose="data_processing", given_at=given, **common)
    Consent.objects.create(
        purpose="media",
        given_at=given,
        withdrawn_at=given + datetime.timedelta(days=3),
        withdrawn_by=guardian,
        **common,
    )
    Consent.objects.create(purpose="media", given_at=given + datetime.timedelta(days=5), **common)


def add_barrier_and_support(young_person, *, decided_by=None, requested_by=None, status="awarded"):
    barrier = Barrier.objects.get_or_create(slug="cost", defaults={"name": "Cost"})[0]
    kind = SupportKind.objects.get_or_create(slug="bursary", defaults={"name": "Bursary"})[0]
    NamedBarrier.objects.create(
        young_person=young_person, barrier=barrier, note="Lessons cost too much for us", named_by=requested_by
    )
    return SupportRequest.objects.create(
        young_person=young_person,
        kind=kind,
        reason="Dad lost his job in June",
        status=status,
        requested_by=requested_by,
        decided_by=decided_by,
        decided_at=None if status == "requested" else timezone.now(),
        decision_note="Awarded for the spring term, Zofia to start in April",
    )


@pytest.fixture
def child(make_user, staff):
    young_person = make_young_person()
    young_person.instruments.add(Instrument.objects.create(name="Cornet", slug="cornet"))
    young_person.genres.add(Genre.objects.create(name="Afrobeats", slug="afrobeats"))
    family, guardian = make_family(make_user, young_person)
    give_consents(young_person, guardian)
    add_barrier_and_support(young_person, decided_by=staff, requested_by=guardian)
    young_person.guardian = guardian
    return young_person


# ---- Subject access ----------------------------------------------------------------------------------------


def test_subject_access_holds_every_field_family_consents_with_history_barriers_and_support(child):
    data = subject_access_data(child)

    record = data["young_person"]
    assert (record["first_name"], record["last_name"], record["preferred_name"]) == (
        "Zofia",
        "Abernethy",
        "Zo",
    )
    assert record["date_of_birth"] == datetime.date(2014, 3, 17)
    assert record["postcode"] == "SO14 7LY"
    assert record["access_needs"] == "I need breaks in a quiet room"
    assert record["instruments"] == ["Cornet"] and record["genres"] == ["Afrobeats"]
    assert record["school"]["urn"] == 100001
    # Every concrete field of the model is there, so a field added later cannot be forgotten.
    assert {field.name for field in YoungPerson._meta.concrete_fields} - {"id"} <= set(record)

    assert data["family"]["guardians"] == [
        {"name": "Marguerite Abernethy", "email": "marguerite@example.org", "relationship": "Mother"}
    ]
    media = [c for c in data["consents"] if c["purpose"] == "media"]
    assert [c["active"] for c in media] == [False, True]  # the withdrawn consent stays in the history
    assert {c["purpose"] for c in data["consents"]} == {"data_processing", "media"}
    assert data["named_barriers"][0]["note"] == "Lessons cost too much for us"
    assert data["support_requests"][0]["status"] == "awarded"


def test_subject_access_finds_every_record_that_points_at_the_young_person(child):
    related = subject_access_data(child)["related_records"]
    assert len(related["people.consent"]) == 3
    assert related["people.namedbarrier"][0]["fields"]["note"] == "Lessons cost too much for us"
    assert related["people.supportrequest"][0]["fields"]["reason"] == "Dad lost his job in June"


def test_subject_access_includes_audit_entries_about_the_record_and_its_consents(child, staff):
    from musichub.core.services import record_audit

    record_audit(actor=staff, action="young_person.viewed", obj=child)
    record_audit(actor=staff, action="consent.withdrawn", obj=child.consents.first())
    actions = [entry["action"] for entry in subject_access_data(child)["audit_entries"]]
    assert actions == ["young_person.viewed", "consent.withdrawn"]


def test_subject_access_json_is_valid_json_with_dates_as_iso_text(child):
    document = json.loads(subject_access_json(child))
    assert document["young_person"]["date_of_birth"] == "2014-03-17"
    assert document["consents"][0]["wording_version"] == "2026-11"


def test_the_readable_report_lists_other_apps_records_apart_from_consents_barriers_and_support(child):
    report = subject_access_report(child)
    assert ("First name", "Zofia") in report["record_rows"]
    assert ("Sex", "Female") in report["record_rows"]
    assert len(report["consents"]) == 3
    # Consents, barriers and support have their own sections, so they are not repeated among the others.
    assert [section["label"] for section in report["other_sections"]] == []


# ---- Keeping personal data out of the audit log -------------------------------------------------------------


def test_safe_detail_removes_names_emails_postcodes_phone_numbers_and_date_of_birth(child):
    text = (
        "Marguerite Abernethy (marguerite@example.org, 07700 900123) asked for Zo's file, "
        "SO14 7LY, born 17/03/2014, on 3 March"
    )
    cleaned = safe_detail(text, child)
    for secret in ["Marguerite", "Abernethy", "marguerite@", "07700", "Zo'", "SO14", "17/03/2014"]:
        assert secret not in cleaned
    assert cleaned.endswith("on 3 March")
    assert not contains_personal_data("request from parent by email, 3 March", child)
    assert not contains_personal_data("asked on 2026-03-03", child)


# ---- Erasure -----------------------------------------------------------------------------------------------

REPORTED = ["school", "year_group", "sex", "gender", "ethnicity", "fsm", "send", "eal", "imd_decile",
            "lsoa_code", "ward_code", "postcode_district", "education_status", "disability"]  # fmt: skip


def _report_counts():
    """The counts the inclusion reports make, each grouped by one reported fact."""
    counts = {
        field: sorted(
            YoungPerson.objects.values(field).annotate(n=Count("pk")).values_list(field, "n"), key=str
        )
        for field in REPORTED
    }
    counts["birth_year"] = sorted(
        YoungPerson.objects.values("date_of_birth__year")
        .annotate(n=Count("pk"))
        .values_list("date_of_birth__year", "n")
    )
    counts["support_awarded"] = sorted(
        SupportRequest.objects.filter(status="awarded")
        .values("kind__slug")
        .annotate(n=Count("pk"))
        .values_list("kind__slug", "n")
    )
    counts["barriers"] = sorted(
        NamedBarrier.objects.values("barrier__slug").annotate(n=Count("pk")).values_list("barrier__slug", "n")
    )
    counts["active_consents"] = sorted(
        Consent.objects.filter(withdrawn_at__isnull=True)
        .values("purpose")
        .annotate(n=Count("pk"))
        .values_list("purpose", "n")
    )
    counts["instruments"] = YoungPerson.objects.filter(instruments__isnull=False).count()
    return counts


def test_erasure_keeps_every_count_the_reports_use(child, make_user, staff, hub_admin):
    other_school = make_school(urn=100002, name="Northam Academy")
    make_young_person(first_name="Idris", last_name="Kowalczyk", school=other_school, sex="male", fsm="no")
    before = _report_counts()

    erase_young_person(
        young_person=child, erased_by=hub_admin, reason="request from parent by email, 3 March"
    )

    assert _report_counts() == before


def test_erasure_removes_names_day_of_birth_postcode_free_text_and_family(child, hub_admin):
    erase_young_person(young_person=child, erased_by=hub_admin, reason="request from parent by email")
    child.refresh_from_db()
    assert (child.first_name, child.last_name, child.preferred_name) == ("Erased", "Erased", "")
    assert child.date_of_birth == datetime.date(2014, 7, 1)
    assert (child.postcode, child.postcode_district, child.lsoa_code, child.imd_decile) == (
        "",
        "SO14",
        "E01017140",
        2,
    )
    assert (child.next_steps, child.access_needs, child.gender_self_described) == ("", "", "")
    assert child.family is None and child.registered_by_user is None
    assert child.anonymised_at is not None
    assert set(child.named_barriers.values_list("note", flat=True)) == {""}
    assert list(child.support_requests.values_list("reason", "decision_note")) == [("", "")]
    # Consents are kept as facts, without the name or account of whoever gave them.
    assert set(child.consents.values_list("given_by_name", "given_by_user", "withdrawn_by")) == {
        ("", None, None)
    }
    assert child.consents.count() == 3
    # Who decided the support is staff accountability, not the child's data: it stays.
    assert child.support_requests.get().decided_by is not None
    assert child.support_requests.get().requested_by is None


def test_erasure_derives_the_district_when_only_the_full_postcode_was_stored(hub_admin):
    young_person = make_young_person(postcode="SO16 4GX", postcode_district="")
    erase_young_person(young_person=young_person, erased_by=hub_admin, reason="retention")
    young_person.refresh_from_db()
    assert (young_person.postcode, young_person.postcode_district) == ("", "SO16")


def test_erasure_closes_the_young_persons_own_account_and_clears_its_name_and_email(make_user, hub_admin):
    account = make_user(Role.YOUNG_PERSON, first_name="Zofia", last_name="Abernethy", email="zo@example.org")
    young_person = make_young_person(user=account, registered_by=YoungPerson.RegisteredBy.SELF)
    erase_young_person(young_person=young_person, erased_by=hub_admin, reason="request from the young person")
    account.refresh_from_db()
    assert (account.is_active, account.first_name, account.last_name, account.email) == (False, "", "", "")
    assert not account.has_usable_password()
    assert "Zofia" not in account.username


def test_an_erased_child_disappears_from_their_guardians_view(child, hub_admin):
    guardian = child.guardian
    assert list(young_people_visible_to(guardian)) == [child]
    erase_young_person(young_person=child, erased_by=hub_admin, reason="request from parent")
    assert list(young_people_visible_to(guardian)) == []


def test_erasure_is_audited_with_the_reason_and_no_personal_data(child, hub_admin):
    erase_young_person(
        young_person=child,
        erased_by=hub_admin,
        reason="Marguerite Abernethy asked by email (marguerite@example.org) on 3 March",
    )
    entry = AuditEntry.objects.get(action="young_person.erased")
    assert (entry.actor, entry.object_id) == (hub_admin, str(child.pk))
    assert "asked by email" in entry.detail and "3 March" in entry.detail
    for secret in ["Marguerite", "Abernethy", "marguerite@example.org", "Zofia"]:
        assert secret not in entry.detail


def test_erasing_twice_changes_nothing_more(child, hub_admin):
    erase_young_person(young_person=child, erased_by=hub_admin, reason="request from parent")
    child.refresh_from_db()
    first = (child.anonymised_at, child.date_of_birth, child.postcode_district, child.updated_at)
    erase_young_person(young_person=child, erased_by=hub_admin, reason="again")
    child.refresh_from_db()
    assert (child.anonymised_at, child.date_of_birth, child.postcode_district, child.updated_at) == first
    assert AuditEntry.objects.filter(action="young_person.erased").count() == 1


def test_erasure_leaves_other_children_of_the_family_alone(child, hub_admin):
    sibling = make_young_person(first_name="Anselm", family=child.family)
    erase_young_person(young_person=child, erased_by=hub_admin, reason="request from parent")
    sibling.refresh_from_db()
    assert (sibling.first_name, sibling.family_id, sibling.postcode) == (
        "Anselm",
        child.family_id,
        "SO14 7LY",
    )
    assert list(young_people_visible_to(child.guardian)) == [sibling]


def test_later_apps_can_add_their_own_anonymisation_to_erasure(child, hub_admin, monkeypatch):
    from musichub.people import privacy

    erased = []
    monkeypatch.setattr(privacy, "_ERASERS", [])
    register_eraser(lambda young_person: erased.append(young_person.pk))
    erase_young_person(young_person=child, erased_by=hub_admin, reason="request from parent")
    assert erased == [child.pk]
