"""Demo offer: the city's term dates for 2026–27, ~40 invented venues and ~150 opportunities with sessions.

Idempotent: terms and holidays are found by name, venues and opportunities by slug; rows already there are
left alone, so a second call changes nothing. Call after the partners and people demo loaders (it uses the
published demo partners, the demo schools and the postcode sample). Every venue and activity is invented.
"""

import csv
import random
from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from musichub.core.models import ActivityKind, Genre, Instrument, Setting
from musichub.partners.demo import LEAD, LOGIN_PARTNER_SLUG
from musichub.partners.models import Partner
from musichub.people.models import School

from .finder_keys import refresh_finder_keys
from .models import Holiday, Opportunity, Session, Term, Venue
from .services import scheduled_dates

SEED = 4
POSTCODES = Path(__file__).resolve().parents[1] / "people" / "sample_data" / "postcodes_sample.csv"

# Southampton-style dates, written for 2026–27 and moved to the school year the demo is loaded in (the city
# publishes its own; these follow the usual pattern). {0} is the year the school year starts, {1} the next.
BASE_YEAR = 2026
BASE_TERMS = [
    ("Autumn term {0}", date(2026, 9, 2), date(2026, 12, 18)),
    ("Spring term {1}", date(2027, 1, 4), date(2027, 3, 26)),
    ("Summer term {1}", date(2027, 4, 12), date(2027, 7, 22)),
]
BASE_HOLIDAYS = [
    ("October half term {0}", date(2026, 10, 26), date(2026, 10, 30)),
    ("Training day (autumn {0})", date(2026, 11, 27), date(2026, 11, 27)),
    ("Training day (spring {1})", date(2027, 1, 4), date(2027, 1, 4)),
    ("February half term {1}", date(2027, 2, 15), date(2027, 2, 19)),
    ("Early May bank holiday {1}", date(2027, 5, 3), date(2027, 5, 3)),
    ("May half term {1}", date(2027, 5, 31), date(2027, 6, 4)),
]
# School holidays when holiday courses run (Monday to Friday).
BASE_HOLIDAY_COURSE_WEEKS = [
    (date(2026, 8, 10), date(2026, 8, 14)),  # the summer before the school year
    (date(2026, 10, 26), date(2026, 10, 30)),  # October half term
    (date(2027, 2, 15), date(2027, 2, 19)),
    (date(2027, 3, 29), date(2027, 4, 2)),
    (date(2027, 4, 5), date(2027, 4, 9)),
    (date(2027, 8, 2), date(2027, 8, 6)),
]
# The last day of the shorter autumn groups, and the Saturdays one-off workshops start counting from.
BASE_AUTUMN_GROUPS_END = date(2026, 10, 23)
BASE_PAST_SATURDAY, BASE_FUTURE_SATURDAY = date(2026, 9, 5), date(2027, 1, 9)


def school_year(today: date) -> int:
    """The year the current school year started in (it turns over on 1 August)."""
    return today.year if today.month >= 8 else today.year - 1


def in_school_year(day: date, today: date) -> date:
    """A 2026–27 date moved to the same place in the school year `today` is in (weekdays may shift by a day)."""
    return day.replace(year=day.year + school_year(today) - BASE_YEAR)


def term_dates(today: date) -> tuple[list, list, list]:
    """(terms, holidays, holiday course weeks) of the school year `today` is in, as (name, first, last) and
    (first, last) tuples."""
    year = school_year(today)
    terms = [
        (n.format(year, year + 1), in_school_year(a, today), in_school_year(b, today))
        for n, a, b in BASE_TERMS
    ]
    holidays = [
        (n.format(year, year + 1), in_school_year(a, today), in_school_year(b, today))
        for n, a, b in BASE_HOLIDAYS
    ]
    weeks = [(in_school_year(a, today), in_school_year(b, today)) for a, b in BASE_HOLIDAY_COURSE_WEEKS]
    return terms, holidays, weeks


