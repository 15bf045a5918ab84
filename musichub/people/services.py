"""Writes for young people and families: registration, details, consent, barriers and support, merging.

Every change to a young person's record is written to the audit log (record_audit); an audit entry's detail
never holds names, dates of birth or contact details, only record ids, purposes and field names.
"""

import logging
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from musichub.core.models import User
from musichub.core.permissions import can
from musichub.core.roles import Role
from musichub.core.services import create_invited_user, free_username, record_audit, set_role

from .areas import area_for_postcode, normalise_postcode
from .choices import NOT_KNOWN, ConsentPurpose, EducationStatus, Gender
from .consent_texts import CURRENT_VERSION
from .models import (
    Barrier,
    Consent,
    Family,
    FamilyGuardian,
    NamedBarrier,
    SupportKind,
    SupportRequest,
    YoungPerson,
)

logger = logging.getLogger(__name__)

# The hub works with children and young people aged 4 to 25.
YOUNGEST_AGE = 4
OLDEST_AGE = 25
# From 13 a young person may register and consent for themself (UK GDPR, Article 8 as applied in the UK).
AGE_OF_DIGITAL_CONSENT = 13

# Fields `register_young_person` and `update_young_person` accept besides the ones they handle themselves.
RECORD_FIELDS = {
    "first_name", "last_name", "preferred_name", "date_of_birth", "education_status", "school", "year_group",
    "postcode", "next_steps", "access_needs", "sex", "gender", "gender_self_described", "ethnicity", "fsm",
    "send", "eal", "care_experienced", "young_carer", "disability", "user", "last_activity_on",
}  # fmt: skip
MANY_FIELDS = {"instruments", "genres"}
AREA_FIELDS = ["postcode", "postcode_district", "lsoa_code", "ward_code", "imd_decile"]


# ---- Small rules shared with the forms ----------------------------------------------------------------------


def age_on(date_of_birth: date, today: date) -> int:
    """Age in whole years on `today` (a birthday on 29 February counts on 1 March in other years)."""
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if had_birthday else 1)


def validate_date_of_birth(date_of_birth: date, *, registering_self: bool = False, today: date | None = None):
    """Refuse a date of birth in the future, or one making the person younger than 4 or older than 25.

    Raises ValidationError with code "date_in_future", "too_young", "too_old" or, when a young person
    registers themself, "too_young_to_register_alone" (under 13).
    """
    today = today or timezone.localdate()
    if date_of_birth > today:
        raise ValidationError(
            _("The date of birth must be in the past. Check the year: it may have been typed by mistake."),
            code="date_in_future",
        )
    age = age_on(date_of_birth, today)
    if age < YOUNGEST_AGE:
        raise ValidationError(
            _(
                "This date of birth makes the child %(age)s years old. The hub works with children and "
                "young people aged %(youngest)s to %(oldest)s: check the date, or come back when they are "
                "%(youngest)s."
            )
            % {"age": age, "youngest": YOUNGEST_AGE, "oldest": OLDEST_AGE},
            code="too_young",
        )
    if age > OLDEST_AGE:
        raise ValidationError(
            _(
                "This date of birth makes them %(age)s years old. The hub works with young people up to "
                "the age of %(oldest)s: check the year."
            )
            % {"age": age, "oldest": OLDEST_AGE},
            code="too_old",
        )
    if registering_self and age < AGE_OF_DIGITAL_CONSENT:
        raise ValidationError(
            _(
                "You need to be %(age)s or older to register yourself. Ask a parent or carer to register "
                "you: it only takes a few minutes."
            )
            % {"age": AGE_OF_DIGITAL_CONSENT},
            code="too_young_to_register_alone",
        )


def _area_fields(postcode: str) -> dict:
    """The area codes stored for a postcode; an unknown postcode keeps its district only.

    Raises ValidationError (code "postcode_shape") for a postcode in the wrong shape.
    """
    if not (postcode or "").strip():
        return dict.fromkeys(AREA_FIELDS, "") | {"imd_decile": None}
    postcode = normalise_postcode(postcode)
    area = area_for_postcode(postcode)
    return {
        "postcode": postcode,
        "postcode_district": area["district"],
        "lsoa_code": area["lsoa_code"] or "",
        "ward_code": area["ward_code"] or "",
        "imd_decile": area["imd_decile"],
    }


