"""The inclusion dashboard's figures: one function per section, each `(filters) -> dict` of plain data.

Every figure is computed by the database in a few aggregate queries (conditional counts with `filter=`, EXISTS,
grouped counts); no row of a young person is ever loaded into Python. Python only merges a handful of
aggregated rows (one per genre, per year group, per school) and computes ratios. Figures that count young people
are counted from the yearly summaries (models.Participation, kept by summaries.py: counting them live from tens
of millions of register marks would take seconds per figure); each section first makes sure its years'
summaries exist (summaries.ensure_summaries).

Who takes part ("participants", docs/insights.md): a young person takes part in an academic year when, in that
year, they hold a place (an enrolment that is enrolled, created by the year's end, on an opportunity running
in the year), or came to a session (a present or late mark), or were on the pupil list of a whole-class
programme running in the year. The filters' kind of activity, setting and partner choose among those
activities; home area, age and characteristic choose among the young people.

`suppressed=True` gives the same figures made safe to share (the partner slice, the report, the public page):
counts of 1 to 4 become "fewer than 5" (with secondary suppression where a total would give them away, as in
musichub.core.privacy) and no percentage or index is given on a base under 10.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Genre, InclusionAim, Setting
from musichub.core.privacy import (
    FEWER_THAN_5,
    MIN_BASE_FOR_PERCENTAGE,
    is_small,
    percentage_or_none,
    suppress_count,
    suppress_series,
)
from musichub.offer.models import (
    Attendance,
    Enrolment,
    FollowUp,
    Opportunity,
    WholeClassProgramme,
)
from musichub.offer.wholeclass import AGE_AT_START, year_group_order
from musichub.people.choices import NOT_KNOWN, PREFER_NOT, Characteristic, EthnicGroup, YearGroup
from musichub.people.models import NamedBarrier, PopulationFigure, School, SupportRequest, YoungPerson
from musichub.voice import selectors as voice
from musichub.voice.models import Post

from .filters import CHARACTERISTIC_FILTERS, TREND_YEARS, InsightFilters, academic_year_of, period, year_label
from .models import Indicator, Learning, Participation
from .summaries import TERM, YEAR, ensure_summaries

CAME = Attendance.CAME
UNKNOWN = (NOT_KNOWN, PREFER_NOT)
# Opportunities that did not happen (never published, or called off) offer no places.
LIVE = [Opportunity.Status.PUBLISHED, Opportunity.Status.FULL, Opportunity.Status.FINISHED]
NOT_ENOUGH_DATA = _("not enough data")
TOO_SOON = _("too soon to tell")


# ---- Periods and filters as conditions ---------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _activity(filters: InsightFilters, to_opportunity: str) -> Q:
    """The filters' kind, setting and partner as a condition, given the path to the opportunity."""
    condition = Q()
    if filters.kind is not None:
        condition &= Q(**{f"{to_opportunity}kind": filters.kind})
    if filters.setting:
        condition &= Q(**{f"{to_opportunity}setting": filters.setting})
    if filters.partner is not None:
        condition &= Q(**{f"{to_opportunity}partner": filters.partner})
    return condition


def _people(filters: InsightFilters, to_person: str = "", year: int | None = None) -> Q:
    """The filters' home area, age (on 31 August before the year starts) and characteristic, given the path
    to the young person."""
    year = filters.year if year is None else year
    condition = Q()
    if filters.area:
        condition &= Q(**{f"{to_person}postcode_district": filters.area})
    if filters.min_age is not None:
        condition &= Q(**{f"{to_person}date_of_birth__lte": date(year - filters.min_age, 8, 31)})
    if filters.max_age is not None:
        condition &= Q(**{f"{to_person}date_of_birth__gt": date(year - filters.max_age - 1, 8, 31)})
    if filters.characteristic:
        condition &= CHARACTERISTIC_FILTERS[filters.characteristic][1](to_person)
    return condition


def _programmes_in(filters: InsightFilters, year: int, to_programme: str = "") -> Q | None:
    """Whole-class programmes running in `year` that match the filters; None when the filters rule out all
    whole-class teaching (it is always in school)."""
    if filters.setting and filters.setting != Setting.IN_SCHOOL:
        return None
    first, last = period(year)
    condition = Q(**{f"{to_programme}starts_on__lte": last, f"{to_programme}ends_on__gte": first})
    if filters.kind is not None:
        condition &= Q(**{f"{to_programme}opportunity__kind": filters.kind})
    if filters.partner is not None:
        condition &= Q(**{f"{to_programme}partner": filters.partner})
    return condition


def participant_ids(filters: InsightFilters, year: int | None = None):
    """The rule for taking part, counted live from the records: the ids of the young people taking part in
    `year` (the filters' year by default) through the filters' activities, as one UNION of small id sets (places
    held, sessions attended, whole-class pupil lists). The dashboard counts from the summaries that
    summaries.refresh_year keeps of the same rule (the tests check the two agree); this is for checking them and
    for one-off questions."""
    year = filters.year if year is None else year
    first, last = period(year)
    held = (
        Enrolment.objects.filter(
            _activity(filters, "opportunity__"),
            status=Enrolment.Status.ENROLLED,
            created_at__lt=_day_start(last + timedelta(days=1)),
            opportunity__first_date__lte=last,
            opportunity__last_date__gte=first,
        )
        .order_by()
        .values("young_person_id")
    )
    came = (
        Attendance.objects.filter(
            _activity(filters, "session__opportunity__"), mark__in=CAME, session__date__range=(first, last)
        )
        .order_by()
        .values("young_person_id")
    )
    parts = [came]
    listed_in = _programmes_in(filters, year, "wholeclassprogramme__")
    if listed_in is not None:
        listed = WholeClassProgramme.pupil_list.through.objects.filter(listed_in)
        parts.append(listed.order_by().values("youngperson_id"))
    return held.union(*parts)


def summary_rows(filters: InsightFilters, year: int | None = None) -> QuerySet[Participation]:
    """The summary rows (models.Participation) answering the filters in `year` (the filters' year by default):
    each young person's every-activity row, or with a kind, setting or partner chosen the rows of those
    activities (then a young person may have several: count them with `distinct_people`). Limited by the
    filters' area, age and characteristic, read from the rows' copy of the young person's characteristics."""
    year = filters.year if year is None else year
    rows = Participation.objects.filter(year=year)
    if filters.activity_filtered:
        rows = rows.filter(_activity(filters, ""), every_activity=False)
    else:
        rows = rows.filter(every_activity=True)
    return rows.filter(_people(filters, year=year))


def distinct_people(filters: InsightFilters) -> bool:
    """Whether counting summary rows needs DISTINCT young people (one row each without an activity filter)."""
    return filters.activity_filtered


def people_counter(filters: InsightFilters):
    """How to count young people among summary rows: COUNT(DISTINCT young person) with an activity filter
    (a young person may have a row per activity), else a count of rows (one row each). Returns a function of
    the count's filter (None for every row)."""
    if distinct_people(filters):
        return lambda condition=None: Count("young_person_id", filter=condition, distinct=True)
    return lambda condition=None: Count("pk", filter=condition)


def participants(filters: InsightFilters, year: int | None = None) -> QuerySet[YoungPerson]:
    """The young people taking part in `year` through the filters' activities, limited by the filters' area,
    age and characteristic (from the summaries: see participant_ids for the rule, summaries.py for how it is
    kept). Erased (anonymised) records still count: reports do not change retroactively."""
    ensure_summaries([filters.year if year is None else year])
    return YoungPerson.objects.filter(
        pk__in=summary_rows(filters, year).filter(took_part=True).values("young_person_id")
    )


