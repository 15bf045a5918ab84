"""Reads for the public offer: the finder's search, an opportunity's page, sessions for calendars.

Every filter on a many-to-many relation is an EXISTS subquery, so an opportunity is listed once and the
taste score (a COUNT over the same relations) is not narrowed by the filters.
"""

import datetime
import math
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Sqrt
from django.utils.translation import gettext

from musichub.core.models import Setting
from musichub.core.permissions import can, role_of
from musichub.core.roles import Role
from musichub.people.models import YoungPerson
from musichub.people.selectors import young_people_visible_to

from .finder_keys import ensure_fresh, taste_key
from .models import Opportunity, Session

PUBLIC_STATUSES = [
    Opportunity.Status.PUBLISHED,
    Opportunity.Status.FULL,
    Opportunity.Status.FINISHED,
    Opportunity.Status.CANCELLED,
]
BEGINNER_LEVELS = [Opportunity.Level.NO_EXPERIENCE, Opportunity.Level.BEGINNER]
NOON = datetime.time(12, 0)
FIVE_PM = datetime.time(17, 0)
SATURDAY, SUNDAY = 5, 6
# How far ahead, and how many sessions at most, a search's calendar feed carries.
FEED_WEEKS = 8
FEED_MAX_SESSIONS = 500


# Miles in a degree of latitude (and of longitude at the equator). Good to a few per cent over a city.
MILES_PER_DEGREE = 69.0


@dataclass(frozen=True)
class Near:
    """A distance search: venues within `miles` of a postcode's location (the finder's area filter)."""

    postcode: str
    latitude: float
    longitude: float
    miles: int

    def __str__(self) -> str:
        return gettext("within %(miles)s miles of %(postcode)s") % {
            "miles": self.miles,
            "postcode": self.postcode,
        }


def _squared_degrees(near: Near):
    """The venue's distance from `near`, squared, in degrees of latitude, as an SQL expression.

    An equirectangular approximation: a degree of longitude is cos(latitude) of a degree of latitude, the
    cosine computed here once, so the database needs nothing beyond arithmetic (SQLite and PostgreSQL alike).
    """
    squeeze = math.cos(math.radians(near.latitude))
    dx = (F("venue__longitude") - Value(near.longitude)) * Value(squeeze)
    dy = F("venue__latitude") - Value(near.latitude)
    return ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())


def _within(opportunities: QuerySet[Opportunity], near: Near) -> QuerySet[Opportunity]:
    """At a venue within `near.miles`: a bounding box first (plain comparisons an index can serve), then the
    circle. Online and in-school opportunities have no venue to measure to and are left out."""
    half_height = near.miles / MILES_PER_DEGREE
    half_width = half_height / max(math.cos(math.radians(near.latitude)), 0.01)
    return (
        opportunities.exclude(setting__in=[Setting.ONLINE, Setting.IN_SCHOOL])
        .filter(
            venue__latitude__range=(near.latitude - half_height, near.latitude + half_height),
            venue__longitude__range=(near.longitude - half_width, near.longitude + half_width),
        )
        .alias(distance_squared=_squared_degrees(near))
        .filter(distance_squared__lte=half_height * half_height)
    )


def _django_week_day(weekday: int) -> int:
    """Our weekday (0 is Monday) as Django's __week_day lookup counts (1 is Sunday)."""
    return (weekday + 1) % 7 + 1


def _sessions_of(today: date) -> QuerySet[Session]:
    return Session.objects.filter(opportunity=OuterRef("pk"), date__gte=today, is_cancelled=False)


def open_opportunities(*, today: date) -> QuerySet[Opportunity]:
    """Published opportunities that have not ended: what the finder searches."""
    return Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED, last_date__gte=today)


def _on_days(days: list[int], today: date) -> Q:
    """Runs on one of `days`: a weekly opportunity on that day, or any other with a session on one."""
    week_days = [_django_week_day(day) for day in days]
    return Q(weekday__in=days, schedule=Opportunity.Schedule.WEEKLY) | Q(
        Exists(_sessions_of(today).filter(date__week_day__in=week_days))
    )


