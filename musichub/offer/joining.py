"""Joining: asking for a place, the waiting list, offers with a deadline, withdrawals (writes and reads).

Every change to an enrolment writes an EnrolmentEvent (who, what, when); staff and partner actions are
also written to the audit log. Places are counted under a row lock on the opportunity, so two families can
never take the same last place.
"""

import logging
import os
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from musichub.core.permissions import STAFF, role_of
from musichub.core.roles import Role
from musichub.core.services import queue_email, record_audit
from musichub.people.models import NamedBarrier, SupportRequest, YoungPerson
from musichub.people.services import age_on, name_barrier, request_support

from .models import Attendance, Enrolment, EnrolmentEvent, Opportunity, Session, WholeClassProgramme

logger = logging.getLogger(__name__)

# How long a family has to say yes to a place offered from the waiting list.
OFFER_HOURS = int(os.environ.get("OFFER_HOURS", "72"))
# Young people may ask for a place for themselves from this age; younger ones ask a parent or carer.
MIN_AGE_TO_ASK_ALONE = 13

Status = Enrolment.Status


# ---- Small helpers --------------------------------------------------------------------------------------------


def _name(young_person: YoungPerson) -> str:
    return young_person.preferred_name or young_person.first_name


def _day(value) -> str:
    if hasattr(value, "hour"):
        return date_format(timezone.localtime(value), "l j F Y, H:i")
    return date_format(value, "j F Y")


def _log(enrolment: Enrolment, action: str, by=None, note: str = "") -> None:
    EnrolmentEvent.objects.create(
        enrolment=enrolment,
        action=action,
        by=by if getattr(by, "is_authenticated", False) else None,
        note=note[:300],
    )


def _is_family(user, young_person: YoungPerson) -> bool:
    role = role_of(user)
    if role == Role.YOUNG_PERSON:
        return young_person.user_id == user.pk
    if role == Role.GUARDIAN:
        return (
            young_person.family_id is not None and young_person.family.guardians.filter(pk=user.pk).exists()
        )
    return False


def _audit_if_staff(actor, action: str, enrolment: Enrolment, detail: str = "") -> None:
    """Staff and partner members' actions go to the audit log; families' own actions are events only."""
    if actor is not None and role_of(actor) not in (Role.GUARDIAN, Role.YOUNG_PERSON, None):
        record_audit(actor=actor, action=action, obj=enrolment, detail=detail)


def recipients_for(young_person: YoungPerson) -> list[str]:
    """Who hears about a young person's place: their guardians, or their own account."""
    emails = []
    if young_person.family_id:
        emails += list(
            young_person.family.guardians.exclude(email="").order_by("pk").values_list("email", flat=True)
        )
    if young_person.user_id and young_person.user.email:
        emails.append(young_person.user.email)
    return list(dict.fromkeys(emails))


def _email(enrolment: Enrolment, *, subject: str, template: str, **context) -> None:
    link = reverse("offer:my_place", args=[enrolment.pk])
    for to in recipients_for(enrolment.young_person):
        queue_email(
            to=to,
            subject=subject,
            template=template,
            context={
                "enrolment": enrolment,
                "opportunity": enrolment.opportunity,
                "name": _name(enrolment.young_person),
                "path": link,
                **context,
            },
            about=enrolment,
        )


def _lock(opportunity: Opportunity) -> Opportunity:
    # Lock the opportunity so two families can't take the last place at the same moment.
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


def places_taken(opportunity: Opportunity) -> int:
    return Enrolment.objects.filter(opportunity=opportunity, status__in=Enrolment.HOLDS_A_PLACE).count()


def _places_free(opportunity: Opportunity) -> int | None:
    """Free places (None: no limit). Call with the opportunity locked."""
    if opportunity.capacity is None:
        return None
    return max(opportunity.capacity - places_taken(opportunity), 0)