def _tidy(fields: dict) -> dict:
    """Keep the record consistent: no school when not at school; self-description only when chosen."""
    if fields.get("education_status", EducationStatus.IN_SCHOOL) != EducationStatus.IN_SCHOOL:
        fields["school"] = None
    if "gender" in fields and fields["gender"] != Gender.SELF_DESCRIBED:
        fields["gender_self_described"] = ""
    return fields


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - RECORD_FIELDS - MANY_FIELDS
    if unknown:
        raise TypeError(f"unknown fields for a young person: {sorted(unknown)}")


# ---- Registration and details ----------------------------------------------------------------------------


@transaction.atomic
def register_young_person(
    *,
    registered_by_user,
    registered_by: str,
    family: Family | None = None,
    consents=(),
    barriers=(),
    barrier_note: str = "",
    support=(),
    support_reason: str = "",
    **fields,
) -> YoungPerson:
    """Register a young person with their consents (and the barriers and support they name).

    `consents` is a list of (purpose, given_by, given_by_name, method), all given to today's wording.
    Raises ValidationError: date of birth codes (see validate_date_of_birth), "guardian_consent_required"
    (an under-13 without a guardian's data-processing consent, or consenting for themself),
    "consent_required" (no data-processing consent), "postcode_shape".
    """
    _check_fields(fields)
    many = {name: fields.pop(name) for name in list(fields) if name in MANY_FIELDS}
    date_of_birth = fields["date_of_birth"]
    validate_date_of_birth(date_of_birth, registering_self=registered_by == YoungPerson.RegisteredBy.SELF)
    under_13 = age_on(date_of_birth, timezone.localdate()) < AGE_OF_DIGITAL_CONSENT
    consents = list(consents)
    _check_registration_consents(consents, under_13=under_13, registered_by=registered_by)
    fields = _tidy(fields)
    fields.update(_area_fields(fields.pop("postcode", "")))

    young_person = YoungPerson(
        family=family,
        registered_by=registered_by,
        registered_by_user=registered_by_user if getattr(registered_by_user, "pk", None) else None,
        **fields,
    )
    young_person.full_clean(exclude=["family", "user", "registered_by_user"])
    young_person.save()
    for name, values in many.items():
        getattr(young_person, name).set(values)
    now = timezone.now()
    for purpose, given_by, given_by_name, method in consents:
        Consent.objects.create(
            young_person=young_person,
            purpose=purpose,
            given_by=given_by,
            given_by_user=registered_by_user if method == Consent.Method.ONLINE else None,
            given_by_name=given_by_name,
            method=method,
            wording_version=CURRENT_VERSION,
            given_at=now,
        )
    for barrier in barriers:
        NamedBarrier.objects.create(
            young_person=young_person, barrier=barrier, note=barrier_note[:300], named_by=registered_by_user
        )
    for kind in support:
        SupportRequest.objects.create(
            young_person=young_person, kind=kind, reason=support_reason, requested_by=registered_by_user
        )
    record_audit(
        actor=registered_by_user,
        action="young_person.registered",
        obj=young_person,
        detail=f"by {registered_by}; consents: {','.join(sorted(c[0] for c in consents))}",
    )
    return young_person


def _check_registration_consents(consents, *, under_13: bool, registered_by: str) -> None:
    purposes = [purpose for purpose, *_rest in consents]
    if len(purposes) != len(set(purposes)):
        raise ValidationError(_("Each consent can be given only once."), code="duplicate_consent")
    for purpose, given_by, *_rest in consents:
        if purpose not in ConsentPurpose.values or given_by not in Consent.GivenBy.values:
            raise ValidationError(_("Choose a consent from the list."), code="invalid_consent")
    data_consent = next((c for c in consents if c[0] == ConsentPurpose.DATA_PROCESSING), None)
    if under_13:
        if data_consent is None or data_consent[1] != Consent.GivenBy.GUARDIAN:
            raise ValidationError(
                _(
                    "A child under 13 can only be registered with their parent's or guardian's consent to "
                    "the hub keeping and using their details."
                ),
                code="guardian_consent_required",
            )
        if any(given_by != Consent.GivenBy.GUARDIAN for _purpose, given_by, *_rest in consents):
            raise ValidationError(
                _("For a child under 13, every consent must be given by their parent or guardian."),
                code="guardian_consent_required",
            )
    elif data_consent is None and registered_by != YoungPerson.RegisteredBy.IMPORT:
        raise ValidationError(
            _(
                "To register, agree to the hub keeping and using the details. Without it the hub cannot "
                "run music-making for them."
            ),
            code="consent_required",
        )


