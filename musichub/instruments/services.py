"""Writes for the instrument library: adding and editing instruments, lending, returns, agreements, repairs.

Every service that changes where an instrument is locks the instrument's row first (select_for_update), so two
people lending the same violin at the same moment cannot both succeed: the second waits, then sees the first
loan and is refused. The database's constraints (models.py) back the same rules up; a service that still hits
one turns the IntegrityError into the same clear ValidationError.
"""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from musichub.core.permissions import role_of
from musichub.core.roles import Role
from musichub.core.services import record_audit
from musichub.people.models import School, SupportRequest, YoungPerson
from musichub.people.privacy import ERASED_NAME
from musichub.people.services import age_on

from .agreement_texts import CURRENT_VERSION
from .models import (
    LENDABLE_CONDITIONS,
    AgreementGivenBy,
    AgreementMethod,
    Condition,
    LibraryInstrument,
    Loan,
    Location,
    Repair,
)

logger = logging.getLogger(__name__)

# The support kind (people.SupportKind, by slug) that this library fulfils.
INSTRUMENT_LOAN_SUPPORT = "instrument-loan"
# From this age a young person may accept their own loan agreement; below it a parent or guardian does.
AGE_TO_ACCEPT_OWN_AGREEMENT = 16

INSTRUMENT_FIELDS = {
    "asset_number", "instrument_type", "size", "make", "serial_number", "condition", "value_pence",
    "location_note", "photo", "notes",
}  # fmt: skip


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def normalise_asset_number(value: str) -> str:
    """Asset numbers are compared in capitals without surrounding spaces: ' vn-0042 ' is VN-0042."""
    return (value or "").strip().upper()


def _lock(instrument: LibraryInstrument) -> LibraryInstrument:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join, so lock only this row.
    return LibraryInstrument.objects.select_for_update(of=("self",)).get(pk=instrument.pk)


def _asset_taken() -> ValidationError:
    return ValidationError(
        _("Another instrument already has this asset number. Check the label, or choose another number."),
        code="asset_number_taken",
    )


# ---- Instruments --------------------------------------------------------------------------------------------


@transaction.atomic
def add_instrument(*, added_by, **fields) -> LibraryInstrument:
    """Add an instrument to the library (in the store). Raises ValidationError "asset_number_taken"."""
    unknown = set(fields) - INSTRUMENT_FIELDS
    if unknown:
        raise TypeError(f"add_instrument() got unexpected fields {sorted(unknown)}")
    fields["asset_number"] = normalise_asset_number(fields.get("asset_number", ""))
    if LibraryInstrument.objects.filter(asset_number=fields["asset_number"]).exists():
        raise _asset_taken()
    try:
        with transaction.atomic():
            instrument = LibraryInstrument.objects.create(location=Location.STORE, **fields)
    except IntegrityError as error:
        raise _asset_taken() from error
    record_audit(actor=added_by, action="instrument.added", obj=instrument, detail=instrument.asset_number)
    return instrument


@transaction.atomic
def update_instrument(*, instrument: LibraryInstrument, updated_by, **fields) -> LibraryInstrument:
    """Change an instrument's details. Where it is follows from loans and repairs and is not set here.

    Raises ValidationError: "asset_number_taken", "written_off_on_loan" (write off an instrument still on loan).
    """
    unknown = set(fields) - INSTRUMENT_FIELDS
    if unknown:
        raise TypeError(f"update_instrument() got unexpected fields {sorted(unknown)}")
    instrument = _lock(instrument)
    if "asset_number" in fields:
        fields["asset_number"] = normalise_asset_number(fields["asset_number"])
        if (
            LibraryInstrument.objects.filter(asset_number=fields["asset_number"])
            .exclude(pk=instrument.pk)
            .exists()
        ):
            raise _asset_taken()
    if (
        fields.get("condition") == Condition.WRITTEN_OFF
        and instrument.loans.filter(returned_on__isnull=True).exists()
    ):
        raise ValidationError(
            _("This instrument is on loan. Record its return before writing it off."),
            code="written_off_on_loan",
        )
    changed = sorted(name for name, value in fields.items() if getattr(instrument, name) != value)
    old_photo = instrument.photo.name if "photo" in fields and instrument.photo else ""
    for name, value in fields.items():
        setattr(instrument, name, value)
    try:
        with transaction.atomic():
            instrument.save()
    except IntegrityError as error:
        raise _asset_taken() from error
    if old_photo and old_photo != instrument.photo.name:
        # A replaced or removed photo leaves no copy behind, once the change is safely saved.
        storage = instrument.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    record_audit(
        actor=updated_by, action="instrument.changed", obj=instrument, detail="fields: " + ",".join(changed)
    )
    return instrument