def first_session_date(opportunity: Opportunity, *, today: date | None = None) -> date:
    """The first session a newcomer would come to: the next one not cancelled, else the first date."""
    today = today or timezone.localdate()
    day = (
        Session.objects.filter(opportunity=opportunity, date__gte=today, is_cancelled=False)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return day or max(opportunity.first_date, today)


def _check_open(opportunity: Opportunity, today: date) -> None:
    if opportunity.status == Opportunity.Status.CANCELLED:
        raise ValidationError(
            _("%(title)s has been cancelled.") % {"title": opportunity.title}, code="cancelled"
        )
    if opportunity.status == Opportunity.Status.FINISHED or opportunity.last_date < today:
        raise ValidationError(
            _("%(title)s has finished: look for something similar in the finder.")
            % {"title": opportunity.title},
            code="finished",
        )
    if opportunity.status not in (Opportunity.Status.PUBLISHED, Opportunity.Status.FULL):
        raise ValidationError(_("%(title)s is not open yet.") % {"title": opportunity.title}, code="not_open")
    if opportunity.how_to_join == Opportunity.HowToJoin.TURN_UP:
        raise ValidationError(
            _("You don't need to ask for a place: just turn up to a session."), code="just_turn_up"
        )
    if opportunity.how_to_join == Opportunity.HowToJoin.APPLY and opportunity.apply_by < today:
        raise ValidationError(
            _("Applications closed on %(date)s.") % {"date": _day(opportunity.apply_by)}, code="not_open"
        )


def _check_age(young_person: YoungPerson, opportunity: Opportunity, today: date) -> None:
    day = first_session_date(opportunity, today=today)
    age = age_on(young_person.date_of_birth, day)
    if not opportunity.min_age <= age <= opportunity.max_age:
        raise ValidationError(
            _(
                "%(title)s is for ages %(low)s to %(high)s; %(name)s will be %(age)s on the first session "
                "(%(date)s)."
            )
            % {
                "title": opportunity.title,
                "low": opportunity.min_age,
                "high": opportunity.max_age,
                "name": _name(young_person),
                "age": age,
                "date": _day(day),
            },
            code="age_outside_range",
        )


# ---- Asking for a place ---------------------------------------------------------------------------------------


@transaction.atomic
def ask_for_a_place(
    *, young_person, opportunity, requested_by, barriers=(), support_kinds=(), note: str = ""
) -> Enrolment:
    """Ask for a place: enrolled if one is free, else on the waiting list; applied for "apply" opportunities.

    Raises ValidationError with code "cancelled", "finished", "not_open", "just_turn_up",
    "age_outside_range", "ask_a_parent" or "already_asked"; nothing is written then.
    """
    opportunity = _lock(opportunity)
    today = timezone.localdate()
    _check_open(opportunity, today)
    asking_alone = young_person.user_id and young_person.user_id == getattr(requested_by, "pk", None)
    if asking_alone and age_on(young_person.date_of_birth, today) < MIN_AGE_TO_ASK_ALONE:
        raise ValidationError(
            _(
                "You need to be 13 or older to ask for a place yourself: ask a parent or carer to ask for you."
            ),
            code="ask_a_parent",
        )
    _check_age(young_person, opportunity, today)
    already = _("%(name)s has already asked for a place on %(title)s.") % {
        "name": _name(young_person),
        "title": opportunity.title,
    }
    if Enrolment.objects.filter(
        young_person=young_person, opportunity=opportunity, status__in=Enrolment.ACTIVE
    ).exists():
        raise ValidationError(already, code="already_asked")

    now = timezone.now()
    if opportunity.how_to_join == Opportunity.HowToJoin.APPLY:
        status = Status.APPLIED
    else:
        free = _places_free(opportunity)
        status = Status.ENROLLED if free is None or free > 0 else Status.WAITING
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                young_person=young_person,
                opportunity=opportunity,
                status=status,
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                queued_at=now if status in (Status.WAITING, Status.APPLIED) else None,
            )
    except IntegrityError:  # the one-active-enrolment constraint: a double click from two tabs
        raise ValidationError(already, code="already_asked") from None

    named = set(NamedBarrier.objects.filter(young_person=young_person).values_list("barrier_id", flat=True))
    for barrier in barriers:
        if barrier.pk not in named:
            name_barrier(young_person=young_person, barrier=barrier, named_by=requested_by)
    waiting = {
        r.kind_id: r
        for r in SupportRequest.objects.filter(
            young_person=young_person, status=SupportRequest.Status.REQUESTED
        )
    }
    links = []
    for kind in support_kinds:
        request = waiting.get(kind.pk) or request_support(
            young_person=young_person,
            kind=kind,
            reason=_("Asked for with a place on %(title)s.") % {"title": opportunity.title},
            requested_by=requested_by,
        )
        links.append(request)
    if links:
        enrolment.support_requests.add(*links)

    _log(enrolment, "requested", requested_by, note)
    _log(enrolment, status, requested_by)
    _email(enrolment, subject=answer_headline(enrolment), template="offer/emails/asked.txt",
           answer=answer_text(enrolment))  # fmt: skip
    return enrolment


