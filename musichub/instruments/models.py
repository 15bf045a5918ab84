"""The hub's instrument library: instruments, loans (to young people or to schools) and repairs.

The rules that can be stated about one table are constraints here, so they hold for the admin, imports and
the shell as well as for the services: an asset number is used once, an instrument has at most one open loan
and at most one open repair, a loan is due back and returned on or after the day it started, a loan goes to a
young person or to a school (never both), and a returned loan says in what condition it came back. Rules that
span tables (an instrument at the repairer cannot be lent) live in services.py, under a row lock.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Instrument, TimeStampedModel
from musichub.core.storage import private_storage


class Size(models.TextChoices):
    """Sizes as the trade names them: fractional sizes for strings (and guitars), not applicable for the rest."""

    FULL = "full", _("Full size")
    SEVEN_EIGHTHS = "7-8", _("7/8")
    THREE_QUARTERS = "3-4", _("3/4")
    HALF = "1-2", _("1/2")
    QUARTER = "1-4", _("1/4")
    EIGHTH = "1-8", _("1/8")
    TENTH = "1-10", _("1/10")
    SIXTEENTH = "1-16", _("1/16")
    NOT_APPLICABLE = "n-a", _("Not applicable (one size)")


class Condition(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor but playable")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")
    WRITTEN_OFF = "written_off", _("Written off")


# An instrument in one of these conditions may go out on loan; one that needs repair or is written off may not.
LENDABLE_CONDITIONS = [
    Condition.EXCELLENT.value,
    Condition.GOOD.value,
    Condition.FAIR.value,
    Condition.POOR.value,
]


class Location(models.TextChoices):
    """Where an instrument is. Lending, returns and repairs keep it up to date (services.py)."""

    STORE = "store", _("In the store")
    SCHOOL = "school", _("At a school")
    YOUNG_PERSON = "young_person", _("With a young person")
    REPAIRER = "repairer", _("At the repairer")


class LibraryInstrument(TimeStampedModel):
    """One instrument the hub owns and lends, known by the asset number on its label."""

    asset_number = models.CharField(
        _("asset number"),
        max_length=20,
        unique=True,
        help_text=_("The number on the instrument's label, such as VN-0042. Letters are stored in capitals."),
    )
    # No index of its own: the (instrument_type, size, condition) index below starts with it and serves both.
    instrument_type = models.ForeignKey(
        Instrument,
        models.PROTECT,
        related_name="library_instruments",
        verbose_name=_("instrument"),
        db_index=False,
    )
    size = models.CharField(_("size"), max_length=5, choices=Size, default=Size.NOT_APPLICABLE)
    make = models.CharField(_("make and model"), max_length=120, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition, default=Condition.GOOD)
    value_pence = models.PositiveIntegerField(
        _("value (pence)"), default=0, help_text=_("What it would cost to replace, in pence.")
    )
    location = models.CharField(_("where it is"), max_length=20, choices=Location, default=Location.STORE)
    location_note = models.CharField(
        _("where exactly"), max_length=120, blank=True, help_text=_("For example: store room B, shelf 3.")
    )
    photo = models.ImageField(_("photo"), upload_to="instruments/%Y/", storage=private_storage, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["asset_number"]
        verbose_name = _("library instrument")
        constraints = [
            models.CheckConstraint(condition=Q(size__in=Size.values), name="library_instrument_size_valid"),
            models.CheckConstraint(
                condition=Q(condition__in=Condition.values), name="library_instrument_condition_valid"
            ),
            models.CheckConstraint(
                condition=Q(location__in=Location.values), name="library_instrument_location_valid"
            ),
            models.CheckConstraint(condition=~Q(asset_number=""), name="library_instrument_has_asset_number"),
        ]
        indexes = [
            # "A free 3/4 violin": type and size first, then condition (lendable or not).
            models.Index(fields=["instrument_type", "size", "condition"], name="library_type_size_cond"),
            models.Index(fields=["location", "asset_number"], name="library_location"),
            models.Index(fields=["condition", "asset_number"], name="library_condition"),
            # Prefix search by asset number ("VN-00"); on PostgreSQL LIKE needs the pattern operator class.
            models.Index(
                fields=["asset_number"], opclasses=["varchar_pattern_ops"], name="library_asset_prefix"
            ),
        ]

    def __str__(self):
        return f"{self.asset_number} {self.instrument_type}{self.size_label}"

    @property
    def size_label(self) -> str:
        return "" if self.size == Size.NOT_APPLICABLE else f" ({self.get_size_display()})"

    @property
    def value_pounds(self) -> str:
        return f"£{self.value_pence / 100:,.2f}"

    @property
    def is_lendable_condition(self) -> bool:
        return self.condition in LENDABLE_CONDITIONS


class AgreementGivenBy(models.TextChoices):
    GUARDIAN = "guardian", _("Parent or guardian")
    YOUNG_PERSON = "young_person", _("The young person (16 or over)")


class AgreementMethod(models.TextChoices):
    ONLINE = "online", _("Online, on this platform")
    PAPER = "paper", _("Signed paper form, recorded by staff")


class Loan(TimeStampedModel):
    """An instrument lent to a young person, or to a school for a whole-class programme.

    A young person's loan carries the loan agreement: who accepted it (a parent or guardian; the young person
    themself from 16), when, how, and to which wording (agreement_texts.py). A school's loan has none: the school
    signs the hub's service agreement once, outside the platform.
    """

    instrument = models.ForeignKey(
        LibraryInstrument, models.PROTECT, related_name="loans", verbose_name=_("instrument")
    )
    young_person = models.ForeignKey(
        "people.YoungPerson",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_loans",
        verbose_name=_("young person"),
    )
    school = models.ForeignKey(
        "people.School",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_loans",
        verbose_name=_("school"),
    )
    programme = models.ForeignKey(
        "offer.WholeClassProgramme",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="instrument_loans",
        verbose_name=_("whole-class programme"),
    )
    support_request = models.ForeignKey(
        "people.SupportRequest",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="instrument_loans",
        verbose_name=_("support awarded"),
    )
    starts_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due back"))
    condition_out = models.CharField(_("condition when lent"), max_length=20, choices=Condition)
    notes = models.TextField(_("notes"), blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lent by"),
    )
    # The return.
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    condition_in = models.CharField(
        _("condition when returned"), max_length=20, choices=Condition, blank=True
    )
    return_notes = models.TextField(_("notes on the return"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    # The loan agreement (young people only), recorded as the people app records consent.
    agreement_accepted_at = models.DateTimeField(_("agreement accepted"), null=True, blank=True)
    agreement_given_by = models.CharField(
        _("agreement accepted by"), max_length=20, choices=AgreementGivenBy, blank=True
    )
    agreement_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreement_accepted_by_name = models.CharField(
        _("name of the person who accepted"), max_length=160, blank=True
    )
    agreement_method = models.CharField(
        _("how it was accepted"), max_length=10, choices=AgreementMethod, blank=True
    )
    agreement_version = models.CharField(_("agreement wording version"), max_length=20, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("loan")
        constraints = [
            # An instrument cannot be in two places at once.
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(returned_on__isnull=True),
                name="one_open_loan_per_instrument",
            ),
            models.CheckConstraint(
                condition=Q(young_person__isnull=False, school__isnull=True)
                | Q(young_person__isnull=True, school__isnull=False),
                name="loan_to_young_person_or_school",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="loan_due_not_before_start"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("starts_on")),
                name="loan_returned_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(condition_out__in=LENDABLE_CONDITIONS), name="loan_condition_out_lendable"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True, condition_in="")
                | Q(returned_on__isnull=False, condition_in__in=Condition.values),
                name="loan_return_has_condition",
            ),
            models.CheckConstraint(
                condition=Q(support_request__isnull=True) | Q(young_person__isnull=False),
                name="loan_support_only_for_young_person",
            ),
            models.CheckConstraint(
                condition=Q(programme__isnull=True) | Q(school__isnull=False),
                name="loan_programme_only_for_school",
            ),
            models.CheckConstraint(
                condition=Q(agreement_accepted_at__isnull=True)
                | (
                    Q(young_person__isnull=False)
                    & ~Q(agreement_accepted_by_name="")
                    & ~Q(agreement_version="")
                    & Q(agreement_given_by__in=AgreementGivenBy.values)
                    & Q(agreement_method__in=AgreementMethod.values)
                ),
                name="loan_agreement_complete",
            ),
        ]
        indexes = [
            # The overdue list: open loans by due date.
            models.Index(fields=["due_on"], condition=Q(returned_on__isnull=True), name="open_loans_by_due"),
            models.Index(fields=["young_person", "returned_on"], name="loans_of_young_person"),
            models.Index(fields=["instrument", "starts_on"], name="loans_of_instrument"),
        ]

    def __str__(self):
        return f"{self.instrument.asset_number} → {self.borrower_name}"

    @property
    def borrower_name(self) -> str:
        if self.young_person_id:
            return self.young_person.display_name
        return self.school.name if self.school_id else ""

    @property
    def is_open(self) -> bool:
        return self.returned_on is None

    @property
    def needs_agreement(self) -> bool:
        """A young person's loan still waiting for its agreement to be accepted."""
        return self.young_person_id is not None and self.agreement_accepted_at is None

    @property
    def days_overdue(self) -> int:
        if self.returned_on is not None:
            return 0
        return max((timezone.localdate() - self.due_on).days, 0)