@transaction.atomic
def update_young_person(*, young_person: YoungPerson, updated_by, **fields) -> YoungPerson:
    """Change a young person's details. Raises ValidationError like register_young_person."""
    _check_fields(fields)
    many = {name: fields.pop(name) for name in list(fields) if name in MANY_FIELDS}
    if "date_of_birth" in fields and fields["date_of_birth"] != young_person.date_of_birth:
        validate_date_of_birth(fields["date_of_birth"])
    if "education_status" not in fields:
        fields["education_status"] = young_person.education_status
    fields = _tidy(fields)
    if "postcode" in fields:
        fields.update(_area_fields(fields.pop("postcode")))
    changed = sorted(name for name, value in fields.items() if getattr(young_person, name) != value)
    for name, value in fields.items():
        setattr(young_person, name, value)
    young_person.full_clean(exclude=["family", "user", "registered_by_user"])
    young_person.save()
    for name, values in many.items():
        manager = getattr(young_person, name)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in values}:
            changed.append(name)
            manager.set(values)
    record_audit(actor=updated_by, action="young_person.changed", obj=young_person, detail=", ".join(changed))
    return young_person


@transaction.atomic
def create_account(*, first_name: str, last_name: str, email: str, password_hash: str, role: Role) -> User:
    """An account whose owner chose their password while registering (stored only as a hash).

    Raises ValidationError (code "email_taken") when an account already uses the email address.
    """
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("An account already uses this email address. Sign in instead, or use another address."),
            code="email_taken",
        )
    user = User(
        username=free_username(email.split("@")[0]),
        email=email,
        first_name=first_name,
        last_name=last_name,
        password=password_hash,
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            _("An account already uses this email address. Sign in instead, or use another address."),
            code="email_taken",
        ) from None
    return set_role(user=user, role=role)


def hash_password(password: str) -> str:
    """What a registration form keeps between steps instead of the password itself."""
    return make_password(password)


# ---- Consent ---------------------------------------------------------------------------------------------


@transaction.atomic
def give_consent(
    *,
    young_person: YoungPerson,
    purpose: str,
    given_by: str,
    given_by_user=None,
    given_by_name: str,
    method: str = Consent.Method.ONLINE,
) -> Consent:
    """Record a consent to today's wording.

    Raises ValidationError: "guardian_consent_required" (an under-13 consenting for themself),
    "already_given" (an active consent for that purpose exists), "invalid_consent".
    """
    young_person = YoungPerson.objects.select_for_update().get(pk=young_person.pk)
    if purpose not in ConsentPurpose.values or given_by not in Consent.GivenBy.values:
        raise ValidationError(_("Choose a consent from the list."), code="invalid_consent")
    under_13 = age_on(young_person.date_of_birth, timezone.localdate()) < AGE_OF_DIGITAL_CONSENT
    if under_13 and given_by != Consent.GivenBy.GUARDIAN:
        raise ValidationError(
            _("For a child under 13, consent must be given by their parent or guardian."),
            code="guardian_consent_required",
        )
    if young_person.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists():
        raise ValidationError(_("This consent has already been given."), code="already_given")
    consent = Consent.objects.create(
        young_person=young_person,
        purpose=purpose,
        given_by=given_by,
        given_by_user=given_by_user,
        given_by_name=given_by_name,
        method=method,
        wording_version=CURRENT_VERSION,
        given_at=timezone.now(),
    )
    record_audit(actor=given_by_user, action="consent.given", obj=young_person, detail=f"purpose={purpose}")
    return consent