# ---- Reading where a request stands --------------------------------------------------------------------------


def waiting_position(enrolment: Enrolment) -> int:
    """1-based place on the waiting list (earliest first, then by id); counted by the database."""
    ahead = Enrolment.objects.filter(opportunity_id=enrolment.opportunity_id, status=Status.WAITING).filter(
        Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk)
    )
    return ahead.count() + 1


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def position_explained(position: int) -> str:
    return _(
        "You are %(position)s on the waiting list. When a place frees up we offer it to the first person on "
        "the list, who has %(hours)s hours to say yes."
    ) % {"position": ordinal(position), "hours": OFFER_HOURS}


def answer_headline(enrolment: Enrolment) -> str:
    title = enrolment.opportunity.title
    return {
        Status.ENROLLED: _("A place on %(title)s is confirmed"),
        Status.WAITING: _("On the waiting list for %(title)s"),
        Status.APPLIED: _("Application received for %(title)s"),
        Status.OFFERED: _("A place on %(title)s is yours if you want it"),
        Status.DECLINED: _("Place on %(title)s declined"),
        Status.EXPIRED: _("The offer of a place on %(title)s has ended"),
        Status.WITHDRAWN: _("No longer on %(title)s"),
    }[enrolment.status] % {"title": title}


def answer_text(enrolment: Enrolment, *, position: int | None = None) -> str:
    """Where a request stands, in plain words."""
    name = _name(enrolment.young_person)
    if enrolment.status == Status.ENROLLED:
        return _("%(name)s has a place. See you at the first session!") % {"name": name}
    if enrolment.status == Status.WAITING:
        return position_explained(position or waiting_position(enrolment))
    if enrolment.status == Status.APPLIED:
        return _(
            "Places are allocated fairly once applications close: we will decide by %(date)s and tell you."
        ) % {"date": _day(enrolment.opportunity.apply_by)}
    if enrolment.status == Status.OFFERED:
        return _(
            "A place is yours if you want it: accept by %(deadline)s, or it goes to the next person."
        ) % {"deadline": _day(enrolment.offer_expires_at)}
    if enrolment.status == Status.EXPIRED:
        return _("The offer was not accepted in time, so the place went to the next person.")
    if enrolment.status == Status.DECLINED:
        return _("You said no to the place, so it went to the next person.")
    return _("%(name)s is no longer on this.") % {"name": name}


# ---- Offers from the waiting list ---------------------------------------------------------------------------


@transaction.atomic
def offer_next_place(*, opportunity, offered_by=None) -> Enrolment | None:
    """Offer each free place to the next on the waiting list, with a deadline; returns the first offered."""
    opportunity = _lock(opportunity)
    first = None
    waiting = Enrolment.objects.filter(opportunity=opportunity, status=Status.WAITING).order_by(
        "queued_at", "pk"
    )
    free = _places_free(opportunity)
    while free is None or free > 0:
        enrolment = waiting.select_for_update().select_related("young_person", "opportunity").first()
        if enrolment is None:
            break
        enrolment.status = Status.OFFERED
        enrolment.offer_expires_at = timezone.now() + timedelta(hours=OFFER_HOURS)
        enrolment.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _log(
            enrolment,
            "offered",
            offered_by,
            _("Open until %(deadline)s") % {"deadline": _day(enrolment.offer_expires_at)},
        )
        _audit_if_staff(offered_by, "enrolment.offered", enrolment)
        _email(
            enrolment,
            subject=answer_headline(enrolment),
            template="offer/emails/offered.txt",
            deadline=_day(enrolment.offer_expires_at),
        )
        first = first or enrolment
        if free is not None:
            free -= 1
    if opportunity.status == Opportunity.Status.FULL and (free is None or free > 0):
        opportunity.status = Opportunity.Status.PUBLISHED  # a place is free again
        opportunity.save(update_fields=["status", "updated_at"])
    return first


def _get_locked(enrolment: Enrolment) -> Enrolment:
    _lock(enrolment.opportunity)
    return (
        Enrolment.objects.select_for_update()
        .select_related("opportunity", "young_person")
        .get(pk=enrolment.pk)
    )


