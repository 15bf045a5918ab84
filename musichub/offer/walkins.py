"""Walk-ins to follow up: young people first met as walk-ins whose family has not registered them yet.

A leader who adds a new walk-in on a register takes down how to reach the parent or carer (WalkInContact,
registers.register_walk_in). Hub staff work through that list here: invite the family to register online
(an email through the outbox) or record that they followed it up another way, which takes it off the list.

The rule, in one place (`waiting_q`): a walk-in is waiting while their record is not anonymised, is linked
neither to a family with a parent or carer's account nor to their own account, and nobody has marked it as
followed up. The page is for staff only, who see every young person, so there is no per-user scope here.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.selectors import hub_identity
from musichub.core.services import queue_email, record_audit
from musichub.people.models import FamilyGuardian, YoungPerson

from .models import Attendance, WalkInContact

# A family is invited at most once in this time, however many staff look at the list.
INVITE_AGAIN_AFTER = timedelta(hours=24)
NOTE_MAX_LENGTH = 300

SHOW_WAITING, SHOW_FOLLOWED_UP = "waiting", "followed_up"
SHOW_CHOICES = (SHOW_WAITING, SHOW_FOLLOWED_UP)


def registered_q() -> Q:
    """The walk-in's record is now held by their family (a family with a parent or carer's account) or by
    themself (their own account, from 13). Staff link them by merging the record the family made online
    (people.services.merge_young_people), which moves the contact onto the kept record."""
    has_guardian = Exists(FamilyGuardian.objects.filter(family_id=OuterRef("young_person__family_id")))
    return Q(has_guardian) | Q(young_person__user__isnull=False)


def waiting_q() -> Q:
    """On the list: not registered by the family, not anonymised, not followed up."""
    return Q(young_person__anonymised_at__isnull=True, followed_up_at__isnull=True) & ~registered_q()


def walk_ins_to_follow_up(*, show: str = SHOW_WAITING) -> QuerySet[WalkInContact]:
    """The walk-ins waiting for a follow-up, oldest first; or (`show="followed_up"`) those followed up whose
    family has still not registered, latest follow-up first. Everything a row shows is in the one query."""
    contacts = WalkInContact.objects.filter(young_person__anonymised_at__isnull=True)
    if show == SHOW_FOLLOWED_UP:
        contacts = contacts.filter(followed_up_at__isnull=False).exclude(registered_q())
        ordering = ["-followed_up_at", "-pk"]
    else:
        contacts = contacts.filter(waiting_q())
        ordering = ["created_at", "pk"]
    came_since = (
        Attendance.objects.filter(
            young_person_id=OuterRef("young_person_id"),
            mark__in=Attendance.CAME,
            session__date__gt=OuterRef("walked_in_on"),
        )
        .order_by()
        .values("young_person_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    same_child_registered = YoungPerson.objects.filter(
        first_name__iexact=OuterRef("young_person__first_name"),
        last_name__iexact=OuterRef("young_person__last_name"),
        date_of_birth=OuterRef("young_person__date_of_birth"),
        anonymised_at__isnull=True,
        family__guardian_links__isnull=False,
    ).exclude(pk=OuterRef("young_person_id"))
    return (
        contacts.select_related(
            "young_person", "session__opportunity", "recorded_by", "invited_by", "followed_up_by"
        )
        .annotate(walked_in_on=Coalesce("session__date", TruncDate("created_at")))
        .annotate(
            sessions_since=Coalesce(Subquery(came_since, output_field=IntegerField()), Value(0)),
            possible_duplicate=Exists(same_child_registered),
        )
        .order_by(*ordering)
    )


def may_invite_again_at(contact: WalkInContact) -> datetime | None:
    """When the family may next be invited; None if they may be now."""
    if contact.invited_at is None:
        return None
    again = contact.invited_at + INVITE_AGAIN_AFTER
    return again if again > timezone.now() else None


def _locked(contact: WalkInContact) -> WalkInContact:
    return WalkInContact.objects.select_for_update().select_related("young_person").get(pk=contact.pk)


@transaction.atomic
def invite_walk_in_family(*, contact: WalkInContact, invited_by) -> WalkInContact:
    """Email the walk-in's parent or carer a link to register online, through the outbox, and note when and by
    whom. Raises ValidationError "no_email" (phone only), "invited_recently" (within INVITE_AGAIN_AFTER),
    "already_registered" or "followed_up"."""
    # Lock the contact so two staff pressing the button at once send one email.
    contact = _locked(contact)
    if not WalkInContact.objects.filter(pk=contact.pk).filter(~registered_q()).exists():
        raise ValidationError(
            _("Their family has registered them already: there is no need to invite them."),
            code="already_registered",
        )
    if contact.followed_up_at is not None:
        raise ValidationError(_("This walk-in has been followed up already."), code="followed_up")
    if not contact.guardian_email:
        raise ValidationError(
            _("We have no email address for their parent or carer: phone them instead."), code="no_email"
        )
    if may_invite_again_at(contact) is not None:
        raise ValidationError(
            _("Their family was invited less than a day ago. Give them time, or phone them."),
            code="invited_recently",
        )
    hub = hub_identity()
    young_person = contact.young_person
    queue_email(
        to=contact.guardian_email,
        subject=_("Please register %(name)s with %(hub)s")
        % {
            "name": young_person.preferred_name or young_person.first_name,
            "hub": hub.name if hub else _("the hub"),
        },
        template="offer/walkins/invitation_email.txt",
        context={
            "guardian_name": contact.guardian_name,
            "child_name": young_person.preferred_name or young_person.first_name,
            "opportunity": contact.session.opportunity if contact.session_id else None,
            "hub": hub,
            "path": reverse("people:register"),
        },
        about=contact,
    )
    contact.invited_at = timezone.now()
    contact.invited_by = invited_by if getattr(invited_by, "pk", None) else None
    contact.save(update_fields=["invited_at", "invited_by"])
    record_audit(actor=invited_by, action="walk_in.invited", obj=young_person, detail=f"contact={contact.pk}")
    return contact


@transaction.atomic
def mark_walk_in_followed_up(*, contact: WalkInContact, by, note: str) -> WalkInContact:
    """Record that staff followed the walk-in up (a call, a chat at the door): off the list, the record kept.
    Raises ValidationError "note_required", "note_too_long" or "followed_up"."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write a short note of what happened."), code="note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the note under %(n)s characters.") % {"n": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    contact = _locked(contact)
    if contact.followed_up_at is not None:
        raise ValidationError(_("This walk-in has been followed up already."), code="followed_up")
    contact.followed_up_at = timezone.now()
    contact.followed_up_by = by if getattr(by, "pk", None) else None
    contact.follow_up_note = note
    contact.save(update_fields=["followed_up_at", "followed_up_by", "follow_up_note"])
    record_audit(
        actor=by, action="walk_in.followed_up", obj=contact.young_person, detail=f"contact={contact.pk}"
    )
    return contact