# ---- Small-number suppression of the figures ---------------------------------------------------------------


def _percent(part: int, base: int) -> float | None:
    return round(100 * part / base, 1) if base else None


def representation_index(count: int, known: int, in_population: int, population_base: int) -> float | None:
    """Share among participants (of those whose answer is known) ÷ share in the population, to 2 decimal
    places; None when either share cannot be worked out (an empty base, or nobody in the population)."""
    if not known or not population_base or not in_population:
        return None
    return round((count / known) / (in_population / population_base), 2)


def shown_count(count: int, suppressed: bool):
    """A count as shown: itself on the staff dashboard; "fewer than 5" for 1 to 4 when suppressed."""
    return suppress_count(count) if suppressed else count


def shown_percent(part: int, base: int, suppressed: bool) -> float | None:
    """A percentage as shown: None (shown as "not enough data") on an empty base, and when suppressed also on
    a base under 10 or a part of 1 to 4."""
    if suppressed and (base < MIN_BASE_FOR_PERCENTAGE or is_small(part)):
        return None
    return _percent(part, base)


# ---- Reach against the city ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One group of young people compared with the city: who they are, and the population figures for it."""

    value: str
    label: str
    condition: Q
    population: tuple[str, str] | None = None  # (characteristic, value) in PopulationFigure


@dataclass(frozen=True)
class ReachCharacteristic:
    key: str
    label: str
    known: Q  # young people whose answer is known
    groups: list[Group]
    # PopulationFigure rows that make the population base: ("all", "") or a characteristic's known values.
    population_base: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_population(self) -> bool:
        return bool(self.population_base)


def _yes_no(key: str, label: str, population: str | None) -> ReachCharacteristic:
    return ReachCharacteristic(
        key=key,
        label=label,
        known=Q(**{f"{key}__in": ["yes", "no"]}),
        groups=[Group("yes", label, Q(**{key: "yes"}), (population, "") if population else None)],
        population_base=[(Characteristic.ALL, "")] if population else [],
    )


KNOWN_ETHNIC_GROUPS = [value for value in EthnicGroup.values if value not in UNKNOWN]

REACH_CHARACTERISTICS: list[ReachCharacteristic] = [
    _yes_no("fsm", _("Free school meals or Pupil Premium"), Characteristic.FSM),
    ReachCharacteristic(
        key="send",
        label=_("Special educational needs"),
        known=Q(send__in=["none", "sen_support", "ehcp"]),
        groups=[
            Group("sen_support", _("SEN support"), Q(send="sen_support"), (Characteristic.SEN_SUPPORT, "")),
            Group("ehcp", _("EHCP"), Q(send="ehcp"), (Characteristic.EHCP, "")),
        ],
        population_base=[(Characteristic.ALL, "")],
    ),
    _yes_no("eal", _("English as an additional language"), Characteristic.EAL),
    ReachCharacteristic(
        key="ethnic_group",
        label=_("Ethnic group"),
        known=~Q(ethnicity__in=UNKNOWN),
        groups=[
            Group(
                value,
                EthnicGroup(value).label,
                Q(ethnicity__startswith=f"{value}_"),
                (Characteristic.ETHNIC_GROUP, value),
            )
            for value in KNOWN_ETHNIC_GROUPS
        ],
        population_base=[(Characteristic.ETHNIC_GROUP, value) for value in KNOWN_ETHNIC_GROUPS],
    ),
    ReachCharacteristic(
        key="sex",
        label=_("Sex"),
        known=Q(sex__in=["female", "male"]),
        groups=[
            Group("female", _("Female"), Q(sex="female"), (Characteristic.SEX, "female")),
            Group("male", _("Male"), Q(sex="male"), (Characteristic.SEX, "male")),
        ],
        population_base=[(Characteristic.SEX, "female"), (Characteristic.SEX, "male")],
    ),
    _yes_no("care_experienced", _("Care-experienced"), None),
    ReachCharacteristic(
        key="imd_decile",
        label=_("Deprivation decile of home area (1 is the most deprived)"),
        known=Q(imd_decile__isnull=False),
        groups=[Group(str(n), format_lazy(_("Decile {n}"), n=n), Q(imd_decile=n)) for n in range(1, 11)],
    ),
]


def _population_as_of(year: int):
    """The census date the population figures for `year` come from: the latest on or before the year's last
    day, else the earliest there is (as a subquery, so it costs no query of its own)."""
    last = period(year)[1]
    before = PopulationFigure.objects.filter(as_of__lte=last).order_by("-as_of").values("as_of")[:1]
    earliest = PopulationFigure.objects.order_by("as_of").values("as_of")[:1]
    return Coalesce(Subquery(before), Subquery(earliest), output_field=DateField())


def _year_groups(filters: InsightFilters) -> list[str] | None:
    """The year groups whose pupils are of the filters' ages (on 31 August), or None for all."""
    if filters.min_age is None and filters.max_age is None:
        return None
    low = filters.min_age if filters.min_age is not None else 0
    high = filters.max_age if filters.max_age is not None else 99
    return [group for group, age in AGE_AT_START.items() if low <= age <= high]


def population(filters: InsightFilters) -> QuerySet[PopulationFigure]:
    """The city's pupil population figures that match the filters: the census for the year, the year groups of
    the filters' ages, schools in the filters' postcode district."""
    figures = PopulationFigure.objects.filter(as_of=_population_as_of(filters.year))
    groups = _year_groups(filters)
    if groups is not None:
        figures = figures.filter(year_group__in=groups)
    if filters.area:
        figures = figures.filter(school__postcode__istartswith=f"{filters.area} ")
    return figures


def _population_key(characteristic: str, value: str) -> str:
    return f"pop_{characteristic}_{value or 'x'}"


def _reach_counts(filters: InsightFilters) -> tuple[dict, dict, dict]:
    """Two queries: participants by characteristic and by school in one pass over the summary (every count
    grouped by school, then added up: a young person has one school in a year's summary, so the schools' counts
    add up to the year's even when counting distinct young people), and the population."""
    count = people_counter(filters)
    counts = {"total": count()}
    for char in REACH_CHARACTERISTICS:
        counts[f"{char.key}__known"] = count(char.known)
        for group in char.groups:
            counts[f"{char.key}__{group.value}"] = count(group.condition)
    by_school = list(
        summary_rows(filters).filter(took_part=True).values("school_id").annotate(**counts).order_by()
    )
    # Adding up a few thousand grouped rows of counts (one per school), not the young people's rows.
    people = {key: sum(row[key] for row in by_school) for key in counts}
    at_school = {row["school_id"]: row["total"] for row in by_school if row["school_id"] is not None}
    people["school__known"] = sum(at_school.values())

    wanted = {(Characteristic.ALL, "")}
    for char in REACH_CHARACTERISTICS:
        wanted.update(char.population_base)
        wanted.update(group.population for group in char.groups if group.population)
    sums = {
        _population_key(characteristic, value): Coalesce(
            Sum("pupils", filter=Q(characteristic=characteristic, value=value)), 0
        )
        for characteristic, value in wanted
    }
    pupils = population(filters).aggregate(as_of=Max("as_of"), **sums)
    return people, pupils, at_school


