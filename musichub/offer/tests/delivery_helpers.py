"""Builders for the keeping-in tests: a weekly group with registers taken, places, marks and follow-ups."""

from datetime import date, time, timedelta

from django.utils import timezone

from musichub.core.roles import Role
from musichub.offer.models import Attendance, Enrolment, Opportunity, Register, Session
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.tests.factories import YoungPersonFactory

M = Attendance.Mark


def weeks_ago(n: int, today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(weeks=n)


def group(**fields) -> Opportunity:
    """A published weekly group that started six months ago."""
    today = timezone.localdate()
    fields.setdefault("status", Opportunity.Status.PUBLISHED)
    fields.setdefault("first_date", today - timedelta(days=180))
    fields.setdefault("last_date", today + timedelta(days=180))
    return OpportunityFactory(**fields)


def enrol(young_person, opportunity, *, days_ago: int = 120, status=Enrolment.Status.ENROLLED) -> Enrolment:
    """A place taken `days_ago` days ago (created_at set in the past, as if they joined then)."""
    enrolment = Enrolment.objects.create(young_person=young_person, opportunity=opportunity, status=status)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    enrolment.refresh_from_db()
    return enrolment


def session(opportunity, day, *, register=True, cancelled=False) -> Session:
    made = SessionFactory(
        opportunity=opportunity, date=day, starts_at=time(17, 0), ends_at=time(18, 30), is_cancelled=cancelled
    )
    if register:
        Register.objects.create(session=made)
    return made


def mark(session_, young_person, value) -> Attendance:
    return Attendance.objects.create(
        session=session_, young_person=young_person, mark=value, marked_at=timezone.now()
    )


def marks(opportunity, young_person, sequence: str, *, last_week: int = 1) -> list[Session]:
    """Weekly sessions ending `last_week` weeks ago, one per letter: P present, L late, A absent, R absent
    with reason, "-" a register where they were not marked, "x" a session without a register."""
    made = []
    count = len(sequence)
    for index, letter in enumerate(sequence):
        day = weeks_ago(last_week + count - 1 - index)
        found = Session.objects.filter(opportunity=opportunity, date=day).first()
        found = found or session(opportunity, day, register=letter != "x")
        made.append(found)
        value = {"P": M.PRESENT, "L": M.LATE, "A": M.ABSENT, "R": M.ABSENT_WITH_REASON}.get(letter)
        if value:
            mark(found, young_person, value)
    return made


def member_of(make_user, partner):
    user = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=user, partner=partner)
    return user


def leader_of(make_user, opportunity):
    user = make_user(Role.MUSIC_LEADER)
    opportunity.leaders.add(user)
    return user


def young_person(**fields):
    return YoungPersonFactory(**fields)
