"""Reads for attendance: an opportunity's grid of marks, a session's register, a family's children's attendance.

Every figure is counted by the database (Count with a filter); Python only lays out the cells of the page
being shown. Which young people a person sees is decided by `young_people_visible_to`, used here as a
subquery so its joins never multiply the counts.

An attendance rate is the share of a young person's recorded marks that say they came (present or late):
sessions without a register, or where they were not on the register, do not count against them.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import NullIf
from django.utils.translation import gettext as _

from musichub.partners.models import PartnerMembership
from musichub.people.models import YoungPerson
from musichub.people.selectors import young_people_visible_to

from .models import Attendance, AttendanceChange, Enrolment, Opportunity, Register, Session

# How many sessions the attendance grid shows as columns (the latest first).
GRID_SESSIONS = 10
# How many past sessions staff may enter from paper at once.
PAPER_SESSIONS = 6

CAME = Attendance.CAME
MISSED = Attendance.MISSED
Mark = Attendance.Mark


def _rate(came: str, marked: str):
    """Whole-number percentage came/marked, rounded half up; NULL when nothing is marked (no rate)."""
    return (F(came) * 100 + F(marked) / 2) / NullIf(F(marked), 0)


def _mark_counts(prefix: str, scope: Q) -> dict:
    """Count annotations (present, late, absent, excused, came, marked, rate) over the rows reached by
    `prefix` (a relation to Attendance, or "" on Attendance itself), limited by `scope`."""
    path = f"{prefix}__" if prefix else ""
    target = prefix or "pk"

    def count(*marks):
        return Count(target, filter=scope & Q(**{f"{path}mark__in": marks}))

    return {
        "present": count(Mark.PRESENT),
        "late": count(Mark.LATE),
        "absent": count(Mark.ABSENT),
        "excused": count(Mark.ABSENT_WITH_REASON),
        "came": count(*CAME),
        "marked": Count(target, filter=scope),
    }


# ---- An opportunity's attendance ------------------------------------------------------------------------


def grid_sessions(opportunity: Opportunity, *, today: date, limit: int = GRID_SESSIONS) -> list[Session]:
    """The latest sessions up to today, newest first, each saying whether its register was taken."""
    return list(
        Session.objects.filter(opportunity=opportunity, date__lte=today)
        .annotate(has_register=Exists(Register.objects.filter(session=OuterRef("pk"))))
        .order_by("-date", "-starts_at")[:limit]
    )


def group_of(opportunity: Opportunity, user) -> QuerySet[YoungPerson]:
    """The young people of an opportunity that `user` may see: enrolled now, or marked at one of its sessions
    (walk-ins, and those who have since left). Membership is tested by subqueries: no join to multiply counts."""
    enrolled = Enrolment.objects.filter(opportunity=opportunity, status=Enrolment.Status.ENROLLED).values(
        "young_person_id"
    )
    marked = Attendance.objects.filter(session__opportunity=opportunity).values("young_person_id")
    visible = young_people_visible_to(user).values("pk")
    return YoungPerson.objects.filter(Q(pk__in=enrolled) | Q(pk__in=marked), pk__in=visible)


def is_enrolled(opportunity: Opportunity):
    """An annotation on YoungPerson: enrolled on `opportunity` now."""
    return Exists(
        Enrolment.objects.filter(
            opportunity=opportunity, young_person=OuterRef("pk"), status=Enrolment.Status.ENROLLED
        )
    )


def attendance_rows(opportunity: Opportunity, user) -> QuerySet[YoungPerson]:
    """One row per young person in the group, with their marks at this opportunity counted and their rate."""
    counts = _mark_counts("attendance", Q(attendance__session__opportunity=opportunity))
    return (
        group_of(opportunity, user)
        .only("pk", "first_name", "last_name", "preferred_name")
        .annotate(**counts)
        .annotate(rate=_rate("came", "marked"))
        .order_by("last_name", "first_name", "pk")
    )


@dataclass
class Cell:
    session: Session
    mark: str  # a Mark value; "" not on the register taken; NO_REGISTER or CANCELLED for the whole session
    label: str


NO_REGISTER, CANCELLED = "none", "cancelled"


def marks_at(sessions: list[Session], people: list[YoungPerson]) -> dict[tuple[int, int], str]:
    """(young person pk, session pk) -> mark, for the people and sessions of one page (one query)."""
    return {
        (young_person_id, session_id): mark
        for young_person_id, session_id, mark in Attendance.objects.filter(
            session__in=[s.pk for s in sessions], young_person__in=[p.pk for p in people]
        ).values_list("young_person_id", "session_id", "mark")
    }


def grid_cells(people: list[YoungPerson], sessions: list[Session]) -> None:
    """Give each person on the page `cells`, one per column session (one query for the whole page)."""
    marks = marks_at(sessions, people)
    labels = dict(Mark.choices)
    for person in people:
        person.cells = []
        for session in sessions:
            if session.is_cancelled:
                person.cells.append(Cell(session, CANCELLED, _("Cancelled")))
                continue
            if not session.has_register:
                person.cells.append(Cell(session, NO_REGISTER, _("No register")))
                continue
            mark = marks.get((person.pk, session.pk), "")
            person.cells.append(Cell(session, mark, labels.get(mark, "")))


# ---- A session's register -------------------------------------------------------------------------------


def session_for_attendance(pk: int) -> Session:
    """The session with its opportunity (and partner) for the session page; raises Session.DoesNotExist."""
    return Session.objects.select_related("opportunity", "opportunity__partner", "opportunity__venue").get(
        pk=pk
    )


def register_of(session: Session) -> Register | None:
    return (
        Register.objects.filter(session=session).select_related("taken_by").prefetch_related("genres").first()
    )


def session_marks(session: Session, user) -> QuerySet[Attendance]:
    """The marks of a session for the young people `user` may see, by name."""
    return (
        Attendance.objects.filter(
            session=session, young_person__in=young_people_visible_to(user).values("pk")
        )
        .select_related("young_person", "marked_by")
        .order_by("young_person__last_name", "young_person__first_name", "pk")
    )


def session_mark_counts(session: Session) -> dict:
    return Attendance.objects.filter(session=session).aggregate(
        **_mark_counts("", Q()), walk_ins=Count("pk", filter=Q(walk_in=True))
    )


def session_changes(session: Session, user) -> QuerySet[AttendanceChange]:
    """Marks changed after they were first recorded, newest first (for the young people `user` may see)."""
    return (
        AttendanceChange.objects.filter(
            session=session, young_person__in=young_people_visible_to(user).values("pk")
        )
        .select_related("young_person", "changed_by")
        .order_by("-changed_at", "-pk")
    )


# ---- Families: their children's attendance --------------------------------------------------------------


def family_attendance(user) -> QuerySet:
    """One row per (child, opportunity) with marks counted, for the children `user` may see (a guardian's
    family, or a young person's own record)."""
    visible = young_people_visible_to(user).values("pk")
    return (
        Attendance.objects.filter(young_person__in=visible)
        .values(
            "young_person_id",
            "young_person__first_name",
            "young_person__preferred_name",
            "session__opportunity_id",
            "session__opportunity__title",
        )
        .annotate(**_mark_counts("", Q()), last_session=Max("session__date"))
        .annotate(rate=_rate("came", "marked"))
        .order_by("young_person__first_name", "young_person_id", "session__opportunity__title")
    )


def child_marks(young_person: YoungPerson) -> QuerySet[Attendance]:
    """A young person's marks, newest session first, with the opportunity's title."""
    return (
        Attendance.objects.filter(young_person=young_person)
        .select_related("session", "session__opportunity")
        .only(
            "pk",
            "mark",
            "reason",
            "walk_in",
            "session__date",
            "session__starts_at",
            "session__opportunity__title",
            "session__opportunity__slug",
        )
        .order_by("-session__date", "-session__starts_at", "pk")
    )


def child_totals(young_person: YoungPerson) -> dict:
    figures = Attendance.objects.filter(young_person=young_person).aggregate(**_mark_counts("", Q()))
    marked = figures["marked"]
    figures["rate"] = (figures["came"] * 100 + marked // 2) // marked if marked else None
    return figures


# ---- Opportunities a person delivers ---------------------------------------------------------------------


def opportunities_delivered_by(user, *, is_staff: bool, today: date) -> QuerySet[Opportunity]:
    """Opportunities whose attendance `user` may see (staff: all that have sessions so far; partner members:
    their partner's; leaders: those they lead), with sessions so far and registers taken counted."""
    opportunities = Opportunity.objects.exclude(status=Opportunity.Status.DRAFT)
    if not is_staff:
        led = Opportunity.leaders.through.objects.filter(user=user).values("opportunity_id")
        partners = PartnerMembership.objects.filter(user=user).values("partner_id")
        opportunities = opportunities.filter(Q(pk__in=led) | Q(partner_id__in=partners))
    past = Q(sessions__date__lte=today, sessions__is_cancelled=False)
    return (
        opportunities.select_related("partner")
        .only("pk", "slug", "title", "status", "partner__name", "first_date", "last_date")
        .annotate(
            sessions_so_far=Count("sessions", filter=past, distinct=True),
            registers_taken=Count("sessions__register", filter=past, distinct=True),
        )
        .filter(sessions_so_far__gt=0)
        .annotate(registers_missing=F("sessions_so_far") - F("registers_taken"))
        .order_by("title", "pk")
    )
