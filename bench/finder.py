"""Benchmark the public finder at a large hub's scale: `DEBUG=1 .venv/bin/python bench/finder.py` (README.md).

SQLite in a throwaway directory by default; PostgreSQL when BENCH_DATABASE_URL is set (a database whose name
contains "bench": it is dropped and created afresh, then migrated). Generates 10,000 opportunities at 1,000
venues with three sessions each, 200,000 young people and 500,000 enrolments (all times BENCH_SCALE), then
times the finder in-process for six searches, each against two floors: a bare Django view, and hand-written
SQL returning the same first page for the same filters (the run checks that it is the same page).

Benchmarks report by printing: every print() here is the figure the benchmark exists to show.
"""

import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, fail, setup_django  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "10"))
OPPORTUNITIES = int(10_000 * SCALE)
VENUES = max(int(1_000 * SCALE), 50)
YOUNG_PEOPLE = int(200_000 * SCALE)
ENROLMENTS = int(500_000 * SCALE)
SESSIONS_EACH = 3
PAGE_SIZE = 20
BATCH_SIZE = 2000
SEED = 20261125
BARE_URL = "/__bench__/bare/"
SQL_URL = "/__bench__/sql/"
POSTCODES = ROOT / "musichub" / "people" / "sample_data" / "postcodes_sample.csv"


@dataclass
class Case:
    name: str
    url: str
    floor: str = ""  # the name of its SQL floor
    signed_in: bool = False
    samples: list[float] = field(default_factory=list)
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[-1]


# ---- The data ----------------------------------------------------------------------------------------------


