"""Keeping young people in: the drop-out list, follow-ups and the reasons young people stop (writes and reads).

The rule, computed in the database for every enrolled place at once:

- A young person's *streak* on an opportunity is the number of explicit "absent" or "absent with reason"
  marks on its sessions that have a register, counted after the latest of: their last "present" or "late"
  mark there, the day of the last follow-up of their place, and the day an earlier place of theirs on the
  same group ended (so a young person who left and came back starts afresh; with neither, the streak runs
  from their first mark in the group). Sessions where nobody marked them, cancelled sessions and sessions
  without a register neither count nor break the streak.
- Someone whose streak reaches DeliverySettings.missed_in_a_row (3 unless staff change it) is on the list.
- Recording a follow-up takes them off the list at once: the streak starts again from zero after the day of
  the follow-up, so they come back only if they miss that many sessions again after it (or, once they have
  come again, that many after their latest attendance).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DateField, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils.translation import gettext as _

from musichub.core.permissions import STAFF, role_of
from musichub.core.privacy import suppress_count, suppress_series
from musichub.core.roles import Role
from musichub.core.services import record_audit
from musichub.people.models import NamedBarrier, SupportRequest
from musichub.people.selectors import young_people_visible_to

from .models import Attendance, DeliverySettings, DropOutReason, Enrolment, FollowUp, Opportunity
from .wholeclass import academic_year_bounds

# Before any real date: stands in for "no attendance yet" / "never followed up" (GREATEST ignores no NULLs
# on SQLite, so NULLs are replaced, not left for the database to skip).
LONG_AGO = date(1900, 1, 1)


# ---- Whose places a person may follow up ---------------------------------------------------------------------


def delivered_opportunities(user) -> QuerySet[Opportunity]:
    """Opportunities `user` delivers (Opportunity.is_delivered_by): led by them, or run by their partner."""
    return Opportunity.objects.filter(Q(leaders=user) | Q(partner__memberships__user=user))


def enrolments_in_scope(user) -> QuerySet[Enrolment]:
    """Enrolled places `user` may follow up: all for staff; for leaders and partner members, those on the
    opportunities they deliver, of young people they may see (young_people_visible_to)."""
    enrolled = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED, young_person__anonymised_at__isnull=True
    )
    role = role_of(user)
    if role in STAFF:
        return enrolled
    if role in (Role.PARTNER_MEMBER, Role.MUSIC_LEADER):
        return enrolled.filter(
            opportunity__in=delivered_opportunities(user).values("pk"),
            young_person__in=young_people_visible_to(user).values("pk"),
        )
    return enrolled.none()


# ---- The streak, in the database -------------------------------------------------------------------------------


def _marks(marks) -> QuerySet[Attendance]:
    """The young person's marks on this opportunity's sessions that have a register (correlated)."""
    return Attendance.objects.filter(
        young_person=OuterRef("young_person_id"),
        session__opportunity=OuterRef("opportunity_id"),
        session__register__isnull=False,
        session__is_cancelled=False,
        mark__in=marks,
    )


def with_streaks(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate each enrolment with `missed_in_a_row` (its streak), `missed_since` (the first session of the
    streak), `last_came_on`, `followed_up_on` and `last_outcome` (of its latest follow-up)."""
    last_came = _marks(Attendance.CAME).order_by("-session__date").values("session__date")[:1]
    latest_follow_up = FollowUp.objects.filter(enrolment=OuterRef("pk")).order_by("-created_at", "-pk")
    # An earlier place on the same group that has ended (they left and came back): its marks are not theirs
    # to carry. (The new place's own creation date is not used: registers are often entered from paper for
    # young people whose place was put on the platform after they started.)
    earlier_place = (
        Enrolment.objects.filter(
            young_person=OuterRef("young_person_id"),
            opportunity=OuterRef("opportunity_id"),
            created_at__lt=OuterRef("created_at"),
        )
        .exclude(status__in=Enrolment.ACTIVE)
        .order_by("-updated_at")
        .annotate(day=TruncDate("updated_at"))
        .values("day")[:1]
    )
    enrolments = enrolments.annotate(
        last_came_on=Subquery(last_came, output_field=DateField()),
        followed_up_on=Subquery(
            latest_follow_up.annotate(day=TruncDate("created_at")).values("day")[:1], output_field=DateField()
        ),
        last_outcome=Subquery(latest_follow_up.values("outcome")[:1]),
        earlier_place_ended_on=Subquery(earlier_place, output_field=DateField()),
    ).annotate(
        streak_after=Greatest(
            Coalesce("last_came_on", Value(LONG_AGO)),
            Coalesce("followed_up_on", Value(LONG_AGO)),
            Coalesce("earlier_place_ended_on", Value(LONG_AGO)),
            output_field=DateField(),
        )
    )
    streak = _marks(Attendance.MISSED).filter(session__date__gt=OuterRef("streak_after"))
    counted = streak.order_by().values("young_person").annotate(n=Count("pk")).values("n")
    first = streak.order_by("session__date").values("session__date")[:1]
    return enrolments.annotate(
        missed_in_a_row=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        missed_since=Subquery(first, output_field=DateField()),
    )