# ---- Lending ------------------------------------------------------------------------------------------------


def check_lendable(instrument: LibraryInstrument) -> None:
    """Raise the reason `instrument` (locked) cannot go out now, if there is one."""
    if instrument.condition == Condition.WRITTEN_OFF:
        raise ValidationError(
            _("%(asset)s is written off and cannot be lent.") % {"asset": instrument.asset_number},
            code="written_off",
        )
    repair = instrument.repairs.filter(back_on__isnull=True).first()
    if repair is not None:
        raise ValidationError(
            _("%(asset)s is at the repairer (%(repairer)s, sent %(date)s). Record that it is back before "
              "lending it.") % {"asset": instrument.asset_number, "repairer": repair.repairer,
                                 "date": _day(repair.sent_on)},
            code="in_repair",
        )  # fmt: skip
    if instrument.condition == Condition.NEEDS_REPAIR:
        raise ValidationError(
            _("%(asset)s needs repair and cannot be lent. Send it to the repairer, or change its condition if "
              "it has been mended.") % {"asset": instrument.asset_number},
            code="needs_repair",
        )  # fmt: skip
    open_loan = (
        instrument.loans.select_related("young_person", "school").filter(returned_on__isnull=True).first()
    )
    if open_loan is not None:
        raise _already_on_loan(instrument, open_loan)


def _already_on_loan(instrument, open_loan=None) -> ValidationError:
    if open_loan is None:
        return ValidationError(
            _("%(asset)s is already on loan. Record its return before lending it again.")
            % {"asset": instrument.asset_number},
            code="already_on_loan",
        )
    return ValidationError(
        _("%(asset)s is already on loan to %(who)s, due back %(date)s. Record its return before lending it "
          "again.") % {"asset": instrument.asset_number, "who": open_loan.borrower_name,
                       "date": _day(open_loan.due_on)},
        code="already_on_loan",
    )  # fmt: skip


def _check_support_request(support_request: SupportRequest, young_person: YoungPerson) -> None:
    if support_request.young_person_id != young_person.pk:
        raise ValidationError(
            _("This support award is for another young person."), code="request_for_someone_else"
        )
    if support_request.kind.slug != INSTRUMENT_LOAN_SUPPORT:
        raise ValidationError(
            _("This support award is not for an instrument loan."), code="request_not_instrument"
        )
    if support_request.status != SupportRequest.Status.AWARDED:
        raise ValidationError(
            _("This support request has not been awarded, so nothing can be lent against it yet."),
            code="request_not_awarded",
        )
    if support_request.instrument_loans.filter(returned_on__isnull=True).exists():
        raise ValidationError(
            _("This support award is already fulfilled by an instrument on loan now."),
            code="request_already_fulfilled",
        )


def _check_loan_dates(starts_on: date, due_on: date, today: date) -> None:
    if starts_on > today:
        raise ValidationError(
            _("A loan starts on the day the instrument is handed over: choose today or an earlier date."),
            code="starts_in_future",
        )
    if due_on < starts_on:
        raise ValidationError(
            _("The due-back date must be on or after the day it is lent (%(date)s).")
            % {"date": _day(starts_on)},
            code="due_before_start",
        )


