"""The demo hub's instrument library: ~400 instruments, ~150 open loans (some overdue, some to schools), a history
of returns and repairs, and awarded instrument support fulfilled by loans (some left to fulfil).

Idempotent (does nothing once the first demo asset number exists), seeded, with dates relative to today, and
written with bulk_create so seed_demo stays quick.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from musichub.core.models import Instrument
from musichub.offer.models import WholeClassProgramme
from musichub.people.models import School, SupportRequest, YoungPerson

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
    Size,
)
from .services import AGE_TO_ACCEPT_OWN_AGREEMENT, INSTRUMENT_LOAN_SUPPORT

SEED = 5150
BATCH = 500
OPEN_LOANS_TO_YOUNG_PEOPLE = 120
OPEN_LOANS_TO_SCHOOLS = 30
OPEN_REPAIRS = 12
# Roughly the share of open loans that are overdue (due back before today).
OVERDUE_SHARE = 0.15
AGREEMENT_WAITING_SHARE = 0.1

# instrument (catalogue name): asset prefix, how many, sizes (with weights), makes, value range in pounds.
STOCK = {
    "Violin": ("VN", 110, [(Size.SIXTEENTH, 4), (Size.EIGHTH, 8), (Size.QUARTER, 18), (Size.HALF, 22),
                           (Size.THREE_QUARTERS, 24), (Size.FULL, 24)],
               ["Stentor Student I", "Stentor Student II", "Primavera 100", "Hidersine Vivente"], (90, 260)),
    "Viola": ("VA", 20, [(Size.THREE_QUARTERS, 1), (Size.FULL, 3)], ["Stentor Student II", "Primavera 200"],
              (150, 320)),
    "Cello": ("VC", 35, [(Size.QUARTER, 4), (Size.HALF, 8), (Size.THREE_QUARTERS, 10), (Size.FULL, 13)],
              ["Stentor Student I", "Primavera 200", "Hidersine Vivente"], (400, 900)),
    "Double bass": ("DB", 8, [(Size.QUARTER, 2), (Size.HALF, 3), (Size.THREE_QUARTERS, 3)],
                    ["Stentor Student", "Gliga Genial"], (900, 1600)),
    "Guitar": ("GT", 40, [(Size.HALF, 8), (Size.THREE_QUARTERS, 14), (Size.FULL, 18)],
               ["Admira Alba", "Yamaha C40", "Valencia 200"], (60, 180)),
    "Ukulele": ("UK", 30, [(Size.NOT_APPLICABLE, 1)], ["Mahalo MR1", "Kala KA-15S"], (25, 60)),
    "Flute": ("FL", 30, [(Size.NOT_APPLICABLE, 1)], ["Yamaha YFL-212", "Trevor James 10X", "Jupiter JFL700"],
              (350, 600)),
    "Clarinet": ("CL", 30, [(Size.NOT_APPLICABLE, 1)], ["Buffet Prodige", "Yamaha YCL-255", "Jupiter JCL700"],
                 (300, 550)),
    "Saxophone": ("SX", 15, [(Size.NOT_APPLICABLE, 1)], ["Yamaha YAS-280 (alto)", "Trevor James Classic (alto)"],
                  (600, 1100)),
    "Trumpet": ("TP", 25, [(Size.NOT_APPLICABLE, 1)], ["Bach TR650", "Jupiter JTR700", "pTrumpet"], (40, 450)),
    "Trombone": ("TB", 15, [(Size.NOT_APPLICABLE, 1)], ["Yamaha YSL-354", "pBone"], (80, 650)),
    "Tuba": ("TU", 4, [(Size.NOT_APPLICABLE, 1)], ["Besson BE187"], (2500, 4000)),
    "Drums and percussion": ("PC", 10, [(Size.NOT_APPLICABLE, 1)], ["Premier snare drum", "Remo djembe"],
                             (80, 300)),
    "Steel pans": ("SP", 12, [(Size.NOT_APPLICABLE, 1)], ["Tenor pan", "Double second pan"], (400, 900)),
    "Piano and keyboards": ("KB", 10, [(Size.NOT_APPLICABLE, 1)], ["Yamaha PSR-E373", "Casio CT-S300"],
                            (150, 250)),
    "Tabla": ("TA", 4, [(Size.NOT_APPLICABLE, 1)], ["Tabla pair with bag"], (150, 300)),
    "Dhol": ("DH", 4, [(Size.NOT_APPLICABLE, 1)], ["Punjabi dhol"], (120, 250)),
}  # fmt: skip
CONDITIONS = [
    (Condition.EXCELLENT, 20), (Condition.GOOD, 45), (Condition.FAIR, 20), (Condition.POOR, 8),
    (Condition.NEEDS_REPAIR, 4), (Condition.WRITTEN_OFF, 3),
]  # fmt: skip
REPAIRERS = ["Hampshire Strings Workshop", "Southern Woodwind Repairs", "Brass Doctor, Eastleigh", "In-house"]
FAULTS = {
    "strings": ["Cracked bridge", "Open seam on the lower bout", "Peg slipping", "Sound post down"],
    "wind": ["Sticky pads", "Bent key", "Cork on the joint worn", "Needs a service"],
    "brass": ["Stuck valve", "Dented bell", "Slide stiff", "Needs a clean and service"],
    "other": ["Skin split", "Loose fitting", "Electrics faulty", "Needs a check over"],
}
FAMILY = {"VN": "strings", "VA": "strings", "VC": "strings", "DB": "strings", "GT": "strings", "UK": "strings",
          "FL": "wind", "CL": "wind", "SX": "wind", "TP": "brass", "TB": "brass", "TU": "brass"}  # fmt: skip
ACCESSORIES = ["Bow and case", "Case and shoulder rest", "Case, rosin and spare strings", "Gig bag", ""]


def demo_instruments_loaded() -> bool:
    return LibraryInstrument.objects.filter(asset_number="VN-0001").exists()


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    return day.replace(year=day.year - years)


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 20), rng.randint(0, 59)))
    return timezone.make_aware(moment)


@dataclass
class _Instrument:
    row: LibraryInstrument
    family: str
    open_loan: bool = False
    open_repair: bool = False
    busy_from: datetime.date | None = None  # history must end before this day
    loans: list = field(default_factory=list)


@transaction.atomic
def load_demo_instruments() -> None:
    """Add the demo library. Does nothing if it is already there."""
    if demo_instruments_loaded():
        return
    _Library(random.Random(SEED), timezone.localdate()).run()  # noqa: S311 -- invented data, not security


class _Library:
    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today

    def run(self) -> None:
        instruments = self._instruments()
        if not instruments:
            return
        loans, repairs = [], []
        free = [i for i in instruments if i.row.condition in LENDABLE_CONDITIONS]
        self.rng.shuffle(free)
        loans += self._young_people_loans(free[:OPEN_LOANS_TO_YOUNG_PEOPLE])
        loans += self._school_loans(
            free[OPEN_LOANS_TO_YOUNG_PEOPLE : OPEN_LOANS_TO_YOUNG_PEOPLE + OPEN_LOANS_TO_SCHOOLS]
        )
        repairs += self._open_repairs(
            [i for i in instruments if not i.open_loan and i.row.condition != Condition.WRITTEN_OFF]
        )
        loans += self._history(instruments)
        repairs += self._repair_history(instruments)
        LibraryInstrument.objects.bulk_update(
            [i.row for i in instruments], ["condition", "location"], batch_size=BATCH
        )
        Loan.objects.bulk_create(loans, batch_size=BATCH)
        Repair.objects.bulk_create(repairs, batch_size=BATCH)

    # -- instruments ----------------------------------------------------------------------------------------------

    def _instruments(self) -> list[_Instrument]:
        rng = self.rng
        types = {i.name: i for i in Instrument.objects.filter(name__in=STOCK)}
        rows, made = [], []
        for name, (prefix, count, sizes, makes, (low, high)) in STOCK.items():
            if name not in types:
                continue
            for number in range(1, count + 1):
                row = LibraryInstrument(
                    asset_number=f"{prefix}-{number:04d}",
                    instrument_type=types[name],
                    size=_pick(rng, sizes),
                    make=rng.choice(makes),
                    serial_number=f"{prefix}{rng.randint(100000, 999999)}" if rng.random() < 0.7 else "",
                    condition=_pick(rng, CONDITIONS),
                    value_pence=rng.randint(low, high) * 100,
                    location=Location.STORE,
                    location_note=rng.choice(["Store room A", "Store room B", "Strings cupboard", ""]),
                    notes="",
                )
                rows.append(row)
                made.append(_Instrument(row=row, family=FAMILY.get(prefix, "other")))
        LibraryInstrument.objects.bulk_create(rows, batch_size=BATCH)
        return made

    # -- open loans -----------------------------------------------------------------------------------------------

    def _borrowers(self) -> list[YoungPerson]:
        """Young people aged 6 to 18 in a family (a guardian accepts) or 16 and over (they may accept)."""
        oldest = _years_before(self.today, 19)
        youngest = _years_before(self.today, 6)
        sixteen = _years_before(self.today, AGE_TO_ACCEPT_OWN_AGREEMENT)
        return list(
            YoungPerson.objects.filter(anonymised_at__isnull=True, date_of_birth__gt=oldest, date_of_birth__lte=youngest)
            .filter(Q(family__isnull=False) | Q(date_of_birth__lte=sixteen))
            .exclude(user__isnull=False)  # leave the demo logins' own records alone
            .order_by("pk")
            .values_list("pk", flat=True)[:3000]
        )  # fmt: skip

    def _young_people_loans(self, chosen: list[_Instrument]) -> list[Loan]:
        rng, today = self.rng, self.today
        awarded = list(
            SupportRequest.objects.filter(
                kind__slug=INSTRUMENT_LOAN_SUPPORT,
                status=SupportRequest.Status.AWARDED,
                young_person__anonymised_at__isnull=True,
                young_person__user__isnull=True,
            )
            .order_by("decided_at", "pk")
            .values_list("pk", "young_person_id", "decided_at")
        )
        # Two thirds of the awards are fulfilled; the most recent third is left on the "to fulfil" list.
        fulfilled = awarded[: len(awarded) * 2 // 3]
        borrower_pks = self._borrowers()
        rng.shuffle(borrower_pks)
        award_pks = {young_person_pk for _pk, young_person_pk, _at in awarded}
        borrower_pks = [pk for pk in borrower_pks if pk not in award_pks]
        people = {
            yp.pk: yp
            for yp in YoungPerson.objects.filter(
                pk__in=[yp for _pk, yp, _at in fulfilled] + borrower_pks[: len(chosen)]
            ).prefetch_related("family__guardians")
        }
        loans = []
        for index, instrument in enumerate(chosen):
            support_pk = None
            if index < len(fulfilled):
                support_pk, young_person_pk, decided_at = fulfilled[index]
                starts_on = min(
                    timezone.localtime(decided_at).date() + datetime.timedelta(days=rng.randint(1, 20)), today
                )
            else:
                young_person_pk = (
                    borrower_pks[index - len(fulfilled)]
                    if index - len(fulfilled) < len(borrower_pks)
                    else None
                )
                starts_on = today - datetime.timedelta(days=rng.randint(3, 330))
            young_person = people.get(young_person_pk)
            if young_person is None:
                continue
            loan = self._open_loan(
                instrument, starts_on, young_person=young_person, support_request_id=support_pk
            )
            if rng.random() >= AGREEMENT_WAITING_SHARE:
                self._accept(loan, young_person)
            instrument.row.location = Location.YOUNG_PERSON
            loans.append(loan)
        return loans

    def _open_loan(self, instrument: _Instrument, starts_on: datetime.date, **borrower) -> Loan:
        rng, today = self.rng, self.today
        out_for = (today - starts_on).days
        # About half the loans have been out for more than three months; of those, about one in three is overdue.
        if out_for > 90 and rng.random() < OVERDUE_SHARE * 2:
            due_on = today - datetime.timedelta(days=rng.randint(1, min(60, out_for - 61)))
        else:
            due_on = max(today + datetime.timedelta(days=rng.randint(7, 240)), starts_on)
        instrument.open_loan = True
        instrument.busy_from = starts_on
        return Loan(
            instrument=instrument.row,
            starts_on=starts_on,
            due_on=due_on,
            condition_out=instrument.row.condition,
            notes=rng.choice(ACCESSORIES) if instrument.family == "strings" else "",
            **borrower,
        )

    def _accept(self, loan: Loan, young_person: YoungPerson) -> None:
        rng = self.rng
        guardians = list(young_person.family.guardians.all()) if young_person.family_id else []
        accepted_on = min(loan.starts_on + datetime.timedelta(days=rng.randint(0, 5)), self.today)
        if guardians:
            guardian = guardians[0]
            loan.agreement_given_by = AgreementGivenBy.GUARDIAN
            loan.agreement_accepted_by = guardian
            loan.agreement_accepted_by_name = guardian.get_full_name() or guardian.username
            loan.agreement_method = AgreementMethod.ONLINE if rng.random() < 0.8 else AgreementMethod.PAPER
        else:
            loan.agreement_given_by = AgreementGivenBy.YOUNG_PERSON
            loan.agreement_accepted_by_name = f"{young_person.first_name} {young_person.last_name}"
            loan.agreement_method = AgreementMethod.PAPER
        loan.agreement_accepted_at = _aware(accepted_on, rng)
        loan.agreement_version = CURRENT_VERSION

    def _school_loans(self, chosen: list[_Instrument]) -> list[Loan]:
        programmes = list(
            WholeClassProgramme.objects.filter(starts_on__lte=self.today, ends_on__gte=self.today).order_by(
                "pk"
            )
        )
        schools = list(
            School.objects.filter(is_open=True, young_people__isnull=False).distinct().order_by("pk")[:40]
        )
        if not schools and not programmes:
            return []
        loans = []
        for index, instrument in enumerate(chosen):
            programme = programmes[index % len(programmes)] if programmes else None
            school_id = programme.school_id if programme else schools[index % len(schools)].pk
            starts_on = (
                programme.starts_on
                if programme
                else self.today - datetime.timedelta(days=self.rng.randint(10, 120))
            )
            loan = self._open_loan(instrument, starts_on, school_id=school_id, programme=programme)
            if programme and loan.due_on >= self.today:
                loan.due_on = programme.ends_on  # back when the class's programme ends
            instrument.row.location = Location.SCHOOL
            loans.append(loan)
        return loans

    # -- repairs and history --------------------------------------------------------------------------------------

    def _open_repairs(self, candidates: list[_Instrument]) -> list[Repair]:
        rng, today = self.rng, self.today
        needing = [i for i in candidates if i.row.condition == Condition.NEEDS_REPAIR]
        others = [i for i in candidates if i.row.condition != Condition.NEEDS_REPAIR]
        chosen = (needing + rng.sample(others, min(len(others), OPEN_REPAIRS)))[:OPEN_REPAIRS]
        repairs = []
        for instrument in chosen:
            sent_on = today - datetime.timedelta(days=rng.randint(2, 45))
            instrument.open_repair = True
            instrument.busy_from = sent_on
            instrument.row.condition = Condition.NEEDS_REPAIR
            instrument.row.location = Location.REPAIRER
            repairs.append(
                Repair(
                    instrument=instrument.row,
                    sent_on=sent_on,
                    repairer=rng.choice(REPAIRERS),
                    fault=rng.choice(FAULTS[instrument.family]),
                )
            )
        return repairs

    def _history(self, instruments: list[_Instrument]) -> list[Loan]:
        """Returned loans, each ending before the next began and before anything open now."""
        rng = self.rng
        people = self._borrowers()
        if not people:
            return []
        loans = []
        for instrument in instruments:
            end = instrument.busy_from or self.today
            for _n in range(_pick(rng, [(0, 35), (1, 40), (2, 20), (3, 5)])):
                returned_on = end - datetime.timedelta(days=rng.randint(1, 40))
                starts_on = returned_on - datetime.timedelta(days=rng.randint(60, 330))
                due_on = starts_on + datetime.timedelta(days=rng.randint(60, 330))
                condition_in = _pick(rng, [(Condition.GOOD, 60), (Condition.FAIR, 25), (Condition.POOR, 10),
                                           (Condition.NEEDS_REPAIR, 5)])  # fmt: skip
                loans.append(
                    Loan(
                        instrument=instrument.row,
                        young_person_id=rng.choice(people),
                        starts_on=starts_on,
                        due_on=due_on,
                        condition_out=Condition.GOOD,
                        returned_on=returned_on,
                        condition_in=condition_in,
                        agreement_given_by=AgreementGivenBy.GUARDIAN,
                        agreement_accepted_by_name="A parent (paper form)",
                        agreement_method=AgreementMethod.PAPER,
                        agreement_accepted_at=_aware(starts_on, rng),
                        agreement_version=CURRENT_VERSION,
                    )
                )
                instrument.loans.append((returned_on, end))  # the gap after this loan, in the store
                end = starts_on
        return loans

    def _repair_history(self, instruments: list[_Instrument]) -> list[Repair]:
        """Finished repairs, in the gaps between an instrument's loans (in the store, after a return)."""
        rng = self.rng
        repairs = []
        for instrument in instruments:
            if not instrument.loans or rng.random() > 0.25:
                continue
            returned_on, next_busy = rng.choice(instrument.loans)
            sent_on = returned_on
            back_on = min(
                sent_on + datetime.timedelta(days=rng.randint(3, 21)), next_busy - datetime.timedelta(days=1)
            )
            if back_on < sent_on or back_on >= self.today:
                continue
            repairs.append(
                Repair(
                    instrument=instrument.row,
                    sent_on=sent_on,
                    repairer=rng.choice(REPAIRERS),
                    fault=rng.choice(FAULTS[instrument.family]),
                    back_on=back_on,
                    cost_pence=rng.choice([0, 1500, 2500, 4000, 6500, 12000]),
                    notes=rng.choice(["", "New strings fitted", "Serviced and adjusted", "Pads replaced"]),
                )
            )
        return repairs