def _reach_row(char: ReachCharacteristic, group: Group, people: dict, pupils: dict, compare: bool) -> dict:
    count = people[f"{char.key}__{group.value}"]
    known = people[f"{char.key}__known"]
    row = {
        "characteristic": char.key,
        "characteristic_label": char.label,
        "value": group.value,
        "label": group.label,
        "full_label": group.label if len(char.groups) == 1 else f"{char.label}: {group.label}",
        "participants": count,
        "known": known,
        "share": _percent(count, known),
        "population": None,
        "population_base": None,
        "population_share": None,
        "index": None,
    }
    if compare and group.population:
        base = sum(pupils[_population_key(*key)] for key in char.population_base)
        in_group = pupils[_population_key(*group.population)]
        row.update(population=in_group, population_base=base, population_share=_percent(in_group, base))
        row["index"] = representation_index(count, known, in_group, base)
    return row


def _by_index(row: dict):
    """Sort key: the furthest under-represented first, rows without an index last."""
    return (row["index"] is None, row["index"] if row["index"] is not None else 0, row["label"])


def _school_rows(filters: InsightFilters, at_school: dict, known: int, compare: bool) -> list[dict]:
    """Participants at each school (counted by _reach_counts) against its pupils: one grouped query of the
    census, merged by school."""
    on_roll = (
        population(filters)
        .filter(characteristic=Characteristic.ALL)
        .values("school_id", "school__name")
        .annotate(pupils=Sum("pupils"))
        .order_by()
    )
    pupils_by_school = {row["school_id"]: row for row in on_roll}
    total_pupils = sum(row["pupils"] for row in pupils_by_school.values())
    names = {}
    missing = set(at_school) - set(pupils_by_school)
    if missing:
        names = dict(School.objects.filter(pk__in=missing).values_list("pk", "name"))
    rows = []
    for school_id in set(at_school) | set(pupils_by_school):
        count = at_school.get(school_id, 0)
        figures = pupils_by_school.get(school_id)
        row = {
            "characteristic": "school",
            "characteristic_label": _("School"),
            "value": str(school_id),
            "label": figures["school__name"] if figures else names.get(school_id, ""),
            "full_label": figures["school__name"] if figures else names.get(school_id, ""),
            "participants": count,
            "known": known,
            "share": _percent(count, known),
            "population": None,
            "population_base": None,
            "population_share": None,
            "index": None,
        }
        if compare and figures and total_pupils:
            row.update(
                population=figures["pupils"],
                population_base=total_pupils,
                population_share=_percent(figures["pupils"], total_pupils),
            )
            row["index"] = representation_index(count, known, figures["pupils"], total_pupils)
        rows.append(row)
    rows.sort(key=_by_index)
    return rows


def reach_section(filters: InsightFilters, *, suppressed: bool = False) -> dict:
    """Reach against the city: for each characteristic, participants' share (among those whose answer is
    known) against the city's pupil population, and the representation index (share among participants ÷
    share in the population: 1 is the same as the city, under 1 under-represented). Four queries: the
    summaries' date, participants by characteristic and school, the census, pupils by school."""
    ensure_summaries([filters.year])
    people, pupils, at_school = _reach_counts(filters)
    # With a characteristic chosen, every participant has it: the population is not broken down by two
    # characteristics at once, so there is nothing fair to compare with.
    compare = not filters.characteristic and pupils["as_of"] is not None
    characteristics = []
    for char in REACH_CHARACTERISTICS:
        rows = [_reach_row(char, group, people, pupils, compare) for group in char.groups]
        if compare and char.has_population:
            rows.sort(key=_by_index)
        known = people[f"{char.key}__known"]
        characteristics.append(
            {
                "key": char.key,
                "label": char.label,
                "has_population": compare and char.has_population,
                "known": known,
                "not_known": people["total"] - known,
                "rows": rows,
            }
        )
    schools = _school_rows(filters, at_school, people["school__known"], compare)
    characteristics.append(
        {
            "key": "school",
            "label": _("School"),
            "has_population": compare,
            "known": people["school__known"],
            "not_known": people["total"] - people["school__known"],
            "rows": schools,
        }
    )
    section = {
        "year": filters.year,
        "year_label": year_label(filters.year),
        "participants": people["total"],
        "population_as_of": pupils["as_of"],
        "population_pupils": pupils[_population_key(Characteristic.ALL, "")],
        "compared": compare,
        "characteristic_filtered": bool(filters.characteristic),
        "characteristics": characteristics,
        "suppressed": suppressed,
    }
    if suppressed:
        _suppress_reach(section)
    section["gaps"] = sorted(
        (
            row
            for char in section["characteristics"]
            if char["key"] != "school"
            for row in char["rows"]
            if row["index"] is not None
        ),
        key=_by_index,
    )
    section["has_data"] = people["total"] > 0
    return section


def _suppress_reach(section: dict) -> None:
    """Make the reach figures safe to share, in place. Within a characteristic, the groups shown, the rest
    and those not known add up to the total shown, so they are suppressed together (secondary suppression);
    a share or index is given only where its count is shown and its base is 10 or more."""
    total = section["participants"]
    for char in section["characteristics"]:
        counts = [row["participants"] for row in char["rows"]]
        rest = max(char["known"] - sum(counts), 0)
        shown = suppress_series([*counts, rest, char["not_known"]])
        for row, count in zip(char["rows"], shown, strict=False):
            hidden = count != row["participants"] or char["known"] < MIN_BASE_FOR_PERCENTAGE
            row["participants"] = count
            if hidden:
                row["share"] = row["index"] = None
            row["known"] = shown_count(row["known"], True)
        char["not_known"] = shown[-1]
        char["known"] = shown_count(char["known"], True)
    section["participants"] = shown_count(total, True)
    if total < MIN_BASE_FOR_PERCENTAGE:
        for char in section["characteristics"]:
            for row in char["rows"]:
                row["share"] = row["index"] = None


# ---- Schools ------------------------------------------------------------------------------------------------


def _school_activity(filters: InsightFilters, year: int) -> dict:
    """Conditions on School for each way a school takes part in `year`, each `pk IN (school ids)`: the database
    hashes each set of ids once (an EXISTS per school probed the summaries once per school)."""
    first, last = period(year)
    routes = {}
    in_year = _programmes_in(filters, year)
    if in_year is not None:
        routes["whole_class"] = Q(pk__in=WholeClassProgramme.objects.filter(in_year).values("school_id"))
    if filters.setting in ("", Setting.IN_SCHOOL):
        in_school = Opportunity.schools.through.objects.filter(
            _activity(filters, "opportunity__"),
            opportunity__setting=Setting.IN_SCHOOL,
            opportunity__status__in=LIVE,
            opportunity__first_date__lte=last,
            opportunity__last_date__gte=first,
        )
        routes["in_school"] = Q(pk__in=in_school.values("school_id"))
    took_part = summary_rows(filters, year).filter(took_part=True, school__isnull=False)
    routes["pupils"] = Q(pk__in=took_part.values("school_id"))
    return routes


def schools_with_activity(filters: InsightFilters, year: int | None = None) -> QuerySet[School]:
    """The city's open schools, each annotated with how it took part in `year` (whole_class, in_school,
    pupils: booleans) and `active` (any of them)."""
    year = filters.year if year is None else year
    ensure_summaries([year])
    routes = _school_activity(filters, year)
    active = Q()
    for condition in routes.values():
        active |= condition
    return School.objects.filter(is_open=True).annotate(
        **{
            name: ExpressionWrapper(condition, output_field=BooleanField())
            for name, condition in routes.items()
        },
        active=ExpressionWrapper(active, output_field=BooleanField()),
    )