def dropouts_for(user, *, missed_in_a_row: int | None = None) -> QuerySet[Enrolment]:
    """The drop-out list `user` sees: enrolled places whose streak reached the configured number, longest
    streaks first, with the young person's barriers and support (a fixed number of queries)."""
    threshold = missed_in_a_row or DeliverySettings.current().missed_in_a_row
    return (
        with_streaks(enrolments_in_scope(user))
        .filter(missed_in_a_row__gte=threshold)
        .select_related("young_person", "young_person__school", "opportunity", "opportunity__partner")
        .prefetch_related(
            Prefetch(
                "young_person__named_barriers",
                queryset=NamedBarrier.objects.select_related("barrier").order_by("barrier__name"),
            ),
            Prefetch(
                "young_person__support_requests",
                queryset=SupportRequest.objects.select_related("kind").order_by("-created_at"),
            ),
        )
        .order_by("-missed_in_a_row", "missed_since", "pk")
    )


def follow_up_history(enrolment: Enrolment) -> QuerySet[FollowUp]:
    return enrolment.follow_ups.select_related("reason", "recorded_by").order_by("-created_at", "-pk")


# ---- Writes ----------------------------------------------------------------------------------------------------


@transaction.atomic
def record_follow_up(
    *, enrolment: Enrolment, recorded_by, outcome: str, contacted: bool = True, reason=None, note: str = ""
) -> FollowUp:
    """Record that someone got in touch (or tried to) about a young person who stopped coming: it takes them
    off the drop-out list (see the module's rule). Raises ValidationError "not_enrolled" for a place that
    is no longer held, and "outcome" for an outcome that is not one of FollowUp.Outcome."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(
            _("This young person no longer has a place here, so there is nothing to follow up."),
            code="not_enrolled",
        )
    if outcome not in FollowUp.Outcome.values:
        raise ValidationError(_("Choose what happened."), code="outcome")
    follow_up = FollowUp.objects.create(
        enrolment=enrolment,
        contacted=contacted,
        reason=reason,
        outcome=outcome,
        note=note.strip(),
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
    )
    record_audit(actor=recorded_by, action="follow_up.recorded", obj=enrolment, detail=outcome)
    return follow_up


# ---- Why young people stop: the staff summary ----------------------------------------------------------------


def reasons_summary(*, year: int) -> dict:
    """Follow-ups in academic year `year` counted by reason and by outcome (in the database). Counts from 1
    to 4 are shown as "fewer than 5", with secondary suppression where a total would give them away."""
    first, last = academic_year_bounds(year)
    follow_ups = FollowUp.objects.alias(day=TruncDate("created_at")).filter(day__range=(first, last))
    by_reason = list(follow_ups.values("reason__name").annotate(n=Count("pk")).order_by("-n", "reason__name"))
    by_outcome = dict(follow_ups.values_list("outcome").annotate(n=Count("pk")).order_by())
    reason_counts = [row["n"] for row in by_reason]
    outcome_rows = [(label, by_outcome.get(value, 0)) for value, label in FollowUp.Outcome.choices]
    total = sum(reason_counts)
    return {
        "reasons": [
            {"label": row["reason__name"] or _("No reason recorded"), "count": shown}
            for row, shown in zip(by_reason, suppress_series(reason_counts), strict=True)
        ],
        "outcomes": [
            {"label": label, "count": shown}
            for (label, _n), shown in zip(
                outcome_rows, suppress_series([n for _l, n in outcome_rows]), strict=True
            )
        ],
        "total": suppress_count(total),
        "has_any": total > 0,
    }


def reasons_catalogue() -> QuerySet[DropOutReason]:
    return DropOutReason.objects.order_by("name")
