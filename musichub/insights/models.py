"""What the insights app stores itself. The figures are computed from other apps' records (selectors.py); stored
here are the hub's own notes about its journey (the "what we learned" log), the summaries the dashboard counts
from (rebuilt from the records, summaries.py), and the outputs' mapping and partners' contributions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from musichub.core.models import InclusionAim, TimeStampedModel


class Indicator(models.TextChoices):
    """The dashboard's indicators, by the key a learning entry, a report or the return links to them."""

    REPRESENTATION = "representation", _("Reach against the city (representation index)")
    PARTICIPANTS = "participants", _("Young people taking part")
    SCHOOLS_ENGAGED = "schools_engaged", _("Schools with hub activity")
    WHOLE_CLASS_COVERAGE = "whole_class_coverage", _("Whole-class teaching coverage")
    CONTINUATION = "continuation", _("Continuation after whole-class teaching")
    GENRE_DEMAND = "genre_demand", _("Genres asked for against places offered")
    BARRIERS_SUPPORT = "barriers_support", _("Barriers named against support awarded")
    DROPOUT_REASONS = "dropout_reasons", _("Why young people stopped coming")
    RETENTION = "retention", _("Still attending after a term and a year")
    VOICE_REACH = "voice_reach", _("Voices from under-represented groups")
    VOICE_RESPONSE = "voice_response", _("Days to a response to youth voice")
    VOICE_ACTED_ON = "voice_acted_on", _("Ideas acted on (you said, we did)")


class Learning(TimeStampedModel):
    """A change the hub made to its offer and why: one entry of the "what we learned" log."""

    aim = models.ForeignKey(InclusionAim, models.PROTECT, related_name="learnings", verbose_name=_("aim"))
    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator)
    title = models.CharField(_("what we changed, in a line"), max_length=160)
    what_we_saw = models.TextField(_("what the figures showed"), help_text=_("Markdown."))
    what_we_changed = models.TextField(_("what we changed and why"), help_text=_("Markdown."))
    changed_on = models.DateField(_("when the change was made"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-changed_on", "-pk"]
        verbose_name = _("what we learned")
        verbose_name_plural = _("what we learned")
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__in=Indicator.values), name="learning_indicator_valid"
            ),
        ]
        indexes = [models.Index(fields=["changed_on"]), models.Index(fields=["aim", "changed_on"])]

    def __str__(self):
        return self.title


# ---- Summaries the dashboard reads (insights-dashboard): kept by summaries.py -----------------------------------
# Counting who took part in a year from millions of attendance marks takes seconds; the dashboard reads these
# rows instead, rebuilt for a year by musichub.insights.summaries.refresh_year (in the background, from the
# dashboard when they are older than INSIGHTS_SUMMARY_MAX_AGE, and by `manage.py refresh_insights`).


