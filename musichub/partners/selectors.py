"""Reads for partners: the directory, the lead partner, the review queue."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Partner, PartnerApplication

# Directory order: the lead partner first, then local, regional and national partners.
LEVEL_ORDER = Case(
    When(level=Partner.Level.LEAD, then=Value(0)),
    When(level=Partner.Level.LOCAL, then=Value(1)),
    When(level=Partner.Level.REGIONAL, then=Value(2)),
    When(level=Partner.Level.NATIONAL, then=Value(3)),
    output_field=IntegerField(),
)


def lead_partner() -> Partner | None:
    """The hub's lead partner (usually the Music Service), if it has been entered."""
    return Partner.objects.filter(level=Partner.Level.LEAD).first()


def published_partners() -> QuerySet[Partner]:
    """Partners shown in the public directory, lead partner first."""
    return Partner.objects.filter(is_published=True).order_by(LEVEL_ORDER, "name")


def applications_for_review(*, status: str | None = None) -> QuerySet[PartnerApplication]:
    applications = PartnerApplication.objects.all()
    if status in PartnerApplication.Status.values:
        applications = applications.filter(status=status)
    return applications.order_by("created_at")
