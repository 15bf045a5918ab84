"""Young people, their families and consents, barriers and support; schools, areas and the city's population.

This is children's data. Each field says why it is collected (see docs/data.md); reading goes through
selectors that scope by role (people/selectors.py), and every view of a record is audited.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from musichub.core.models import CatalogueEntry, Genre, Instrument, TimeStampedModel
from musichub.core.storage import private_storage

from .choices import (
    Characteristic,
    ConsentPurpose,
    EducationStatus,
    Ethnicity,
    Gender,
    Send,
    Sex,
    YearGroup,
    YesNo,
)

# ---- Schools, areas and population ------------------------------------------------------------------------


class School(TimeStampedModel):
    """A school from the DfE's Get Information About Schools (GIAS) data, kept up to date by URN."""

    urn = models.PositiveIntegerField(_("URN"), unique=True, help_text=_("Unique reference number in GIAS."))
    name = models.CharField(_("name"), max_length=200)
    establishment_type = models.CharField(_("type of establishment"), max_length=120, blank=True)
    status = models.CharField(_("status in GIAS"), max_length=60, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    phase = models.CharField(_("phase of education"), max_length=60, blank=True)
    la_code = models.CharField(_("local authority code"), max_length=6, blank=True, db_index=True)
    la_name = models.CharField(_("local authority"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    number_of_pupils = models.PositiveIntegerField(_("pupils on roll"), null=True, blank=True)
    percentage_fsm = models.DecimalField(
        _("% free school meals"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    statutory_low_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        indexes = [models.Index(fields=["la_code", "is_open", "name"])]

    def __str__(self):
        return self.name


class PostcodeArea(models.Model):
    """Where a postcode lies: its LSOA and electoral ward (from the ONS postcode directory)."""

    postcode = models.CharField(
        _("postcode"), max_length=8, unique=True, help_text=_("Normalised: 'SO14 7LY'.")
    )
    lsoa_code = models.CharField(_("LSOA code"), max_length=9, db_index=True)
    ward_code = models.CharField(_("ward code"), max_length=9, blank=True)
    ward_name = models.CharField(_("ward"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("postcode area")

    def __str__(self):
        return self.postcode


class Neighbourhood(models.Model):
    """An LSOA and its deprivation decile (English Indices of Deprivation, File 1). 1 is the most deprived."""

    lsoa_code = models.CharField(_("LSOA code"), max_length=9, unique=True)
    lsoa_name = models.CharField(_("LSOA name"), max_length=120, blank=True)
    la_code = models.CharField(_("local authority code"), max_length=9, blank=True)
    la_name = models.CharField(_("local authority"), max_length=120, blank=True)
    imd_rank = models.PositiveIntegerField(_("IMD rank"), null=True, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        _("IMD decile"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("neighbourhood (LSOA)")
        constraints = [
            models.CheckConstraint(
                condition=Q(imd_decile__gte=1, imd_decile__lte=10), name="imd_decile_1_to_10"
            )
        ]

    def __str__(self):
        return f"{self.lsoa_code} (decile {self.imd_decile})"


class PopulationFigure(models.Model):
    """Pupils on roll at a school, in a year group, with a characteristic, as of a date (the import's layout)."""

    as_of = models.DateField(_("as of"))
    school = models.ForeignKey(School, models.CASCADE, related_name="population", verbose_name=_("school"))
    year_group = models.CharField(_("year group"), max_length=2, choices=YearGroup)
    characteristic = models.CharField(_("characteristic"), max_length=20, choices=Characteristic)
    value = models.CharField(
        _("value"), max_length=40, blank=True, help_text=_("For ethnic group and sex: which one. Else empty.")
    )
    pupils = models.PositiveIntegerField(_("pupils"))

    class Meta:
        verbose_name = _("population figure")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "school", "year_group", "characteristic", "value"],
                name="population_figure_unique",
            ),
            models.CheckConstraint(
                condition=Q(characteristic__in=Characteristic.values), name="population_char_valid"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "characteristic", "value"])]

    def __str__(self):
        return f"{self.school} {self.year_group} {self.characteristic} {self.value}: {self.pupils}"


class ImportRun(TimeStampedModel):
    """One import of a file (schools, population, postcodes, deprivation): its options, outcome and report."""

    class Kind(models.TextChoices):
        SCHOOLS = "schools", _("Schools (GIAS)")
        POPULATION = "population", _("Pupil population")
        POSTCODES = "postcodes", _("Postcodes to areas")
        DEPRIVATION = "deprivation", _("Deprivation (IMD)")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Waiting to run")
        RUNNING = "running", _("Importing")
        COMPLETED = "completed", _("Imported")
        REJECTED = "rejected", _("Rejected: the file has problems")
        FAILED = "failed", _("Failed: the platform could not finish")
        DRY_RUN = "dry_run", _("Checked only (dry run)")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status)
    filename = models.CharField(_("file"), max_length=255)
    file = models.FileField(_("uploaded file"), upload_to="imports/%Y/", blank=True, storage=private_storage)
    options = models.JSONField(_("options"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    # How far a confirmed import running in the background has got (rows checked), for its progress line.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "previewed",
                        "queued",
                        "running",
                        "completed",
                        "rejected",
                        "failed",
                        "dry_run",
                        "cancelled",
                    ]
                ),
                name="import_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"


# ---- School contacts ------------------------------------------------------------------------------------


class SchoolContact(TimeStampedModel):
    """A school's music lead (role school_contact) and the one school whose aggregate figures they see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="school_contacts", verbose_name=_("person")
    )
    school = models.ForeignKey(School, models.CASCADE, related_name="contacts", verbose_name=_("school"))

    class Meta:
        verbose_name = _("school contact")
        constraints = [models.UniqueConstraint(fields=["user"], name="school_contact_one_school")]

    def __str__(self):
        return f"{self.user} ({self.school})"


# ---- Families ------------------------------------------------------------------------------------------------


class Family(TimeStampedModel):
    """Siblings and the guardians who look after them. A guardian sees only their own family's children."""

    guardians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FamilyGuardian",
        related_name="families",
        verbose_name=_("guardians"),
    )

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self):
        return f"Family {self.pk}"


class FamilyGuardian(TimeStampedModel):
    family = models.ForeignKey(Family, models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="guardian_links")
    relationship = models.CharField(_("relationship"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("guardian in a family")
        constraints = [models.UniqueConstraint(fields=["family", "guardian"], name="family_guardian_unique")]


# ---- Young people ------------------------------------------------------------------------------------------


class YoungPerson(TimeStampedModel):
    """A child or young person who takes part. Each field is here because a service or report uses it."""

    class RegisteredBy(models.TextChoices):
        GUARDIAN = "guardian", _("A parent or guardian, online")
        SELF = "self", _("The young person, online")
        STAFF = "staff", _("Hub staff, on their behalf")
        IMPORT = "import", _("An import")

    # Who they are: to run sessions, contact families and find duplicates.
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    preferred_name = models.CharField(_("preferred name"), max_length=80, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    family = models.ForeignKey(
        Family, models.SET_NULL, null=True, blank=True, related_name="children", verbose_name=_("family")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="young_person",
        verbose_name=_("their own account"),
    )
    # Where they learn: for school reach and the whole-class programme.
    education_status = models.CharField(
        _("school or college"), max_length=20, choices=EducationStatus, default=EducationStatus.IN_SCHOOL
    )
    school = models.ForeignKey(
        School, models.SET_NULL, null=True, blank=True, related_name="young_people", verbose_name=_("school")
    )
    year_group = models.CharField(_("year group"), max_length=2, choices=YearGroup, blank=True)
    # Where they live, as area codes: for distance to activities and reach by deprivation, not to visit.
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    postcode_district = models.CharField(_("postcode district"), max_length=4, blank=True)
    lsoa_code = models.CharField(_("LSOA code"), max_length=9, blank=True, db_index=True)
    ward_code = models.CharField(_("ward code"), max_length=9, blank=True)
    imd_decile = models.PositiveSmallIntegerField(_("deprivation decile of home area"), null=True, blank=True)
    # Their musical identity, in their words: for matching the offer to their tastes.
    instruments = models.ManyToManyField(Instrument, blank=True, verbose_name=_("instruments they play"))
    genres = models.ManyToManyField(Genre, blank=True, verbose_name=_("genres they love"))
    next_steps = models.TextField(_("what they want to do next"), blank=True)
    access_needs = models.TextField(_("access needs, in their words"), blank=True)
    # The characteristics the inclusion reports compare with the city's population.
    sex = models.CharField(_("sex"), max_length=20, choices=Sex, default=Sex.NOT_KNOWN)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender, default=Gender.NOT_KNOWN)
    gender_self_described = models.CharField(_("gender, in their words"), max_length=80, blank=True)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=40, choices=Ethnicity, default=Ethnicity.NOT_KNOWN
    )
    fsm = models.CharField(
        _("free school meals or Pupil Premium"), max_length=20, choices=YesNo, default=YesNo.NOT_KNOWN
    )
    send = models.CharField(
        _("special educational needs"), max_length=20, choices=Send, default=Send.NOT_KNOWN
    )
    eal = models.CharField(
        _("English as an additional language"), max_length=20, choices=YesNo, default=YesNo.NOT_KNOWN
    )
    care_experienced = models.CharField(
        _("care-experienced"), max_length=20, choices=YesNo, default=YesNo.NOT_KNOWN
    )
    young_carer = models.CharField(_("young carer"), max_length=20, choices=YesNo, default=YesNo.NOT_KNOWN)
    disability = models.CharField(_("disabled"), max_length=20, choices=YesNo, default=YesNo.NOT_KNOWN)
    # Record keeping.
    registered_by = models.CharField(_("registered by"), max_length=10, choices=RegisteredBy)
    registered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("young person")
        verbose_name_plural = _("young people")
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="yp_sex_valid"),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="yp_gender_valid"),
            models.CheckConstraint(condition=Q(ethnicity__in=Ethnicity.values), name="yp_ethnicity_valid"),
            models.CheckConstraint(condition=Q(send__in=Send.values), name="yp_send_valid"),
            models.CheckConstraint(
                condition=Q(fsm__in=YesNo.values)
                & Q(eal__in=YesNo.values)
                & Q(care_experienced__in=YesNo.values)
                & Q(young_carer__in=YesNo.values)
                & Q(disability__in=YesNo.values),
                name="yp_yes_no_valid",
            ),
            models.CheckConstraint(
                condition=Q(education_status__in=EducationStatus.values), name="yp_education_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__gte=1, imd_decile__lte=10),
                name="yp_imd_decile_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name", "date_of_birth"]),
            models.Index(fields=["school", "year_group"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}".strip()


# ---- Consent -----------------------------------------------------------------------------------------------


class Consent(TimeStampedModel):
    """One consent for one purpose: who gave it, when, to which wording; withdrawn at any time."""

    class GivenBy(models.TextChoices):
        GUARDIAN = "guardian", _("Parent or guardian")
        YOUNG_PERSON = "young_person", _("The young person")

    class Method(models.TextChoices):
        ONLINE = "online", _("Online, on this platform")
        PAPER = "paper", _("Signed paper form")
        PHONE = "phone", _("By phone, recorded by staff")
        IN_PERSON = "in_person", _("In person, recorded by staff")

    young_person = models.ForeignKey(YoungPerson, models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose)
    given_by = models.CharField(_("given by"), max_length=20, choices=GivenBy)
    given_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_by_name = models.CharField(_("name of the person who consented"), max_length=160)
    method = models.CharField(_("how it was given"), max_length=20, choices=Method, default=Method.ONLINE)
    wording_version = models.CharField(_("wording version"), max_length=20)
    given_at = models.DateTimeField(_("given"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        constraints = [
            models.UniqueConstraint(
                fields=["young_person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values), name="consent_purpose_valid"
            ),
        ]
        indexes = [models.Index(fields=["purpose", "withdrawn_at"])]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# ---- Barriers and support ----------------------------------------------------------------------------------


class Barrier(CatalogueEntry):
    """Something that can stop a young person taking part (cost, transport, confidence, …)."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("barrier")


class SupportKind(CatalogueEntry):
    """Support the hub offers (bursary, instrument loan, transport, access adjustment, buddy, …)."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("kind of support")
        verbose_name_plural = _("kinds of support")


class NamedBarrier(TimeStampedModel):
    young_person = models.ForeignKey(YoungPerson, models.CASCADE, related_name="named_barriers")
    barrier = models.ForeignKey(Barrier, models.PROTECT, related_name="+")
    note = models.CharField(_("in their words"), max_length=300, blank=True)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("barrier named")
        constraints = [
            models.UniqueConstraint(fields=["young_person", "barrier"], name="named_barrier_unique")
        ]


class SupportRequest(TimeStampedModel):
    """A request for support and the hub's decision on it, with who decided and when."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        AWARDED = "awarded", _("Awarded")
        DECLINED = "declined", _("Not awarded")

    young_person = models.ForeignKey(YoungPerson, models.CASCADE, related_name="support_requests")
    kind = models.ForeignKey(SupportKind, models.PROTECT, related_name="+", verbose_name=_("support"))
    reason = models.TextField(_("why it is needed"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support request")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "awarded", "declined"]), name="support_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(decided_at__isnull=False),
                name="support_decision_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]


# ---- Safeguarding concerns ----------------------------------------------------------------------------------


class SafeguardingConcern(TimeStampedModel):
    """A worry about a young person's safety, raised from a register, a post or anywhere else.

    Only the designated safeguarding lead sees concerns (core.permissions: people.handle_safeguarding); they are
    never published, never shown to the role that raised them after raising, and every action on one is logged
    (SafeguardingAction) as well as audited.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("New")
        IN_HAND = "in_hand", _("Being dealt with")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        REGISTER = "register", _("A session's register")
        VOICE = "voice", _("Youth voice")
        OTHER = "other", _("Other")

    young_person = models.ForeignKey(
        YoungPerson,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("young person"),
    )
    source = models.CharField(_("raised from"), max_length=10, choices=Source, default=Source.OTHER)
    # Where it was raised ("session:123", "post:45"), for the lead to find the context.
    source_ref = models.CharField(_("where"), max_length=60, blank=True)
    details = models.TextField(_("what happened or what was said"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("safeguarding concern")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_hand", "closed"]), name="concern_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["register", "voice", "other"]), name="concern_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"Concern {self.pk} ({self.get_status_display()})"


class SafeguardingAction(models.Model):
    """One thing done about a concern: who, when, what (acknowledged, referred, note, closed, …)."""

    concern = models.ForeignKey(SafeguardingConcern, models.CASCADE, related_name="actions")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("what was done"), max_length=40)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("safeguarding action")

    def __str__(self):
        return f"{self.action} ({self.at:%Y-%m-%d %H:%M})"
