"""Partner organisations of the hub, their members, and applications to become a partner."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ActivityKind, Genre, InclusionAim, Instrument, Setting, TimeStampedModel
from musichub.core.storage import private_storage
from musichub.core.validators import validate_pdf

ONE_LEAD_MESSAGE = _(
    "There is already a lead partner. Change its level first, then make this partner the lead."
)


class OrganisationType(models.TextChoices):
    CHARITY = "charity", _("Charity")
    COMMUNITY_GROUP = "community_group", _("Community group")
    SCHOOL = "school", _("School or academy trust")
    VENUE = "venue", _("Venue or arts centre")
    BUSINESS = "business", _("Business")
    EDUCATION_PROVIDER = "education_provider", _("Education provider (college, university)")
    PERFORMING_GROUP = "performing_group", _("Orchestra, ensemble or performing company")
    PUBLIC_BODY = "public_body", _("Council or public body")


class Offering(models.Model):
    """What an organisation offers: shared by partners and by applications to become one."""

    genres = models.ManyToManyField(Genre, blank=True, verbose_name=_("genres"))
    instruments = models.ManyToManyField(Instrument, blank=True, verbose_name=_("instruments"))
    activity_kinds = models.ManyToManyField(ActivityKind, blank=True, verbose_name=_("kinds of activity"))
    offers_in_school = models.BooleanField(_("in school"), default=False)
    offers_out_of_school = models.BooleanField(_("out of school"), default=False)
    offers_online = models.BooleanField(_("online"), default=False)

    # Which boolean column stands for each setting (the filters and forms speak in `Setting` values).
    SETTING_FIELDS = {
        Setting.IN_SCHOOL: "offers_in_school",
        Setting.OUT_OF_SCHOOL: "offers_out_of_school",
        Setting.ONLINE: "offers_online",
    }

    class Meta:
        abstract = True

    @property
    def offered_settings(self) -> list[Setting]:
        """The settings offered, in the catalogue's order (each has `.label`)."""
        return [setting for setting, field in self.SETTING_FIELDS.items() if getattr(self, field)]


class Partner(TimeStampedModel, Offering):
    """An organisation in the hub's partnership. The lead partner (the Music Service) is one row too."""

    class Level(models.TextChoices):
        LEAD = "lead", _("Lead partner")
        LOCAL = "local", _("Local partner")
        REGIONAL = "regional", _("Regional partner")
        NATIONAL = "national", _("National partner")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name for links"), max_length=160, unique=True)
    level = models.CharField(_("partnership level"), max_length=10, choices=Level, default=Level.LOCAL)
    organisation_type = models.CharField(_("type of organisation"), max_length=30, choices=OrganisationType)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for the directory.")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    role_in_hub = models.TextField(
        _("role in the hub"), blank=True, help_text=_("What this partner does for the hub. Markdown.")
    )
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public contact email"), blank=True)
    aims = models.ManyToManyField(
        InclusionAim, blank=True, verbose_name=_("inclusion aims it contributes to")
    )
    is_published = models.BooleanField(_("shown in the directory"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        constraints = [
            models.UniqueConstraint(
                fields=["level"],
                condition=Q(level="lead"),
                name="one_lead_partner",
                violation_error_code="one_lead",
                violation_error_message=ONE_LEAD_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(level__in=["lead", "local", "regional", "national"]), name="partner_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values), name="partner_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "level", "name"]),
            models.Index(fields=["is_published", "organisation_type"]),
        ]

    def __str__(self):
        return self.name

    def is_managed_by(self, user) -> bool:
        """Object-level rule for core.permissions: a partner member manages only their own partner."""
        return PartnerMembership.objects.filter(user=user, partner=self).exists()


class PartnerMembership(TimeStampedModel):
    """A person who acts for a partner organisation (role: partner member). One organisation each."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="partner_membership", verbose_name=_("person")
    )
    partner = models.ForeignKey(
        Partner, models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )

    class Meta:
        verbose_name = _("partner member")

    def __str__(self):
        return f"{self.user} ({self.partner})"


class PartnerApplication(TimeStampedModel, Offering):
    """An organisation's application to become a hub partner, and its review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("New")
        MORE_INFORMATION = "more_information", _("More information asked for")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organisation_name = models.CharField(_("organisation name"), max_length=150)
    organisation_type = models.CharField(_("type of organisation"), max_length=30, choices=OrganisationType)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    aims = models.ManyToManyField(InclusionAim, blank=True, verbose_name=_("inclusion aims"))
    aims_contribution = models.TextField(_("how you will contribute to these aims"))
    young_people_reached = models.TextField(_("the young people you already reach"))
    safeguarding_lead_name = models.CharField(_("safeguarding lead"), max_length=120)
    safeguarding_lead_email = models.EmailField(_("safeguarding lead's email"))
    safeguarding_policy = models.FileField(
        _("safeguarding policy (PDF)"),
        upload_to="safeguarding-policies/%Y/",
        storage=private_storage,
        validators=[validate_pdf],
    )
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.SUBMITTED)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    partner = models.OneToOneField(
        Partner, models.SET_NULL, null=True, blank=True, related_name="application", verbose_name=_("partner")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner application")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "more_information", "approved", "declined"]),
                name="application_status_valid",
            ),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="application_consent_given"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.organisation_name


class ApplicationNote(TimeStampedModel):
    """A note on an application: staff's own notes, requests for information, and decisions."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        INFORMATION_REQUEST = "information_request", _("Asked for more information")
        DECISION = "decision", _("Decision")

    application = models.ForeignKey(
        PartnerApplication, models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, verbose_name=_("author"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NOTE)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("application note")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["note", "information_request", "decision"]), name="note_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.application}"
