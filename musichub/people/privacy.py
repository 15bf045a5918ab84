"""Privacy operations on one young person's record: subject access (export), erasure, and the retention rule.

- Subject access gathers everything held on a young person, including records later apps attach to them
  (found through the model's reverse relations, so a new app's records appear without touching this file).
- Erasure anonymises the record in place: it removes what identifies the person and keeps the facts the
  reports count (school, year group, characteristics, area codes, barriers and support), so figures already
  reported do not change.
- Retention: records with no activity for RETENTION_YEARS years are erased by `manage.py apply_retention`.

Audit entries never hold names, dates of birth or contact details: the reasons staff type are cleaned by
`safe_detail` before they are written.
"""

import datetime
import os
import re
from collections.abc import Callable

from django.core import serializers
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.models import AuditEntry
from musichub.core.services import record_audit

from .models import Consent, NamedBarrier, SupportRequest, YoungPerson

# Years without activity after which a record is erased (docs/data.md, "Retention and erasure").
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", 6))

ERASED_NAME = "Erased"
REDACTED = "[removed]"

# Later apps register here what erasing a young person means for their own records (free text in an
# achievement, a note on an enrolment): `eraser(young_person)` runs inside the erasure's transaction.
_ERASERS: list[Callable[[YoungPerson], None]] = []


def register_eraser(eraser: Callable[[YoungPerson], None]) -> None:
    """Let a later app anonymise its own records about a young person when that person is erased."""
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)


# ---- Keeping personal data out of the audit log -------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)\+?\d[\d ()-]{8,}\d(?!\w)")


def _phone_or_keep(match: re.Match) -> str:
    # A phone number has 10 or more digits; a date such as 2025-03-03 has 8.
    return REDACTED if sum(ch.isdigit() for ch in match.group()) >= 10 else match.group()


def personal_words(young_person: YoungPerson) -> list[str]:
    """The names and contact details on a record and its family, which a reason must not repeat."""
    words = [young_person.first_name, young_person.last_name, young_person.preferred_name]
    if young_person.family_id:
        for guardian in young_person.family.guardians.all():
            words += [guardian.first_name, guardian.last_name, guardian.email, guardian.display_name]
    if young_person.user_id and young_person.user is not None:
        words += [young_person.user.email, young_person.user.first_name, young_person.user.last_name]
    return [word for word in words if word and len(word) > 1 and word != ERASED_NAME]


def _date_forms(day: datetime.date) -> list[str]:
    return [
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
    ]


def contains_personal_data(text: str, young_person: YoungPerson | None = None) -> bool:
    """Whether `text` holds an email address, postcode, phone number, or the record's names or date of birth."""
    return safe_detail(text, young_person) != " ".join((text or "").split())


def safe_detail(text: str, young_person: YoungPerson | None = None) -> str:
    """`text` without email addresses, postcodes, phone numbers and the record's names and date of birth."""
    cleaned = _EMAIL.sub(REDACTED, text or "")
    cleaned = _POSTCODE.sub(REDACTED, cleaned)
    cleaned = _PHONE.sub(_phone_or_keep, cleaned)
    if young_person is not None:
        for form in _date_forms(young_person.date_of_birth):
            cleaned = re.sub(re.escape(form), REDACTED, cleaned, flags=re.IGNORECASE)
        for word in sorted(personal_words(young_person), key=len, reverse=True):
            cleaned = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, cleaned, flags=re.IGNORECASE)
    return " ".join(cleaned.split())


# ---- Subject access ----------------------------------------------------------------------------------------


def _serialise(objects) -> list[dict]:
    """Objects as the python serializer writes them: {model, pk, fields}."""
    return serializers.serialize("python", objects)


def _reverse_relations():
    """Every relation that points at YoungPerson from another model, hidden ones ("+") included.

    The auto-created tables behind YoungPerson's own many-to-many fields are left out: their content is in the
    record's fields (instruments, genres).
    """
    own_through = {field.remote_field.through for field in YoungPerson._meta.many_to_many}
    for relation in YoungPerson._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.related_model in own_through:
            continue
        yield relation


