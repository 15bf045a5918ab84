"""Reads for the hub's core: its identity and inclusion strategy."""

from django.db.models import Prefetch, QuerySet

from .models import AimPoint, HubIdentity, InclusionAim, OutgoingEmail


def hub_identity() -> HubIdentity | None:
    """The hub this platform runs (None until an admin or `seed_demo` creates it)."""
    return HubIdentity.objects.order_by("pk").first()


def inclusion_aims() -> QuerySet[InclusionAim]:
    return InclusionAim.objects.prefetch_related(
        Prefetch("points", queryset=AimPoint.objects.order_by("position"))
    )


def outbox(*, status: str | None = None) -> QuerySet[OutgoingEmail]:
    emails = OutgoingEmail.objects.all()
    if status in OutgoingEmail.Status.values:
        emails = emails.filter(status=status)
    return emails


def content_block(key: str):
    """The staff-edited text for `key`, or None when nobody has written it yet."""
    from .models import ContentBlock

    return ContentBlock.objects.filter(key=key).first()