def _expire(enrolment: Enrolment) -> None:
    enrolment.status = Status.EXPIRED
    enrolment.save(update_fields=["status", "updated_at"])
    _log(enrolment, "expired")
    _email(enrolment, subject=answer_headline(enrolment), template="offer/emails/expired.txt")


def accept_offer(*, enrolment, accepted_by) -> Enrolment:
    """Say yes to an offered place. Raises ValidationError "offer_expired" after the deadline (the offer
    then ends and the place moves on) and "not_offered" when there is no open offer."""
    with transaction.atomic():
        enrolment = _get_locked(enrolment)
        if enrolment.status != Status.OFFERED:
            raise ValidationError(_("There is no open offer of a place to accept."), code="not_offered")
        expired = timezone.now() > enrolment.offer_expires_at
        if expired:
            # Record the expiry and move the place on before refusing: this must stay done.
            _expire(enrolment)
            offer_next_place(opportunity=enrolment.opportunity)
        else:
            enrolment.status = Status.ENROLLED
            enrolment.save(update_fields=["status", "updated_at"])
            _log(enrolment, "accepted", accepted_by)
            _audit_if_staff(accepted_by, "enrolment.accepted", enrolment)
            _email(enrolment, subject=answer_headline(enrolment), template="offer/emails/asked.txt",
                   answer=answer_text(enrolment))  # fmt: skip
    if expired:
        raise ValidationError(
            _("Sorry, this offer ended on %(deadline)s and the place has gone to the next person.")
            % {"deadline": _day(enrolment.offer_expires_at)},
            code="offer_expired",
        )
    return enrolment


@transaction.atomic
def decline_offer(*, enrolment, declined_by) -> Enrolment:
    """Say no to an offered place; it goes to the next person. Raises ValidationError "not_offered"."""
    enrolment = _get_locked(enrolment)
    if enrolment.status != Status.OFFERED:
        raise ValidationError(_("There is no open offer of a place to decline."), code="not_offered")
    enrolment.status = Status.DECLINED
    enrolment.save(update_fields=["status", "updated_at"])
    _log(enrolment, "declined", declined_by)
    _audit_if_staff(declined_by, "enrolment.declined", enrolment)
    offer_next_place(opportunity=enrolment.opportunity)
    return enrolment


@transaction.atomic
def withdraw(*, enrolment, withdrawn_by, reason: str = "") -> Enrolment:
    """Take a young person off an opportunity (place, offer, waiting list or application); a freed place
    is offered to the next. Raises ValidationError "not_active" when there is nothing to withdraw from."""
    enrolment = _get_locked(enrolment)
    if enrolment.status not in Enrolment.ACTIVE:
        raise ValidationError(
            _("This is already over: there is nothing to withdraw from."), code="not_active"
        )
    held_a_place = enrolment.status in Enrolment.HOLDS_A_PLACE
    enrolment.status = Status.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    _log(enrolment, "withdrawn", withdrawn_by, reason)
    if not _is_family(withdrawn_by, enrolment.young_person):
        _audit_if_staff(withdrawn_by, "enrolment.withdrawn", enrolment, reason)
        _email(
            enrolment,
            subject=answer_headline(enrolment),
            template="offer/emails/withdrawn.txt",
            reason=reason,
        )
    if held_a_place:
        offer_next_place(opportunity=enrolment.opportunity)
    return enrolment


def expire_offers(*, now=None) -> int:
    """End every offer past its deadline (the family is told) and offer the place to the next. Returns how
    many ended. Each offer is handled in its own transaction, so one failure doesn't hold back the rest."""
    now = now or timezone.now()
    due = list(
        Enrolment.objects.filter(status=Status.OFFERED, offer_expires_at__lt=now)
        .order_by("offer_expires_at", "pk")
        .values_list("pk", "opportunity_id")
    )
    ended = 0
    for pk, opportunity_id in due:
        with transaction.atomic():
            Opportunity.objects.select_for_update().get(pk=opportunity_id)
            enrolment = (
                Enrolment.objects.select_for_update()
                .select_related("opportunity", "young_person")
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lt=now)
                .first()
            )
            if enrolment is None:  # answered in the meantime
                continue
            _expire(enrolment)
            offer_next_place(opportunity=enrolment.opportunity)
            ended += 1
    if ended:
        logger.info("expired %s offers", ended)
    return ended


# ---- Selectors ----------------------------------------------------------------------------------------------

