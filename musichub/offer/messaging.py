"""Messages to an opportunity's families: who gets them, sending them through the outbox, and the log.

Recipients are worked out in the database: the guardians (with an active account and an email address) of
young people enrolled on the opportunity, and enrolled young people aged 13 or over who have their own
account with an email address. Waiting, offered, withdrawn and other places are not included. Each address
gets one email, however many children it covers (compared without regard to case).

Emails go through the outbox (core.services.queue_email): stored in the same transaction as the Message,
sent by a background task with retries, each linked to the Message so the log shows its status.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from musichub.core.models import OutgoingEmail, User
from musichub.core.permissions import STAFF, role_of
from musichub.core.services import queue_email, record_audit
from musichub.people.models import YoungPerson

from .models import Enrolment, Message, Opportunity, Session

# Young people may hear about their own place from this age (as they may ask for one: joining.py).
OWN_EMAIL_AGE = 13
# The same subject and message to the same group within this many minutes is a repeat, not a new message.
REPEAT_MINUTES = 10


def born_on_or_before(today: date, years: int) -> date:
    """The latest date of birth that makes someone `years` old on `today`."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _enrolled(opportunity: Opportunity) -> QuerySet[YoungPerson]:
    return YoungPerson.objects.filter(
        anonymised_at__isnull=True,
        enrolments__opportunity=opportunity,
        enrolments__status=Enrolment.Status.ENROLLED,
    )


def recipient_users(opportunity: Opportunity, *, today: date | None = None) -> QuerySet[User]:
    """Accounts that hear about `opportunity`: guardians of enrolled young people, and enrolled young people
    13 or over with their own account (active accounts with an email address only)."""
    today = today or timezone.localdate()
    enrolled = _enrolled(opportunity)
    guardians = enrolled.filter(family__guardians=OuterRef("pk"))
    themselves = enrolled.filter(
        user=OuterRef("pk"), date_of_birth__lte=born_on_or_before(today, OWN_EMAIL_AGE)
    )
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(Exists(guardians)) | Q(Exists(themselves)))
    )


def recipient_addresses(opportunity: Opportunity, *, today: date | None = None) -> list[str]:
    """One address per recipient (lower-cased, so Sam@x and sam@x are one), in a stable order."""
    return list(
        recipient_users(opportunity, today=today)
        .annotate(address=Lower("email"))
        .values_list("address", flat=True)
        .distinct()
        .order_by("address")
    )


def audience(opportunity: Opportunity, *, today: date | None = None) -> dict:
    """The preview before sending: how many addresses, how many enrolled young people, and how many of them
    nobody can be emailed about (no guardian or own account with an address). Three counts."""
    today = today or timezone.localdate()
    enrolled = _enrolled(opportunity)
    reachable_guardian = User.objects.filter(is_active=True, families=OuterRef("family_id")).exclude(email="")
    reachable_self = Q(
        user__isnull=False,
        user__is_active=True,
        date_of_birth__lte=born_on_or_before(today, OWN_EMAIL_AGE),
    ) & ~Q(user__email="")
    counts = enrolled.aggregate(
        young_people=Count("pk", distinct=True),
        unreachable=Count("pk", distinct=True, filter=~(Q(Exists(reachable_guardian)) | reachable_self)),
    )
    addresses = (
        recipient_users(opportunity, today=today)
        .annotate(address=Lower("email"))
        .values("address")
        .distinct()
    ).count()
    return {"addresses": addresses, **counts}