class Participation(models.Model):
    """One young person in one academic year: a summary row, never edited by hand.

    `every_activity` rows (one per young person and year) cover all their activities; the others, one per
    partner, kind of activity and setting they took part in, answer the dashboard's filters. Each row copies the
    young person's characteristics as they were at the refresh, so the figures are counted from this table alone.
    Its links to other records are plain ids (no database constraint, nothing done on delete): a summary never
    slows down or blocks changes to the records, and the next rebuild drops what is gone.
    """

    year = models.PositiveSmallIntegerField(_("academic year"))
    young_person = models.ForeignKey(
        "people.YoungPerson",
        models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("young person"),
    )
    every_activity = models.BooleanField(_("all their activities"))
    partner = models.ForeignKey(
        "partners.Partner",
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    kind = models.ForeignKey(
        "core.ActivityKind",
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    setting = models.CharField(_("setting"), max_length=20, blank=True)
    # False: a place began in the year and ended without the young person coming (counted only for retention).
    took_part = models.BooleanField(_("took part"))
    # Retention: the day their first place in the year began (in this row's activities), the last day they came
    # to a session of those activities (from the year's start on), and so whether they came 13 weeks and 52
    # weeks or more after their place began.
    began = models.DateField(_("first place began"), null=True, blank=True)
    last_came = models.DateField(_("last came to a session"), null=True, blank=True)
    kept_term = models.BooleanField(_("still coming after a term"), default=False)
    kept_year = models.BooleanField(_("still coming after a year"), default=False)
    # Continuation: the first day of a whole-class programme starting in the year with them on its pupil list,
    # and whether they went on to hold a place on another activity (offer.wholeclass's rule).
    listed_on = models.DateField(_("on a whole-class list from"), null=True, blank=True)
    continued = models.BooleanField(_("went on to another activity"), default=False)
    # The young person's characteristics at the refresh.
    school = models.ForeignKey(
        "people.School",
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    postcode_district = models.CharField(max_length=4, blank=True)
    date_of_birth = models.DateField()
    fsm = models.CharField(max_length=20)
    send = models.CharField(max_length=20)
    eal = models.CharField(max_length=20)
    ethnicity = models.CharField(max_length=40)
    sex = models.CharField(max_length=20)
    care_experienced = models.CharField(max_length=20)
    young_carer = models.CharField(max_length=20)
    disability = models.CharField(max_length=20)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("participation (summary)")
        indexes = [
            models.Index(fields=["year", "every_activity", "took_part"], name="participation_year"),
            models.Index(fields=["year", "partner"], name="participation_partner"),
            models.Index(fields=["year", "school"], name="participation_school"),
            models.Index(fields=["year"], condition=Q(listed_on__isnull=False), name="participation_listed"),
        ]

    def __str__(self):
        return f"{self.young_person_id} in {self.year}"


class SummaryRefresh(models.Model):
    """When the summaries of an academic year were last rebuilt, and whether a rebuild is waiting to run."""

    year = models.PositiveSmallIntegerField(_("academic year"), unique=True)
    refreshed_at = models.DateTimeField(_("rebuilt"), null=True, blank=True)
    requested_at = models.DateTimeField(_("rebuild asked for"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("seconds it took"), default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("summary refresh")

    def __str__(self):
        return f"{self.year}: {self.refreshed_at}"


# ---- Outputs: the annual return's mapping and partners' contributions (insights-outputs) --------------------
# returns.py reads ReturnLine (which platform figure goes on which line of the return, adjustable each year) and
# contributions.py writes PartnerContribution (aggregate figures partners send for work not recorded person by
# person). Neither holds personal data.


class ReturnSection(models.TextChoices):
    """The sections of the annual data return (modelled on the Arts Council England music hub return)."""

    SCHOOLS = "schools", _("Schools engaged")
    WHOLE_CLASS = "whole_class", _("Whole-class ensemble teaching")
    ENSEMBLES = "ensembles", _("Ensembles")
    LEARNING = "learning", _("Instrumental and vocal learning outside whole-class teaching")
    SINGING = "singing", _("Singing")
    CHARACTERISTICS = "characteristics", _("Characteristics of young people")
    WORKFORCE = "workforce", _("Workforce")


class ContributionFigure(models.TextChoices):
    """The figures a partner contribution carries; a return line may add one of them to its recorded figure."""

    YOUNG_PEOPLE = "young_people", _("Young people reached")
    YOUNG_PEOPLE_FSM = "young_people_fsm", _("… of whom eligible for free school meals or Pupil Premium")
    YOUNG_PEOPLE_SEND = (
        "young_people_send",
        _("… of whom with special educational needs (SEN support or EHCP)"),
    )
    SCHOOLS = "schools", _("Schools worked with")
    GROUPS = "groups", _("Groups or ensembles run")
    SESSIONS = "sessions", _("Sessions delivered")


class ReturnSource(models.TextChoices):
    """Which platform figure fills a return line."""

    SCHOOLS_ENGAGED = "schools_engaged", _("Schools with any hub activity")
    WHOLE_CLASS_PUPILS = "whole_class_pupils", _("Pupils in whole-class programmes (class sizes added up)")
    WHOLE_CLASS_SCHOOLS = "whole_class_schools", _("Schools with a whole-class programme")
    WHOLE_CLASS_PROGRAMMES = "whole_class_programmes", _("Whole-class programmes")
    PARTICIPANTS = "participants", _("Young people taking part (each counted once)")
    ACTIVITIES = "activities", _("Activities running (opportunities with a session in the year)")
    SESSIONS = "sessions", _("Sessions delivered (not cancelled)")
    CONTRIBUTIONS_ONLY = "contributions_only", _("Partner contributions only (nothing recorded)")
    NOT_RECORDED = "not_recorded", _("Not yet recorded on the platform")


class ReturnLine(TimeStampedModel):
    """One line of the annual return for one academic year: which platform figure fills it (`source`, narrowed
    by `filters`), and which partner contribution figure is added to it. Staff adjust these when the return
    changes; returns.load_default_return_lines(year) writes the documented default."""

    Source = ReturnSource

    year = models.PositiveSmallIntegerField(
        _("academic year"), help_text=_("The year it starts: 2025 for 1 September 2025 to 31 August 2026.")
    )
    section = models.CharField(_("section"), max_length=20, choices=ReturnSection)
    code = models.CharField(
        _("line code"), max_length=20, help_text=_("As the return numbers it, for example W1 or 3.2.")
    )
    label = models.CharField(_("line, as the return words it"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order in its section"), default=0)
    source = models.CharField(_("figure from the platform"), max_length=30, choices=ReturnSource)
    filters = models.JSONField(
        _("narrowed to"),
        default=dict,
        blank=True,
        help_text=_('A JSON object of known fields and values, for example {"kind": "choir", "fsm": "yes"}.'),
    )
    contribution_figure = models.CharField(
        _("add partner contributions"),
        max_length=20,
        choices=ContributionFigure,
        blank=True,
        help_text=_("Leave empty to show recorded figures only."),
    )
    contributions_from_every_section = models.BooleanField(
        _("add contributions from every section"),
        default=False,
        help_text=_("Otherwise only contributions for this line's section are added."),
    )
    notes = models.TextField(_("notes for staff"), blank=True)

    class Meta:
        ordering = ["year", "section", "position", "code"]
        verbose_name = _("annual return line")
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="return_line_code_unique"),
            models.CheckConstraint(
                condition=Q(section__in=ReturnSection.values), name="return_line_section_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ReturnSource.values),
                name="return_line_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(contribution_figure="") | Q(contribution_figure__in=ContributionFigure.values),
                name="return_line_contribution_valid",
            ),
        ]
        indexes = [models.Index(fields=["year", "section", "position"])]

    def __str__(self):
        return f"{self.code} {self.label}"

    def clean(self):
        # The same whitelist the return uses when it runs: an unknown field is a message, never a crash.
        from django.core.exceptions import ValidationError

        from .returns import filter_problems

        problems = filter_problems(self.source, self.filters)
        if problems:
            raise ValidationError({"filters": problems})


class PartnerContribution(TimeStampedModel):
    """Aggregate figures a partner sends for a year's work not recorded person by person (no personal data).
    Staff review them; accepted ones are added to the return and marked as partner contributions."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for changes")

    partner = models.ForeignKey(
        "partners.Partner", models.PROTECT, related_name="contributions", verbose_name=_("partner")
    )
    year = models.PositiveSmallIntegerField(_("academic year"))
    section = models.CharField(_("part of the return"), max_length=20, choices=ReturnSection)
    description = models.CharField(_("what the work was"), max_length=300)
    school = models.ForeignKey(
        "people.School",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school, if all of it was in one school"),
    )
    young_people = models.PositiveIntegerField(_("young people reached"), default=0)
    young_people_fsm = models.PositiveIntegerField(
        _("of whom eligible for free school meals or Pupil Premium"), default=0
    )
    young_people_send = models.PositiveIntegerField(_("of whom with special educational needs"), default=0)
    schools = models.PositiveIntegerField(_("schools worked with"), default=0)
    groups = models.PositiveIntegerField(_("groups or ensembles run"), default=0)
    sessions = models.PositiveIntegerField(_("sessions delivered"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("note from the hub"), blank=True)

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("partner contribution")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted", "returned"]),
                name="contribution_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(section__in=ReturnSection.values), name="contribution_section_valid"
            ),
            models.CheckConstraint(
                condition=Q(young_people_fsm__lte=models.F("young_people"))
                & Q(young_people_send__lte=models.F("young_people")),
                name="contribution_parts_within_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status", "section"]),
            models.Index(fields=["partner", "year"]),
        ]

    def __str__(self):
        return f"{self.partner} {self.year}: {self.description}"

    def is_managed_by(self, user) -> bool:
        """Object-level rule for core.permissions: a partner member manages their own partner's figures."""
        from musichub.partners.models import PartnerMembership

        return PartnerMembership.objects.filter(user=user, partner_id=self.partner_id).exists()