def _bulk(model, objects) -> None:
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def make_data() -> dict:
    """The hub's catalogues, 200 partners, the sample postcodes, then venues, opportunities, sessions, young
    people and enrolments. Returns what the searches need: a postcode, the busiest genre, a signed-in user."""
    import csv
    import datetime

    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from bench.generate import make_hub
    from musichub.core.models import ActivityKind, Genre, Instrument, Setting, User
    from musichub.core.roles import Role
    from musichub.core.services import set_role
    from musichub.offer.finder_keys import refresh_finder_keys
    from musichub.offer.models import Enrolment, Opportunity, Session, Venue
    from musichub.partners.models import Partner
    from musichub.people.models import PostcodeArea, YoungPerson

    rng = random.Random(SEED)  # noqa: S311 -- benchmark data, not secrets
    make_hub(200)
    today = timezone.localdate()
    with transaction.atomic():
        with POSTCODES.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle) if not row["doterm"]]
        _bulk(
            PostcodeArea,
            [
                PostcodeArea(
                    postcode=row["pcds"],
                    lsoa_code=row["lsoa21cd"],
                    ward_code=row["osward"],
                    latitude=float(row["lat"]),
                    longitude=float(row["long"]),
                )
                for row in rows
            ],
        )
        partners = list(Partner.objects.filter(is_published=True).values_list("pk", flat=True))
        genres = list(Genre.objects.values_list("pk", flat=True))
        instruments = list(Instrument.objects.values_list("pk", flat=True))
        kinds = list(ActivityKind.objects.values_list("pk", flat=True))

        # Venues: seven in ten in the city, at its postcodes; the rest across the county, up to 15 miles out.
        venues = []
        for n in range(VENUES):
            row = rows[n % len(rows)]
            if rng.random() < 0.7:
                lat, lon = float(row["lat"]), float(row["long"])
            else:
                lat, lon = 50.91 + rng.uniform(-0.2, 0.2), -1.40 + rng.uniform(-0.3, 0.3)
            venues.append(
                Venue(
                    name=f"Bench Hall {n}",
                    slug=f"bench-hall-{n}",
                    address=f"{n} Bench Road\nSouthampton",
                    postcode=row["pcds"],
                    postcode_district=row["pcds"].split()[0],
                    lsoa_code=row["lsoa21cd"],
                    latitude=lat,
                    longitude=lon,
                    step_free=rng.random() < 0.7,
                )
            )
        _bulk(Venue, venues)
        venue_ids = list(Venue.objects.values_list("pk", flat=True))

        settings = [Setting.OUT_OF_SCHOOL] * 7 + [Setting.IN_SCHOOL] * 2 + [Setting.ONLINE]
        statuses = [Opportunity.Status.PUBLISHED] * 17 + [Opportunity.Status.DRAFT, Opportunity.Status.FULL]
        opportunities = []
        for n in range(OPPORTUNITIES):
            setting = rng.choice(settings)
            first = today + datetime.timedelta(days=rng.randint(-90, 60))
            low = rng.randint(4, 16)
            start = datetime.time(rng.randint(9, 19), rng.choice([0, 15, 30, 45]))
            opportunities.append(
                Opportunity(
                    partner_id=rng.choice(partners),
                    title=f"Bench activity {n}",
                    slug=f"bench-activity-{n}",
                    summary="Invented for the benchmark: come and play.",
                    kind_id=rng.choice(kinds),
                    min_age=low,
                    max_age=min(low + rng.randint(2, 8), 25),
                    setting=setting,
                    venue_id=rng.choice(venue_ids) if setting == Setting.OUT_OF_SCHOOL else None,
                    first_date=first,
                    last_date=first + datetime.timedelta(weeks=rng.randint(1, 30)),
                    weekday=first.weekday(),
                    starts_at=start,
                    ends_at=datetime.time(start.hour + 1, start.minute),
                    cost_pence=0 if rng.random() < 0.4 else rng.choice([300, 500, 800, 1500]),
                    free_for_fsm=rng.random() < 0.3,
                    safeguarding_contact_name="Sam Safe",
                    safeguarding_contact_email="safe@example.org",
                    status=rng.choice(statuses),
                    published_at=timezone.now(),
                )
            )
        _bulk(Opportunity, opportunities)
        opportunity_rows = list(Opportunity.objects.values_list("pk", "first_date", "starts_at", "ends_at"))
        opportunity_ids = [row[0] for row in opportunity_rows]
        Genres, Instruments = Opportunity.genres.through, Opportunity.instruments.through
        _bulk(
            Genres,
            [
                Genres(opportunity_id=pk, genre_id=g)
                for pk in opportunity_ids
                for g in rng.sample(genres, rng.randint(1, 3))
            ],
        )
        _bulk(
            Instruments,
            [
                Instruments(opportunity_id=pk, instrument_id=i)
                for pk in opportunity_ids
                for i in rng.sample(instruments, rng.randint(1, 3))
            ],
        )
        _bulk(
            Session,
            [
                Session(
                    opportunity_id=pk,
                    date=max(first, today - datetime.timedelta(days=7)) + datetime.timedelta(weeks=week),
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
                for pk, first, starts_at, ends_at in opportunity_rows
                for week in range(SESSIONS_EACH)
            ],
        )

        user = User.objects.create_user(
            username="bench-young-person"
        )  # signed in with force_login: no password
        set_role(user=user, role=Role.YOUNG_PERSON)
        born = today - datetime.timedelta(days=365 * 12)
        me = YoungPerson.objects.create(
            first_name="Bench", last_name="Person", date_of_birth=born, user=user, registered_by="self"
        )
        me.genres.set(genres[:2])
        me.instruments.set(instruments[:2])

        for start in range(0, YOUNG_PEOPLE, 20_000):
            _bulk(
                YoungPerson,
                [
                    YoungPerson(
                        first_name=f"Young{n}",
                        last_name="Person",
                        date_of_birth=today - datetime.timedelta(days=rng.randint(4 * 365, 19 * 365)),
                        registered_by="guardian",
                        postcode_district=rows[n % len(rows)]["pcds"].split()[0],
                        imd_decile=rng.randint(1, 10),
                    )
                    for n in range(start, min(start + 20_000, YOUNG_PEOPLE))
                ],
            )
        young_ids = list(YoungPerson.objects.exclude(pk=me.pk).values_list("pk", flat=True))
        statuses = ["enrolled"] * 6 + ["waiting", "applied", "withdrawn"]
        per_person = ENROLMENTS / max(len(young_ids), 1)
        batch, made = [], 0
        for young_id in young_ids:
            count = int(per_person) + (rng.random() < per_person - int(per_person))
            for opportunity_id in rng.sample(opportunity_ids, min(count, len(opportunity_ids))):
                batch.append(
                    Enrolment(
                        young_person_id=young_id, opportunity_id=opportunity_id, status=rng.choice(statuses)
                    )
                )
            if len(batch) >= 20_000 or made + len(batch) >= ENROLMENTS:
                batch = batch[: ENROLMENTS - made]
                _bulk(Enrolment, batch)
                made += len(batch)
                batch = []
                if made >= ENROLMENTS:
                    break
        if batch:
            _bulk(Enrolment, batch)
    # Bulk inserts skip the signals that keep the finder's sort keys on each row: compute them as the demo does.
    refresh_finder_keys(Opportunity.objects.all(), today=today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    in_town = next(row["pcds"] for row in rows if row["pcds"].startswith("SO14"))
    genre = (
        Genre.objects.filter(opportunities__cost_pence=0, opportunities__status="published")
        .annotate(n=Count("opportunities"))
        .order_by("-n", "slug")
        .first()
    )
    return {"postcode": in_town, "genre": genre, "user": user, "me": me}


# ---- The floors ----------------------------------------------------------------------------------------------


def floor_sql(name: str, data: dict) -> tuple[str, list]:
    """Hand-written SQL for the first page of a search, in the finder's order. Returns (sql, params)."""
    from django.db import connection
    from django.utils import timezone

    from musichub.offer.selectors import MILES_PER_DEGREE

    today = timezone.localdate()
    postgres = connection.vendor == "postgresql"
    where = ["o.status = 'published'", "o.last_date >= %s"]
    params: list = [today]
    joins = ""
    order_first: list[str] = []
    order_params: list = []
    if name == "free_genre":
        where += [
            "o.cost_pence = 0",
            "EXISTS (SELECT 1 FROM offer_opportunity_genres g WHERE g.opportunity_id = o.id AND g.genre_id = %s)",
        ]
        params.append(data["genre"].pk)
    elif name == "age_day":
        day_of = "EXTRACT(DOW FROM s.date)" if postgres else "CAST(strftime('%%w', s.date) AS INTEGER)"
        where += [
            "o.min_age <= 10 AND o.max_age >= 10",
            "((o.weekday = 2 AND o.schedule = 'weekly') OR EXISTS (SELECT 1 FROM offer_session s "
            f"WHERE s.opportunity_id = o.id AND s.date >= %s AND NOT s.is_cancelled AND {day_of} = 3))",
        ]
        params.append(today)
    elif name == "district":
        joins = "LEFT JOIN offer_venue v ON v.id = o.venue_id"
        where.append(
            "(v.postcode_district = 'SO14' OR EXISTS (SELECT 1 FROM offer_opportunity_schools os "
            "JOIN people_school sc ON sc.id = os.school_id WHERE os.opportunity_id = o.id "
            "AND sc.postcode LIKE 'SO14 %%'))"
        )
    elif name == "distance":
        lat, lon = data["origin"]
        squeeze = math.cos(math.radians(lat))
        half = 3 / MILES_PER_DEGREE
        joins = "JOIN offer_venue v ON v.id = o.venue_id"
        distance = (
            "((v.longitude - %s) * %s) * ((v.longitude - %s) * %s) + (v.latitude - %s) * (v.latitude - %s)"
        )
        distance_params = [lon, squeeze, lon, squeeze, lat, lat]
        where += [
            "o.setting NOT IN ('online', 'in_school')",
            "v.latitude BETWEEN %s AND %s",
            "v.longitude BETWEEN %s AND %s",
            f"{distance} <= %s",
        ]
        params += [
            lat - half,
            lat + half,
            lon - half / squeeze,
            lon + half / squeeze,
            *distance_params,
            half * half,
        ]
        order_first.append(distance)
        order_params += distance_params
    elif name == "tastes":
        # The same row columns the finder reads (offer/finder_keys.py): one point per loved genre or instrument.
        me = data["me"]
        keys = [f",g{pk}," for pk in me.genres.values_list("pk", flat=True)]
        keys += [f",i{pk}," for pk in me.instruments.values_list("pk", flat=True)]
        order_first.append(
            "(" + " + ".join("CASE WHEN o.taste_keys LIKE %s THEN 1 ELSE 0 END" for _ in keys) + ") DESC"
        )
        order_params += [f"%{key}%" for key in keys]
    order = [
        *order_first,
        "CASE WHEN o.cost_pence = 0 THEN 0 ELSE 1 END",
        "o.next_session_on IS NULL",
        "o.next_session_on",
        "o.first_date",
        "o.title",
        "o.id",
    ]
    sql = (
        f"SELECT o.id, o.slug, o.title, o.summary, o.cost_pence FROM offer_opportunity o {joins} "
        f"WHERE {' AND '.join(where)} ORDER BY {', '.join(order)} LIMIT {PAGE_SIZE}"
    )
    return sql, [*params, *order_params]


def floors_urlconf(data: dict):
    """The project's URLs with the floors under /__bench__/, as a module-like object for ROOT_URLCONF."""
    from django.db import connection
    from django.http import HttpResponse
    from django.urls import include, path
    from django.utils.html import escape

    from musichub.core.permissions import public

    @public
    def bare(request):
        return HttpResponse("ok")

    @public
    def sql_page(request, name):
        sql, params = floor_sql(name, data)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        items = "".join(
            f'<li><a href="/opportunities/{escape(slug)}/">{escape(title)}</a> {escape(summary)} {cost}</li>'
            for _pk, slug, title, summary, cost in rows
        )
        return HttpResponse(f"<!doctype html><title>Music-making</title><ul>{items}</ul>")

    urls = types.ModuleType("bench_finder_urls")  # a module: the URL resolver caches by it
    urls.urlpatterns = [
        path(BARE_URL.strip("/") + "/", bare),
        path(SQL_URL.strip("/") + "/<str:name>/", sql_page),
        path("", include("musichub.urls")),
    ]
    return urls


def check_floors(cases: list[Case], data: dict) -> list[str]:
    """Each SQL floor must return the finder's first page for the same search, or its ratio means nothing."""
    from django.db import connection
    from django.http import QueryDict
    from django.utils import timezone

    from musichub.offer import selectors
    from musichub.offer.forms import FinderForm

    today = timezone.localdate()
    differences = []
    for case in cases:
        if not case.floor:
            continue
        _form, filters = FinderForm.from_query(QueryDict(case.url.partition("?")[2]))
        tastes = selectors.tastes_of(data["me"]) if case.signed_in else None
        by_orm = list(
            selectors.finder_results(filters=filters, today=today, tastes=tastes).values_list(
                "pk", flat=True
            )[:PAGE_SIZE]
        )
        sql, params = floor_sql(case.floor, data)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            by_sql = [row[0] for row in cursor.fetchall()]
        if by_sql != by_orm:
            differences.append(f"{case.name}: SQL floor {by_sql[:5]}… differs from the finder {by_orm[:5]}…")
    return differences


# ---- Measuring -------------------------------------------------------------------------------------------


def measure(cases: list[Case], user) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(user)

    def client_for(case):
        return signed_in if case.signed_in else anonymous

    for case in cases:
        for _ in range(WARMUP):
            if (status := client_for(case).get(case.url).status_code) != 200:
                fail(f"{case.url} answered {status}")
        with CaptureQueriesContext(connection) as captured:
            client_for(case).get(case.url)
        case.queries = len(captured.captured_queries)
    clock = time.perf_counter
    for round_number in range(REQUESTS):
        shift = round_number % len(cases)
        for case in cases[shift:] + cases[:shift]:
            start = clock()
            response = client_for(case).get(case.url)
            elapsed = clock() - start
            if response.status_code != 200:
                fail(f"{case.url} answered {response.status_code}")
            case.samples.append(elapsed * 1000)


def report(pages: list[tuple[Case, Case]], bare: Case) -> None:
    width = max(len(page.name) for page, _ in pages)
    print(
        f"{'search':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  {'x bare':>7}  "
        f"{'sql ms':>7}  {'x sql':>6}"
    )
    print(f"{bare.name:<{width}}  {bare.median:>9.2f}  {bare.p95:>7.2f}  {bare.queries:>7}  {1:>7.1f}")
    for page, sql in pages:
        print(
            f"{page.name:<{width}}  {page.median:>9.2f}  {page.p95:>7.2f}  {page.queries:>7}  "
            f"{page.median / bare.median:>7.1f}  {sql.median:>7.2f}  {page.median / sql.median:>6.1f}"
        )


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="musichub-bench-") as tmp:
        setup_django(Path(tmp))

        import django
        from django.db import connection
        from django.test import override_settings

        from musichub.offer.models import Enrolment, Opportunity, Venue
        from musichub.people.models import PostcodeArea, YoungPerson

        data = make_data()
        area = PostcodeArea.objects.get(postcode=data["postcode"])
        data["origin"] = (area.latitude, area.longitude)
        setup_seconds = time.perf_counter() - started

        searches = [
            ("no filters", {}, "plain", False),
            (
                f"free + genre ({data['genre'].slug})",
                {"cost": "free", "genre": data["genre"].slug},
                "free_genre",
                False,
            ),
            ("age 10 + Wednesday", {"age": 10, "day": 2}, "age_day", False),
            ("area SO14", {"area": "SO14"}, "district", False),
            (
                f"within 3 miles of {data['postcode']}",
                {"area": data["postcode"], "within": 3},
                "distance",
                False,
            ),
            ("signed in: taste ranking", {}, "tastes", True),
        ]
        bare = Case("floor: bare Django view", BARE_URL)
        pages = []
        for name, query, floor, signed_in in searches:
            url = "/opportunities/" + (f"?{urlencode(query)}" if query else "")
            page = Case(name, url, floor=floor, signed_in=signed_in)
            sql = Case(f"floor: SQL {floor}", f"{SQL_URL}{floor}/")
            pages.append((page, sql))
        cases = [bare] + [case for pair in pages for case in pair]
        with override_settings(ROOT_URLCONF=floors_urlconf(data)):
            differences = check_floors([page for page, _ in pages], data)
            measure(cases, data["user"])

        vendor = connection.vendor
        version = (
            connection.Database.sqlite_version
            if vendor == "sqlite"
            else f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        )
        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, {vendor} {version}, "
            f"{os.cpu_count()} CPUs; BENCH_SCALE={SCALE:g}"
        )
        print(
            f"{Opportunity.objects.count()} opportunities ({Opportunity.objects.filter(status='published').count()}"
            f" published) at {Venue.objects.count()} venues, {SESSIONS_EACH} sessions each; "
            f"{YoungPerson.objects.count()} young people, {Enrolment.objects.count()} enrolments"
        )
        print(
            f"{REQUESTS} timed requests per line after {WARMUP} warm-up, in-process test client; "
            f"setup {setup_seconds:.1f} s"
        )
        print()
        report(pages, bare)
        print()
        print(
            "x bare: median / the bare view's median. sql ms: hand-written SQL for the same first page, "
            f"through the same client; x sql: median / its median. Total {time.perf_counter() - started:.1f} s."
        )
        for difference in differences:
            print(f"warning: {difference}")
        connection.close()
        slow = [page.name for page, _ in pages if page.median >= 100]
        if slow:
            print(f"Over the 100 ms target: {', '.join(slow)}")


if __name__ == "__main__":
    main()
