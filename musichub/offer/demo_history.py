"""Demo history: the hub's two academic years before this one, so the insights have trends and retention to show.

A real hub opens the platform with years of records behind it; a demo of one term would show every trend as a
single bar and every retention figure as "too soon to tell". So, for each of the two years before this one,
most of the demo's weekly out-of-school groups ran then too: a finished copy of the group (same partner,
kind, genres, instruments, leaders, ages and times), weekly from mid-September to mid-July with the school
holidays off, and a register at each session.

Who came: about two thirds of the young people who hold a place on the group now joined it last year (and
some of those the year before): they are the ones still coming a year later. Other demo young people of the
right age joined and left. Most came most weeks; about three in ten of the others stopped coming within a term and
withdrew (so nobody from a finished group sits on the drop-out list); the others were there at the last
session.

Idempotent: does nothing once the history is there (its groups' short names end in "-history-<year>"). Dates
follow today's academic year. Everything is bulk-created. Call after load_demo_registers (it copies the
groups' leaders).
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from musichub.core.models import Setting
from musichub.people.models import YoungPerson
from musichub.people.services import age_on

from .models import Attendance, Enrolment, EnrolmentEvent, Opportunity, Register, Session
from .wholeclass import academic_year_of

SEED = 83
YEARS_BACK = 2
GROUPS = 16  # groups copied into the past, at most
RAN_SHARE = {1: 0.9, 2: 0.7}  # of the groups, the share that ran 1 and 2 years ago
STAYED_SHARE = {1: 0.65, 2: 0.35}  # of today's group, the share who were in it 1 and 2 years ago
NEWCOMERS = (3, 8)  # others who joined that year, at least and at most
DRIFT_SHARE = 0.3
SUFFIX = "-history-"
M = Attendance.Mark


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _first_on_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _school_holiday(day: date) -> bool:
    """Roughly the city's school holidays: late October, Christmas, mid-February and Easter."""
    month, dom = day.month, day.day
    return (
        (month == 10 and dom >= 24)
        or (month == 12 and dom >= 19)
        or (month == 1 and dom <= 4)
        or (month == 2 and 14 <= dom <= 21)
        or (month == 4 and dom <= 14)
    )


def _weekly_dates(first: date, last: date, weekday: int) -> list[date]:
    day, dates = _first_on_weekday(first, weekday), []
    while day <= last:
        if not _school_holiday(day):
            dates.append(day)
        day += timedelta(weeks=1)
    return dates


@contextmanager
def _keeping_dates(*fields) -> Iterator[None]:
    """bulk_create stamps auto_now_add fields with now; history keeps the days things happened."""
    saved = [(field, field.auto_now_add) for field in fields]
    for field, _was in saved:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, was in saved:
            field.auto_now_add = was


def _groups() -> list[Opportunity]:
    """Today's weekly out-of-school groups with young people in them, in a fixed order."""
    return list(
        Opportunity.objects.filter(
            status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL],
            setting=Setting.OUT_OF_SCHOOL,
            schedule=Opportunity.Schedule.WEEKLY,
            weekday__isnull=False,
            enrolments__status=Enrolment.Status.ENROLLED,
        )
        .distinct()
        .order_by("slug")[:GROUPS]
    )