VENUE_PLACES = [
    "Northam", "Bevois", "Portswood", "Shirley", "Bitterne", "Woolston", "Sholing", "Millbrook", "Redbridge",
    "Lordshill", "Bassett", "Swaythling", "Thornhill", "Harefield", "Weston", "Freemantle", "Polygon",
    "Ocean Village", "St Mary's", "Peartree",
]  # fmt: skip
VENUE_KINDS = [
    "Community Centre", "Youth Club", "Library", "Church Hall", "Arts Hub", "Music Rooms", "Sports and Social Club",
    "Family Hub",
]  # fmt: skip
STREETS = [
    "High Street",
    "Church Road",
    "Station Road",
    "Park Lane",
    "Victoria Road",
    "Mill Lane",
    "Kings Road",
]
VENUE_COUNT = 40
DRUM_VENUE_SLUG = "northam-community-centre"

# How often each genre is on offer in a city like this one (weights, not counts).
GENRE_WEIGHTS = {
    "Pop": 10, "Rock": 9, "Classical": 10, "Grime": 6, "Hip hop": 7, "Drill": 2, "R&B and soul": 4, "Jazz": 5,
    "Folk": 3, "Gospel": 2, "Reggae": 2, "Afrobeats": 3, "Bhangra": 2, "South Asian classical": 1, "Latin": 2,
    "Electronic and dance": 4, "Musical theatre": 4, "Brass band": 3, "Steel pan": 2, "World music": 3,
}  # fmt: skip
GENRE_INSTRUMENTS = {
    "Pop": ["Voice", "Guitar", "Piano and keyboards", "Drums and percussion"],
    "Rock": ["Guitar", "Bass guitar", "Drums and percussion", "Voice"],
    "Classical": ["Violin", "Viola", "Cello", "Double bass", "Flute", "Clarinet", "Piano and keyboards"],
    "Grime": ["Voice", "Music technology", "Decks (DJ)"],
    "Hip hop": ["Voice", "Music technology", "Decks (DJ)"],
    "Drill": ["Voice", "Music technology"],
    "R&B and soul": ["Voice", "Piano and keyboards", "Bass guitar"],
    "Jazz": ["Saxophone", "Trumpet", "Piano and keyboards", "Double bass", "Drums and percussion"],
    "Folk": ["Violin", "Guitar", "Voice", "Ukulele"],
    "Gospel": ["Voice", "Piano and keyboards"],
    "Reggae": ["Bass guitar", "Guitar", "Drums and percussion"],
    "Afrobeats": ["Drums and percussion", "Voice", "Guitar"],
    "Bhangra": ["Dhol", "Tabla", "Voice"],
    "South Asian classical": ["Tabla", "Voice"],
    "Latin": ["Drums and percussion", "Guitar", "Trumpet"],
    "Electronic and dance": ["Music technology", "Decks (DJ)"],
    "Musical theatre": ["Voice", "Piano and keyboards"],
    "Brass band": ["Trumpet", "Trombone", "Tuba"],
    "Steel pan": ["Steel pans"],
    "World music": ["Drums and percussion", "Voice", "Accessible instruments"],
}
KIND_TITLES = {
    "Ensemble": ["{genre} Ensemble", "Junior {genre} Ensemble", "{place} {genre} Ensemble"],
    "Band": ["{place} {genre} Band", "{genre} Band Project", "Youth {genre} Band"],
    "Choir": ["{place} Youth Choir", "{genre} Choir", "Young Voices {place}"],
    "Whole-class teaching in school": ["Whole-class {instrument}", "First Access {instrument}"],
    "Small-group lessons": ["{instrument} in small groups", "{instrument} for beginners"],
    "Individual lessons": ["{instrument} lessons", "One-to-one {instrument}"],
    "Workshop": ["{genre} workshop", "Try {instrument}: a taster workshop"],
    "Holiday course": ["{genre} holiday course", "{place} holiday music week"],
    "Music technology and production": ["Beat making and production", "{genre} production lab"],
    "Songwriting": ["Songwriting club", "Write your own {genre} song"],
    "DJ and MC": ["DJ and MC sessions", "{genre} MC and DJ crew"],
    "Early years": ["Music and rhyme for little ones", "Early years music {place}"],
    "Inclusive and SEND-specific group": [
        "Open Orchestra {place}",
        "Inclusive music group",
        "Sound and sensory",
    ],
    "Youth panel": ["Youth music panel", "Young producers' panel"],
    "Performance": ["{place} Youth Showcase", "Sharing concert: {genre}"],
}
KIND_AGES = {"Early years": (4, 5), "Youth panel": (13, 18), "Whole-class teaching in school": (7, 10)}
KIND_GENRES = {"Early years": "World music", "Youth panel": "Pop", "DJ and MC": "Grime"}

