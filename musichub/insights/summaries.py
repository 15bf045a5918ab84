"""The summaries the dashboard counts from: who took part in each academic year, through which activities, with
their characteristics and whether they kept coming (models.Participation), rebuilt from the records.

Counting participants live means joining millions of attendance marks for every figure; at a city's scale that
takes seconds per figure. So each year is summarised once (a handful of INSERT … SELECT and UPDATE statements
run by the database, no row loaded into Python) and every dashboard figure is then a pass over that year's
rows. A year is rebuilt:

- the first time any figure of it is asked for (`ensure_summaries`, in the request: a small hub takes a second);
- in the background when the dashboard finds it older than settings.INSIGHTS_SUMMARY_MAX_AGE (tasks.py);
- when staff press "Refresh the figures", and by `manage.py refresh_insights` (from cron, after imports).

The page says when the figures were worked out. The rule for taking part is the one in
selectors.participant_ids (docs/insights.md).
"""

import logging
import time as clock
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, TruncDate
from django.utils import timezone

from musichub.core.models import Setting
from musichub.offer.models import Attendance, Enrolment, EnrolmentEvent, WholeClassProgramme
from musichub.offer.wholeclass import ENROLLED_ACTIONS
from musichub.people.models import YoungPerson

from .filters import academic_year_of, period
from .models import Participation, SummaryRefresh

logger = logging.getLogger(__name__)

CAME = Attendance.CAME
TERM = timedelta(weeks=13)
YEAR = timedelta(weeks=52)
DEFAULT_MAX_AGE = timedelta(minutes=30)
# The young person's characteristics copied onto each row.
SNAPSHOT = (
    "school_id",
    "postcode_district",
    "date_of_birth",
    "fsm",
    "send",
    "eal",
    "ethnicity",
    "sex",
    "care_experienced",
    "young_carer",
    "disability",
    "imd_decile",
)


def max_age() -> timedelta:
    return getattr(settings, "INSIGHTS_SUMMARY_MAX_AGE", DEFAULT_MAX_AGE)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def place_began():
    """The day a place began: the later of the day it was asked for and its opportunity's first day."""
    return Greatest(TruncDate("created_at"), F("opportunity__first_date"), output_field=DateField())


def held_a_place() -> Q:
    """An enrolment that holds a place, or held one before it was withdrawn (its history says so)."""
    held_once = EnrolmentEvent.objects.filter(enrolment=OuterRef("pk"), action__in=ENROLLED_ACTIONS)
    return Q(status=Enrolment.Status.ENROLLED) | Q(Q(status=Enrolment.Status.WITHDRAWN) & Exists(held_once))


def _sources(year: int):
    """The ways a young person appears in `year`, as one UNION ALL of (person, partner, kind, setting, took,
    began, came, listed) rows: a place held, a session attended in the year, a whole-class pupil list (took
    part: 1; listed: the programme's first day when it starts in the year); a place that began in the year (for
    retention: a place begun may have been left without coming); and every session attended from the year's
    start on (came: its date, for "still coming")."""
    first, last = period(year)
    no_day = Cast(Value(None), output_field=DateField())  # typed, or PostgreSQL cannot match it to a date
    one, zero = Value(1, output_field=IntegerField()), Value(0, output_field=IntegerField())

    def columns(person, opportunity=None, *, partner=None, kind=None, setting=None):
        return {
            "person": F(person),
            "partner": F(partner or f"{opportunity}partner_id"),
            "kind": F(kind or f"{opportunity}kind_id"),
            "setting": setting or F(f"{opportunity}setting"),
        }

    held = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED,
        created_at__lt=_day_start(last + timedelta(days=1)),
        opportunity__first_date__lte=last,
        opportunity__last_date__gte=first,
    ).values(
        **columns("young_person_id", "opportunity__"), took=one, began=no_day, came=no_day, listed=no_day
    )
    came = Attendance.objects.filter(mark__in=CAME, session__date__gte=first).values(
        **columns("young_person_id", "session__opportunity__"),
        took=Case(When(session__date__lte=last, then=one), default=zero),
        began=no_day,
        came=F("session__date"),
        listed=no_day,
    )
    listed = WholeClassProgramme.pupil_list.through.objects.filter(
        wholeclassprogramme__starts_on__lte=last, wholeclassprogramme__ends_on__gte=first
    ).values(
        **columns(
            "youngperson_id",
            partner="wholeclassprogramme__partner_id",
            kind="wholeclassprogramme__opportunity__kind_id",
            setting=Value(Setting.IN_SCHOOL, output_field=CharField()),
        ),
        took=one,
        began=no_day,
        came=no_day,
        # Continuation follows the pupils of programmes starting in the year (offer.wholeclass.annual_figures).
        listed=Case(
            When(wholeclassprogramme__starts_on__gte=first, then=F("wholeclassprogramme__starts_on")),
            default=no_day,
            output_field=DateField(),
        ),
    )
    begun = (
        Enrolment.objects.filter(held_a_place())
        .alias(day=place_began())
        .filter(day__range=(first, last))
        .values(
            **columns("young_person_id", "opportunity__"),
            took=zero,
            began=place_began(),
            came=no_day,
            listed=no_day,
        )
    )
    return held.order_by().union(came.order_by(), listed.order_by(), begun.order_by(), all=True)


