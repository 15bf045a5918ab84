"""Writes for partners: applications and their review, partner entries, partner members."""

import logging
from collections.abc import Iterable

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from musichub.core.models import User
from musichub.core.roles import Role
from musichub.core.selectors import hub_identity
from musichub.core.services import create_invited_user, queue_email
from musichub.core.validators import validate_pdf

from .models import (
    ONE_LEAD_MESSAGE,
    ApplicationNote,
    Offering,
    Partner,
    PartnerApplication,
    PartnerMembership,
)

logger = logging.getLogger(__name__)

# Slugs that would clash with the app's own URLs under /partners/ and /manage/partners/.
RESERVED_SLUGS = frozenset({"become", "new", "applications"})

# What staff may change on a partner's entry, and the smaller set a partner member may change.
STAFF_EDITABLE = frozenset(
    {
        "name", "level", "organisation_type", "summary", "description", "role_in_hub", "website",
        "public_email", "is_published", "genres", "instruments", "activity_kinds", "settings", "aims",
    }
)  # fmt: skip
MEMBER_EDITABLE = frozenset(
    {
        "summary",
        "description",
        "website",
        "public_email",
        "genres",
        "instruments",
        "activity_kinds",
        "settings",
    }
)
MANY_TO_MANY = frozenset({"genres", "instruments", "activity_kinds", "aims"})


# ---- Applications ----------------------------------------------------------------------------------------


@transaction.atomic
def submit_partner_application(
    *,
    organisation_name: str,
    organisation_type: str,
    contact_name: str,
    contact_email: str,
    aims: Iterable,
    aims_contribution: str,
    young_people_reached: str,
    safeguarding_lead_name: str,
    safeguarding_lead_email: str,
    safeguarding_policy,
    consent_to_contact: bool,
    website: str = "",
    contact_phone: str = "",
    genres: Iterable = (),
    instruments: Iterable = (),
    activity_kinds: Iterable = (),
    settings: Iterable[str] = (),
) -> PartnerApplication:
    """Store an application, then queue the acknowledgement and the hub's notification.

    Raises ValidationError: no_consent, no_aims, not_pdf, too_big.
    """
    if not consent_to_contact:
        raise ValidationError(
            _("Confirm that the hub may contact you about your application."), code="no_consent"
        )
    aims = list(aims)
    if not aims:
        raise ValidationError(_("Choose at least one inclusion aim."), code="no_aims")
    validate_pdf(safeguarding_policy)
    application = PartnerApplication(
        organisation_name=organisation_name,
        organisation_type=organisation_type,
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        aims_contribution=aims_contribution,
        young_people_reached=young_people_reached,
        safeguarding_lead_name=safeguarding_lead_name,
        safeguarding_lead_email=safeguarding_lead_email,
        consent_to_contact=True,
        **_setting_flags(settings),
    )
    # Stored under a name of our choosing: the applicant's file name can hold personal data.
    application.safeguarding_policy.save("safeguarding-policy.pdf", safeguarding_policy, save=False)
    application.save()
    application.genres.set(genres)
    application.instruments.set(instruments)
    application.activity_kinds.set(activity_kinds)
    application.aims.set(aims)
    logger.info("partner application %s submitted", application.pk)

    # Stored first: the emails are queued in the same transaction and only sent once it commits.
    hub = hub_identity()
    queue_email(
        to=application.contact_email,
        subject=_("We have received your application to become a hub partner"),
        template="partners/emails/application_received.txt",
        context={"application": application, "hub": hub},
        about=application,
    )
    if hub is not None and hub.contact_email:
        queue_email(
            to=hub.contact_email,
            subject=_("New partner application: %(name)s") % {"name": application.organisation_name},
            template="partners/emails/application_notification.txt",
            context={"application": application, "hub": hub, "link": _application_link(application)},
            about=application,
        )
    return application


@transaction.atomic
def add_application_note(*, application: PartnerApplication, author, text: str) -> ApplicationNote:
    """Add a staff note to an application's timeline (allowed whatever its status). Raises: empty."""
    if not text.strip():
        raise ValidationError(_("Enter the note."), code="empty")
    return ApplicationNote.objects.create(
        application=application, author=author, kind=ApplicationNote.Kind.NOTE, text=text.strip()
    )


