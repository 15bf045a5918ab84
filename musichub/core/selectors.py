"""Reads for the hub's core: its identity and inclusion strategy."""

from django.db.models import Prefetch, QuerySet

from .models import AimPoint, AuditEntry, HubIdentity, InclusionAim, OutgoingEmail


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


def audit_entries(
    *, object_type="", object_id="", actor="", action="", since=None, until=None
) -> QuerySet[AuditEntry]:
    """The audit log, newest first, narrowed by whichever filters are given."""
    entries = AuditEntry.objects.select_related("actor")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if actor:
        entries = entries.filter(actor__username__iexact=actor)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-pk")


def audit_filter_choices() -> tuple[list[str], list[str]]:
    """The object types and actions that occur in the log, for the filter form."""
    types = list(AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct())
    actions = list(AuditEntry.objects.order_by().values_list("action", flat=True).distinct())
    return sorted(types), sorted(actions)
