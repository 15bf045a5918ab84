"""The demo registers: leaders, a term of taken registers with realistic attendance, loaded fast and only once."""

import time
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from musichub.core.models import User
from musichub.core.roles import Role
from musichub.offer.demo_registers import DEMO_LEADERS, load_demo_registers
from musichub.offer.models import (
    Attendance,
    AttendanceChange,
    Enrolment,
    Opportunity,
    Register,
    RegisterSubmission,
    Session,
)
from musichub.pages.management.commands.seed_demo import DEMO_LOADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    """Every demo loader (timing this one), then seed_demo itself, which makes the logins and links them."""
    settings.DEBUG = True  # seed_demo makes its well-known logins only on a development site
    took = None
    for loader in DEMO_LOADERS:
        started = time.perf_counter()
        loader()
        if loader is load_demo_registers:
            took = time.perf_counter() - started
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    return took


def _counts():
    return {
        "registers": Register.objects.count(),
        "marks": Attendance.objects.count(),
        "changes": AttendanceChange.objects.count(),
        "submissions": RegisterSubmission.objects.count(),
        "leaders": Opportunity.leaders.through.objects.count(),
        "leader users": User.objects.filter(role=Role.MUSIC_LEADER).count(),
    }


def test_a_term_of_registers_loads_fast_with_realistic_attendance(demo):
    assert demo is not None and demo < 5
    today = timezone.localdate()
    registers = Register.objects.select_related("session")
    assert registers.count() > 100
    assert not registers.filter(session__date__gte=today).exists()
    assert not registers.filter(session__is_cancelled=True).exists()
    # Every opportunity with registers has a leader, who took them.
    assert not Opportunity.objects.filter(sessions__register__isnull=False, leaders__isnull=True).exists()
    assert not registers.filter(taken_by__isnull=True).exists()
    # Some past sessions have no register; some marks were corrected; some registers came from paper.
    past = Session.objects.filter(
        date__lt=today, is_cancelled=False, opportunity__enrolments__status=Enrolment.Status.ENROLLED
    ).distinct()
    assert past.filter(register__isnull=True).exists()
    assert AttendanceChange.objects.exists()
    assert registers.filter(method=Register.Method.PAPER).exists()

    marks = Counter(Attendance.objects.values_list("mark", flat=True))
    total = sum(marks.values())
    assert 0.65 < marks["present"] / total < 0.9
    assert marks["late"] and marks["absent"] and marks["excused"]
    assert not Attendance.objects.filter(mark="excused", reason="").exists()
    # Coming to a session counts as activity for the retention rule, as when a register is taken for real.
    came = (
        Attendance.objects.filter(mark__in=Attendance.CAME)
        .order_by("-session__date")
        .select_related("session")
    )
    latest = came.first()
    latest.young_person.refresh_from_db()
    assert latest.young_person.last_activity_on >= latest.session.date

    # About one in twenty drifts away: absent at their last three sessions or more.
    by_person = defaultdict(list)
    for opportunity_id, person, mark in Attendance.objects.order_by("session__date").values_list(
        "session__opportunity_id", "young_person_id", "mark"
    ):
        by_person[(opportunity_id, person)].append(mark)
    drifting = [key for key, seq in by_person.items() if len(seq) >= 4 and seq[-3:] == ["absent"] * 3]
    assert 0.02 < len(drifting) / len(by_person) < 0.1


def test_the_leader_login_leads_a_session_this_week_and_the_parent_sees_marks(demo):
    leader = User.objects.get(username="leader")
    led = Opportunity.objects.filter(leaders=leader)
    assert 3 <= led.count() <= 4
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    assert Session.objects.filter(
        opportunity__in=led, date__gte=today, date__lte=monday + timedelta(days=6), is_cancelled=False
    ).exists()
    assert Register.objects.filter(session__opportunity__in=led).exists()
    assert not Register.objects.filter(session__opportunity__in=led).exclude(taken_by=leader).exists()
    assert set(
        User.objects.filter(username__in=[u for u, *_ in DEMO_LEADERS]).values_list("role", flat=True)
    ) == {Role.MUSIC_LEADER}
    assert not any(u.has_usable_password() for u in User.objects.filter(username__startswith="demo-leader-"))
    parent_places = Enrolment.objects.filter(
        young_person__family__guardians__username="parent", status=Enrolment.Status.ENROLLED
    )
    assert Register.objects.filter(session__opportunity__in=parent_places.values("opportunity")).exists()
    assert Attendance.objects.filter(young_person__in=parent_places.values("young_person")).exists()


def test_loading_again_changes_nothing(demo, settings):
    before = _counts()
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    load_demo_registers()
    assert _counts() == before
