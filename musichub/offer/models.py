"""The offer: opportunities to make music, where and when they happen, and the city's term dates."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ActivityKind, CatalogueEntry, Genre, Instrument, Setting, TimeStampedModel
from musichub.partners.models import Partner, PartnerMembership
from musichub.people.choices import YearGroup
from musichub.people.models import School

# ---- Term dates -------------------------------------------------------------------------------------------


class Term(models.Model):
    """A school term in the city (staff enter them); weekly sessions run inside terms."""

    name = models.CharField(_("name"), max_length=60, help_text=_("For example: Autumn term 2026."))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("term")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start")
        ]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A school holiday or closure inside a term (half term, bank holiday, training day): no sessions."""

    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("holiday")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="holiday_ends_after_start")
        ]

    def __str__(self):
        return self.name


# ---- Venues -----------------------------------------------------------------------------------------------


class Venue(TimeStampedModel):
    """Where music-making happens, with the accessibility facts families ask about."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name for links"), max_length=160, unique=True)
    address = models.TextField(_("address"))
    postcode = models.CharField(_("postcode"), max_length=8)
    postcode_district = models.CharField(_("postcode district"), max_length=4, blank=True, db_index=True)
    lsoa_code = models.CharField(_("LSOA code"), max_length=9, blank=True)
    partner = models.ForeignKey(
        Partner,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("added by partner"),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    parking = models.BooleanField(_("parking"), default=False)
    public_transport = models.BooleanField(_("public transport nearby"), default=False)
    access_notes = models.TextField(_("more about access"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    ACCESS_FIELDS = [
        "step_free",
        "hearing_loop",
        "quiet_room",
        "accessible_toilet",
        "parking",
        "public_transport",
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")

    def __str__(self):
        return self.name

    def is_managed_by(self, user) -> bool:
        """Partner members manage the venues their partner added; shared venues are edited by staff."""
        return (
            self.partner_id is not None
            and PartnerMembership.objects.filter(user=user, partner_id=self.partner_id).exists()
        )


# ---- Opportunities ----------------------------------------------------------------------------------------


class Opportunity(TimeStampedModel):
    """A chance to make music that young people can find and join."""

    class Level(models.TextChoices):
        NO_EXPERIENCE = "no_experience", _("No experience needed")
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Schedule(models.TextChoices):
        WEEKLY = "weekly", _("Weekly in term time")
        ONE_OFF = "one_off", _("A one-off")
        HOLIDAY_COURSE = "holiday_course", _("A holiday course (every day)")

    class HowToJoin(models.TextChoices):
        ENROL = "enrol", _("Ask for a place")
        APPLY = "apply", _("Apply: places are allocated fairly")
        TURN_UP = "turn_up", _("Just turn up")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FULL = "full", _("Full")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    partner = models.ForeignKey(
        Partner, models.PROTECT, related_name="opportunities", verbose_name=_("partner")
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("short name for links"), max_length=170, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    kind = models.ForeignKey(
        ActivityKind, models.PROTECT, related_name="+", verbose_name=_("kind of activity")
    )
    genres = models.ManyToManyField(Genre, blank=True, related_name="opportunities", verbose_name=_("genres"))
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="opportunities", verbose_name=_("instruments")
    )
    min_age = models.PositiveSmallIntegerField(
        _("youngest age"), validators=[MinValueValidator(0), MaxValueValidator(25)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"), validators=[MinValueValidator(0), MaxValueValidator(25)]
    )
    level = models.CharField(_("level"), max_length=20, choices=Level, default=Level.NO_EXPERIENCE)
    setting = models.CharField(_("where"), max_length=20, choices=Setting, default=Setting.OUT_OF_SCHOOL)
    schools = models.ManyToManyField(
        School, blank=True, related_name="opportunities", verbose_name=_("schools it runs in")
    )
    venue = models.ForeignKey(
        Venue, models.PROTECT, null=True, blank=True, related_name="opportunities", verbose_name=_("venue")
    )
    schedule = models.CharField(_("schedule"), max_length=20, choices=Schedule, default=Schedule.WEEKLY)
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(6)],
        help_text=_("0 is Monday. For weekly sessions."),
    )
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    cost_pence = models.PositiveIntegerField(_("cost (pence)"), default=0)
    cost_note = models.CharField(_("about the cost"), max_length=200, blank=True)
    free_for_fsm = models.BooleanField(_("free for free school meals"), default=False)
    bursary_available = models.BooleanField(_("bursaries available"), default=False)
    instrument_provided = models.BooleanField(_("instrument provided"), default=False)
    transport_help = models.BooleanField(_("help with transport"), default=False)
    how_to_join = models.CharField(
        _("how to join"), max_length=10, choices=HowToJoin, default=HowToJoin.ENROL
    )
    apply_by = models.DateField(_("apply by"), null=True, blank=True)
    safeguarding_contact_name = models.CharField(_("safeguarding contact"), max_length=120)
    safeguarding_contact_email = models.EmailField(_("safeguarding contact's email"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept on the row so the finder sorts without a subquery per opportunity (offer/finder_keys.py keeps them
    # fresh): the next session not cancelled, and ",g<genre id>,…,i<instrument id>," for matching tastes.
    next_session_on = models.DateField(_("next session"), null=True, blank=True, editable=False)
    taste_keys = models.TextField(_("genre and instrument keys"), blank=True, default="", editable=False)
    # Music leaders (or partner members) who run the sessions and take the registers.
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_opportunities", verbose_name=_("leaders")
    )

    class Meta:
        ordering = ["first_date", "title"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(condition=Q(max_age__gte=F("min_age")), name="opportunity_ages_in_order"),
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="opportunity_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="opportunity_times_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "full", "finished", "cancelled"]),
                name="opportunity_status_valid",
            ),
            models.CheckConstraint(condition=Q(setting__in=Setting.values), name="opportunity_setting_valid"),
            models.CheckConstraint(
                condition=~Q(how_to_join="apply") | Q(apply_by__isnull=False),
                name="opportunity_apply_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(schedule="weekly") | Q(weekday__isnull=False), name="opportunity_weekly_has_day"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_date"]),
            models.Index(fields=["status", "setting", "min_age", "max_age"]),
            models.Index(fields=["status", "cost_pence"]),
        ]

    def __str__(self):
        return self.title

    def is_managed_by(self, user) -> bool:
        """Object-level rule for core.permissions: partner members manage their own partner's opportunities."""
        return PartnerMembership.objects.filter(user=user, partner_id=self.partner_id).exists()

    def is_led_by(self, user) -> bool:
        return self.leaders.filter(pk=user.pk).exists()

    def is_delivered_by(self, user) -> bool:
        """Object-level rule for delivery (registers, attendance, follow-ups, messages): its leaders and its
        partner's members."""
        return self.is_led_by(user) or self.is_managed_by(user)

    @property
    def is_free(self) -> bool:
        return self.cost_pence == 0