@transaction.atomic
def lend_instrument(
    *,
    instrument: LibraryInstrument,
    lent_by,
    starts_on: date,
    due_on: date,
    young_person: YoungPerson | None = None,
    school: School | None = None,
    programme=None,
    support_request: SupportRequest | None = None,
    condition_out: str = "",
    notes: str = "",
    today: date | None = None,
) -> Loan:
    """Lend an instrument to a young person (against their support award, if any) or to a school.

    Raises ValidationError: "borrower_required", "one_borrower", "starts_in_future", "due_before_start",
    "written_off", "in_repair", "needs_repair", "already_on_loan", "condition_not_lendable",
    "programme_elsewhere", "request_for_someone_else", "request_not_instrument", "request_not_awarded",
    "request_already_fulfilled".
    """
    today = today or timezone.localdate()
    if young_person is None and school is None:
        raise ValidationError(_("Choose who the instrument is lent to."), code="borrower_required")
    if young_person is not None and school is not None:
        raise ValidationError(
            _("Lend an instrument to a young person or to a school, not both."), code="one_borrower"
        )
    _check_loan_dates(starts_on, due_on, today)
    instrument = _lock(instrument)
    check_lendable(instrument)
    condition_out = condition_out or instrument.condition
    if condition_out not in LENDABLE_CONDITIONS:
        raise ValidationError(
            _("An instrument that needs repair or is written off cannot be lent."),
            code="condition_not_lendable",
        )
    if programme is not None and (school is None or programme.school_id != school.pk):
        raise ValidationError(
            _("This whole-class programme is at another school."), code="programme_elsewhere"
        )
    if support_request is not None:
        support_request = (
            SupportRequest.objects.select_for_update(of=("self",))
            .select_related("kind")
            .get(pk=support_request.pk)
        )
        _check_support_request(support_request, young_person)
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                instrument=instrument,
                young_person=young_person,
                school=school,
                programme=programme,
                support_request=support_request,
                starts_on=starts_on,
                due_on=due_on,
                condition_out=condition_out,
                notes=notes,
                lent_by=lent_by if getattr(lent_by, "is_authenticated", False) else None,
            )
    except IntegrityError as error:
        # Only reachable if the lock was bypassed (another process writing without it): same answer.
        raise _already_on_loan(instrument) from error
    instrument.condition = condition_out
    instrument.location = Location.YOUNG_PERSON if young_person is not None else Location.SCHOOL
    instrument.save(update_fields=["condition", "location", "updated_at"])
    detail = f"loan={loan.pk} instrument={instrument.asset_number} due={due_on.isoformat()}"
    if support_request is not None:
        detail += f" support_request={support_request.pk}"
    record_audit(
        actor=lent_by, action="instrument.lent", obj=young_person if young_person is not None else loan,
        detail=detail if young_person is not None else f"{detail} school={school.pk}",
    )  # fmt: skip
    return loan


@transaction.atomic
def return_loan(
    *,
    loan: Loan,
    received_by,
    returned_on: date,
    condition_in: str,
    notes: str = "",
    today: date | None = None,
) -> Loan:
    """Record that a lent instrument has come back, and in what condition (it goes back to the store).

    Raises ValidationError: "already_returned", "returned_before_start", "returned_in_future",
    "condition_required".
    """
    today = today or timezone.localdate()
    _lock(loan.instrument)
    loan = Loan.objects.select_for_update(of=("self",)).select_related("instrument").get(pk=loan.pk)
    if loan.returned_on is not None:
        raise ValidationError(
            _("This loan was already returned on %(date)s.") % {"date": _day(loan.returned_on)},
            code="already_returned",
        )
    if returned_on < loan.starts_on:
        raise ValidationError(
            _("The return date can’t be before the loan started on %(date)s.")
            % {"date": _day(loan.starts_on)},
            code="returned_before_start",
        )
    if returned_on > today:
        raise ValidationError(
            _("The return date can’t be in the future: record the return when the instrument is back."),
            code="returned_in_future",
        )
    if condition_in not in Condition.values:
        raise ValidationError(_("Choose the condition it came back in."), code="condition_required")
    loan.returned_on = returned_on
    loan.condition_in = condition_in
    loan.return_notes = notes
    loan.received_by = received_by if getattr(received_by, "is_authenticated", False) else None
    loan.save(update_fields=["returned_on", "condition_in", "return_notes", "received_by", "updated_at"])
    instrument = loan.instrument
    instrument.condition = condition_in
    instrument.location = Location.STORE
    instrument.save(update_fields=["condition", "location", "updated_at"])
    record_audit(
        actor=received_by,
        action="instrument.returned",
        obj=loan.young_person if loan.young_person_id else loan,
        detail=f"loan={loan.pk} instrument={instrument.asset_number} condition={condition_in}",
    )
    return loan


# ---- The loan agreement -------------------------------------------------------------------------------------


def can_accept_own_agreement(young_person: YoungPerson, today: date | None = None) -> bool:
    """Whether `young_person` is old enough to accept their own loan agreement."""
    return age_on(young_person.date_of_birth, today or timezone.localdate()) >= AGE_TO_ACCEPT_OWN_AGREEMENT