@transaction.atomic
def withdraw_consent(*, young_person: YoungPerson, purpose: str, withdrawn_by) -> Consent:
    """Withdraw a consent. It takes effect at once: every check reads only active consents.

    Raises ValidationError (code "not_given") when there is no active consent for that purpose.
    """
    consent = (
        Consent.objects.select_for_update()
        .filter(young_person=young_person, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise ValidationError(_("There is no consent to withdraw for this."), code="not_given")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = withdrawn_by if getattr(withdrawn_by, "pk", None) else None
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    record_audit(
        actor=withdrawn_by, action="consent.withdrawn", obj=young_person, detail=f"purpose={purpose}"
    )
    return consent


# ---- Barriers and support --------------------------------------------------------------------------------


@transaction.atomic
def name_barrier(*, young_person: YoungPerson, barrier: Barrier, named_by, note: str = "") -> NamedBarrier:
    """Record a barrier a young person faces (naming it again updates the note)."""
    named, created = NamedBarrier.objects.get_or_create(
        young_person=young_person, barrier=barrier, defaults={"note": note[:300], "named_by": named_by}
    )
    if not created and note and named.note != note:
        named.note = note[:300]
        named.save(update_fields=["note", "updated_at"])
    record_audit(actor=named_by, action="barrier.named", obj=young_person, detail=f"barrier={barrier.slug}")
    return named


@transaction.atomic
def request_support(
    *, young_person: YoungPerson, kind: SupportKind, reason: str, requested_by
) -> SupportRequest:
    """Ask the hub for support. Raises ValidationError ("already_requested") if the same kind is awaiting."""
    YoungPerson.objects.select_for_update().filter(pk=young_person.pk).first()
    if young_person.support_requests.filter(kind=kind, status=SupportRequest.Status.REQUESTED).exists():
        raise ValidationError(
            _("%(kind)s has already been asked for and is waiting for a decision.") % {"kind": kind.name},
            code="already_requested",
        )
    request = SupportRequest.objects.create(
        young_person=young_person, kind=kind, reason=reason, requested_by=requested_by
    )
    record_audit(actor=requested_by, action="support.requested", obj=young_person, detail=f"kind={kind.slug}")
    return request


@transaction.atomic
def decide_support_request(
    *, request: SupportRequest, award: bool, decided_by, note: str = ""
) -> SupportRequest:
    """Award or decline a support request (hub staff only).

    Raises PermissionDenied for anyone but staff, ValidationError ("already_decided") for a decided request.
    """
    if not can(decided_by, "people.decide_support"):
        raise PermissionDenied
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SupportRequest.Status.REQUESTED:
        raise ValidationError(
            _("This request was already decided on %(date)s.")
            % {"date": date_format(timezone.localtime(request.decided_at), "j F Y")},
            code="already_decided",
        )
    request.status = SupportRequest.Status.AWARDED if award else SupportRequest.Status.DECLINED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record_audit(
        actor=decided_by,
        action="support.decided",
        obj=request.young_person,
        detail=f"request={request.pk} {request.status}",
    )
    return request


# ---- Families --------------------------------------------------------------------------------------------


@transaction.atomic
def create_family_for_guardian(*, guardian, relationship: str = "") -> Family:
    """The guardian's family, made if they have none yet."""
    existing = Family.objects.filter(guardians=guardian).order_by("pk").first()
    if existing is not None:
        return existing
    family = Family.objects.create()
    FamilyGuardian.objects.create(family=family, guardian=guardian, relationship=relationship)
    return family


@transaction.atomic
def invite_second_guardian(
    *, family: Family, invited_by, email: str, first_name: str, last_name: str, relationship: str = ""
) -> User:
    """Give another guardian their own login to the same children.

    A new email gets an invited guardian account; an existing guardian account is linked. Raises
    PermissionDenied unless `invited_by` is a guardian of the family, ValidationError "not_a_guardian_account"
    (the email belongs to another kind of account) or "already_linked".
    """
    if not FamilyGuardian.objects.filter(family=family, guardian=invited_by).exists():
        raise PermissionDenied
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        guardian = create_invited_user(
            email=email, first_name=first_name, last_name=last_name, role=Role.GUARDIAN
        )
    elif existing.role != Role.GUARDIAN:
        raise ValidationError(
            _(
                "This email address is used by an account that cannot be a parent or guardian here. Use "
                "another email address, or contact the hub."
            ),
            code="not_a_guardian_account",
        )
    else:
        guardian = existing
    if FamilyGuardian.objects.filter(family=family, guardian=guardian).exists():
        raise ValidationError(_("This person is already a guardian in your family."), code="already_linked")
    FamilyGuardian.objects.create(family=family, guardian=guardian, relationship=relationship)
    record_audit(actor=invited_by, action="family.guardian_added", obj=family, detail=f"user={guardian.pk}")
    return guardian


# ---- Merging duplicates ----------------------------------------------------------------------------------

# Fields copied from the merged record when the kept one has nothing there.
_NOT_FILLED = {"id", "created_at", "updated_at", "user", "anonymised_at", *AREA_FIELDS}


def _is_blank(value) -> bool:
    return value in (None, "", NOT_KNOWN)


@transaction.atomic
def merge_young_people(*, keep: YoungPerson, merge: YoungPerson, merged_by) -> YoungPerson:
    """Merge a duplicate record into another: move everything that points at it, fill gaps, delete it.

    Related records are found by walking YoungPerson's relations, so what later apps add (enrolments,
    achievements) moves too. Where a unique rule would be broken (one active consent per purpose, a barrier
    named once), the earliest active consent stays active and the other is marked withdrawn; any other
    clashing row of `merge` is a duplicate of one `keep` already has and is deleted.
    Raises ValidationError ("same_record") when both are the same record.
    """
    if keep.pk == merge.pk:
        raise ValidationError(_("Choose two different records to merge."), code="same_record")
    locked = {yp.pk: yp for yp in YoungPerson.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])}
    keep, merge = locked[keep.pk], locked[merge.pk]
    moved = {}
    for relation in YoungPerson._meta.related_objects:
        moved[relation.related_model._meta.label_lower] = _move_related(relation, keep, merge, merged_by)
    for name in MANY_FIELDS:
        getattr(keep, name).add(*getattr(merge, name).all())
    _fill_blanks(keep, merge)
    merge_pk = merge.pk
    merge.delete()
    keep.save()
    record_audit(
        actor=merged_by,
        action="young_person.merged",
        obj=keep,
        detail=f"merged #{merge_pk} into #{keep.pk}; moved "
        + ", ".join(f"{label}={count}" for label, count in sorted(moved.items()) if count),
    )
    return keep


