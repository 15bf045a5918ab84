"""Demo registers: music leaders for the demo opportunities and a term of taken registers, with realistic attendance.

Most young people come to most sessions; some are late, some miss a session (often with a reason), and about
one in twenty drifts away (absent, without a word, at their last three or more sessions), so the drop-out list
has someone on it. Registers are taken for sessions before today; a few sessions have none (a leader forgot),
and a few marks were corrected after they were sent (AttendanceChange).

Idempotent: leaders are found by username, and registers are made only when the demo opportunities have none
yet. Call after load_demo_enrolments (it marks the enrolled young people). Everything is bulk-created, so the
whole term loads in well under a few seconds on SQLite.

The demo logins exist only after the loaders run: `link_demo_leader` gives the "leader" login 3–4 opportunities
(one with a session today or this week) and `link_demo_family_attendance` marks the demo parent's child at the
sessions their place has had (giving them a place on a running group if theirs has not started). seed_demo calls
both after the logins are made.
"""

import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from musichub.core.models import User
from musichub.core.roles import Role
from musichub.people.models import YoungPerson
from musichub.people.services import age_on

from .demo_joining import KEEP_FREE_SLUG
from .models import (
    Attendance,
    AttendanceChange,
    Enrolment,
    EnrolmentEvent,
    Opportunity,
    Register,
    RegisterSubmission,
    Session,
)

SEED = 57
# Invented music leaders (no password: they cannot sign in; the "leader" demo login is linked separately).
DEMO_LEADERS = [
    ("demo-leader-ayo", "Ayo", "Adebayo"),
    ("demo-leader-bethan", "Bethan", "Morgan"),
    ("demo-leader-chen", "Chen", "Wei"),
    ("demo-leader-dom", "Dominic", "Clarke"),
    ("demo-leader-esme", "Esme", "Hart"),
    ("demo-leader-farah", "Farah", "Iqbal"),
    ("demo-leader-gus", "Gus", "Okoye"),
]
LEADER_LOGIN = "leader"
DRIFT_SHARE = 0.05  # young people who stop coming
MISSED_REGISTER_SHARE = 0.03  # past sessions with no register
CORRECTED_SHARE = 0.02  # registers where a mark was corrected afterwards
PAPER_SHARE = 0.08  # registers entered from paper by staff
REASONS = ["Ill", "Family holiday", "School trip", "Hospital appointment", "Exams", "Family event", "Injured"]
WHAT_WE_DID = [
    "Warm-up, then worked on the groove for the new piece in two parts.",
    "Sectionals, then a full run-through for the sharing concert.",
    "Call and response, improvising in small groups, then shared back.",
    "Learnt the chorus by ear and added harmonies.",
    "Rhythm games, then played the piece we wrote last week.",
    "Recorded a first take and listened back together.",
]
PIECES = [
    "Three Little Birds",
    "Shake It Off",
    "Ode to Joy",
    "Samba Reggae groove",
    "Lean on Me",
    "Our own song",
]

M = Attendance.Mark


def _demo_leaders() -> list[User]:
    existing = {u.username: u for u in User.objects.filter(username__in=[u for u, *_ in DEMO_LEADERS])}
    new = [
        User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.musichub.example.org",
            role=Role.MUSIC_LEADER,
            password="!",  # unusable: these leaders never sign in  # noqa: S106
        )
        for username, first, last in DEMO_LEADERS
        if username not in existing
    ]
    User.objects.bulk_create(new)
    return list(User.objects.filter(username__in=[u for u, *_ in DEMO_LEADERS]).order_by("username"))


def _delivered_opportunities():
    """Opportunities running now or finished, with enrolled young people."""
    enrolled = Enrolment.objects.filter(opportunity=OuterRef("pk"), status=Enrolment.Status.ENROLLED)
    return (
        Opportunity.objects.filter(
            status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL, Opportunity.Status.FINISHED]
        )
        .filter(Exists(enrolled))
        .order_by("slug")
    )


def _assign_leaders(rng, opportunities, leaders) -> dict[int, list[int]]:
    """Each opportunity gets one leader (one in five gets two). Returns opportunity pk -> leader pks."""
    through = Opportunity.leaders.through
    current = defaultdict(list)
    for opportunity_id, user_id in through.objects.filter(opportunity__in=opportunities).values_list(
        "opportunity_id", "user_id"
    ):
        current[opportunity_id].append(user_id)
    rows = []
    for opportunity in opportunities:
        if current[opportunity.pk]:
            continue
        chosen = rng.sample(leaders, 2 if rng.random() < 0.2 else 1)
        current[opportunity.pk] = [leader.pk for leader in chosen]
        rows += [through(opportunity_id=opportunity.pk, user_id=leader.pk) for leader in chosen]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return current


def _marked_at(session, minutes: int) -> datetime:
    start = datetime.combine(session.date, session.starts_at)
    return timezone.make_aware(start + timedelta(minutes=minutes))