@transaction.atomic
def _record_agreement(*, loan: Loan, given_by: str, name: str, method: str, user, today: date) -> Loan:
    loan = Loan.objects.select_for_update(of=("self",)).select_related("young_person").get(pk=loan.pk)
    if loan.young_person_id is None:
        raise ValidationError(
            _("A loan to a school has no family agreement to accept."), code="no_agreement_needed"
        )
    if loan.agreement_accepted_at is not None:
        raise ValidationError(
            _("This loan agreement was already accepted on %(date)s.")
            % {"date": _day(timezone.localtime(loan.agreement_accepted_at).date())},
            code="already_accepted",
        )
    if loan.returned_on is not None:
        raise ValidationError(
            _("This instrument has already been returned, so there is nothing to accept."),
            code="loan_returned",
        )
    if given_by not in AgreementGivenBy.values or method not in AgreementMethod.values:
        raise ValidationError(_("Choose who accepted the agreement."), code="invalid_agreement")
    if given_by == AgreementGivenBy.YOUNG_PERSON and not can_accept_own_agreement(loan.young_person, today):
        raise ValidationError(
            _("A young person under %(age)s can’t accept a loan agreement for themself: their parent or "
              "guardian accepts it.") % {"age": AGE_TO_ACCEPT_OWN_AGREEMENT},
            code="too_young_to_accept",
        )  # fmt: skip
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the name of the person who accepted."), code="name_required")
    loan.agreement_accepted_at = timezone.now()
    loan.agreement_given_by = given_by
    loan.agreement_accepted_by = user if getattr(user, "is_authenticated", False) else None
    loan.agreement_accepted_by_name = name[:160]
    loan.agreement_method = method
    loan.agreement_version = CURRENT_VERSION
    loan.save(
        update_fields=[
            "agreement_accepted_at", "agreement_given_by", "agreement_accepted_by", "agreement_accepted_by_name",
            "agreement_method", "agreement_version", "updated_at",
        ]
    )  # fmt: skip
    record_audit(
        actor=user,
        action="instrument.agreement_accepted",
        obj=loan.young_person,
        detail=f"loan={loan.pk} by={given_by} method={method} wording={CURRENT_VERSION}",
    )
    return loan


def accept_agreement(*, loan: Loan, accepted_by, today: date | None = None) -> Loan:
    """A parent or guardian (or the young person, from 16) accepts a loan agreement online, to today's wording.

    Raises PermissionDenied when `accepted_by` is neither a guardian in the young person's family nor the young
    person themself; ValidationError "too_young_to_accept", "already_accepted", "loan_returned",
    "no_agreement_needed".
    """
    today = today or timezone.localdate()
    young_person = loan.young_person
    role = role_of(accepted_by)
    if young_person is None:
        raise ValidationError(
            _("A loan to a school has no family agreement to accept."), code="no_agreement_needed"
        )
    if (
        role == Role.GUARDIAN
        and young_person.family_id
        and young_person.family.guardians.filter(pk=accepted_by.pk).exists()
    ):
        given_by = AgreementGivenBy.GUARDIAN
    elif role == Role.YOUNG_PERSON and young_person.user_id == accepted_by.pk:
        given_by = AgreementGivenBy.YOUNG_PERSON
    else:
        raise PermissionDenied
    return _record_agreement(
        loan=loan,
        given_by=given_by,
        name=accepted_by.get_full_name() or accepted_by.username,
        method=AgreementMethod.ONLINE,
        user=accepted_by,
        today=today,
    )


def record_paper_agreement(
    *, loan: Loan, recorded_by, given_by: str, name: str, today: date | None = None
) -> Loan:
    """Staff record a loan agreement signed on paper. Raises the ValidationErrors of accept_agreement and
    "name_required"."""
    return _record_agreement(
        loan=loan,
        given_by=given_by,
        name=name,
        method=AgreementMethod.PAPER,
        user=recorded_by,
        today=today or timezone.localdate(),
    )


# ---- Repairs ------------------------------------------------------------------------------------------------