class _History:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.year = academic_year_of(today)
        self.people = list(
            YoungPerson.objects.filter(anonymised_at__isnull=True, date_of_birth__isnull=False)
            .order_by("pk")
            .values_list("pk", "date_of_birth")
        )
        self.opportunities: list[dict] = []

    def plan(self, group: Opportunity, members: list[int], genres, instruments, leaders) -> None:
        rng = self.rng
        for back in range(1, YEARS_BACK + 1):
            if rng.random() >= RAN_SHARE[back]:
                continue
            year = self.year - back
            first, last = date(year, 9, 10), date(year + 1, 7, 15)
            dates = _weekly_dates(first, last, group.weekday)
            if len(dates) < 6:
                continue
            past = Opportunity(
                **{
                    field.attname: getattr(group, field.attname)
                    for field in Opportunity._meta.concrete_fields
                    if not field.primary_key
                }
            )
            past.slug = f"{group.slug[: 170 - len(SUFFIX) - 4]}{SUFFIX}{year}"
            past.status = Opportunity.Status.FINISHED
            past.first_date, past.last_date = dates[0], dates[-1]
            past.apply_by = None
            past.published_at = _aware(first - timedelta(days=40), time(10))
            past.next_session_on = None
            stayed = [pk for pk in members if rng.random() < STAYED_SHARE[back]]
            ages = range(group.min_age, group.max_age + 1)
            others = [
                pk
                for pk, born in self.people
                if pk not in members and age_on(born, date(year, 8, 31)) in ages
            ]
            room = len(others) if group.capacity is None else max(0, group.capacity - len(stayed))
            newcomers = rng.sample(others, k=min(len(others), room, rng.randint(*NEWCOMERS)))
            stayed = stayed if group.capacity is None else stayed[: group.capacity]
            self.opportunities.append(
                {
                    "opportunity": past,
                    "genres": genres,
                    "instruments": instruments,
                    "leaders": leaders,
                    "dates": dates,
                    "people": stayed + newcomers,
                    "stayed": set(stayed),
                }
            )

    def save(self) -> int:
        rng = self.rng
        planned = self.opportunities
        made = Opportunity.objects.bulk_create([row["opportunity"] for row in planned], batch_size=200)
        for through, key, column in [
            (Opportunity.genres.through, "genres", "genre_id"),
            (Opportunity.instruments.through, "instruments", "instrument_id"),
            (Opportunity.leaders.through, "leaders", "user_id"),
        ]:
            through.objects.bulk_create(
                [
                    through(opportunity_id=opportunity.pk, **{column: pk})
                    for opportunity, row in zip(made, planned, strict=True)
                    for pk in row[key]
                ],
                batch_size=1000,
            )
        sessions = Session.objects.bulk_create(
            [
                Session(
                    opportunity=opportunity,
                    date=day,
                    starts_at=opportunity.starts_at,
                    ends_at=opportunity.ends_at,
                )
                for opportunity, row in zip(made, planned, strict=True)
                for day in row["dates"]
            ],
            batch_size=1000,
        )
        sessions_of: dict[int, list[Session]] = {}
        for session in sessions:
            sessions_of.setdefault(session.opportunity_id, []).append(session)

        enrolments, plans = [], []
        for opportunity, row in zip(made, planned, strict=True):
            dates = row["dates"]
            for pk in row["people"]:
                # Those still in the group today kept coming; of the others, one in five stopped after a few weeks.
                drifts = pk not in row["stayed"] and rng.random() < DRIFT_SHARE
                stop = rng.randint(2, min(12, len(dates) - 2)) if drifts else None
                joined = _aware(dates[0] - timedelta(days=rng.randint(5, 30)), time(rng.randint(8, 21)))
                enrolments.append(
                    Enrolment(
                        young_person_id=pk,
                        opportunity=opportunity,
                        status=Enrolment.Status.WITHDRAWN if drifts else Enrolment.Status.ENROLLED,
                        created_at=joined,
                        updated_at=joined,
                    )
                )
                plans.append((opportunity, pk, joined, stop, rng.uniform(0.7, 0.96)))
        created = Enrolment._meta.get_field("created_at")
        with _keeping_dates(created, EnrolmentEvent._meta.get_field("at")):
            saved = Enrolment.objects.bulk_create(enrolments, batch_size=1000)
            events = []
            for enrolment, (opportunity, _pk, joined, stop, _habit) in zip(saved, plans, strict=True):
                events.append(EnrolmentEvent(enrolment=enrolment, at=joined, action="enrolled"))
                if stop is not None:
                    left = sessions_of[opportunity.pk][stop].date + timedelta(days=10)
                    events.append(
                        EnrolmentEvent(
                            enrolment=enrolment,
                            at=_aware(left, time(11)),
                            action="withdrawn",
                            note="Stopped coming (demo history).",
                        )
                    )
            EnrolmentEvent.objects.bulk_create(events, batch_size=1000)

        registers, marks = [], []
        people_of: dict[int, list[tuple]] = {}
        for opportunity, pk, _joined, stop, habit in plans:
            people_of.setdefault(opportunity.pk, []).append((pk, stop, habit))
        leaders = {id(row["opportunity"]): row["leaders"] for row in planned}
        for opportunity, row in zip(made, planned, strict=True):
            taker = (leaders[id(row["opportunity"])] or [None])[0]
            group_sessions = sessions_of[opportunity.pk]
            for index, session in enumerate(group_sessions):
                registers.append(Register(session=session, method=Register.Method.PHONE, taken_by_id=taker))
                at = _aware(session.date, session.starts_at)
                for pk, stop, habit in people_of[opportunity.pk]:
                    if stop is not None and index >= stop:
                        mark = M.ABSENT
                    elif index == len(group_sessions) - 1 or rng.random() < habit:
                        mark = M.LATE if rng.random() < 0.06 else M.PRESENT
                    else:
                        mark = M.ABSENT_WITH_REASON if rng.random() < 0.6 else M.ABSENT
                    if stop is not None and index >= stop + 3:
                        continue  # after three missed weeks they were taken off the register
                    marks.append(
                        Attendance(
                            session=session,
                            young_person_id=pk,
                            mark=mark,
                            reason="Ill" if mark == M.ABSENT_WITH_REASON else "",
                            marked_at=at + timedelta(minutes=rng.randint(0, 25)),
                            marked_by_id=taker,
                        )
                    )
        with _keeping_dates(Register._meta.get_field("created_at")):
            for register in registers:
                register.created_at = register.updated_at = _aware(register.session.date, time(21))
            Register.objects.bulk_create(registers, batch_size=1000)
        Attendance.objects.bulk_create(marks, batch_size=2000)
        return len(made)


@transaction.atomic
def load_demo_history() -> int:
    """The two academic years before this one for the demo's weekly out-of-school groups (idempotent); returns
    the number of past groups made."""
    if Opportunity.objects.filter(slug__contains=SUFFIX).exists():
        return 0
    groups = _groups()
    if not groups:
        return 0
    history = _History(random.Random(SEED), timezone.localdate())  # noqa: S311 -- invented data, seeded
    members: dict[int, list[int]] = {}
    for opportunity_id, pk in (
        Enrolment.objects.filter(opportunity__in=groups, status=Enrolment.Status.ENROLLED)
        .order_by("opportunity_id", "young_person_id")
        .values_list("opportunity_id", "young_person_id")
    ):
        members.setdefault(opportunity_id, []).append(pk)
    through: dict[str, dict[int, list[int]]] = {name: {} for name in ("genres", "instruments", "leaders")}
    for name, model, column in [
        ("genres", Opportunity.genres.through, "genre_id"),
        ("instruments", Opportunity.instruments.through, "instrument_id"),
        ("leaders", Opportunity.leaders.through, "user_id"),
    ]:
        for opportunity_id, pk in (
            model.objects.filter(opportunity__in=groups).order_by("pk").values_list("opportunity_id", column)
        ):
            through[name].setdefault(opportunity_id, []).append(pk)
    for group in groups:
        history.plan(
            group,
            members.get(group.pk, []),
            through["genres"].get(group.pk, []),
            through["instruments"].get(group.pk, []),
            through["leaders"].get(group.pk, []),
        )
    return history.save()
