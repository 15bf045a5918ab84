"""Reads for partners: the directory, the lead partner, staff lists, the review queue."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from musichub.core.models import ActivityKind, Genre, Instrument

from .models import ApplicationNote, Offering, Partner, PartnerApplication, PartnerMembership

# Directory order: the lead partner first, then local, regional and national partners.
LEVEL_ORDER = Case(
    When(level=Partner.Level.LEAD, then=Value(0)),
    When(level=Partner.Level.LOCAL, then=Value(1)),
    When(level=Partner.Level.REGIONAL, then=Value(2)),
    When(level=Partner.Level.NATIONAL, then=Value(3)),
    output_field=IntegerField(),
)

# The review queue's filters: "awaiting" (the default) is everything still waiting for a decision.
AWAITING_DECISION = [PartnerApplication.Status.SUBMITTED, PartnerApplication.Status.MORE_INFORMATION]
REVIEW_FILTER_DEFAULT = "awaiting"
REVIEW_FILTERS = [REVIEW_FILTER_DEFAULT, *PartnerApplication.Status.values, "all"]


def lead_partner() -> Partner | None:
    """The hub's lead partner (usually the Music Service), if it has been entered."""
    return Partner.objects.filter(level=Partner.Level.LEAD).first()


def published_partners() -> QuerySet[Partner]:
    """Partners shown in the public directory, lead partner first."""
    return Partner.objects.filter(is_published=True).order_by(LEVEL_ORDER, "name")


def directory_partners(
    *,
    organisation_type: str | None = None,
    genre: Genre | None = None,
    instrument: Instrument | None = None,
    activity_kind: ActivityKind | None = None,
    setting: str | None = None,
) -> QuerySet[Partner]:
    """The public directory, filtered by type of organisation and by what partners offer.

    Each filter joins a many-to-many table on one value, so a partner appears at most once.
    """
    partners = published_partners()
    if organisation_type:
        partners = partners.filter(organisation_type=organisation_type)
    if genre is not None:
        partners = partners.filter(genres=genre)
    if instrument is not None:
        partners = partners.filter(instruments=instrument)
    if activity_kind is not None:
        partners = partners.filter(activity_kinds=activity_kind)
    if setting in Offering.SETTING_FIELDS:
        partners = partners.filter(**{Offering.SETTING_FIELDS[setting]: True})
    return partners.prefetch_related("activity_kinds")


def published_partner_detail() -> QuerySet[Partner]:
    """Published partners with everything their public page shows."""
    return published_partners().prefetch_related("genres", "instruments", "activity_kinds", "aims")


def partners_for_staff(*, search: str = "") -> QuerySet[Partner]:
    """Every partner, published or not, for staff to find and edit."""
    partners = Partner.objects.all()
    if search:
        partners = partners.filter(name__icontains=search)
    return partners.order_by(LEVEL_ORDER, "name")


def membership_of(user) -> PartnerMembership | None:
    """The partner a person acts for, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PartnerMembership.objects.select_related("partner").filter(user=user).first()


def partner_with_offering() -> QuerySet[Partner]:
    return Partner.objects.prefetch_related("genres", "instruments", "activity_kinds", "aims")


def applications_for_review(*, status: str | None = REVIEW_FILTER_DEFAULT) -> QuerySet[PartnerApplication]:
    """Applications for the review queue, oldest first. Unknown filters mean "awaiting a decision"."""
    applications = PartnerApplication.objects.all()
    if status == "all":
        pass
    elif status in PartnerApplication.Status.values:
        applications = applications.filter(status=status)
    else:
        applications = applications.filter(status__in=AWAITING_DECISION)
    return applications.order_by("created_at", "pk")


def application_for_review() -> QuerySet[PartnerApplication]:
    """Applications with everything the review page shows: offering, aims, notes and their authors."""
    return PartnerApplication.objects.select_related("decided_by", "partner").prefetch_related(
        "genres",
        "instruments",
        "activity_kinds",
        "aims",
        Prefetch(
            "notes", queryset=ApplicationNote.objects.select_related("author").order_by("created_at", "pk")
        ),
    )