@transaction.atomic
def send_for_repair(
    *,
    instrument: LibraryInstrument,
    sent_by,
    sent_on: date,
    repairer: str,
    fault: str,
    today: date | None = None,
) -> Repair:
    """Send an instrument to the repairer; it cannot be lent until it is back.

    Raises ValidationError: "on_loan", "already_in_repair", "written_off", "sent_in_future", "repairer_required".
    """
    today = today or timezone.localdate()
    instrument = _lock(instrument)
    if sent_on > today:
        raise ValidationError(_("The date it was sent can’t be in the future."), code="sent_in_future")
    if not (repairer or "").strip():
        raise ValidationError(_("Enter who is repairing it."), code="repairer_required")
    if instrument.condition == Condition.WRITTEN_OFF:
        raise ValidationError(
            _("%(asset)s is written off.") % {"asset": instrument.asset_number}, code="written_off"
        )
    open_loan = instrument.loans.filter(returned_on__isnull=True).first()
    if open_loan is not None:
        raise ValidationError(
            _("%(asset)s is on loan. Record its return (in the condition it came back in) before sending it for "
              "repair.") % {"asset": instrument.asset_number},
            code="on_loan",
        )  # fmt: skip
    open_repair = instrument.repairs.filter(back_on__isnull=True).first()
    if open_repair is not None:
        raise _already_in_repair(instrument, open_repair)
    try:
        with transaction.atomic():
            repair = Repair.objects.create(
                instrument=instrument,
                sent_on=sent_on,
                repairer=repairer.strip(),
                fault=fault,
                sent_by=sent_by if getattr(sent_by, "is_authenticated", False) else None,
            )
    except IntegrityError as error:
        raise _already_in_repair(instrument) from error
    instrument.location = Location.REPAIRER
    instrument.save(update_fields=["location", "updated_at"])
    record_audit(
        actor=sent_by, action="instrument.sent_for_repair", obj=instrument, detail=f"repair={repair.pk}"
    )
    return repair


def _already_in_repair(instrument, repair=None) -> ValidationError:
    if repair is None:
        return ValidationError(
            _("%(asset)s is already at the repairer.") % {"asset": instrument.asset_number},
            code="already_in_repair",
        )
    return ValidationError(
        _("%(asset)s is already at the repairer (%(repairer)s, sent %(date)s).")
        % {"asset": instrument.asset_number, "repairer": repair.repairer, "date": _day(repair.sent_on)},
        code="already_in_repair",
    )


@transaction.atomic
def record_repair_back(
    *,
    repair: Repair,
    recorded_by,
    back_on: date,
    condition: str,
    cost_pence: int | None = None,
    notes: str = "",
    today: date | None = None,
) -> Repair:
    """Record that an instrument is back from the repairer, what it cost and its condition now (back in store).

    Raises ValidationError: "already_back", "back_before_sent", "back_in_future", "condition_required".
    """
    today = today or timezone.localdate()
    instrument = _lock(repair.instrument)
    repair = Repair.objects.select_for_update(of=("self",)).get(pk=repair.pk)
    if repair.back_on is not None:
        raise ValidationError(
            _("This repair was already recorded as back on %(date)s.") % {"date": _day(repair.back_on)},
            code="already_back",
        )
    if back_on < repair.sent_on:
        raise ValidationError(
            _("The date it came back can’t be before it was sent (%(date)s).")
            % {"date": _day(repair.sent_on)},
            code="back_before_sent",
        )
    if back_on > today:
        raise ValidationError(_("The date it came back can’t be in the future."), code="back_in_future")
    if condition not in Condition.values:
        raise ValidationError(_("Choose the condition it is in now."), code="condition_required")
    repair.back_on = back_on
    repair.cost_pence = cost_pence
    repair.notes = notes
    repair.save(update_fields=["back_on", "cost_pence", "notes", "updated_at"])
    instrument.condition = condition
    instrument.location = Location.STORE
    instrument.save(update_fields=["condition", "location", "updated_at"])
    record_audit(
        actor=recorded_by,
        action="instrument.back_from_repair",
        obj=instrument,
        detail=f"repair={repair.pk} condition={condition}",
    )
    return repair


# ---- Erasure ------------------------------------------------------------------------------------------------


def erase_loan_details(young_person: YoungPerson) -> None:
    """When a young person is erased, their loans stay (the instrument's history, the library's figures) but
    lose what was written about them and the name of whoever accepted the agreement."""
    Loan.objects.filter(young_person=young_person).update(notes="", return_notes="")
    Loan.objects.filter(young_person=young_person, agreement_accepted_at__isnull=False).update(
        agreement_accepted_by_name=ERASED_NAME, agreement_accepted_by=None
    )