class _Term:
    """Plans one opportunity's registers: a steady habit per young person, and the drifters' last sessions."""

    def __init__(self, rng, sessions, people):
        self.rng = rng
        self.habit = {pk: rng.uniform(0.72, 0.97) for pk in people}
        self.drift_from = {}
        for pk in people:
            if rng.random() < DRIFT_SHARE and len(sessions) >= 4:
                missed = rng.randint(3, min(5, len(sessions) - 1))
                self.drift_from[pk] = len(sessions) - missed

    def mark(self, pk, index) -> tuple[str, str]:
        rng = self.rng
        if pk in self.drift_from and index >= self.drift_from[pk]:
            return M.ABSENT, ""
        if rng.random() < self.habit[pk]:
            return (M.LATE, "") if rng.random() < 0.08 else (M.PRESENT, "")
        if rng.random() < 0.6:
            return M.ABSENT_WITH_REASON, rng.choice(REASONS)
        return M.ABSENT, ""


@transaction.atomic
def load_demo_registers() -> None:
    """Leaders for the demo opportunities, and registers with marks for their sessions before today."""
    rng = random.Random(SEED)  # noqa: S311 -- invented data, seeded so every run makes the same choices
    opportunities = list(_delivered_opportunities())
    if not opportunities:
        return
    leaders = _demo_leaders()
    led = _assign_leaders(rng, opportunities, leaders)
    if Register.objects.filter(session__opportunity__in=opportunities).exists():
        link_demo_leader()
        return

    today = timezone.localdate()
    sessions_of = defaultdict(list)
    for session in Session.objects.filter(
        opportunity__in=opportunities, date__lt=today, is_cancelled=False
    ).order_by("opportunity_id", "date", "starts_at"):
        sessions_of[session.opportunity_id].append(session)
    group_of = defaultdict(list)
    for opportunity_id, person in (
        Enrolment.objects.filter(opportunity__in=opportunities, status=Enrolment.Status.ENROLLED)
        .order_by("opportunity_id", "young_person_id")
        .values_list("opportunity_id", "young_person_id")
    ):
        group_of[opportunity_id].append(person)

    registers, marks, changes, submissions = [], [], [], []
    for opportunity in opportunities:
        sessions, people = sessions_of[opportunity.pk], group_of[opportunity.pk]
        if not sessions or not people:
            continue
        term = _Term(rng, sessions, people)
        taker = led[opportunity.pk][0]
        for index, session in enumerate(sessions):
            if rng.random() < MISSED_REGISTER_SHARE and index < len(sessions) - 1:
                continue  # the leader forgot (never the latest one: drop-outs need their last sessions marked)
            paper = rng.random() < PAPER_SHARE
            registers.append(
                Register(
                    session=session,
                    method=Register.Method.PAPER if paper else Register.Method.PHONE,
                    taken_by_id=taker,
                    what_we_did=rng.choice(WHAT_WE_DID) if rng.random() < 0.7 else "",
                    pieces=rng.choice(PIECES) if rng.random() < 0.4 else "",
                )
            )
            session_marks = []
            for pk in people:
                value, reason = term.mark(pk, index)
                session_marks.append(
                    Attendance(
                        session=session,
                        young_person_id=pk,
                        mark=value,
                        reason=reason,
                        marked_at=_marked_at(
                            session, rng.randint(0, 20) if value != M.LATE else rng.randint(15, 40)
                        ),
                        marked_by_id=taker,
                    )
                )
            marks += session_marks
            submissions.append(
                RegisterSubmission(
                    key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    session=session,
                    submitted_by_id=taker,
                    marks=len(session_marks),
                )
            )
            if rng.random() < CORRECTED_SHARE:
                late = next((a for a in session_marks if a.mark == M.LATE), None)
                if late is not None:  # first sent as absent, then corrected when they arrived
                    changes.append(
                        AttendanceChange(
                            session=session,
                            young_person_id=late.young_person_id,
                            old_mark=M.ABSENT,
                            new_mark=M.LATE,
                            changed_by_id=taker,
                        )
                    )
    Register.objects.bulk_create(registers, batch_size=1000)
    Attendance.objects.bulk_create(marks, batch_size=2000)
    RegisterSubmission.objects.bulk_create(submissions, batch_size=1000)
    AttendanceChange.objects.bulk_create(changes, batch_size=1000)
    _note_last_activity()
    link_demo_leader()  # does nothing until the demo logins exist (seed_demo calls it again after making them)


def _note_last_activity() -> None:
    """As submit_register does: coming to a session keeps a record alive under the retention rule."""
    latest = Subquery(
        Attendance.objects.filter(young_person=OuterRef("pk"), mark__in=Attendance.CAME)
        .order_by()
        .values("young_person")
        .annotate(day=Max("session__date"))
        .values("day")
    )
    came = Attendance.objects.filter(mark__in=Attendance.CAME).values("young_person")
    YoungPerson.objects.filter(pk__in=came).filter(
        Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=latest)
    ).update(last_activity_on=latest)


