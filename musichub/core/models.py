"""The hub itself (identity, inclusion strategy), accounts and roles, the audit log and the email outbox."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in. What they may do follows from `role` (see core.permissions)."""

    Role = Role

    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.GUARDIAN)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, help_text=_("The name shown to others on the site.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.UniqueConstraint(
                models.functions.Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hex digits, like #1d4f91.")
)


class HubIdentity(models.Model):
    """Who the hub is. One row: another hub makes the platform theirs by editing it, not the code."""

    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    strapline = models.CharField(_("strapline"), max_length=200)
    area = models.CharField(
        _("area served"), max_length=120, help_text=_("For example: the city of Southampton.")
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("what the hub is"), help_text=_("A few sentences; Markdown."))
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1d4f91", validators=[hex_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b3185b", validators=[hex_colour]
    )
    logo = models.ImageField(_("logo"), upload_to="hub/", blank=True)
    logo_alt = models.CharField(_("logo description"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("hub identity")
        verbose_name_plural = _("hub identity")

    def __str__(self):
        return self.name


class InclusionAim(models.Model):
    """One aim of the hub's inclusion strategy. Later issues attach measured indicators to each aim."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    slug = models.SlugField(_("short name for links"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    short_title = models.CharField(_("short title"), max_length=60)
    description = models.TextField(_("description"), help_text=_("Markdown."))

    class Meta:
        ordering = ["number"]
        verbose_name = _("inclusion aim")

    def __str__(self):
        return f"{self.number}. {self.short_title}"


class AimPoint(models.Model):
    """An ordered sub-point of an inclusion aim."""

    aim = models.ForeignKey(InclusionAim, models.CASCADE, related_name="points", verbose_name=_("aim"))
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("text"), max_length=300)

    class Meta:
        ordering = ["aim__number", "position"]
        verbose_name = _("aim point")
        constraints = [models.UniqueConstraint(fields=["aim", "position"], name="aim_point_position_unique")]

    def __str__(self):
        return f"{self.aim.number}.{self.position} {self.text}"


class AuditEntry(models.Model):
    """Who did or saw what, when. Written by services; never edited."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, verbose_name=_("who"))
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class OutgoingEmail(TimeStampedModel):
    """An email the platform sends: stored first, then sent by a background task, retried on failure."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the email is about, for the log ("partners.partnerapplication#12").
    about = models.CharField(_("about"), max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email")
        verbose_name_plural = _("email outbox")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]), name="email_status_valid"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class CatalogueEntry(models.Model):
    """A named entry in one of the shared catalogues (genres, instruments, kinds of activity)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("short name for links"), max_length=80, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Genre(CatalogueEntry):
    """A musical genre or style (grime, folk, classical, …); staff extend the list."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("genre")


class Instrument(CatalogueEntry):
    """An instrument, or voice, or decks; staff extend the list."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("instrument")


class ActivityKind(CatalogueEntry):
    """A kind of music-making (ensemble, band, choir, whole-class teaching, workshop, …)."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("kind of activity")
        verbose_name_plural = _("kinds of activity")


class Setting(models.TextChoices):
    """Where music-making happens."""

    IN_SCHOOL = "in_school", _("In school")
    OUT_OF_SCHOOL = "out_of_school", _("Out of school")
    ONLINE = "online", _("Online")


class ContentBlock(models.Model):
    """A piece of page copy that staff edit in the browser (Markdown), found by its key."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: **bold**, _italic_, [link](https://…), lists.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["key"]
        verbose_name = _("page text")
        verbose_name_plural = _("page texts")

    def __str__(self):
        return self.title