OPPORTUNITY_COUNT = 150
DRAFTS, CANCELLED, FINISHED = 8, 5, 10


def _postcode_rows() -> list[dict]:
    with POSTCODES.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if not row.get("doterm")]
    return sorted(rows, key=lambda row: row["pcds"])


def _load_term_dates(today: date) -> None:
    terms, holidays, _weeks = term_dates(today)
    for name, starts_on, ends_on in terms:
        Term.objects.update_or_create(name=name, defaults={"starts_on": starts_on, "ends_on": ends_on})
    for name, starts_on, ends_on in holidays:
        Holiday.objects.update_or_create(name=name, defaults={"starts_on": starts_on, "ends_on": ends_on})


def _load_venues(rng: random.Random) -> list[Venue]:
    rows = _postcode_rows()
    by_district: dict[str, list[dict]] = {}
    for row in rows:
        by_district.setdefault(row["pcds"].split(" ")[0], []).append(row)
    districts = sorted(by_district)
    login_partner = Partner.objects.filter(slug=LOGIN_PARTNER_SLUG).first()
    wanted = []
    for n in range(VENUE_COUNT):
        place = VENUE_PLACES[n % len(VENUE_PLACES)]
        kind = VENUE_KINDS[(n * 3 + n // len(VENUE_PLACES)) % len(VENUE_KINDS)]
        name = f"{place} {kind}"
        district = districts[n % len(districts)]
        row = by_district[district][(n // len(districts)) % len(by_district[district])]
        older = rng.random() < 0.35  # older halls are less often step-free
        wanted.append(
            Venue(
                name=name,
                slug=slugify(name),
                address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}\n{place}\nSouthampton",
                postcode=row["pcds"],
                postcode_district=district,
                lsoa_code=row["lsoa21cd"],
                latitude=float(row["lat"]) if row.get("lat") else None,
                longitude=float(row["long"]) if row.get("long") else None,
                partner=login_partner if n in (3, 17) else None,
                step_free=rng.random() < (0.45 if older else 0.9),
                hearing_loop=rng.random() < 0.35,
                quiet_room=rng.random() < 0.3,
                accessible_toilet=rng.random() < (0.4 if older else 0.85),
                parking=rng.random() < 0.5,
                public_transport=rng.random() < 0.8,
                access_notes="Ramp at the side entrance; ring the bell."
                if older and rng.random() < 0.5
                else "",
            )
        )
    existing = set(Venue.objects.filter(slug__in=[v.slug for v in wanted]).values_list("slug", flat=True))
    Venue.objects.bulk_create([venue for venue in wanted if venue.slug not in existing])
    venues = list(Venue.objects.filter(slug__in=[v.slug for v in wanted]).order_by("slug"))
    return venues


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[name] for name in names])[0]


class _Planner:
    """Plans the demo opportunities: deterministic (seeded), consistent statuses and dates."""

    def __init__(
        self, rng, today, partners, lead, login_partner, venues, schools, genres, instruments, kinds
    ):
        self.rng, self.today = rng, today
        self.partners, self.lead, self.login_partner = partners, lead, login_partner
        self.venues, self.schools = venues, schools
        self.genres, self.instruments, self.kinds = genres, instruments, kinds
        self.slugs: Counter = Counter()
        self.terms, _holidays, self.course_weeks = term_dates(today)

    def slug(self, title: str) -> str:
        base = slugify(title)
        self.slugs[base] += 1
        return base if self.slugs[base] == 1 else f"{base}-{self.slugs[base]}"

    def plan(self) -> list[dict]:
        plans = [self.drumming_group()]
        kind_names = list(self.kinds)
        for n in range(1, OPPORTUNITY_COUNT):
            kind = (
                kind_names[n % len(kind_names)] if n <= len(kind_names) * 2 else self.rng.choice(kind_names)
            )
            plans.append(self.one(n, kind))
        return plans

    def drumming_group(self) -> dict:
        venue = next(v for v in self.venues if v.slug == DRUM_VENUE_SLUG)
        return {
            "title": "Northam Drum Crew",
            "summary": "A free drumming group for 8 to 14 year olds: djembes, drum kit and samba. No experience needed.",
            "description": (
                "Come and drum with us every Tuesday in term time. We play samba, West African rhythms and "
                "grooves from the songs you know.\n\n- Drums and sticks provided\n- No experience needed\n"
                "- Free, with help with transport for those who need it"
            ),
            "partner": self.lead,
            "kind": self.kinds["Band"],
            "genres": [self.genres["World music"], self.genres["Afrobeats"]],
            "instruments": [self.instruments["Drums and percussion"]],
            "min_age": 8,
            "max_age": 14,
            "level": Opportunity.Level.NO_EXPERIENCE,
            "setting": Setting.OUT_OF_SCHOOL,
            "venue": venue,
            "schools": [],
            "schedule": Opportunity.Schedule.WEEKLY,
            "first_date": self.terms[0][1],
            "last_date": self.terms[-1][2],
            "weekday": 1,
            "starts_at": time(17, 0),
            "ends_at": time(18, 30),
            "capacity": 20,
            "cost_pence": 0,
            "instrument_provided": True,
            "transport_help": True,
            "how_to_join": Opportunity.HowToJoin.ENROL,
            "status": Opportunity.Status.PUBLISHED,
        }

    def one(self, n: int, kind_name: str) -> dict:
        rng = self.rng
        genre_name = KIND_GENRES.get(kind_name) or _weighted(rng, GENRE_WEIGHTS)
        genre_name = genre_name if genre_name in self.genres else next(iter(self.genres))
        instrument_names = [i for i in GENRE_INSTRUMENTS.get(genre_name, []) if i in self.instruments]
        instrument = self.instruments[rng.choice(instrument_names)] if instrument_names else None
        # Setting: about a third in school, a few online, most out of school.
        if kind_name == "Whole-class teaching in school":
            setting = Setting.IN_SCHOOL
        elif kind_name == "Holiday course":
            setting = Setting.OUT_OF_SCHOOL
        else:
            roll = rng.random()
            setting = (
                Setting.IN_SCHOOL if roll < 0.3 else Setting.ONLINE if roll > 0.94 else Setting.OUT_OF_SCHOOL
            )
        # Status by position: the first few are drafts, then cancelled, then finished; the rest published.
        if n <= DRAFTS:
            status = Opportunity.Status.DRAFT
        elif n <= DRAFTS + CANCELLED:
            status = Opportunity.Status.CANCELLED
        elif n <= DRAFTS + CANCELLED + FINISHED:
            status = Opportunity.Status.FINISHED
        else:
            status = Opportunity.Status.PUBLISHED
        schedule, first_date, last_date, weekday = self.dates(kind_name, setting, status, n)
        if kind_name in KIND_AGES:
            min_age, max_age = KIND_AGES[kind_name]
        else:
            min_age = rng.randint(5, 15)
            max_age = min(18, min_age + rng.choice([2, 3, 4, 5, 7]))
        starts_at = self.start_time(setting, weekday)
        ends_at = time(starts_at.hour + (1 if rng.random() < 0.6 else 2), starts_at.minute)
        free = rng.random() < 0.6 or setting == Setting.IN_SCHOOL and rng.random() < 0.7
        cost = 0 if free else rng.choice([200, 250, 300, 400, 500, 600, 800])
        place = VENUE_PLACES[n % len(VENUE_PLACES)]
        template = rng.choice(KIND_TITLES.get(kind_name, ["{genre} sessions"]))
        title = template.format(
            genre=genre_name, place=place, instrument=instrument.name if instrument else "Music"
        )
        title = title[0].upper() + title[1:]
        partner = self.login_partner if n % 15 == 7 and self.login_partner else rng.choice(self.partners)
        how_to_join = (
            Opportunity.HowToJoin.TURN_UP
            if kind_name in ("Workshop", "Performance") and rng.random() < 0.6
            else Opportunity.HowToJoin.APPLY
            if rng.random() < 0.12
            else Opportunity.HowToJoin.ENROL
        )
        genres = [self.genres[genre_name]]
        if rng.random() < 0.3:
            genres.append(self.genres[_weighted(rng, GENRE_WEIGHTS)])
        schools = (
            rng.sample(self.schools, min(len(self.schools), rng.randint(1, 3)))
            if setting == Setting.IN_SCHOOL
            else []
        )
        return {
            "title": title,
            "summary": f"{kind_name} for {min_age} to {max_age} year olds: {genre_name.lower()}"
            f"{' with ' + instrument.name.lower() if instrument else ''}.",
            "description": (
                f"An invented {kind_name.lower()} in the demo data, run by {partner.name}.\n\n"
                "- Friendly leaders who play the music you like\n- Sharing events for families\n"
            ),
            "partner": partner,
            "kind": self.kinds[kind_name],
            "genres": list(dict.fromkeys(genres)),
            "instruments": [instrument] if instrument else [],
            "min_age": min_age,
            "max_age": max_age,
            "level": rng.choice(
                [Opportunity.Level.NO_EXPERIENCE] * 3
                + [Opportunity.Level.BEGINNER] * 2
                + [Opportunity.Level.INTERMEDIATE, Opportunity.Level.ADVANCED]
            ),
            "setting": setting,
            "venue": rng.choice(self.venues) if setting == Setting.OUT_OF_SCHOOL else None,
            "schools": schools,
            "schedule": schedule,
            "first_date": first_date,
            "last_date": last_date,
            "weekday": weekday,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": None
            if how_to_join == Opportunity.HowToJoin.TURN_UP
            else rng.choice([8, 12, 15, 20, 25, 30, 40]),
            "cost_pence": cost,
            "cost_note": "" if free else "Pay by the term; ask us about a free place.",
            "free_for_fsm": not free and rng.random() < 0.7,
            "bursary_available": not free and rng.random() < 0.6,
            "instrument_provided": rng.random() < 0.5,
            "transport_help": rng.random() < 0.15,
            "how_to_join": how_to_join,
            "apply_by": first_date - timedelta(days=14)
            if how_to_join == Opportunity.HowToJoin.APPLY
            else None,
            "status": status,
        }

    def dates(self, kind_name, setting, status, n):
        schedule, first, last, weekday = self._dates(kind_name, setting, status)
        if status == Opportunity.Status.FINISHED and last >= self.today:
            # Early in a school year its autumn dates are still to come: a finished one ran as long before.
            weeks_back = (last - self.today).days // 7 + 1
            first, last = first - timedelta(weeks=weeks_back), last - timedelta(weeks=weeks_back)
        return schedule, first, last, weekday

    def _dates(self, kind_name, setting, status):
        rng = self.rng
        finished = status == Opportunity.Status.FINISHED
        if kind_name == "Holiday course":
            weeks = [w for w in self.course_weeks if (w[1] < self.today) == finished] or self.course_weeks
            first, last = rng.choice(weeks)
            return Opportunity.Schedule.HOLIDAY_COURSE, first, last, None
        if kind_name in ("Workshop", "Performance") and setting != Setting.IN_SCHOOL:
            day = self.future_saturday(rng, past=finished)
            return Opportunity.Schedule.ONE_OFF, day, day, None
        weekday = rng.randint(0, 4) if setting == Setting.IN_SCHOOL else rng.choice([0, 1, 2, 3, 4, 5])
        if finished:
            autumn_end = in_school_year(BASE_AUTUMN_GROUPS_END, self.today)
            return Opportunity.Schedule.WEEKLY, self.terms[0][1], autumn_end, weekday
        first_term, last_term = rng.choice([(0, 2), (0, 2), (0, 0), (1, 1), (1, 2), (2, 2)])
        return Opportunity.Schedule.WEEKLY, self.terms[first_term][1], self.terms[last_term][2], weekday

    def future_saturday(self, rng, *, past):
        start = in_school_year(BASE_PAST_SATURDAY if past else BASE_FUTURE_SATURDAY, self.today)
        return start + timedelta(weeks=rng.randint(0, 6 if past else 20))

    def start_time(self, setting, weekday):
        if setting == Setting.IN_SCHOOL:
            return time(self.rng.choice([9, 10, 11, 13, 14]), self.rng.choice([0, 15, 30]))
        if weekday == 5:
            return time(self.rng.choice([9, 10, 11, 13]), self.rng.choice([0, 30]))
        return time(self.rng.choice([15, 16, 17, 18]), self.rng.choice([0, 30]))


def _settle_status(plan: dict, today: date) -> str:
    """A published plan whose dates are over is finished, whatever day the demo is loaded on."""
    if plan["status"] == Opportunity.Status.PUBLISHED and plan["last_date"] < today:
        return Opportunity.Status.FINISHED
    return plan["status"]


@transaction.atomic
def load_demo_offer() -> None:
    """Create the demo term dates, venues and opportunities (with their sessions) that are not there yet."""
    rng = random.Random(SEED)  # noqa: S311 -- invented data, seeded so every run makes the same choices
    today = timezone.localdate()
    _load_term_dates(today)
    venues = _load_venues(rng)
    partners = list(Partner.objects.filter(is_published=True).order_by("slug"))
    if not partners:
        return
    lead = Partner.objects.filter(slug=LEAD["slug"]).first() or partners[0]
    login_partner = Partner.objects.filter(slug=LOGIN_PARTNER_SLUG).first()
    schools = list(School.objects.filter(is_open=True).order_by("urn")[:60])
    planner = _Planner(
        rng,
        today,
        partners,
        lead,
        login_partner,
        venues,
        schools,
        {g.name: g for g in Genre.objects.all()},
        {i.name: i for i in Instrument.objects.all()},
        {k.name: k for k in ActivityKind.objects.order_by("pk")},
    )
    plans = planner.plan()
    for plan in plans:
        plan["slug"] = planner.slug(plan["title"])
    existing = set(
        Opportunity.objects.filter(slug__in=[p["slug"] for p in plans]).values_list("slug", flat=True)
    )
    plans = [plan for plan in plans if plan["slug"] not in existing]
    if not plans:
        return

    many = ("genres", "instruments", "schools")
    now = timezone.now()
    opportunities = Opportunity.objects.bulk_create(
        [
            Opportunity(
                **{key: value for key, value in plan.items() if key not in many and key != "status"},
                status=_settle_status(plan, today),
                published_at=now if plan["status"] != Opportunity.Status.DRAFT else None,
                safeguarding_contact_name="Safeguarding lead",
                safeguarding_contact_email=f"safeguarding@{plan['partner'].slug}.example.org",
            )
            for plan in plans
        ]
    )
    for name in many:
        through = getattr(Opportunity, name).through
        column = {"genres": "genre", "instruments": "instrument", "schools": "school"}[name]
        through.objects.bulk_create(
            [
                through(opportunity_id=opportunity.pk, **{f"{column}_id": item.pk})
                for opportunity, plan in zip(opportunities, plans, strict=True)
                for item in plan[name]
            ]
        )

    terms = list(Term.objects.values_list("starts_on", "ends_on"))
    holidays = list(Holiday.objects.values_list("starts_on", "ends_on"))
    sessions = []
    for opportunity in opportunities:
        cancelled = opportunity.status == Opportunity.Status.CANCELLED
        for day in scheduled_dates(opportunity, terms=terms, holidays=holidays):
            sessions.append(
                Session(
                    opportunity=opportunity,
                    date=day,
                    starts_at=opportunity.starts_at,
                    ends_at=opportunity.ends_at,
                    is_cancelled=cancelled and day >= today,
                )
            )
    Session.objects.bulk_create(sessions, batch_size=1000)
    refresh_finder_keys(Opportunity.objects.filter(pk__in=[o.pk for o in opportunities]), today=today)