@transaction.atomic
def link_demo_leader() -> None:
    """Make the "leader" demo login the leader of 3–4 demo opportunities, one with a session today or else this
    week, and the taker of their registers. Once; does nothing while the login does not exist."""
    user = User.objects.filter(username=LEADER_LOGIN).first()
    if user is None or Opportunity.leaders.through.objects.filter(user=user).exists():
        return
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    candidates = (
        _delivered_opportunities()
        .filter(status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL])
        .filter(Exists(Register.objects.filter(session__opportunity=OuterRef("pk"))))
    )
    this_week = Session.objects.filter(
        opportunity=OuterRef("pk"), date__gte=today, date__lte=monday + timedelta(days=6), is_cancelled=False
    )
    on_today = Session.objects.filter(opportunity=OuterRef("pk"), date=today, is_cancelled=False)
    first = candidates.filter(Exists(on_today)).first() or candidates.filter(Exists(this_week)).first()
    rng = random.Random(SEED + 1)  # noqa: S311 -- invented data
    others = list(candidates.exclude(pk=getattr(first, "pk", None)).values_list("pk", flat=True)[:40])
    chosen = ([first.pk] if first else []) + rng.sample(others, min(len(others), 3 if first else 4))
    Opportunity.leaders.through.objects.bulk_create(
        [Opportunity.leaders.through(opportunity_id=pk, user_id=user.pk) for pk in chosen],
        ignore_conflicts=True,
    )
    Register.objects.filter(session__opportunity__in=chosen).update(taken_by=user)
    Attendance.objects.filter(session__opportunity__in=chosen).update(marked_by=user)
    RegisterSubmission.objects.filter(session__opportunity__in=chosen).update(submitted_by=user)
    AttendanceChange.objects.filter(session__opportunity__in=chosen).update(changed_by=user)


def _running_place_for(child, parent, today):
    """A place for the demo child on an opportunity that has been running this term (registers taken, room
    left, their age; never the drum crew the browser journey fills), or None."""
    holds = Count("enrolments", filter=Q(enrolments__status__in=Enrolment.HOLDS_A_PLACE))
    candidates = (
        _delivered_opportunities()
        .filter(status=Opportunity.Status.PUBLISHED, how_to_join=Opportunity.HowToJoin.ENROL)
        .filter(Exists(Register.objects.filter(session__opportunity=OuterRef("pk"))))
        .exclude(slug=KEEP_FREE_SLUG)
        .exclude(enrolments__young_person=child)
        .annotate(taken=holds)
        .filter(Q(capacity__isnull=True) | Q(taken__lt=F("capacity")))
    )
    for opportunity in candidates:
        if opportunity.min_age <= age_on(child.date_of_birth, today) <= opportunity.max_age:
            enrolment = Enrolment.objects.create(
                young_person=child,
                opportunity=opportunity,
                status=Enrolment.Status.ENROLLED,
                requested_by=parent,
            )
            EnrolmentEvent.objects.bulk_create(
                [EnrolmentEvent(enrolment=enrolment, action=a, by=parent) for a in ("requested", "enrolled")]
            )
            return enrolment
    return None


@transaction.atomic
def link_demo_family_attendance() -> None:
    """Mark the demo parent's children at the registers taken for their places, mostly present, so the family's
    attendance page has something to show; when none of their places has started yet, one child gets a place on
    a group that has been running this term. Once; does nothing while the login does not exist."""
    parent = User.objects.filter(username="parent").first()
    if parent is None:
        return
    children = list(YoungPerson.objects.filter(family__guardians=parent).order_by("date_of_birth", "pk"))
    if not children or Attendance.objects.filter(young_person__in=children).exists():
        return
    places = list(
        Enrolment.objects.filter(young_person__in=children, status=Enrolment.Status.ENROLLED).filter(
            Exists(Register.objects.filter(session__opportunity=OuterRef("opportunity_id")))
        )
    )
    if not places:
        today = timezone.localdate()
        place = next((p for c in children if (p := _running_place_for(c, parent, today)) is not None), None)
        places = [place] if place is not None else []
    rng = random.Random(SEED + 2)  # noqa: S311 -- invented data
    rows = []
    for place in places:
        sessions = (
            Session.objects.filter(opportunity_id=place.opportunity_id, register__isnull=False)
            .select_related("register")
            .order_by("date")
        )
        for session in sessions:
            roll = rng.random()
            value, reason = (
                (M.PRESENT, "")
                if roll < 0.8
                else (M.LATE, "")
                if roll < 0.9
                else (M.ABSENT_WITH_REASON, "Ill")
            )
            rows.append(
                Attendance(
                    session=session,
                    young_person_id=place.young_person_id,
                    mark=value,
                    reason=reason,
                    marked_at=_marked_at(session, 5),
                    marked_by_id=session.register.taken_by_id,
                )
            )
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    _note_last_activity()