def schools_without_activity(filters: InsightFilters) -> QuerySet[School]:
    """Open schools with no hub activity in the year: the list the hub can act on, the schools with most pupils
    on free school meals first (then by name). For a paginated page."""
    return (
        schools_with_activity(filters)
        .filter(active=False)
        .only("pk", "name", "phase", "postcode", "number_of_pupils", "percentage_fsm")
        .order_by(F("percentage_fsm").desc(nulls_last=True), "name", "pk")
    )


def whole_class_coverage(filters: InsightFilters) -> QuerySet:
    """Whole-class teaching in the year by school and year group: classes, pupils taught and the pupils on
    roll in that year group (population census), for a paginated page."""
    in_year = _programmes_in(filters, filters.year)
    if in_year is None:
        return WholeClassProgramme.objects.none().values("school_id")
    on_roll = (
        PopulationFigure.objects.filter(
            as_of=_population_as_of(filters.year),
            characteristic=Characteristic.ALL,
            school=OuterRef("school_id"),
            year_group=OuterRef("year_group"),
        )
        .order_by()
        .values("school")
        .annotate(n=Sum("pupils"))
        .values("n")
    )
    return (
        WholeClassProgramme.objects.filter(in_year)
        .values("school_id", "school__name", "year_group")
        .annotate(
            programmes=Count("pk"),
            pupils=Sum("pupils"),
            on_roll=Subquery(on_roll),
            year_group_label=Case(
                *[When(year_group=value, then=Value(str(label))) for value, label in YearGroup.choices],
                default=F("year_group"),
                output_field=CharField(),
            ),
        )
        .order_by("school__name", "school_id", year_group_order())
    )


def schools_section(filters: InsightFilters, *, suppressed: bool = False) -> dict:
    """The city's schools and the hub: share of open schools with any activity in the year (and by which
    route), whole-class coverage by year group against pupils on roll, and continuation after whole-class
    teaching (offer.wholeclass's rule, from the summaries). Five queries with the summaries' date."""
    ensure_summaries([filters.year])
    # Open schools counted by which routes they took part through (at most eight groups, added up here): each
    # route's set of school ids is worked out once, not once for its own count and again for "any".
    routes = _school_activity(filters, filters.year)
    combinations = (
        School.objects.filter(is_open=True)
        .annotate(
            **{
                name: ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in routes.items()
            }
        )
        .values(*routes)
        .annotate(n=Count("pk"))
        .order_by()
    )
    engaged = {"total": 0, "active": 0} | {f"{name}_count": 0 for name in routes}
    for combination in combinations:
        engaged["total"] += combination["n"]
        engaged["active"] += combination["n"] if any(combination[name] for name in routes) else 0
        for name in routes:
            engaged[f"{name}_count"] += combination["n"] if combination[name] else 0

    # Whole-class coverage by year group: classes and pupils taught against pupils on roll across the city.
    in_year = _programmes_in(filters, filters.year)
    labels = dict(YearGroup.choices)
    coverage = []
    if in_year is not None:
        taught = {
            row["year_group"]: row
            for row in WholeClassProgramme.objects.filter(in_year)
            .values("year_group")
            .annotate(schools=Count("school", distinct=True), classes=Count("pk"), pupils=Sum("pupils"))
            .order_by()
        }
        on_roll = dict(
            population(filters)
            .filter(characteristic=Characteristic.ALL, year_group__in=list(taught))
            .values_list("year_group")
            .annotate(n=Sum("pupils"))
            .order_by()
            .values_list("year_group", "n")
        )
        for group in YearGroup.values:
            if group in taught:
                row = taught[group]
                coverage.append(
                    {
                        "year_group": group,
                        "label": str(labels[group]),
                        "schools": row["schools"],
                        "classes": row["classes"],
                        "pupils": row["pupils"],
                        "on_roll": on_roll.get(group),
                        "coverage": _percent(row["pupils"], on_roll[group]) if on_roll.get(group) else None,
                    }
                )
    continuation = _continuation_trend(filters, [filters.year])
    listed, continued = continuation["listed"][0], continuation["continued"][0]
    total, active_count = engaged["total"], engaged["active"]
    return {
        "year": filters.year,
        "year_label": year_label(filters.year),
        "open_schools": total,
        "active": active_count,
        "active_share": _percent(active_count, total),
        "without_activity": total - active_count,
        "by_route": {name: engaged[f"{name}_count"] for name in routes},
        "coverage": coverage,
        "whole_class_programmes": sum(row["classes"] for row in coverage),
        "whole_class_pupils": sum(row["pupils"] for row in coverage),
        "listed": shown_count(listed, suppressed),
        "continued": shown_count(continued, suppressed),
        "continuation": shown_percent(continued, listed, suppressed),
        "has_data": total > 0,
        "suppressed": suppressed,
    }


# ---- Tastes and barriers ------------------------------------------------------------------------------------


def _whose(filters: InsightFilters, to_person: str) -> Q:
    """Whose tastes and barriers count, as a condition on a model pointing at a young person (`to_person`:
    "young_person" or "youngperson"): with an activity filter (a partner's slice, a kind, a setting), the
    participants in those activities; else everyone, limited by the filters' area, age and characteristic."""
    if filters.activity_filtered:
        return Q(
            **{f"{to_person}_id__in": summary_rows(filters).filter(took_part=True).values("young_person_id")}
        )
    return _people(filters, f"{to_person}__")