@transaction.atomic
def ask_for_more_information(*, application: PartnerApplication, asked_by, message: str) -> ApplicationNote:
    """Email the applicant a question and mark the application as waiting for more information.

    Raises ValidationError: already_decided, empty.
    """
    application = _lock_undecided(application)
    if not message.strip():
        raise ValidationError(_("Enter what you need to know from the applicant."), code="empty")
    application.status = PartnerApplication.Status.MORE_INFORMATION
    application.save(update_fields=["status", "updated_at"])
    note = ApplicationNote.objects.create(
        application=application,
        author=asked_by,
        kind=ApplicationNote.Kind.INFORMATION_REQUEST,
        text=message.strip(),
    )
    queue_email(
        to=application.contact_email,
        subject=_("Your partner application: we need some more information"),
        template="partners/emails/more_information.txt",
        context={"application": application, "message": note.text, "hub": hub_identity()},
        about=application,
    )
    return note


@transaction.atomic
def approve_partner_application(
    *, application: PartnerApplication, approved_by, message: str = ""
) -> Partner:
    """Approve: create the (unpublished, local) partner and give the contact a partner-member account.

    An existing account with the contact's email is linked instead of a new one being made.
    Raises ValidationError: already_decided, already_member.
    """
    application = _lock_undecided(application)
    partner = Partner.objects.create(
        name=application.organisation_name,
        slug=unique_partner_slug(application.organisation_name),
        level=Partner.Level.LOCAL,
        organisation_type=application.organisation_type,
        # A first draft from the application; staff or the partner rewrite it before publishing.
        summary=Truncator(application.aims_contribution).chars(300),
        role_in_hub=application.aims_contribution,
        website=application.website,
        is_published=False,
        **{field: getattr(application, field) for field in Offering.SETTING_FIELDS.values()},
    )
    partner.genres.set(application.genres.all())
    partner.instruments.set(application.instruments.all())
    partner.activity_kinds.set(application.activity_kinds.all())
    partner.aims.set(application.aims.all())

    existing = User.objects.filter(email__iexact=application.contact_email).first()
    if existing is not None:
        add_partner_member(user=existing, partner=partner)
    else:
        first_name, _space, last_name = application.contact_name.strip().partition(" ")
        user = create_invited_user(
            email=application.contact_email,
            first_name=first_name[:150],
            last_name=last_name[:150],
            role=Role.PARTNER_MEMBER,
        )
        add_partner_member(user=user, partner=partner)

    _decide(application, PartnerApplication.Status.APPROVED, approved_by, message.strip())
    application.partner = partner
    application.save(update_fields=["partner", "updated_at"])
    queue_email(
        to=application.contact_email,
        subject=_("Welcome to the hub: your partner application is approved"),
        template="partners/emails/approved.txt",
        context={
            "application": application,
            "message": message.strip(),
            "hub": hub_identity(),
            "existing_account": existing is not None,
            "login_link": django_settings.SITE_URL + reverse("core:login"),
        },
        about=application,
    )
    logger.info("partner application %s approved as partner %s", application.pk, partner.pk)
    return partner


@transaction.atomic
def decline_partner_application(
    *, application: PartnerApplication, declined_by, reason: str
) -> PartnerApplication:
    """Decline with a reason, emailed to the applicant. Raises ValidationError: already_decided, empty."""
    application = _lock_undecided(application)
    if not reason.strip():
        raise ValidationError(_("Enter the reason for declining the application."), code="empty")
    _decide(application, PartnerApplication.Status.DECLINED, declined_by, reason.strip())
    queue_email(
        to=application.contact_email,
        subject=_("Your application to become a hub partner"),
        template="partners/emails/declined.txt",
        context={"application": application, "reason": reason.strip(), "hub": hub_identity()},
        about=application,
    )
    logger.info("partner application %s declined", application.pk)
    return application


def _lock_undecided(application: PartnerApplication) -> PartnerApplication:
    # Lock the row so two staff members can't decide the same application at once.
    locked = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status in (PartnerApplication.Status.APPROVED, PartnerApplication.Status.DECLINED):
        raise ValidationError(
            _("This application has already been %(decision)s.")
            % {"decision": locked.get_status_display().lower()},
            code="already_decided",
        )
    return locked