class Session(models.Model):
    """One meeting of an opportunity, generated from its schedule; registers are taken per session."""

    opportunity = models.ForeignKey(Opportunity, models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("session")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "date", "starts_at"], name="session_unique_per_time"
            )
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.opportunity} {self.date:%Y-%m-%d}"

    def is_delivered_by(self, user) -> bool:
        return self.opportunity.is_delivered_by(user)


# ---- Joining: enrolments, waiting lists, offers ----------------------------------------------------------


class Enrolment(TimeStampedModel):
    """A young person's place, or their request for one, on an opportunity, and where it stands."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied: waiting for the allocation")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Offered a place")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Offer declined")
        EXPIRED = "expired", _("Offer not answered in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A place is taken while enrolled or offered; these statuses are "active" (one per young person).
    ACTIVE = ("applied", "waiting", "offered", "enrolled")
    HOLDS_A_PLACE = ("offered", "enrolled")

    young_person = models.ForeignKey(
        "people.YoungPerson", models.CASCADE, related_name="enrolments", verbose_name=_("young person")
    )
    opportunity = models.ForeignKey(Opportunity, models.PROTECT, related_name="enrolments")
    status = models.CharField(_("status"), max_length=10, choices=Status)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Waiting-list order: earliest first (allocation may set it to the ranked order).
    queued_at = models.DateTimeField(_("in the queue since"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    support_requests = models.ManyToManyField(
        "people.SupportRequest", blank=True, related_name="enrolments", verbose_name=_("support asked for")
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["young_person", "opportunity"],
                condition=Q(status__in=["applied", "waiting", "offered", "enrolled"]),
                name="one_active_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "applied",
                        "waiting",
                        "offered",
                        "enrolled",
                        "declined",
                        "expired",
                        "withdrawn",
                    ]
                ),
                name="enrolment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False), name="offer_has_deadline"
            ),
        ]
        indexes = [models.Index(fields=["opportunity", "status", "queued_at"])]

    def __str__(self):
        return f"{self.young_person_id} on {self.opportunity_id}: {self.status}"


class EnrolmentEvent(models.Model):
    """What happened to an enrolment, when, and who did it: requested, offered, accepted, expired, …"""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("what happened"), max_length=40)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("enrolment event")

    def __str__(self):
        return f"{self.action} ({self.at:%Y-%m-%d %H:%M})"


# ---- Fair allocation ----------------------------------------------------------------------------------------


class PriorityRule(models.Model):
    """A published rule that moves applicants up when places are allocated; staff set its weight."""

    class Code(models.TextChoices):
        CARE_EXPERIENCED = "care_experienced", _("Care-experienced")
        FSM = "fsm", _("Free school meals or Pupil Premium")
        SEND = "send", _("Special educational needs (SEN support or EHCP)")
        NEW_TO_THE_HUB = "new_to_the_hub", _("Not yet taking part in any hub activity")
        DEPRIVED_AREA = "deprived_area", _("Lives in one of the city's most deprived areas (deciles 1–2)")
        YOUNG_CARER = "young_carer", _("Young carer")

    code = models.CharField(_("rule"), max_length=30, choices=Code, unique=True)
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    is_active = models.BooleanField(_("in use"), default=True)
    explanation = models.CharField(_("why, in plain words"), max_length=300, blank=True)

    class Meta:
        ordering = ["-points", "code"]
        verbose_name = _("priority rule")

    def __str__(self):
        return self.get_code_display()


class AllocationRun(TimeStampedModel):
    """One run of the fair allocation for an opportunity: the seed, the rules as they were, the result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: not yet published")
        PUBLISHED = "published", _("Published")

    opportunity = models.ForeignKey(Opportunity, models.PROTECT, related_name="allocation_runs")
    seed = models.BigIntegerField(_("lottery seed"))
    rules = models.JSONField(_("rules used"), default=list)
    places = models.PositiveIntegerField(_("places allocated"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("allocation run")

    def __str__(self):
        return f"{self.opportunity} ({self.created_at:%Y-%m-%d}, seed {self.seed})"


class AllocationEntry(models.Model):
    """An applicant's position in an allocation run, with the reasons for it and any override."""

    run = models.ForeignKey(AllocationRun, models.CASCADE, related_name="entries")
    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="allocation_entries")
    points = models.PositiveIntegerField(_("points"))
    lottery = models.FloatField(_("lottery draw"))
    rank = models.PositiveIntegerField(_("position"))
    reasons = models.JSONField(_("reasons"), default=list)
    override_rank = models.PositiveIntegerField(_("position set by staff"), null=True, blank=True)
    override_reason = models.CharField(_("why staff moved it"), max_length=300, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gets_a_place = models.BooleanField(_("gets a place"), default=False)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("allocation entry")
        constraints = [
            models.UniqueConstraint(fields=["run", "enrolment"], name="allocation_entry_unique"),
            models.CheckConstraint(
                condition=Q(override_rank__isnull=True) | ~Q(override_reason=""), name="override_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.rank}. enrolment {self.enrolment_id}"


# ---- Delivery: registers and attendance ---------------------------------------------------------------------


class Register(TimeStampedModel):
    """The register of one session: who took it, how, and what the group did. Marks are Attendance rows."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Taken on the platform")
        PAPER = "paper", _("Entered from a paper register")
        HEADCOUNT = "headcount", _("Whole class: a headcount")

    session = models.OneToOneField(Session, models.CASCADE, related_name="register")
    method = models.CharField(_("how it was taken"), max_length=10, choices=Method, default=Method.PHONE)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For a whole class without a pupil list: how many pupils were there.
    headcount = models.PositiveIntegerField(_("pupils present"), null=True, blank=True)
    what_we_did = models.TextField(_("what we did"), blank=True)
    pieces = models.CharField(_("pieces"), max_length=300, blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="+", verbose_name=_("genres played"))

    class Meta:
        ordering = ["-session__date"]
        verbose_name = _("register")

    def __str__(self):
        return f"Register of {self.session}"


class Attendance(models.Model):
    """One young person's mark at one session. At most one per (session, young person); a change is logged in
    AttendanceChange. `marked_at` is when the leader made the mark (on their phone, maybe offline): when two
    submissions disagree, the later mark wins, so sending the same register twice or from two phones never
    loses or doubles a mark."""

    class Mark(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")
        ABSENT_WITH_REASON = "excused", _("Absent with reason")

    CAME = ("present", "late")
    MISSED = ("absent", "excused")

    # No index of their own: one_mark_per_session (session, young person) and the (young person, session) index
    # below serve both, which matters with tens of millions of marks.
    session = models.ForeignKey(Session, models.CASCADE, related_name="attendance", db_index=False)
    young_person = models.ForeignKey(
        "people.YoungPerson",
        models.CASCADE,
        related_name="attendance",
        verbose_name=_("young person"),
        db_index=False,
    )
    mark = models.CharField(_("mark"), max_length=10, choices=Mark)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    marked_at = models.DateTimeField(_("marked at"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance mark")
        constraints = [
            models.UniqueConstraint(fields=["session", "young_person"], name="one_mark_per_session"),
            models.CheckConstraint(
                condition=Q(mark__in=["present", "late", "absent", "excused"]), name="attendance_mark_valid"
            ),
        ]
        indexes = [models.Index(fields=["young_person", "session"])]

    def __str__(self):
        return f"{self.young_person_id} at {self.session_id}: {self.mark}"


class AttendanceChange(models.Model):
    """A mark changed after it was first recorded: what it was, what it became, who changed it and when."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="attendance_changes")
    young_person = models.ForeignKey("people.YoungPerson", models.CASCADE, related_name="+")
    old_mark = models.CharField(_("was"), max_length=10, choices=Attendance.Mark)
    new_mark = models.CharField(_("became"), max_length=10, choices=Attendance.Mark)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("attendance change")

    def __str__(self):
        return f"{self.old_mark} → {self.new_mark}"


class RegisterSubmission(models.Model):
    """One submission of a register, by its idempotency key: a key seen before is acknowledged, not re-applied."""

    key = models.UUIDField(_("idempotency key"), unique=True)
    session = models.ForeignKey(Session, models.CASCADE, related_name="register_submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    marks = models.PositiveIntegerField(_("marks in it"), default=0)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("register submission")

    def __str__(self):
        return str(self.key)


class WalkInContact(models.Model):
    """How to reach the parent or carer of a child first met as a walk-in, taken down by the leader at the door
    until the family registers online. Staff follow it up on "Walk-ins to follow up" (offer.walkins); deleted
    when the young person is erased."""

    young_person = models.OneToOneField(
        "people.YoungPerson", models.CASCADE, related_name="walk_in_contact", verbose_name=_("young person")
    )
    session = models.ForeignKey(
        Session, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("walked in at")
    )
    guardian_name = models.CharField(_("parent or carer's name"), max_length=160)
    guardian_email = models.EmailField(_("their email address"), blank=True)
    guardian_phone = models.CharField(_("their phone number"), max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # Staff following it up (offer.walkins): the latest invitation to register, and the follow-up that took it
    # off the "Walk-ins to follow up" list.
    invited_at = models.DateTimeField(_("last invited to register"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_note = models.CharField(_("follow-up note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("walk-in's family contact")
        constraints = [
            models.CheckConstraint(
                condition=~Q(guardian_email="") | ~Q(guardian_phone=""), name="walk_in_contact_has_a_way"
            ),
            models.CheckConstraint(
                condition=Q(followed_up_at__isnull=True) | ~Q(follow_up_note=""),
                name="walk_in_follow_up_has_a_note",
            ),
        ]
        # The follow-up list: those not followed up yet, oldest first.
        indexes = [models.Index(fields=["followed_up_at", "created_at"], name="walk_in_follow_up_list")]

    def __str__(self):
        return f"Family contact of {self.young_person_id}"


# ---- Keeping young people in: drop-out follow-ups ---------------------------------------------------------


class DropOutReason(CatalogueEntry):
    """Why a young person stopped coming (cost, transport, time clash, lost interest, moved, …); staff extend it."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("reason for stopping")
        verbose_name_plural = _("reasons for stopping")


class FollowUp(TimeStampedModel):
    """Someone got in touch about a young person who missed sessions in a row: what they heard and what next."""

    class Outcome(models.TextChoices):
        COMING_BACK = "coming_back", _("Coming back")
        SUPPORT_OFFERED = "support", _("Support offered")
        LEFT = "left", _("Has left the group")
        NO_REPLY = "no_reply", _("No reply yet")

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="follow_ups")
    contacted = models.BooleanField(_("got in touch"), default=True)
    reason = models.ForeignKey(
        DropOutReason, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reason")
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow-up")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["coming_back", "support", "left", "no_reply"]),
                name="follow_up_outcome_valid",
            )
        ]

    def __str__(self):
        return f"Follow-up of enrolment {self.enrolment_id}: {self.outcome}"


class DeliverySettings(models.Model):
    """The hub's delivery settings (one row; edited in the back office)."""

    missed_in_a_row = models.PositiveSmallIntegerField(
        _("sessions missed in a row before someone gets in touch"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self):
        return str(_("Delivery settings"))

    @classmethod
    def current(cls) -> "DeliverySettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


# ---- Messages to families ------------------------------------------------------------------------------


class Message(TimeStampedModel):
    """An email to an opportunity's families, and the log of whom it went to (one outbox email each)."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", _("Session cancelled")
        VENUE = "venue", _("Venue changed")
        EVENT = "event", _("Concert or event coming")
        OTHER = "other", _("Other news")

    opportunity = models.ForeignKey(Opportunity, models.CASCADE, related_name="messages")
    kind = models.CharField(_("about"), max_length=10, choices=Kind, default=Kind.OTHER)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    emails = models.ManyToManyField("core.OutgoingEmail", blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to families")

    def __str__(self):
        return self.subject


# ---- Whole-class ensemble teaching ---------------------------------------------------------------------


class WholeClassProgramme(TimeStampedModel):
    """A programme taught to a whole class in school, often without individual pupil records.

    Its sessions are those of an in-school opportunity (`opportunity`, optional), so registers are taken the
    usual way (a headcount when there is no pupil list). Pupils reached come from `pupils`; continuation counts
    listed pupils who later enrol in any hub activity.
    """

    school = models.ForeignKey(School, models.PROTECT, related_name="whole_class_programmes")
    partner = models.ForeignKey(
        Partner, models.PROTECT, related_name="whole_class_programmes", verbose_name=_("delivered by")
    )
    opportunity = models.OneToOneField(
        Opportunity,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="whole_class_programme",
        verbose_name=_("its sessions"),
    )
    year_group = models.CharField(_("year group"), max_length=2, choices=YearGroup)
    class_name = models.CharField(_("class"), max_length=60)
    pupils = models.PositiveIntegerField(_("number of pupils"), validators=[MaxValueValidator(60)])
    instruments = models.ManyToManyField(Instrument, related_name="+", verbose_name=_("instruments"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    weeks_delivered = models.PositiveSmallIntegerField(_("weeks delivered"), default=0)
    pupil_list = models.ManyToManyField(
        "people.YoungPerson", blank=True, related_name="whole_class_programmes", verbose_name=_("pupil list")
    )
    next_steps = models.TextField(_("what comes next for the pupils"), blank=True)

    class Meta:
        ordering = ["-starts_on", "school__name", "class_name"]
        verbose_name = _("whole-class programme")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="programme_dates_in_order")
        ]

    def __str__(self):
        return f"{self.school} {self.class_name} ({self.starts_on:%Y})"

    def is_managed_by(self, user) -> bool:
        return PartnerMembership.objects.filter(user=user, partner_id=self.partner_id).exists()