def _went_on(year: int):
    """Places that show a pupil on a whole-class list went on (offer.wholeclass's rule): an enrolment of theirs
    asked for on or after the programme's first day, enrolled now or enrolled once, on another activity than
    the in-school opportunity of a programme starting in the year that lists them."""
    first, last = period(year)
    own_class = WholeClassProgramme.objects.filter(
        opportunity=OuterRef("opportunity"),
        pupil_list=OuterRef("young_person"),
        starts_on__range=(first, last),
    )
    held_once = EnrolmentEvent.objects.filter(enrolment=OuterRef("pk"), action__in=ENROLLED_ACTIONS)
    return (
        Enrolment.objects.filter(young_person=OuterRef("young_person_id"))
        .alias(asked_on=TruncDate("created_at"))
        .filter(asked_on__gte=OuterRef("listed_on"))
        .filter(Q(status=Enrolment.Status.ENROLLED) | Q(Exists(held_once)))
        .exclude(Exists(own_class))
    )


def _execute(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refresh_year(year: int) -> int:
    """Rebuild the summaries of academic year `year` in one transaction: two INSERT … SELECT (the rows by
    activity from the records, then one row per young person from those) and two UPDATE (whether they kept
    coming). Returns the number of rows."""
    started = clock.perf_counter()
    quote = connection.ops.quote_name
    summary = quote(Participation._meta.db_table)
    people = quote(YoungPerson._meta.db_table)
    fixed = ["year", "young_person_id", "every_activity", "partner_id", "kind_id", "setting", "took_part"]
    names = [*fixed, "began", "last_came", "listed_on", "kept_term", "kept_year", "continued", *SNAPSHOT]
    columns = ", ".join(quote(name) for name in names)
    union_sql, union_params = _sources(year).query.sql_with_params()
    snapshot = {alias: ", ".join(f"{alias}.{quote(column)}" for column in SNAPSHOT) for alias in ("yp", "p")}
    with transaction.atomic():
        Participation.objects.filter(year=year).delete()
        # Table and column names come from the models; every value is a parameter.
        by_activity = _execute(
            f"INSERT INTO {summary} ({columns}) "  # noqa: S608
            "SELECT %s, u.person, %s, u.partner, u.kind, u.setting, MAX(u.took) = 1, MIN(u.began), MAX(u.came), "
            f"MIN(u.listed), %s, %s, %s, {snapshot['yp']} "
            f"FROM ({union_sql}) u JOIN {people} yp ON yp.{quote('id')} = u.person "
            f"GROUP BY u.person, u.partner, u.kind, u.setting, {snapshot['yp']} "
            "HAVING MAX(u.took) = 1 OR MIN(u.began) IS NOT NULL",
            [year, False, False, False, False, *union_params],
        )
        every = _execute(
            f"INSERT INTO {summary} ({columns}) "  # noqa: S608
            "SELECT %s, p.young_person_id, %s, NULL, NULL, '', MAX(CASE WHEN p.took_part THEN 1 ELSE 0 END) = 1, "
            f"MIN(p.began), MAX(p.last_came), MIN(p.listed_on), %s, %s, %s, {snapshot['p']} "
            f"FROM {summary} p WHERE p.year = %s AND NOT p.every_activity "
            f"GROUP BY p.young_person_id, {snapshot['p']}",
            [year, True, False, False, False, year],
        )
        # Still coming: the last session they came to is 13 (52) weeks or more after their place began.
        gap = ExpressionWrapper(F("last_came") - F("began"), output_field=DurationField())
        begun = Participation.objects.filter(year=year, began__isnull=False, last_came__isnull=False).alias(
            gap=gap
        )
        begun.filter(gap__gte=TERM).update(kept_term=True)
        begun.filter(gap__gte=YEAR).update(kept_year=True)
        listed = Participation.objects.filter(year=year, listed_on__isnull=False)
        listed.filter(Exists(_went_on(year))).update(continued=True)
        seconds = round(clock.perf_counter() - started, 2)
        SummaryRefresh.objects.update_or_create(
            year=year,
            defaults={"refreshed_at": timezone.now(), "rows": by_activity + every, "seconds": seconds},
        )
    logger.info("insights summaries of %s rebuilt: %s rows in %s s", year, by_activity + every, seconds)
    return by_activity + every


def refresh(years) -> dict[int, int]:
    """Rebuild the summaries of each of `years`; returns rows by year."""
    return {year: refresh_year(year) for year in sorted(set(years))}


def ensure_summaries(years) -> dict[int, datetime]:
    """Make sure each of `years` has summaries (building the missing ones now, in the request), and ask for a
    background rebuild of the recent ones (this academic year and the last) older than
    INSIGHTS_SUMMARY_MAX_AGE; older years change rarely and are rebuilt on request. Returns when each year was
    last rebuilt. One query when they are all there."""
    years = sorted(set(years))
    found = dict(
        SummaryRefresh.objects.filter(year__in=years, refreshed_at__isnull=False).values_list(
            "year", "refreshed_at"
        )
    )
    missing = [year for year in years if year not in found]
    for year in missing:
        refresh_year(year)
    if missing:
        found = dict(SummaryRefresh.objects.filter(year__in=years).values_list("year", "refreshed_at"))
    recent = academic_year_of(timezone.localdate()) - 1
    stale = [year for year, at in found.items() if year >= recent and at < timezone.now() - max_age()]
    if stale:
        request_refresh(stale)
    return found


def request_refresh(years) -> list[int]:
    """Ask for a background rebuild of `years`, unless one is already waiting; returns the years asked for."""
    from .tasks import refresh_summaries_task

    now = timezone.now()
    waiting = Q(requested_at__isnull=False) & (
        Q(refreshed_at__isnull=True) | Q(requested_at__gt=F("refreshed_at"))
    )
    asked = sorted(
        set(years)
        - set(SummaryRefresh.objects.filter(waiting, year__in=years).values_list("year", flat=True))
    )
    if asked:
        for year in asked:
            SummaryRefresh.objects.update_or_create(year=year, defaults={"requested_at": now})
        transaction.on_commit(lambda: refresh_summaries_task.enqueue(asked))
    return asked