def _related_records(young_person: YoungPerson) -> dict[str, list[dict]]:
    """Every record of any model that points at the young person, by model label."""
    found: dict[str, list[dict]] = {}
    for relation in _reverse_relations():
        model = relation.related_model
        objects = model._default_manager.filter(**{relation.field.name: young_person})
        rows = _serialise(objects.order_by("pk"))
        if rows:
            found.setdefault(model._meta.label_lower, []).extend(rows)
    return found


def _user_summary(user) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _audit_entries_about(young_person: YoungPerson, related: dict[str, list[dict]]) -> QuerySet[AuditEntry]:
    about = Q(object_type=YoungPerson._meta.label_lower, object_id=str(young_person.pk))
    for label, rows in related.items():
        about |= Q(object_type=label, object_id__in=[str(row["pk"]) for row in rows])
    return AuditEntry.objects.filter(about).select_related("actor").order_by("at", "pk")


def subject_access_data(young_person: YoungPerson) -> dict:
    """Everything held on one young person, as plain data (dates as date objects; see `subject_access_json`)."""
    young_person = (
        YoungPerson.objects.select_related("school", "family", "user")
        .prefetch_related("instruments", "genres")
        .get(pk=young_person.pk)
    )
    record = _serialise([young_person])[0]
    fields = dict(record["fields"])
    fields["instruments"] = [instrument.name for instrument in young_person.instruments.all()]
    fields["genres"] = [genre.name for genre in young_person.genres.all()]
    fields["school"] = (
        {"id": young_person.school.pk, "urn": young_person.school.urn, "name": young_person.school.name}
        if young_person.school
        else None
    )

    family = None
    if young_person.family is not None:
        links = young_person.family.guardian_links.select_related("guardian").order_by("pk")
        family = {
            "id": young_person.family.pk,
            "guardians": [
                {
                    "name": link.guardian.get_full_name() or str(link.guardian),
                    "email": link.guardian.email,
                    "relationship": link.relationship,
                }
                for link in links
            ],
            "brothers_and_sisters": [
                sibling.pk
                for sibling in young_person.family.children.exclude(pk=young_person.pk).order_by("pk")
            ],
        }

    consents = [
        {
            "purpose": consent.purpose,
            "given_by": consent.given_by,
            "given_by_name": consent.given_by_name,
            "method": consent.method,
            "wording_version": consent.wording_version,
            "given_at": consent.given_at,
            "withdrawn_at": consent.withdrawn_at,
            "active": consent.is_active,
        }
        for consent in young_person.consents.order_by("purpose", "given_at", "pk")
    ]
    barriers = [
        {"barrier": named.barrier.name, "note": named.note, "named_at": named.created_at}
        for named in young_person.named_barriers.select_related("barrier").order_by("created_at", "pk")
    ]
    support = [
        {
            "support": request.kind.name,
            "reason": request.reason,
            "status": request.status,
            "requested_at": request.created_at,
            "decided_at": request.decided_at,
            "decided_by": str(request.decided_by) if request.decided_by else None,
            "decision_note": request.decision_note,
        }
        for request in young_person.support_requests.select_related("kind", "decided_by").order_by(
            "created_at"
        )
    ]
    related = _related_records(young_person)
    audit = [
        {
            "at": entry.at,
            "who": str(entry.actor) if entry.actor else None,
            "action": entry.action,
            "about": f"{entry.object_type}#{entry.object_id}",
            "detail": entry.detail,
        }
        for entry in _audit_entries_about(young_person, related)
    ]
    return {
        "generated_at": timezone.now(),
        "young_person": {"id": young_person.pk, **fields},
        "own_account": _user_summary(young_person.user),
        "family": family,
        "consents": consents,
        "named_barriers": barriers,
        "support_requests": support,
        "audit_entries": audit,
        "related_records": related,
    }