def filter_opportunities(opportunities: QuerySet[Opportunity], filters: dict, *, today: date) -> QuerySet:
    """Narrow `opportunities` by the finder's filters ({name: value}, as FinderForm.from_query gives them)."""
    if text := filters.get("q"):
        opportunities = opportunities.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    if genre := filters.get("genre"):
        opportunities = opportunities.filter(
            Exists(Opportunity.genres.through.objects.filter(opportunity=OuterRef("pk"), genre=genre))
        )
    if instrument := filters.get("instrument"):
        opportunities = opportunities.filter(
            Exists(
                Opportunity.instruments.through.objects.filter(
                    opportunity=OuterRef("pk"), instrument=instrument
                )
            )
        )
    if kind := filters.get("kind"):
        opportunities = opportunities.filter(kind=kind)
    if (age := filters.get("age")) is not None:
        opportunities = opportunities.filter(min_age__lte=age, max_age__gte=age)
    if (day := filters.get("day")) not in (None, ""):
        opportunities = opportunities.filter(_on_days([int(day)], today))
    if time := filters.get("time"):
        if time == "morning":
            opportunities = opportunities.filter(starts_at__lt=NOON)
        elif time == "afternoon":
            opportunities = opportunities.filter(starts_at__gte=NOON, starts_at__lt=FIVE_PM)
        elif time == "evening":
            opportunities = opportunities.filter(starts_at__gte=FIVE_PM)
        elif time == "weekend":
            opportunities = opportunities.filter(_on_days([SATURDAY, SUNDAY], today))
    if cost := filters.get("cost"):
        if cost == "free":
            opportunities = opportunities.filter(cost_pence=0)
        elif cost == "free_fsm":
            opportunities = opportunities.filter(Q(cost_pence=0) | Q(free_for_fsm=True))
    if setting := filters.get("setting"):
        opportunities = opportunities.filter(setting=setting)
    if filters.get("beginner"):
        opportunities = opportunities.filter(level__in=BEGINNER_LEVELS)
    if filters.get("instrument_provided"):
        opportunities = opportunities.filter(instrument_provided=True)
    for fact in filters.get("access") or []:
        opportunities = opportunities.filter(**{f"venue__{fact}": True})
    area = filters.get("area")
    if isinstance(area, Near):
        opportunities = _within(opportunities, area)
    elif district := area:
        # At a venue in the district, or in a school there.
        in_school_there = Opportunity.schools.through.objects.filter(
            opportunity=OuterRef("pk"), school__postcode__istartswith=f"{district} "
        )
        opportunities = opportunities.filter(
            Q(venue__postcode_district=district) | Q(Exists(in_school_there))
        )
    return opportunities


def young_person_for_tastes(user) -> YoungPerson | None:
    """Whose tastes rank the finder: a young person's own record, or a guardian's first child."""
    role = role_of(user)
    if role == Role.YOUNG_PERSON:
        return young_people_visible_to(user).first()
    if role == Role.GUARDIAN:
        return young_people_visible_to(user).order_by("date_of_birth", "pk").first()
    return None


def tastes_of(young_person: YoungPerson | None) -> dict:
    """{"genres": {id: name}, "instruments": {id: name}} a young person loves (two small queries)."""
    if young_person is None:
        return {"genres": {}, "instruments": {}}
    return {
        "genres": dict(young_person.genres.values_list("pk", "name")),
        "instruments": dict(young_person.instruments.values_list("pk", "name")),
    }


def with_card_details(opportunities: QuerySet[Opportunity], *, today: date) -> QuerySet[Opportunity]:
    """What a finder card shows, fetched with the page so the query count does not grow with the results."""
    school_count = (
        Opportunity.schools.through.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        opportunities.select_related("partner", "venue", "kind")
        .prefetch_related("genres", "instruments")
        .annotate(school_count=Coalesce(Subquery(school_count, output_field=IntegerField()), Value(0)))
    )


def _in_finder_order(
    opportunities: QuerySet[Opportunity], *, today: date, tastes: dict | None, near: Near | None
) -> QuerySet[Opportunity]:
    """`opportunities` annotated with the finder's ordering keys (and `distance_miles` for a distance search)
    and ordered by them: the ones that fit `tastes` first, then free ones, then by the next session's date."""
    order = []
    # Tastes: one point per genre or instrument the young person loves, read from the row's taste_keys
    # (finder_keys.py), so ranking needs no subquery per opportunity.
    score = [
        Case(When(taste_keys__contains=taste_key(relation, pk), then=Value(1)), default=Value(0))
        for relation in ("genres", "instruments")
        for pk in sorted((tastes or {}).get(relation) or ())
    ]
    if score:
        opportunities = opportunities.annotate(
            match_score=ExpressionWrapper(sum(score[1:], score[0]), output_field=IntegerField())
        )
        order.append(F("match_score").desc())
    if near is not None:
        # Nearest first; the usual order among venues as near as each other.
        opportunities = opportunities.annotate(
            distance_miles=ExpressionWrapper(
                Sqrt(_squared_degrees(near)) * Value(MILES_PER_DEGREE), output_field=FloatField()
            )
        )
        order.insert(0, F("distance_miles").asc())
    # The next session's date is kept on the row (finder_keys.ensure_fresh runs before a search).
    free_first = Case(When(cost_pence=0, then=Value(0)), default=Value(1), output_field=IntegerField())
    return opportunities.order_by(
        *order, free_first, F("next_session_on").asc(nulls_last=True), "first_date", "title", "pk"
    )


