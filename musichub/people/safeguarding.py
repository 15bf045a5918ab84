"""Safeguarding concerns: raised by anyone who works with young people, seen only by the designated safeguarding lead.

`raise_concern` is the one way in (registers, youth voice and any other page call it); `concerns_for` is the one
way to read them, and answers nothing to anyone but the safeguarding lead. Every action is logged on the concern
(SafeguardingAction) and in the audit log.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from musichub.core.permissions import can
from musichub.core.services import record_audit

from .models import SafeguardingAction, SafeguardingConcern, YoungPerson

MAX_DETAILS = 5000


@transaction.atomic
def raise_concern(
    *,
    raised_by,
    details: str,
    source: str = SafeguardingConcern.Source.OTHER,
    source_ref: str = "",
    young_person: YoungPerson | None = None,
) -> SafeguardingConcern:
    """Record a concern for the safeguarding lead's queue. Raises PermissionDenied for a role that may not raise
    one, ValidationError (code "empty") for empty details."""
    if raised_by is not None and not can(raised_by, "people.raise_concern"):
        raise PermissionDenied
    details = (details or "").strip()
    if not details:
        raise ValidationError(_("Say what happened or what was said."), code="empty")
    concern = SafeguardingConcern.objects.create(
        young_person=young_person,
        source=source,
        source_ref=source_ref[:60],
        details=details[:MAX_DETAILS],
        raised_by=raised_by,
    )
    SafeguardingAction.objects.create(concern=concern, by=raised_by, action="raised")
    record_audit(actor=raised_by, action="safeguarding.raise", obj=concern, detail=source_ref)
    return concern


def concerns_for(user) -> QuerySet[SafeguardingConcern]:
    """The concerns `user` may see: all of them for the safeguarding lead, none for anyone else."""
    if not can(user, "people.handle_safeguarding"):
        return SafeguardingConcern.objects.none()
    return SafeguardingConcern.objects.select_related("young_person", "raised_by")


@transaction.atomic
def act_on_concern(
    *, concern: SafeguardingConcern, by, action: str, note: str = "", status: str = ""
) -> None:
    """Log what the safeguarding lead did about a concern, and move its status if given."""
    if not can(by, "people.handle_safeguarding"):
        raise PermissionDenied
    if status and status != concern.status:
        concern.status = status
        concern.save(update_fields=["status", "updated_at"])
    SafeguardingAction.objects.create(concern=concern, by=by, action=action[:40], note=note)
    # The note stays on the concern's own log: the audit log is read by hub admins, who must not see it.
    record_audit(actor=by, action=f"safeguarding.{action}"[:60], obj=concern)