def tastes_section(filters: InsightFilters, *, suppressed: bool = False) -> dict:
    """What young people ask for against what the hub offers: for each genre, young people who love it
    (their musical identity), young people waiting for a place on an opportunity with it, voices tagged with
    it, and the places offered in it; barriers named against support awarded; why young people stopped
    coming. Five queries (and the summaries' date with an activity filter)."""
    first, last = filters.first_day, filters.last_day
    end = _day_start(last + timedelta(days=1))
    start = _day_start(first)
    if filters.activity_filtered:
        ensure_summaries([filters.year])
    # Young people who love each genre: one pass over the musical identities (of those registered by the end of
    # a past year; everyone registered now for this one).
    fans_of = YoungPerson.genres.through.objects.filter(_whose(filters, "youngperson"))
    if last < timezone.localdate():
        fans_of = fans_of.filter(youngperson__created_at__lt=end)
    fans = dict(
        fans_of.order_by()
        .values_list("genre_id")
        .annotate(n=Count("youngperson_id"))
        .values_list("genre_id", "n")
    )
    # Each figure by genre in one grouped pass (a correlated count per genre read the waiting lists once per
    # genre): young people waiting for a place on an opportunity with the genre, voices tagged with it, and the
    # opportunities running in the year with it and their places.
    waiting = dict(
        Enrolment.objects.filter(
            _activity(filters, "opportunity__"),
            _people(filters, "young_person__"),
            status__in=[Enrolment.Status.WAITING, Enrolment.Status.APPLIED],
            created_at__range=(start, end),
            opportunity__last_date__gte=first,
        )
        .values_list("opportunity__genres")
        .annotate(n=Count("young_person_id", distinct=True))
        .order_by()
        .values_list("opportunity__genres", "n")
    )
    voices = Post.objects.filter(
        received_on__range=(first, last),
        moderation__in=[Post.Moderation.PUBLISHED, Post.Moderation.PENDING],
        genre__isnull=False,
    )
    if filters.activity_filtered:
        voices = voices.filter(_activity(filters, "opportunity__"))
    voiced = dict(voices.values_list("genre").annotate(n=Count("*")).order_by().values_list("genre", "n"))
    offered = {
        row["genres"]: row
        for row in Opportunity.objects.filter(
            _activity(filters, ""), status__in=LIVE, first_date__lte=last, last_date__gte=first
        )
        .values("genres")
        .annotate(
            offered=Count("*"),
            unlimited=Count("pk", filter=Q(capacity__isnull=True)),
            places=Coalesce(Sum("capacity"), 0),
        )
        .order_by()
    }
    nothing = {"offered": 0, "unlimited": 0, "places": 0}
    genres = []
    for pk, name in Genre.objects.values_list("pk", "name"):
        on_offer = offered.get(pk, nothing)
        genres.append(
            {
                "pk": pk,
                "name": name,
                "waiting": waiting.get(pk, 0),
                "voices": voiced.get(pk, 0),
                "offered": on_offer["offered"],
                "unlimited": on_offer["unlimited"],
                "places": on_offer["places"],
            }
        )
    genre_rows = []
    for row in genres:
        row["fans"] = fans.get(row["pk"], 0)
        if any(row[k] for k in ("fans", "waiting", "voices", "offered")):
            genre_rows.append(row)
    for row in genre_rows:
        row["asking"] = row["fans"] + row["waiting"]
        row["per_place"] = round(row["asking"] / row["places"], 1) if row["places"] else None
        if not row["offered"]:
            row["places_note"] = str(_("nothing offered"))
        elif row["per_place"] is None:
            row["places_note"] = str(_("places without a limit"))
        else:
            row["places_note"] = ""
    # The biggest gaps first: asked for and not offered at all, then the most young people per place.
    genre_rows.sort(
        key=lambda r: (
            not (r["asking"] and not r["offered"]),
            -(r["per_place"] or 0),
            -r["asking"],
            r["name"],
        )
    )

    supported = SupportRequest.objects.filter(
        young_person=OuterRef("young_person"), status=SupportRequest.Status.AWARDED, decided_at__lt=end
    )
    named = NamedBarrier.objects.filter(_whose(filters, "young_person"), created_at__range=(start, end))
    barriers = list(
        named.values("barrier__name")
        .annotate(named=Count("pk"), supported=Count("pk", filter=Q(Exists(supported))))
        .order_by("-named", "barrier__name")
    )
    for row in barriers:
        row["label"] = row.pop("barrier__name")
        row["unsupported"] = row["named"] - row["supported"]
        row["share"] = _percent(row["supported"], row["named"])

    support = list(
        SupportRequest.objects.filter(_whose(filters, "young_person"), created_at__range=(start, end))
        .values("kind__name")
        .annotate(
            requested=Count("pk"),
            awarded=Count("pk", filter=Q(status=SupportRequest.Status.AWARDED)),
            declined=Count("pk", filter=Q(status=SupportRequest.Status.DECLINED)),
            waiting=Count("pk", filter=Q(status=SupportRequest.Status.REQUESTED)),
        )
        .order_by("-requested", "kind__name")
    )
    for row in support:
        row["label"] = row.pop("kind__name")

    outcomes = {outcome: Count("pk", filter=Q(outcome=outcome)) for outcome in FollowUp.Outcome.values}
    stopped = list(
        FollowUp.objects.filter(
            _activity(filters, "enrolment__opportunity__"),
            _people(filters, "enrolment__young_person__"),
            created_at__range=(start, end),
        )
        .values("reason__name")
        .annotate(count=Count("pk"), **outcomes)
        .order_by("-count", "reason__name")
    )
    for row in stopped:
        row["label"] = row.pop("reason__name") or _("No reason recorded")

    named_total = sum(row["named"] for row in barriers)
    supported_total = sum(row["supported"] for row in barriers)
    section = {
        "year": filters.year,
        "year_label": year_label(filters.year),
        "barriers_named": shown_count(named_total, suppressed),
        "barriers_supported": shown_count(supported_total, suppressed),
        "barriers_share": shown_percent(supported_total, named_total, suppressed),
        "genres_unoffered": sum(1 for row in genre_rows if row["asking"] and not row["offered"]),
        "genres": genre_rows,
        "barriers": barriers,
        "support": support,
        "dropout_reasons": stopped,
        "dropout_outcomes": [(value, str(label)) for value, label in FollowUp.Outcome.choices],
        "has_data": bool(genre_rows or barriers or support or stopped),
        "suppressed": suppressed,
    }
    if suppressed:
        _suppress_tastes(section)
    return section


def _suppress_column(rows: list[dict], key: str) -> None:
    for row, shown in zip(rows, suppress_series([row[key] for row in rows]), strict=True):
        row[key] = shown


def _suppress_tastes(section: dict) -> None:
    """Counts of young people are suppressed down each column (each column's total can be worked out from
    other tables); places and opportunities are not about young people and stay."""
    for key in ("fans", "waiting", "voices", "asking"):
        _suppress_column(section["genres"], key)
    for row in section["genres"]:
        if row["asking"] == FEWER_THAN_5:
            row["per_place"] = None
    for key in ("named", "supported", "unsupported"):
        _suppress_column(section["barriers"], key)
    for row in section["barriers"]:
        if FEWER_THAN_5 in (row["named"], row["supported"]) or row["named"] < MIN_BASE_FOR_PERCENTAGE:
            row["share"] = None
    for key in ("requested", "awarded", "declined", "waiting"):
        _suppress_column(section["support"], key)
    for key in ("count", *FollowUp.Outcome.values):
        _suppress_column(section["dropout_reasons"], key)


# ---- Retention ----------------------------------------------------------------------------------------------


def _retention_groups() -> list[tuple[str, str, Q]]:
    """The groups retention is shown for: everyone, then each characteristic's groups."""
    groups = [("all", _("Everyone"), Q())]
    for char in REACH_CHARACTERISTICS:
        if char.key == "imd_decile":
            continue
        for group in char.groups:
            label = group.label if len(char.groups) > 1 else char.label
            groups.append((f"{char.key}__{group.value}", label, group.condition))
    groups.append(("deprived_area", CHARACTERISTIC_FILTERS["deprived_area"][0], Q(imd_decile__lte=2)))
    return groups