class FinderResults:
    """The finder's results, for a Paginator or a feed: sliced, counted or iterated, in the finder's order.

    Fetched in two phases in one query: an inner, lean query computes only the ordering keys over every
    matching row and picks the slice's ids; the outer one fetches those rows with what a card shows (partner,
    venue, kind, school count; genres and instruments prefetched), ordered again by the same keys. The count
    carries no annotations at all.
    """

    def __init__(
        self, matching: QuerySet[Opportunity], *, today: date, tastes: dict | None, near: Near | None
    ):
        self._matching = matching
        self._today, self._tastes, self._near = today, tastes, near
        self._count = None

    def _ordered(self, opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
        return _in_finder_order(opportunities, today=self._today, tastes=self._tastes, near=self._near)

    def ids(self) -> QuerySet:
        """The matching opportunities' ids, in the finder's order (a lean query, nothing for the cards)."""
        return self._ordered(self._matching).values("pk")

    def values_list(self, *fields, **kwargs) -> QuerySet:
        return self._ordered(self._matching).values_list(*fields, **kwargs)

    def count(self) -> int:
        if self._count is None:
            self._count = self._matching.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _fetch(self, key: slice) -> list[Opportunity]:
        if key.start is not None and key.stop is not None and key.start >= key.stop:
            return []
        picked = Opportunity.objects.filter(pk__in=self.ids()[key])
        return list(self._ordered(with_card_details(picked, today=self._today)))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._fetch(key)
        return self._fetch(slice(key, key + 1))[0]

    def __iter__(self):
        return iter(self._fetch(slice(None)))


def finder_results(*, filters: dict, today: date, tastes: dict | None = None) -> FinderResults:
    """The finder: open opportunities matching `filters`, the ones that fit `tastes` first, then free ones,
    then by the next session's date. A distance search (area is a Near) puts the nearest first and annotates
    each with `distance_miles`."""
    near = filters.get("area")
    ensure_fresh(today)
    return FinderResults(
        filter_opportunities(open_opportunities(today=today), filters, today=today),
        today=today,
        tastes=tastes,
        near=near if isinstance(near, Near) else None,
    )


def count_matching(*, filters: dict, today: date) -> int:
    """How many open opportunities match `filters` (for the empty state's suggestions)."""
    return filter_opportunities(open_opportunities(today=today), filters, today=today).count()


def opportunity_for_page(*, slug: str, user) -> Opportunity | None:
    """An opportunity's public page: public statuses for everyone, a draft only for people who may manage it."""
    opportunity = (
        Opportunity.objects.select_related("partner", "venue", "kind")
        .prefetch_related("genres", "instruments", "schools")
        .filter(slug=slug)
        .first()
    )
    if opportunity is None:
        return None
    if opportunity.status not in PUBLIC_STATUSES and not can(user, "offer.manage_opportunities", opportunity):
        return None
    return opportunity


def upcoming_sessions(opportunity: Opportunity, *, today: date, limit: int = 6) -> list[Session]:
    """The next sessions (cancelled ones included, so families see them called off)."""
    return list(opportunity.sessions.filter(date__gte=today).order_by("date", "starts_at")[:limit])


def sessions_for_calendar(opportunity: Opportunity) -> QuerySet[Session]:
    """Every session of one opportunity, for its calendar feed."""
    return opportunity.sessions.order_by("date", "starts_at")


def sessions_for_search(*, filters: dict, today: date) -> QuerySet[Session]:
    """Sessions in the next few weeks of the open opportunities a search finds, for its calendar feed."""
    matching = filter_opportunities(open_opportunities(today=today), filters, today=today).values("pk")
    return (
        Session.objects.filter(
            opportunity__in=matching, date__gte=today, date__lt=today + datetime.timedelta(weeks=FEED_WEEKS)
        )
        .select_related("opportunity", "opportunity__venue", "opportunity__partner")
        .order_by("date", "starts_at", "pk")[:FEED_MAX_SESSIONS]
    )