def subject_access_json(young_person: YoungPerson) -> str:
    """The subject access data as an indented JSON document."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(subject_access_data(young_person), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def readable_value(obj: models.Model, field: models.Field) -> str:
    """A field's value as a person reads it: choice labels, names of related things, blanks as blanks."""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _first_upper(text: str) -> str:
    """'LSOA code' stays 'LSOA code'; 'ward code' becomes 'Ward code' (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def readable_rows(obj: models.Model, *, leave_out=("id",)) -> list[tuple[str, str]]:
    """(label, value) for every concrete field of `obj`, in model order."""
    return [
        (_first_upper(str(field.verbose_name)), readable_value(obj, field))
        for field in obj._meta.concrete_fields
        if field.name not in leave_out
    ]


def related_record_sections(young_person: YoungPerson) -> list[dict]:
    """Every record that points at the young person, grouped by kind, as readable rows (for the HTML report)."""
    sections = []
    for relation in _reverse_relations():
        model = relation.related_model
        objects = list(model._default_manager.filter(**{relation.field.name: young_person}).order_by("pk"))
        if not objects:
            continue
        sections.append(
            {
                "title": _first_upper(str(model._meta.verbose_name_plural)),
                "label": model._meta.label_lower,
                "records": [readable_rows(obj, leave_out=("id", relation.field.name)) for obj in objects],
            }
        )
    return sections


def subject_access_report(young_person: YoungPerson) -> dict:
    """What the readable (printable) subject access page shows: the same content as the JSON, with labels."""
    young_person = (
        YoungPerson.objects.select_related("school", "family", "user")
        .prefetch_related("instruments", "genres")
        .get(pk=young_person.pk)
    )
    record_rows = readable_rows(young_person, leave_out=("id", "family", "user"))
    record_rows += [
        (str(_("Instruments they play")), ", ".join(i.name for i in young_person.instruments.all())),
        (str(_("Genres they love")), ", ".join(g.name for g in young_person.genres.all())),
    ]
    shown_apart = {Consent, NamedBarrier, SupportRequest}
    other_sections = [
        section
        for section in related_record_sections(young_person)
        if section["label"] not in {model._meta.label_lower for model in shown_apart}
    ]
    related = _related_records(young_person)
    return {
        "young_person": young_person,
        "generated_at": timezone.now(),
        "record_rows": record_rows,
        "account": young_person.user,
        "guardian_links": (
            list(young_person.family.guardian_links.select_related("guardian").order_by("pk"))
            if young_person.family
            else []
        ),
        "consents": list(young_person.consents.order_by("purpose", "given_at", "pk")),
        "named_barriers": list(young_person.named_barriers.select_related("barrier").order_by("created_at")),
        "support_requests": list(
            young_person.support_requests.select_related("kind", "decided_by").order_by("created_at")
        ),
        "other_sections": other_sections,
        "audit_entries": list(_audit_entries_about(young_person, related)),
    }


def record_export(*, young_person: YoungPerson, exported_by, reason: str, export_format: str) -> AuditEntry:
    """Write the export of a record to the audit log, with why (names and contact details removed)."""
    return record_audit(
        actor=exported_by,
        action="young_person.exported",
        obj=young_person,
        detail=f"{export_format}: {safe_detail(reason, young_person)}",
    )


# ---- Erasure -----------------------------------------------------------------------------------------------


def _district_of(young_person: YoungPerson) -> str:
    if young_person.postcode_district:
        return young_person.postcode_district
    compact = "".join((young_person.postcode or "").split()).upper()
    # The inward code is always the last three characters; the outward code (the district) is the rest.
    return compact[:-3] if len(compact) > 3 else ""


@transaction.atomic
def erase_young_person(*, young_person: YoungPerson, erased_by, reason: str) -> YoungPerson:
    """Anonymise a young person's record in place, keeping the facts reports count. Erasing twice does nothing.

    Removed: names, the day and month of birth (kept: 1 July of the year), the full postcode (kept: its
    district and area codes), free text, the family link, their account's name and email (the account is
    closed), and the names of who consented. Kept: school, year group, characteristics, barriers and support
    (kinds and statuses), consents as facts, dates of activity. Raises nothing.
    """
    young_person = (
        YoungPerson.objects.select_for_update(of=("self",))
        .select_related("family", "user")
        .get(pk=young_person.pk)
    )
    if young_person.anonymised_at is not None:
        return young_person
    # Written before the names go, so the reason can be cleaned of them.
    detail = safe_detail(reason, young_person)

    # Accounts of the family and of the young person: links from the record's history to them are cut, so
    # nothing leads from the anonymised record back to a person. Staff links (who decided support) stay.
    family_accounts = set()
    if young_person.family_id:
        family_accounts = set(young_person.family.guardian_links.values_list("guardian_id", flat=True))
    if young_person.user_id:
        family_accounts.add(young_person.user_id)

    Consent.objects.filter(young_person=young_person).update(given_by_name="")
    if family_accounts:
        Consent.objects.filter(young_person=young_person, given_by_user__in=family_accounts).update(
            given_by_user=None
        )
        Consent.objects.filter(young_person=young_person, withdrawn_by__in=family_accounts).update(
            withdrawn_by=None
        )
        NamedBarrier.objects.filter(young_person=young_person, named_by__in=family_accounts).update(
            named_by=None
        )
        SupportRequest.objects.filter(young_person=young_person, requested_by__in=family_accounts).update(
            requested_by=None
        )
    NamedBarrier.objects.filter(young_person=young_person).update(note="")
    SupportRequest.objects.filter(young_person=young_person).update(reason="", decision_note="")

    if young_person.user is not None:
        account = young_person.user
        account.is_active = False
        account.first_name = ""
        account.last_name = ""
        account.display_name = ""
        account.email = ""
        account.username = f"erased-{account.pk}"
        account.set_unusable_password()
        account.save()

    young_person.first_name = ERASED_NAME
    young_person.last_name = ERASED_NAME
    young_person.preferred_name = ""
    young_person.date_of_birth = datetime.date(young_person.date_of_birth.year, 7, 1)
    young_person.postcode_district = _district_of(young_person)
    young_person.postcode = ""
    young_person.next_steps = ""
    young_person.access_needs = ""
    young_person.gender_self_described = ""
    young_person.family = None
    if young_person.registered_by_user_id in family_accounts:
        young_person.registered_by_user = None
    young_person.anonymised_at = timezone.now()
    young_person.save()

    for eraser in _ERASERS:
        eraser(young_person)

    record_audit(actor=erased_by, action="young_person.erased", obj=young_person, detail=detail)
    return young_person


# ---- Retention ---------------------------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Records whose last activity is before this day are due for erasure."""
    return _years_before(today, RETENTION_YEARS)


def records_due_for_erasure(today: datetime.date) -> QuerySet[YoungPerson]:
    """Records not yet anonymised whose last activity (or, with none, their creation) is older than the rule."""
    cutoff = retention_cutoff(today)
    return YoungPerson.objects.filter(anonymised_at__isnull=True).filter(
        Q(last_activity_on__lt=cutoff) | Q(last_activity_on__isnull=True, created_at__date__lt=cutoff)
    )


def retention_reason() -> str:
    return f"retention rule: no activity for {RETENTION_YEARS} years"


def apply_retention(*, today: datetime.date, dry_run: bool = False) -> int:
    """Erase every record due under the retention rule (or only count them, for a dry run). Returns how many."""
    due = records_due_for_erasure(today)
    if dry_run:
        return due.count()
    # The primary keys first: each erasure commits on its own, so a failure halfway keeps what was done.
    pks = list(due.order_by("pk").values_list("pk", flat=True))
    for pk in pks:
        erase_young_person(young_person=YoungPerson(pk=pk), erased_by=None, reason=retention_reason())
    return len(pks)