def retention_section(
    filters: InsightFilters, *, suppressed: bool = False, today: date | None = None
) -> dict:
    """Of the young people whose first place began in the year, the share still coming (a present or late mark
    at a session of the filters' activities) 13 weeks and 52 weeks after it began, by characteristic (from the
    summaries: Participation.began, kept_term, kept_year). Only places that began long enough ago count in
    each base; with an activity filter a young person counts once, as still coming if they kept coming to any
    of those activities. Two queries with the summaries' date."""
    today = today or timezone.localdate()
    ensure_summaries([filters.year])
    places = summary_rows(filters).filter(began__isnull=False)
    count = people_counter(filters)
    term_due = Q(began__lte=today - TERM)
    year_due = Q(began__lte=today - YEAR)
    counts = {}
    groups = _retention_groups()
    for key, _label, condition in groups:
        counts[f"{key}__started"] = count(condition)
        counts[f"{key}__term_base"] = count(condition & term_due)
        counts[f"{key}__term_kept"] = count(condition & term_due & Q(kept_term=True))
        counts[f"{key}__year_base"] = count(condition & year_due)
        counts[f"{key}__year_kept"] = count(condition & year_due & Q(kept_year=True))
    figures = places.aggregate(**counts)
    rows = []
    for key, label, _condition in groups:
        row = {"key": key, "label": label}
        for name in ("started", "term_base", "term_kept", "year_base", "year_kept"):
            row[name] = figures[f"{key}__{name}"]
        row["term_rate"] = shown_percent(row["term_kept"], row["term_base"], suppressed)
        row["year_rate"] = shown_percent(row["year_kept"], row["year_base"], suppressed)
        rows.append(row)
    if suppressed:
        for row in rows:
            for name in ("started", "term_base", "term_kept", "year_base", "year_kept"):
                row[name] = shown_count(row[name], True)
    everyone = rows[0]
    return {
        "year": filters.year,
        "year_label": year_label(filters.year),
        "term_weeks": TERM.days // 7,
        "year_weeks": YEAR.days // 7,
        "rows": [row for row in rows if row["key"] == "all" or figures[f"{row['key']}__started"]],
        "everyone": everyone,
        "has_data": figures["all__started"] > 0,
        "suppressed": suppressed,
    }


# ---- Voice --------------------------------------------------------------------------------------------------


def _voice_share(filters: InsightFilters) -> dict:
    """For each of the voice app's characteristics (voice.selectors.CHARACTERISTICS): the share of voices
    received in the year from young people with it, next to its share among the young people taking part in
    the year across the hub (the summaries, rather than voice's own count of enrolments, which is slow at a
    city's scale). Suppressed as the voice app's figures are. Two queries."""
    first, last = filters.first_day, filters.last_day
    voices = Post.objects.filter(received_on__range=(first, last), young_person__isnull=False).aggregate(
        total=Count("pk"),
        **{
            key: Count("pk", filter=condition("young_person__"))
            for key, _l, condition in voice.CHARACTERISTICS
        },
    )
    people = (
        summary_rows(InsightFilters.for_year(filters.year))
        .filter(took_part=True)
        .aggregate(
            total=Count("young_person_id"),
            **{
                key: Count("young_person_id", filter=condition(""))
                for key, _l, condition in voice.CHARACTERISTICS
            },
        )
    )

    def share(part: int, base: int):
        if is_small(part):
            return suppress_count(part), None
        return part, percentage_or_none(part, base)

    rows = []
    for key, label, _condition in voice.CHARACTERISTICS:
        voice_count, voice_pct = share(voices[key], voices["total"])
        people_count, people_pct = share(people[key], people["total"])
        rows.append(
            {
                "key": key,
                "label": label,
                "voices": voice_count,
                "voices_percentage": voice_pct,
                "participants": people_count,
                "participants_percentage": people_pct,
            }
        )
    return {
        "rows": rows,
        "voices_total": suppress_count(voices["total"]),
        "participants_total": suppress_count(people["total"]),
    }


def voice_section(filters: InsightFilters, *, suppressed: bool = True, today: date | None = None) -> dict:
    """The youth voice indicators for the year, from musichub.voice.selectors (already suppressed: they are
    made for the public page too). For the whole hub: voices are not filtered by activity or young people."""
    first, last = filters.first_day, filters.last_day
    ensure_summaries([filters.year])
    figures = voice.voice_figures(first, last, today)
    return {
        "year": filters.year,
        "year_label": year_label(filters.year),
        "figures": figures,
        "by_characteristic": _voice_share(filters),
        "by_topic": voice.voices_by_topic(first, last),
        "has_data": figures["received"] != 0,
        "whole_hub": filters.is_filtered,
        "suppressed": True,
    }


# ---- The aims, their trends and the "what we learned" log ---------------------------------------------------

# What each aim's section shows, by the aim's number in the strategy (DESIGN.md, core.demo.AIMS).
AIM_INDICATORS: dict[int, dict] = {
    1: {
        "what_this_shows": _(
            "Whether young people's voices reach the hub and change what it does: how many voices came in, how "
            "quickly they were answered, and how many ideas were acted on."
        ),
        "indicators": [Indicator.VOICE_REACH, Indicator.VOICE_RESPONSE, Indicator.VOICE_ACTED_ON],
        "sections": ["voice"],
    },
    2: {
        "what_this_shows": _(
            "Whether young people keep making music: who is still coming after a term and after a year, who "
            "carries on after whole-class teaching, and why some stop."
        ),
        "indicators": [Indicator.RETENTION, Indicator.CONTINUATION, Indicator.DROPOUT_REASONS],
        "sections": ["retention"],
    },
    3: {
        "what_this_shows": _(
            "Who the hub reaches compared with the city's children, which schools take part, whether the offer "
            "matches young people's tastes, and whether the barriers they name are met with support."
        ),
        "indicators": [
            Indicator.PARTICIPANTS,
            Indicator.REPRESENTATION,
            Indicator.SCHOOLS_ENGAGED,
            Indicator.WHOLE_CLASS_COVERAGE,
            Indicator.GENRE_DEMAND,
            Indicator.BARRIERS_SUPPORT,
        ],
        "sections": ["reach", "schools", "tastes"],
    },
    4: {
        "what_this_shows": _(
            "How wide a range of music the hub offers: the genres with opportunities running in the year. "
            "Workforce figures join this section when the workforce records are in the platform."
        ),
        "indicators": [Indicator.GENRE_DEMAND],
        "sections": [],
    },
    5: {
        "what_this_shows": _(
            "Young people's achievements and performances. These figures arrive with the achievements and "
            "events records; until then this section holds what the hub has learned."
        ),
        "indicators": [],
        "sections": [],
    },
}


def first_year_with_activity() -> int | None:
    """The first academic year with any opportunity or whole-class programme (one query), or None."""
    earliest = Opportunity.objects.aggregate(
        first=Min("first_date"),
        programme=Min(Subquery(WholeClassProgramme.objects.order_by("starts_on").values("starts_on")[:1])),
    )
    days = [day for day in earliest.values() if day is not None]
    return min((academic_year_of(day) for day in days), default=None)


def trend_years(filters: InsightFilters) -> list[int]:
    """The academic years a trend covers: up to five, ending with the filters' year, from the first year the
    hub has any record of activity (one query)."""
    first = first_year_with_activity()
    start = max(filters.year - TREND_YEARS + 1, first if first is not None else filters.year)
    return list(range(min(start, filters.year), filters.year + 1))


def _voice_trend(filters: InsightFilters, years: list[int]) -> dict:
    """Voices received, answered and acted on ("done"), by the year they were received: one query."""
    posts = Post.objects.all()
    if filters.activity_filtered:
        posts = posts.filter(_activity(filters, "opportunity__"))
    counts = {}
    for year in years:
        received = Q(received_on__range=period(year))
        counts[f"received_{year}"] = Count("pk", filter=received)
        counts[f"answered_{year}"] = Count("pk", filter=received & Q(answered_on__isnull=False))
        counts[f"done_{year}"] = Count("pk", filter=received & Q(answer=Post.Answer.DONE))
    figures = posts.aggregate(**counts)
    return {
        "received": [figures[f"received_{y}"] for y in years],
        "answered": [figures[f"answered_{y}"] for y in years],
        "acted_on": [figures[f"done_{y}"] for y in years],
    }