def _fill_blanks(keep: YoungPerson, merge: YoungPerson) -> None:
    for field in YoungPerson._meta.concrete_fields:
        if field.name in _NOT_FILLED or field.primary_key:
            continue
        if _is_blank(getattr(keep, field.attname)) and not _is_blank(getattr(merge, field.attname)):
            setattr(keep, field.attname, getattr(merge, field.attname))
    if not keep.postcode and merge.postcode:
        for name in AREA_FIELDS:
            setattr(keep, name, getattr(merge, name))
    if keep.user_id is None and merge.user_id is not None:
        user_id = merge.user_id
        YoungPerson.objects.filter(pk=merge.pk).update(user=None)
        merge.user_id = None
        keep.user_id = user_id


def _unique_rules(model, fk_name: str) -> list[tuple[list[str], Q | None]]:
    """The unique rules of `model` that include the foreign key to the young person: (other fields, condition)."""
    rules = []
    for fields in model._meta.unique_together:
        if fk_name in fields:
            rules.append(([f for f in fields if f != fk_name], None))
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and fk_name in constraint.fields
        ):
            rules.append(([f for f in constraint.fields if f != fk_name], constraint.condition))
    for field in model._meta.concrete_fields:
        if field.name == fk_name and field.unique:
            rules.append(([], None))
    return rules


def _move_related(relation, keep: YoungPerson, merge: YoungPerson, merged_by) -> int:
    """Point every row of one relation at `keep`, resolving unique clashes first. Returns rows moved."""
    if relation.many_to_many:
        model, fk_name = relation.through, _through_fk_name(relation)
    else:
        model, fk_name = relation.related_model, relation.field.name
    manager = model._base_manager
    for other_fields, condition in _unique_rules(model, fk_name):
        _resolve_clashes(model, fk_name, other_fields, condition, keep, merge, merged_by)
    return manager.filter(**{fk_name: merge}).update(**{fk_name: keep})


def _through_fk_name(relation) -> str:
    for field in relation.through._meta.concrete_fields:
        if field.is_relation and field.related_model is YoungPerson:
            return field.name
    raise LookupError(relation)


def _resolve_clashes(model, fk_name, other_fields, condition, keep, merge, merged_by) -> None:
    manager = model._base_manager

    def rows(young_person):
        qs = manager.filter(**{fk_name: young_person})
        if condition is not None:
            qs = qs.filter(condition)
        return {
            tuple(getattr(row, f"{f}_id" if _is_fk(model, f) else f) for f in other_fields): row for row in qs
        }

    kept_rows, merged_rows = rows(keep), rows(merge)
    for key, merged_row in merged_rows.items():
        kept_row = kept_rows.get(key)
        if kept_row is None:
            continue
        if model is Consent:
            # Both were active for the same purpose: the earlier one stays active, the later is withdrawn.
            later = merged_row if merged_row.given_at >= kept_row.given_at else kept_row
            later.withdrawn_at = timezone.now()
            later.withdrawn_by = merged_by if getattr(merged_by, "pk", None) else None
            later.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
        else:
            merged_row.delete()


def _is_fk(model, name: str) -> bool:
    return model._meta.get_field(name).is_relation