STATUS_ORDER = [Status.ENROLLED, Status.OFFERED, Status.WAITING, Status.APPLIED]


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    """The enrolments `user` may see: staff all; partner members their partner's opportunities'; guardians
    their children's; a young person their own."""
    role = role_of(user)
    enrolments = Enrolment.objects.all()
    if role in STAFF:
        return enrolments
    if role == Role.PARTNER_MEMBER:
        return enrolments.filter(opportunity__partner__memberships__user=user).distinct()
    if role == Role.GUARDIAN:
        return enrolments.filter(young_person__family__guardians=user).distinct()
    if role == Role.YOUNG_PERSON:
        return enrolments.filter(young_person__user=user)
    return enrolments.none()


def places_of_family(user) -> QuerySet[Enrolment]:
    """A family's places (guardian or young person), newest first, with what the list shows."""
    return (
        enrolments_visible_to(user)
        .filter(young_person__anonymised_at__isnull=True)
        .select_related("young_person", "opportunity", "opportunity__venue")
        .order_by("-created_at", "-pk")
    )


def enrolments_for_opportunity(opportunity: Opportunity, *, status: str = "") -> QuerySet[Enrolment]:
    """An opportunity's active enrolments: enrolled, offered, waiting (in order, numbered), applied."""
    rank = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)], output_field=IntegerField()
    )
    enrolments = (
        Enrolment.objects.filter(opportunity=opportunity, status__in=Enrolment.ACTIVE)
        .select_related("young_person", "young_person__school")
        .annotate(
            status_rank=rank,
            position=Window(
                RowNumber(), partition_by=[F("status")], order_by=[F("queued_at").asc(), F("pk").asc()]
            ),
        )
        .order_by("status_rank", "queued_at", "created_at", "pk")
    )
    if status in Enrolment.ACTIVE:
        enrolments = enrolments.filter(status=status)
    return enrolments


def enrolment_counts(opportunity: Opportunity) -> dict[str, int]:
    """How many are enrolled, offered, waiting and applied (one query)."""
    from django.db.models import Count

    found = dict(
        Enrolment.objects.filter(opportunity=opportunity, status__in=Enrolment.ACTIVE)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s: found.get(s, 0) for s in STATUS_ORDER}


def places_left_text(opportunity: Opportunity, counts: dict[str, int]) -> str:
    if opportunity.capacity is None:
        return _("No limit on places.")
    left = max(opportunity.capacity - counts[Status.ENROLLED] - counts[Status.OFFERED], 0)
    return ngettext("%(n)s place free of %(capacity)s.", "%(n)s places free of %(capacity)s.", left) % {
        "n": left,
        "capacity": opportunity.capacity,
    }


def _ids_of_young_people(*, enrolled_on: Q, marked_at: Q, listed_in: Q) -> Q:
    """Q(pk__in=…) over one UNION of the three ways a young person reaches a group: an active enrolment on its
    opportunity, a mark at one of its sessions (walk-ins), a place on its whole-class pupil list. A semi-join on
    small id sets: no join of YoungPerson with attendance (millions of rows) and no DISTINCT over it."""
    enrolled = (
        Enrolment.objects.filter(enrolled_on, status__in=Enrolment.ACTIVE)
        .order_by()
        .values("young_person_id")
    )
    marked = Attendance.objects.filter(marked_at).order_by().values("young_person_id")
    through = WholeClassProgramme.pupil_list.through
    listed = through.objects.filter(listed_in).order_by().values("youngperson_id")
    return Q(pk__in=enrolled.union(marked, listed))


def partner_member_scope(user) -> Q:
    """Young people a partner member may see: those with an active enrolment on their partner's opportunities,
    walk-ins marked at one of their sessions, and pupils listed for a whole class they teach (registers.py)."""
    return _ids_of_young_people(
        enrolled_on=Q(opportunity__partner__memberships__user=user),
        marked_at=Q(session__opportunity__partner__memberships__user=user),
        listed_in=Q(wholeclassprogramme__opportunity__partner__memberships__user=user),
    )


def music_leader_scope(user) -> Q:
    """Young people a music leader may see: those with an active enrolment on an opportunity they lead,
    walk-ins marked at one of its sessions, and pupils listed for a whole class taught in its sessions."""
    return _ids_of_young_people(
        enrolled_on=Q(opportunity__leaders=user),
        marked_at=Q(session__opportunity__leaders=user),
        listed_in=Q(wholeclassprogramme__opportunity__leaders=user),
    )