def _summary_trends(filters: InsightFilters, years: list[int]) -> dict:
    """In one pass over the years' summaries: young people taking part each year, and those on free school
    meals among those whose answer is known; pupils on the lists of whole-class programmes starting in each
    year, and how many went on to another activity (offer.wholeclass's rule, kept in the summaries:
    Participation.listed_on, continued)."""
    rows = Participation.objects.filter(Q(took_part=True) | Q(listed_on__isnull=False), year__in=years)
    if filters.activity_filtered:
        rows = rows.filter(_activity(filters, ""), every_activity=False)
    else:
        rows = rows.filter(every_activity=True)
    count = people_counter(filters)
    counts = {}
    for year in years:
        in_year = Q(year=year) & _people(filters, year=year)
        taking_part = in_year & Q(took_part=True)
        listed = in_year & Q(listed_on__isnull=False)
        counts[f"all_{year}"] = count(taking_part)
        counts[f"fsm_known_{year}"] = count(taking_part & Q(fsm__in=["yes", "no"]))
        counts[f"fsm_{year}"] = count(taking_part & Q(fsm="yes"))
        counts[f"listed_{year}"] = count(listed)
        counts[f"continued_{year}"] = count(listed & Q(continued=True))
    figures = rows.aggregate(**counts)
    return {
        name: [figures[f"{key}_{y}"] for y in years]
        for name, key in [
            ("participants", "all"),
            ("fsm", "fsm"),
            ("fsm_known", "fsm_known"),
            ("listed", "listed"),
            ("continued", "continued"),
        ]
    }


def _continuation_trend(filters: InsightFilters, years: list[int]) -> dict:
    """Pupils on the lists of whole-class programmes starting in each year, and how many went on to another
    activity (offer.wholeclass's rule, kept in the summaries): one query."""
    rows = Participation.objects.filter(year__in=years, listed_on__isnull=False)
    if filters.activity_filtered:
        rows = rows.filter(_activity(filters, ""), every_activity=False)
    else:
        rows = rows.filter(every_activity=True)
    count = people_counter(filters)
    counts = {}
    for year in years:
        listed = Q(year=year) & _people(filters, year=year)
        counts[f"listed_{year}"] = count(listed)
        counts[f"continued_{year}"] = count(listed & Q(continued=True))
    figures = rows.aggregate(**counts)
    return {
        "listed": [figures[f"listed_{y}"] for y in years],
        "continued": [figures[f"continued_{y}"] for y in years],
    }


def _whole_class_trend(filters: InsightFilters, years: list[int]) -> dict:
    """Schools with whole-class teaching and pupils taught, by the year programmes start: one query."""
    counts = {}
    for year in years:
        in_year = _programmes_in(filters, year)
        if in_year is None:
            in_year = Q(pk__in=[])
        counts[f"schools_{year}"] = Count("school", distinct=True, filter=in_year)
        counts[f"pupils_{year}"] = Coalesce(Sum("pupils", filter=in_year), 0)
    figures = WholeClassProgramme.objects.aggregate(**counts)
    return {
        "schools": [figures[f"schools_{y}"] for y in years],
        "pupils": [figures[f"pupils_{y}"] for y in years],
    }


def _genre_trend(filters: InsightFilters, years: list[int]) -> dict:
    """Genres with at least one opportunity running, each year: one query."""
    tags = Opportunity.genres.through.objects.filter(
        _activity(filters, "opportunity__"), opportunity__status__in=LIVE
    )
    counts = {}
    for year in years:
        first, last = period(year)
        running = Q(opportunity__first_date__lte=last, opportunity__last_date__gte=first)
        counts[f"genres_{year}"] = Count("genre", distinct=True, filter=running)
        counts[f"opportunities_{year}"] = Count("opportunity", distinct=True, filter=running)
    figures = tags.aggregate(**counts)
    return {
        "genres": [figures[f"genres_{y}"] for y in years],
        "opportunities": [figures[f"opportunities_{y}"] for y in years],
    }


def recent_learnings(*, per_aim: int = 3) -> dict[int, list[Learning]]:
    """The latest "what we learned" entries of each aim (one query, a window function per aim)."""
    ranked = (
        Learning.objects.select_related("aim", "recorded_by")
        .annotate(
            rank=Window(RowNumber(), partition_by=F("aim"), order_by=[F("changed_on").desc(), F("pk").desc()])
        )
        .filter(rank__lte=per_aim)
        .order_by("aim__number", "-changed_on", "-pk")
    )
    found: dict[int, list[Learning]] = {}
    for learning in ranked:
        found.setdefault(learning.aim_id, []).append(learning)
    return found


def _series(values: list, suppressed: bool) -> list:
    return [shown_count(value, suppressed) for value in values]


def _rates(parts: list[int], bases: list[int], suppressed: bool) -> list:
    return [shown_percent(part, base, suppressed) for part, base in zip(parts, bases, strict=True)]


def aims_overview(
    filters: InsightFilters,
    *,
    suppressed: bool = False,
    years: list[int] | None = None,
    learnings: bool = True,
) -> dict:
    """One entry per inclusion aim, in the strategy's order: what it shows, the indicators it is measured by,
    the trend of its headline figures over up to five academic years, and the latest "what we learned"
    entries (learnings=False leaves them out). Eight queries (with the first year and the summaries' date)."""
    if years is None:
        years = trend_years(filters)
        ensure_summaries(years)
    labels = [year_label(y) for y in years]
    voices = _voice_trend(filters, years)
    continuation = taking_part = _summary_trends(filters, years)
    whole_class = _whole_class_trend(filters, years)
    genres = _genre_trend(filters, years)
    learnings = recent_learnings() if learnings else {}

    trends = {
        1: [
            {
                "key": "voices_received",
                "label": _("Voices received"),
                "values": _series(voices["received"], suppressed),
            },
            {
                "key": "voices_acted_on",
                "label": _("Of the year's voices, acted on (done)"),
                "values": _series(voices["acted_on"], suppressed),
            },
            {
                "key": "voices_answered",
                "label": _("Voices answered (%)"),
                "values": _rates(voices["answered"], voices["received"], suppressed),
                "percent": True,
            },
        ],
        2: [
            {
                "key": "continuation",
                "label": _("Continued after whole-class teaching (%)"),
                "values": _rates(continuation["continued"], continuation["listed"], suppressed),
                "percent": True,
            },
            {
                "key": "listed",
                "label": _("Pupils on whole-class lists"),
                "values": _series(continuation["listed"], suppressed),
            },
        ],
        3: [
            {
                "key": "participants",
                "label": _("Young people taking part"),
                "values": _series(taking_part["participants"], suppressed),
            },
            {
                "key": "fsm_share",
                "label": _("Of them, on free school meals (%)"),
                "values": _rates(taking_part["fsm"], taking_part["fsm_known"], suppressed),
                "percent": True,
            },
            {
                "key": "whole_class_schools",
                "label": _("Schools with whole-class teaching"),
                "values": whole_class["schools"],
            },
            {
                "key": "whole_class_pupils",
                "label": _("Pupils in whole-class teaching"),
                "values": whole_class["pupils"],
            },
        ],
        4: [
            {"key": "genres", "label": _("Genres on offer"), "values": genres["genres"]},
            {
                "key": "opportunities",
                "label": _("Opportunities with a genre"),
                "values": genres["opportunities"],
            },
        ],
        5: [],
    }
    aims = []
    for aim in InclusionAim.objects.order_by("number"):
        about = AIM_INDICATORS.get(aim.number, {"what_this_shows": "", "indicators": [], "sections": []})
        aims.append(
            {
                "pk": aim.pk,
                "number": aim.number,
                "slug": aim.slug,
                "title": aim.title,
                "short_title": aim.short_title,
                "what_this_shows": str(about["what_this_shows"]),
                "indicators": [
                    {"key": str(i), "label": str(Indicator(i).label)} for i in about["indicators"]
                ],
                "sections": about["sections"],
                "trend": trends.get(aim.number, []),
                "learnings": learnings.get(aim.pk, []),
            }
        )
    return {
        "year": filters.year,
        "years": years,
        "year_labels": labels,
        "aims": aims,
        "suppressed": suppressed,
    }