def _decide(application: PartnerApplication, status: str, decided_by, reason: str) -> None:
    application.status = status
    application.decided_by = decided_by
    application.decided_at = timezone.now()
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    label = application.get_status_display()
    ApplicationNote.objects.create(
        application=application,
        author=decided_by,
        kind=ApplicationNote.Kind.DECISION,
        text=f"{label}: {reason}" if reason else str(label),
    )


def _application_link(application: PartnerApplication) -> str:
    return django_settings.SITE_URL + reverse("partners:application_detail", args=[application.pk])


# ---- Partner members -------------------------------------------------------------------------------------


@transaction.atomic
def add_partner_member(*, user, partner: Partner) -> PartnerMembership:
    """Let `user` act for `partner` (their role is not changed). Adding someone twice changes nothing.

    Raises ValidationError: already_member (they act for another partner: one organisation each).
    """
    membership = PartnerMembership.objects.select_for_update().filter(user=user).first()
    if membership is not None:
        if membership.partner_id == partner.pk:
            return membership
        raise ValidationError(
            _(
                "%(email)s already acts for another partner, and a person can act for one partner only. "
                "Ask for a different contact, or remove them from the other partner first."
            )
            % {"email": user.email or user.username},
            code="already_member",
        )
    return PartnerMembership.objects.create(user=user, partner=partner)


# ---- Partner entries -------------------------------------------------------------------------------------


def unique_partner_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for links made from the name, made unique with a number and never one of the app's own words."""
    base = slugify(name)[:150] or "partner"
    taken = Partner.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken_slugs = set(taken.values_list("slug", flat=True)) | RESERVED_SLUGS
    candidate, n = base, 1
    while candidate in taken_slugs:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def create_partner(*, created_by, **fields) -> Partner:
    """Add a partner entry (staff). Fields are those of STAFF_EDITABLE. Raises ValidationError: one_lead."""
    _check_fields(fields, STAFF_EDITABLE)
    partner = Partner(slug=unique_partner_slug(fields.get("name", "")))
    partner = _write_partner(partner, fields)
    logger.info("partner %s created by user %s", partner.pk, getattr(created_by, "pk", None))
    return partner


@transaction.atomic
def update_partner(*, partner: Partner, edited_by, **fields) -> Partner:
    """Change a partner entry (staff): level, published flag and all. Raises ValidationError: one_lead."""
    _check_fields(fields, STAFF_EDITABLE)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    partner = _write_partner(partner, fields)
    logger.info("partner %s edited by user %s", partner.pk, getattr(edited_by, "pk", None))
    return partner


@transaction.atomic
def update_own_partner_entry(*, partner: Partner, edited_by, **fields) -> Partner:
    """Change the public entry a partner member manages: never its level or whether it is published."""
    _check_fields(fields, MEMBER_EDITABLE)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    partner = _write_partner(partner, fields)
    logger.info("partner %s entry edited by its member %s", partner.pk, getattr(edited_by, "pk", None))
    return partner


def _check_fields(fields: dict, allowed: frozenset) -> None:
    unexpected = set(fields) - allowed
    if unexpected:
        raise TypeError(f"These fields cannot be set here: {', '.join(sorted(unexpected))}")


def _write_partner(partner: Partner, fields: dict) -> Partner:
    fields = dict(fields)
    many = {name: fields.pop(name) for name in MANY_TO_MANY & set(fields)}
    if "settings" in fields:
        fields.update(_setting_flags(fields.pop("settings")))
    for name, value in fields.items():
        setattr(partner, name, value)
    try:
        # A savepoint, so the outer transaction survives the constraint failing.
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        if partner.level == Partner.Level.LEAD and (
            Partner.objects.filter(level=Partner.Level.LEAD).exclude(pk=partner.pk).exists()
        ):
            raise ValidationError({"level": ValidationError(ONE_LEAD_MESSAGE, code="one_lead")}) from None
        raise
    for name, values in many.items():
        getattr(partner, name).set(values)
    return partner


def _setting_flags(settings: Iterable[str]) -> dict[str, bool]:
    chosen = set(settings)
    return {field: setting in chosen for setting, field in Offering.SETTING_FIELDS.items()}
