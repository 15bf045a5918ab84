"""Reads for the instrument library: the staff list and its filters, loans, overdue, support to fulfil.

Loans to young people are read through `musichub.people.selectors.young_people_visible_to(user)`, so a guardian
sees only their own children's loans and everyone else's answer 404, exactly as for the records themselves.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from musichub.people.models import SupportRequest, YoungPerson
from musichub.people.selectors import young_people_visible_to

from .models import LENDABLE_CONDITIONS, LibraryInstrument, Loan, Repair
from .services import INSTRUMENT_LOAN_SUPPORT, check_lendable


def _open_loans_of_row() -> QuerySet[Loan]:
    return Loan.objects.filter(instrument=OuterRef("pk"), returned_on__isnull=True)


def _open_repairs_of_row() -> QuerySet[Repair]:
    return Repair.objects.filter(instrument=OuterRef("pk"), back_on__isnull=True)


def available_now(instruments: QuerySet[LibraryInstrument]) -> QuerySet[LibraryInstrument]:
    """Only instruments that could be lent this minute: a lendable condition, no open loan, not at the repairer.

    Each NOT EXISTS is answered by the partial unique index on open loans (open repairs), so "type + size +
    available" stays one indexed query however long the library's history grows.
    """
    return (
        instruments.filter(condition__in=LENDABLE_CONDITIONS)
        .exclude(Exists(_open_loans_of_row()))
        .exclude(Exists(_open_repairs_of_row()))
    )


def library_list(
    *,
    search: str = "",
    instrument_type=None,
    size: str = "",
    condition: str = "",
    location: str = "",
    available: bool = False,
) -> QuerySet[LibraryInstrument]:
    """The staff list: every instrument with what the list shows (type, and the open loan's due date)."""
    instruments = LibraryInstrument.objects.select_related("instrument_type")
    if search:
        # Asset numbers are stored in capitals; a prefix match uses the asset-number index.
        instruments = instruments.filter(asset_number__startswith=search.strip().upper())
    if instrument_type is not None:
        instruments = instruments.filter(instrument_type=instrument_type)
    if size:
        instruments = instruments.filter(size=size)
    if condition:
        instruments = instruments.filter(condition=condition)
    if location:
        instruments = instruments.filter(location=location)
    if available:
        instruments = available_now(instruments)
    return instruments.annotate(
        due_on=Subquery(_open_loans_of_row().values("due_on")[:1]),
        in_repair=Exists(_open_repairs_of_row()),
    ).order_by("asset_number")


def instrument_page(pk: int) -> LibraryInstrument:
    """One instrument with its open loan and repair; raises DoesNotExist."""
    return LibraryInstrument.objects.select_related("instrument_type").get(pk=pk)


def loan_history(instrument: LibraryInstrument) -> QuerySet[Loan]:
    return instrument.loans.select_related("young_person", "school", "programme").order_by(
        "-starts_on", "-pk"
    )


def repair_history(instrument: LibraryInstrument) -> QuerySet[Repair]:
    return instrument.repairs.select_related("sent_by").order_by("-sent_on", "-pk")


def open_loan_of(instrument: LibraryInstrument) -> Loan | None:
    return (
        instrument.loans.select_related("young_person", "school", "programme")
        .filter(returned_on__isnull=True)
        .first()
    )


def open_repair_of(instrument: LibraryInstrument) -> Repair | None:
    return instrument.repairs.filter(back_on__isnull=True).first()


def lending_problem(instrument: LibraryInstrument) -> str:
    """Why `instrument` cannot be lent now ("" if it can), to say so before anyone fills in the form."""
    try:
        check_lendable(instrument)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


# ---- Loans --------------------------------------------------------------------------------------------------


def loans_visible_to(user) -> QuerySet[Loan]:
    """Loans `user` may see: to schools (staff pages only ask), and to the young people they may see."""
    return Loan.objects.filter(
        Q(young_person__isnull=True) | Q(young_person__in=young_people_visible_to(user))
    ).select_related("instrument", "instrument__instrument_type", "young_person", "school", "programme")


LOAN_STATUSES = ("open", "agreement", "overdue", "returned")


def loans_list(user, *, status: str = "open", today: date | None = None) -> QuerySet[Loan]:
    """The staff loans list: open (default), waiting for their agreement, overdue, or returned."""
    today = today or timezone.localdate()
    loans = loans_visible_to(user)
    if status == "returned":
        return loans.filter(returned_on__isnull=False).order_by("-returned_on", "-pk")
    loans = loans.filter(returned_on__isnull=True)
    if status == "agreement":
        loans = loans.filter(young_person__isnull=False, agreement_accepted_at__isnull=True)
    elif status == "overdue":
        return overdue_loans(user, today=today)
    return loans.order_by("due_on", "pk")


def overdue_loans(user, *, today: date | None = None) -> QuerySet[Loan]:
    """Open loans due back before today, the most overdue first."""
    today = today or timezone.localdate()
    return loans_visible_to(user).filter(returned_on__isnull=True, due_on__lt=today).order_by("due_on", "pk")


def loan_page(user, pk: int) -> Loan:
    """One loan `user` may see (raises Loan.DoesNotExist otherwise), with its support award."""
    return loans_visible_to(user).select_related("support_request__kind", "lent_by", "received_by").get(pk=pk)


def loans_of_young_person(young_person: YoungPerson) -> QuerySet[Loan]:
    return (
        young_person.instrument_loans.select_related(
            "instrument", "instrument__instrument_type", "support_request"
        ).order_by("returned_on", "-starts_on", "-pk")  # open loans (no return date) first
    )


def family_loans(user) -> QuerySet[Loan]:
    """The loans of a guardian's children (or a young person's own), open first, for the family page."""
    return (
        Loan.objects.filter(young_person__in=young_people_visible_to(user))
        .select_related("instrument", "instrument__instrument_type", "young_person")
        .order_by("returned_on", "-starts_on", "-pk")
    )


# ---- Support to fulfil --------------------------------------------------------------------------------------


def support_to_fulfil(user) -> QuerySet[SupportRequest]:
    """Awarded instrument-loan support with no instrument lent against it yet, awarded longest ago first."""
    return (
        SupportRequest.objects.filter(
            kind__slug=INSTRUMENT_LOAN_SUPPORT,
            status=SupportRequest.Status.AWARDED,
            young_person__in=young_people_visible_to(user),
            young_person__anonymised_at__isnull=True,
        )
        .exclude(Exists(Loan.objects.filter(support_request=OuterRef("pk"))))
        .select_related("young_person", "young_person__school", "kind")
        .prefetch_related("young_person__instruments")
        .order_by("decided_at", "pk")
    )


def fulfilling_requests_for(young_person: YoungPerson) -> QuerySet[SupportRequest]:
    """A young person's awarded instrument-loan support with no instrument on loan against it now."""
    return (
        young_person.support_requests.filter(
            kind__slug=INSTRUMENT_LOAN_SUPPORT, status=SupportRequest.Status.AWARDED
        )
        .exclude(Exists(Loan.objects.filter(support_request=OuterRef("pk"), returned_on__isnull=True)))
        .select_related("kind")
        .order_by("decided_at", "pk")
    )


# ---- Choosing a young person to lend to ---------------------------------------------------------------------


def awarded_instrument_request(user, pk) -> SupportRequest | None:
    """An awarded instrument-loan request for a young person `user` may see, by its id (None if not one)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        SupportRequest.objects.filter(
            pk=pk,
            kind__slug=INSTRUMENT_LOAN_SUPPORT,
            status=SupportRequest.Status.AWARDED,
            young_person__in=young_people_visible_to(user),
            young_person__anonymised_at__isnull=True,
        )
        .select_related("young_person", "kind")
        .first()
    )


def young_people_to_lend_to(user, search: str) -> QuerySet[YoungPerson]:
    """Up to ten young people `user` may see whose names match every word of `search`."""
    people = young_people_visible_to(user).filter(anonymised_at__isnull=True)
    words = search.split()[:5]
    if not words:
        return people.none()
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(preferred_name__icontains=word)
        )
    return people.select_related("school").order_by("last_name", "first_name", "pk")[:10]