# ---- The whole dashboard ------------------------------------------------------------------------------------


def _headline(label, value, unit: str = "", note: str = "") -> dict:
    return {"label": label, "value": value, "unit": unit, "note": note}


def _kept_or_too_soon(retention: dict, span: str, before: dict | None) -> tuple:
    """A retention headline's value, unit and note: this year's rate, or "too soon to tell" (no place began long
    enough ago) with the year before's rate as a note when it is there to give."""
    everyone = retention["everyone"]
    if everyone[f"{span}_base"]:
        return everyone[f"{span}_rate"], "%", ""
    earlier = before["everyone"] if before else None
    if earlier is None or not earlier[f"{span}_base"] or earlier[f"{span}_rate"] is None:
        return TOO_SOON, "", ""
    note = _("%(year)s: %(rate)s%%") % {"year": before["year_label"], "rate": earlier[f"{span}_rate"]}
    return TOO_SOON, "", note


def headlines(sections: dict) -> dict[int, list[dict]]:
    """The figures each aim's section opens with, for the filters' year, taken from the other sections."""
    voices, retention, schools = sections["voice"]["figures"], sections["retention"], sections["schools"]
    reach, tastes = sections["reach"], sections["tastes"]
    gap = reach["gaps"][0] if reach["gaps"] else None
    genres_on_offer = next(
        (
            series["values"][-1]
            for aim in sections["aims"]["aims"]
            for series in aim["trend"]
            if series["key"] == "genres"
        ),
        None,
    )
    return {
        1: [
            _headline(_("Voices received"), voices["received"]),
            _headline(_("Answered within the time promised"), voices["in_deadline"]["percentage"], "%"),
            _headline(_("Median days to a first answer"), voices["median_days"]),
            _headline(_("Ideas acted on (answer published in the year)"), voices["acted_on"]),
        ],
        2: [
            _headline(
                _("Still coming after %(weeks)s weeks") % {"weeks": retention["term_weeks"]},
                *_kept_or_too_soon(retention, "term", sections.get("retention_before")),
            ),
            _headline(
                _("Still coming after %(weeks)s weeks") % {"weeks": retention["year_weeks"]},
                *_kept_or_too_soon(retention, "year", sections.get("retention_before")),
            ),
            _headline(_("Went on after whole-class teaching"), schools["continuation"], "%"),
        ],
        3: [
            _headline(_("Young people taking part"), reach["participants"]),
            _headline(_("Schools with hub activity"), schools["active_share"], "%"),
            _headline(
                _("Furthest under-represented (index)"),
                gap["index"] if gap else None,
                note=gap["full_label"] if gap else "",
            ),
            _headline(_("Barriers named that were met with support"), tastes["barriers_share"], "%"),
        ],
        4: [
            _headline(_("Genres on offer"), genres_on_offer),
            _headline(_("Genres asked for with no places"), tastes["genres_unoffered"]),
        ],
        5: [],
    }


# How long worked-out dashboard figures are kept at most. A rebuild of the summaries they count from changes
# their key long before that (every half hour or so while the page is used; on request; nightly).
DASHBOARD_KEPT_SECONDS = 24 * 60 * 60


def _plain(value):
    """`value` with every lazy translation made a plain string (the key names the language): unpickling a lazy
    string builds a class, and a city's dashboard has thousands of them (a label on every school's row)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    return value


def _dashboard_key(filters: InsightFilters, suppressed: bool, today: date, refreshed: dict) -> str:
    stamps = ",".join(f"{year}:{at.timestamp()}" for year, at in sorted(refreshed.items()))
    described = f"{filters.key}|{suppressed}|{today.isoformat()}|{get_language()}|{stamps}"
    return "insights:dashboard:" + hashlib.sha256(described.encode()).hexdigest()


def dashboard(
    filters: InsightFilters, *, suppressed: bool = False, today: date | None = None, fresh: bool = False
) -> dict[str, dict]:
    """Every section of the dashboard for `filters` (staff: exact counts; suppressed=True for anything shared),
    under "headlines" the figures each aim opens with, and when they were worked out ("computed_at").

    At a city's scale the sections take seconds to work out, so their figures are kept in the cache, keyed by
    the filters, the day and when each year's summaries were last rebuilt: they are worked out once per rebuild
    (summaries.py: every half hour or so while the page is used, on request, nightly; the rebuild works out the
    unfiltered figures itself, warm_dashboard) and a rebuild gives the next view new figures. The "what we
    learned" entries are read afresh each time, so a new entry shows at once. fresh=True works them out now."""
    today = today or timezone.localdate()
    years = trend_years(filters)
    refreshed = ensure_summaries(years)
    key = _dashboard_key(filters, suppressed, today, refreshed)
    sections = None if fresh else cache.get(key)
    if sections is None:
        sections = {
            "aims": aims_overview(filters, suppressed=suppressed, years=years, learnings=False),
            "reach": reach_section(filters, suppressed=suppressed),
            "schools": schools_section(filters, suppressed=suppressed),
            "tastes": tastes_section(filters, suppressed=suppressed),
            "retention": retention_section(filters, suppressed=suppressed, today=today),
            "voice": voice_section(filters, today=today),
        }
        # Early in a year no place began long enough ago to say who is still coming: the year before's figure
        # is given beside "too soon to tell".
        everyone = sections["retention"]["everyone"]
        if (not everyone["term_base"] or not everyone["year_base"]) and filters.year - 1 in years:
            sections["retention_before"] = retention_section(
                filters.with_year(filters.year - 1), suppressed=suppressed, today=today
            )
        sections["headlines"] = headlines(sections)
        sections["refreshed"] = {"at": refreshed.get(filters.year), "years": refreshed}
        sections["computed_at"] = timezone.now()
        sections = _plain(sections)
        cache.set(key, sections, DASHBOARD_KEPT_SECONDS)
    learnings = recent_learnings()
    for aim in sections["aims"]["aims"]:
        aim["learnings"] = learnings.get(aim["pk"], [])
    return sections


def warm_dashboard(today: date | None = None) -> list[InsightFilters]:
    """Work out the figures the dashboard opens with (this academic year and the last, no filter) and keep them,
    so that the first view after a rebuild of the summaries does not wait for them. Returns the filters."""
    this_year = academic_year_of(today or timezone.localdate())
    warmed = [InsightFilters.for_year(this_year), InsightFilters.for_year(this_year - 1)]
    for filters in warmed:
        dashboard(filters, today=today, fresh=True)
    return warmed