class Repair(TimeStampedModel):
    """A visit to the repairer: when it went, who has it, what was wrong, what it cost, when it came back."""

    instrument = models.ForeignKey(
        LibraryInstrument, models.PROTECT, related_name="repairs", verbose_name=_("instrument")
    )
    sent_on = models.DateField(_("sent on"))
    repairer = models.CharField(_("repairer"), max_length=120)
    fault = models.TextField(_("what is wrong"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    back_on = models.DateField(_("back on"), null=True, blank=True)
    cost_pence = models.PositiveIntegerField(_("cost (pence)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("repair")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(back_on__isnull=True),
                name="one_open_repair_per_instrument",
            ),
            models.CheckConstraint(
                condition=Q(back_on__isnull=True) | Q(back_on__gte=F("sent_on")),
                name="repair_back_not_before_sent",
            ),
            models.CheckConstraint(condition=~Q(repairer=""), name="repair_has_repairer"),
        ]
        indexes = [models.Index(fields=["instrument", "sent_on"], name="repairs_of_instrument")]

    def __str__(self):
        return f"{self.instrument.asset_number} to {self.repairer} ({self.sent_on})"

    @property
    def is_open(self) -> bool:
        return self.back_on is None

    @property
    def cost_pounds(self) -> str:
        return "" if self.cost_pence is None else f"£{self.cost_pence / 100:,.2f}"