@transaction.atomic
def send_message(*, opportunity: Opportunity, sent_by, kind: str, subject: str, body: str) -> Message:
    """Email the families of `opportunity` (see the module's rule) and log the Message with its emails.

    Raises ValidationError "no_recipients" when nobody can be emailed, "kind" for an unknown kind, and
    "already_sent" when the same message went to the same group in the last few minutes (a double click).
    """
    if kind not in Message.Kind.values:
        raise ValidationError(_("Choose what the message is about."), code="kind")
    # Lock the opportunity so a double click or two tabs can't send the same message twice.
    opportunity = Opportunity.objects.select_for_update().select_related("partner").get(pk=opportunity.pk)
    subject, body = subject.strip(), body.strip()
    if Message.objects.filter(
        opportunity=opportunity,
        subject=subject,
        body=body,
        created_at__gte=timezone.now() - timedelta(minutes=REPEAT_MINUTES),
    ).exists():
        raise ValidationError(
            _("This message has just been sent to these families: it is not sent twice."), code="already_sent"
        )
    addresses = recipient_addresses(opportunity)
    if not addresses:
        raise ValidationError(
            _("Nobody can be emailed yet: no young person with a place has a family email address."),
            code="no_recipients",
        )
    message = Message.objects.create(
        opportunity=opportunity,
        kind=kind,
        subject=subject,
        body=body,
        sent_by=sent_by if getattr(sent_by, "is_authenticated", False) else None,
    )
    context = {
        "opportunity": opportunity,
        "message": message,
        "partner": opportunity.partner.name,
        "path": reverse("offer:detail", args=[opportunity.slug]),
    }
    emails = [
        queue_email(
            to=address,
            subject=message.subject,
            template="offer/emails/family_message.txt",
            context=context,
            about=message,
        )
        for address in addresses
    ]
    message.emails.add(*emails)
    record_audit(
        actor=sent_by,
        action="message.sent",
        obj=message,
        detail=f"{len(emails)} emails to {opportunity.slug}",
    )
    return message


# ---- Which groups a person may message -------------------------------------------------------------------------


def groups_to_message(user, *, search: str = "") -> QuerySet[Opportunity]:
    """Opportunities still running that `user` may message (staff: all; leaders and partner members: those
    they deliver, as Opportunity.is_delivered_by), with how many young people have a place and when the
    last message went; fullest first."""
    groups = Opportunity.objects.filter(
        status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL],
        last_date__gte=timezone.localdate(),
    )
    if role_of(user) not in STAFF:
        delivered = Opportunity.objects.filter(Q(leaders=user) | Q(partner__memberships__user=user))
        groups = groups.filter(pk__in=delivered.values("pk"))
    if search:
        groups = groups.filter(title__icontains=search)
    last_message = (
        Message.objects.filter(opportunity=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    return (
        groups.select_related("partner")
        .annotate(
            with_a_place=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)),
            last_message_at=Subquery(last_message[:1]),
        )
        .order_by("-with_a_place", "title", "pk")
    )


# ---- The log ---------------------------------------------------------------------------------------------------


def message_log(opportunity: Opportunity) -> QuerySet[Message]:
    """Messages sent about `opportunity`, newest first, each with its emails counted by outbox status."""
    return (
        Message.objects.filter(opportunity=opportunity)
        .select_related("sent_by")
        .annotate(
            recipients=Count("emails"),
            queued=Count("emails", filter=Q(emails__status=OutgoingEmail.Status.QUEUED)),
            sent=Count("emails", filter=Q(emails__status=OutgoingEmail.Status.SENT)),
            failed=Count("emails", filter=Q(emails__status=OutgoingEmail.Status.FAILED)),
        )
        .order_by("-created_at", "-pk")
    )


def message_recipients(message: Message) -> QuerySet[OutgoingEmail]:
    """To whom one message went, with each email's status in the outbox."""
    return message.emails.only("pk", "to", "status", "attempts", "sent_at", "last_error").order_by("to", "pk")


# ---- A cancelled session, as a ready-made message ------------------------------------------------------------


def cancellation_draft(session: Session) -> dict:
    """Initial values for telling families a session is off (the "message families" link on a session)."""
    day = date_format(session.date, "l j F")
    return {
        "kind": Message.Kind.CANCELLED,
        "subject": _("%(title)s on %(day)s is cancelled") % {"title": session.opportunity.title, "day": day},
        "body": _(
            "Sorry: the session on %(day)s at %(time)s will not happen. We will see you at the next one."
        )
        % {"day": day, "time": session.starts_at.strftime("%H:%M")},
    }
