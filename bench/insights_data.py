"""The city- and county-scale dataset of bench/insights.py, generated in SQL on PostgreSQL.

1,000,000 young people, 3,000 schools with their pupil population, 103,000 opportunities with 1,030,000 weekly
sessions over four academic years, 5,000,000 enrolments, 20,000,000 attendance marks, whole-class programmes
with pupil lists, named barriers and support, genres young people love, drop-out follow-ups, youth voice and
session feedback (every count times BENCH_SCALE). Everything is `INSERT … SELECT` over `generate_series`, with
explicit ids where later rows are computed from them; the big tables lose their indexes and constraints during
their load and get them back after it, as a restore would.

The random draws are a hash of a row's number (`bench_u(n, seed)`), so every run builds the same data.

Characteristics follow a city's school census: about a quarter on free school meals (more in deprived areas),
13% SEN support, 3% EHCP, about a fifth with English as an additional language, the 2021 Census ethnic groups,
deprivation deciles skewed towards the most deprived. Whole-class teaching reaches classes as they are, but
out-of-school activities under-represent young people on free school meals, with SEND or EAL, care-experienced,
from the most deprived areas, from Black and Asian groups, boys and the oldest: the representation index has
something to show.
"""

import datetime
import sys
import time

from django.db import connection, transaction
from django.utils import timezone

SESSIONS_PER_OPPORTUNITY = 10
ENROLMENTS_PER_OPPORTUNITY = 48.5  # the mean of the per-opportunity draw below
PRIMARY_SHARE = 5 / 6  # of schools
HELD_PLACE = ("enrolled", "withdrawn")


class Progress:
    def __init__(self):
        self.started = time.perf_counter()
        self.steps: dict[str, float] = {}
        self._last = self.started

    def __call__(self, message: str) -> None:
        now = time.perf_counter()
        print(f"  … {message} ({now - self.started:.0f} s)", file=sys.stderr, flush=True)

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = now - self._last
        self._last = now
        self(name)


def counts(scale: float) -> dict[str, int]:
    young_people = max(int(1_000_000 * scale), 2_000)
    return {
        "young_people": young_people,
        "enrolments": max(int(5_000_000 * scale), 10_000),
        "attendance": max(int(20_000_000 * scale), 40_000),
        "schools": max(int(3_000 * scale), 30),
        "opportunities": max(int(5_000_000 * scale / ENROLMENTS_PER_OPPORTUNITY), 200),
        "lsoas": max(int(1_000 * scale), 20),
        "partners": max(int(300 * scale), 20),
        "voice_posts": max(int(60_000 * scale), 300),
        "feedback": max(int(400_000 * scale), 1_000),
    }


def _drop_indexes_and_constraints(cursor, table: str) -> list[str]:
    """Drop a table's indexes and constraints but its primary key; return the statements that put them back."""
    from bench.registers import _drop_indexes_and_constraints as drop

    return drop(cursor, table)


def _restore(cursor, statements: list[str]) -> None:
    for statement in statements:
        cursor.execute(statement)


def _reset_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"
    )


def terms(today: datetime.date) -> list[tuple[int, str, datetime.date, datetime.date]]:
    """Four academic years of terms (this one and three before), up to the next one to start."""
    from musichub.insights.filters import academic_year_of

    this_year = academic_year_of(today)
    rows = []
    for year in range(this_year - 3, this_year + 1):
        for name, (start, end) in {
            "Autumn": (datetime.date(year, 9, 3), datetime.date(year, 12, 19)),
            "Spring": (datetime.date(year + 1, 1, 6), datetime.date(year + 1, 3, 27)),
            "Summer": (datetime.date(year + 1, 4, 14), datetime.date(year + 1, 7, 17)),
        }.items():
            if start <= today + datetime.timedelta(days=60):
                rows.append((year, f"{name} term {year if name == 'Autumn' else year + 1}", start, end))
    return rows


def make_data(scale: float) -> dict:
    """Generate everything; return the staff user, the counts and the seconds each step took."""
    from bench.generate import make_hub
    from musichub.core.models import ActivityKind, Genre, Instrument, User
    from musichub.core.roles import Role
    from musichub.core.services import set_role
    from musichub.offer.demo_wholeclass import load_demo_dropout_reasons
    from musichub.offer.models import DropOutReason, Holiday, Term
    from musichub.partners.models import Partner
    from musichub.people.demo_catalogues import load_demo_catalogues
    from musichub.people.models import Barrier, SupportKind

    n = counts(scale)
    progress = Progress()
    today = timezone.localdate()
    now = timezone.now()
    term_rows = terms(today)
    this_year = term_rows[-1][0]

    make_hub(partners=n["partners"])
    load_demo_catalogues()
    load_demo_dropout_reasons()
    staff = User.objects.create_user(username="bench-staff", email="staff@bench.example.org")
    set_role(user=staff, role=Role.HUB_STAFF)
    with transaction.atomic():
        for year, name, start, end in term_rows:
            Term.objects.create(name=name, starts_on=start, ends_on=end)
            if name.startswith("Autumn"):
                half_term = datetime.date(year, 10, 27)
                Holiday.objects.create(
                    name=f"Half term {year}", starts_on=half_term, ends_on=half_term + datetime.timedelta(4)
                )
    partners = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    kinds = dict(ActivityKind.objects.values_list("slug", "pk"))
    genres = list(Genre.objects.order_by("pk").values_list("slug", "pk"))
    instruments = list(Instrument.objects.order_by("pk").values_list("pk", flat=True))
    barriers = list(Barrier.objects.order_by("pk").values_list("slug", "pk"))
    support = dict(SupportKind.objects.values_list("slug", "pk"))
    reasons = list(DropOutReason.objects.order_by("pk").values_list("pk", flat=True))
    progress.step("hub, partners, catalogues, terms")

    with connection.cursor() as cursor:
        # For the load only (reset before anything is timed): sorts for DISTINCT and index builds in memory,
        # and no waiting for each commit to reach the disk.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET synchronous_commit = off")
        _functions(cursor)
        _areas_and_schools(cursor, n, this_year)
        progress.step(f"{n['lsoas']:,} neighbourhoods, {n['schools']:,} schools")
        _young_people(cursor, n, this_year, now, progress)
        progress.step(f"{n['young_people']:,} young people")
        _population(cursor, this_year, today)
        progress.step("population figures")
        _opportunities(cursor, n, term_rows, today, now, partners, kinds, genres, instruments)
        progress.step(f"{n['opportunities']:,} opportunities, their sessions and genres")
        _enrolments(cursor, n, now, progress)
        progress.step("enrolments and their events")
        _attendance(cursor, n, today, progress)
        progress.step("attendance marks")
        _whole_class(cursor, this_year, today, partners, instruments)
        progress.step("whole-class programmes")
        _tastes_and_barriers(cursor, n, genres, barriers, support, reasons, term_rows[0][2], today)
        progress.step("genres, barriers, support, follow-ups")
        _voice(cursor, n, genres, barriers, today, now)
        progress.step("youth voice and session feedback")
        # As autovacuum would in time: statistics for the planner and the visibility map for index-only scans,
        # so the timings do not change under the benchmark's feet.
        cursor.execute("VACUUM (ANALYZE)")
        progress.step("VACUUM (ANALYZE)")
        cursor.execute("RESET ALL")
        figures = _figures(cursor)
    return {"staff": staff, "counts": n, "figures": figures, "steps": progress.steps, "year": this_year}


def data_left() -> dict:
    """What make_data returns, for the data a previous run left in the database (BENCH_REUSE=1)."""
    from musichub.core.models import User
    from musichub.offer.models import Term

    started = time.perf_counter()
    last_term = Term.objects.order_by("-starts_on").first()
    if last_term is None:
        raise SystemExit(
            "bench: BENCH_REUSE=1, but the database holds no benchmark data: run without it first"
        )
    year = last_term.starts_on.year if last_term.starts_on.month >= 9 else last_term.starts_on.year - 1
    with connection.cursor() as cursor:
        figures = _figures(cursor)
    return {
        "staff": User.objects.get(username="bench-staff"),
        "counts": {},
        "figures": figures,
        "steps": {"reused the data left by the last run": time.perf_counter() - started},
        "year": year,
    }


def _functions(cursor) -> None:
    # A uniform draw in [0, 1) from a row number and a seed: the same data on every run, inlined by the planner.
    cursor.execute(
        "CREATE OR REPLACE FUNCTION bench_u(n bigint, seed bigint) RETURNS double precision "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        "SELECT ((hashint8extended(n, seed) >> 11) & 9007199254740991)::double precision / 9007199254740992.0 $$"
    )


def _areas_and_schools(cursor, n: dict, this_year: int) -> None:
    # Neighbourhoods: deciles skewed towards the most deprived, as in a city; 40 postcode districts.
    cursor.execute(
        "INSERT INTO people_neighbourhood (lsoa_code, lsoa_name, la_code, la_name, imd_rank, imd_decile) "
        "SELECT 'E0' || lpad(i::text, 7, '0'), 'Bench ' || i, 'E06000045', 'Bench City', "
        "1 + floor(32844 * power(bench_u(i, 101), 1.15))::int, "
        "LEAST(10, 1 + floor(10 * power(bench_u(i, 101), 1.15))::int) FROM generate_series(1, %s) i",
        [n["lsoas"]],
    )
    primaries = max(int(n["schools"] * PRIMARY_SHARE), 1)
    cursor.execute(
        "INSERT INTO people_school (id, created_at, updated_at, urn, name, establishment_type, status, is_open, "
        "phase, la_code, la_name, postcode, number_of_pupils, statutory_low_age, statutory_high_age) "
        "SELECT i, now(), now(), 900000 + i, "
        "CASE WHEN i <= %(p)s THEN 'Bench Primary School ' ELSE 'Bench Secondary School ' END || i, "
        "'Community school', 'Open', TRUE, CASE WHEN i <= %(p)s THEN 'Primary' ELSE 'Secondary' END, "
        "'852', 'Bench City', 'BX' || (1 + i %% 40) || ' ' || (i %% 9) || 'AB', 0, "
        "CASE WHEN i <= %(p)s THEN 4 ELSE 11 END, CASE WHEN i <= %(p)s THEN 11 ELSE 18 END "
        "FROM generate_series(1, %(n)s) i",
        {"p": primaries, "n": n["schools"]},
    )
    _reset_sequence(cursor, "people_school")
    n["primaries"] = primaries


# Ethnicity by a uniform draw: the upper bounds of cumulative shares (2021 Census, a diverse English city).
ETHNICITY_CUMULATIVE = [
    (0.600, "white_british"), (0.605, "white_irish"), (0.610, "white_gypsy_traveller"), (0.615, "white_roma"),
    (0.690, "white_other"), (0.700, "asian_bangladeshi"), (0.710, "asian_chinese"), (0.750, "asian_indian"),
    (0.790, "asian_pakistani"), (0.810, "asian_other"), (0.860, "black_african"), (0.875, "black_caribbean"),
    (0.885, "black_other"), (0.900, "mixed_white_asian"), (0.910, "mixed_white_black_african"),
    (0.925, "mixed_white_black_caribbean"), (0.940, "mixed_other"), (0.950, "other_arab"),
    (0.965, "other_any"), (0.985, "not_known"), (1.001, "prefer_not_to_say"),
]  # fmt: skip


def _young_people(cursor, n: dict, this_year: int, now, progress) -> None:
    ethnicity = "CASE " + " ".join(
        f"WHEN u8 < {bound} THEN '{value}'" for bound, value in ETHNICITY_CUMULATIVE
    )
    ethnicity += " END"
    dropped = _drop_indexes_and_constraints(cursor, "people_youngperson")
    total = n["young_people"]
    step = 200_000
    for low in range(1, total + 1, step):
        high = min(low + step - 1, total)
        # yg: 0 is Reception, 1–13 the years; born 1 September to 31 August, (5 + yg) years before this year.
        cursor.execute(
            f"""
            INSERT INTO people_youngperson (id, created_at, updated_at, first_name, last_name, preferred_name,
                date_of_birth, education_status, school_id, year_group, postcode, postcode_district, lsoa_code,
                ward_code, imd_decile, next_steps, access_needs, sex, gender, gender_self_described, ethnicity,
                fsm, send, eal, care_experienced, young_carer, disability, registered_by)
            SELECT d.i, d.registered, d.registered, 'Young' || d.i, 'Person ' || (d.i %% 997), '',
                make_date(%(year)s - 5 - d.yg, 9, 1) + floor(d.u1 * 365)::int,
                d.education, d.school, CASE WHEN d.yg = 0 THEN 'R' ELSE d.yg::text END,
                '', 'BX' || (1 + nb.id %% 40), nb.lsoa_code, '', nb.imd_decile, '', '',
                CASE WHEN d.u9 < 0.49 THEN 'female' WHEN d.u9 < 0.98 THEN 'male' ELSE 'not_known' END,
                CASE WHEN d.u9 < 0.49 THEN 'girl_or_woman' WHEN d.u9 < 0.98 THEN 'boy_or_man'
                    ELSE 'not_known' END, '',
                d.ethnicity,
                CASE WHEN d.u5 < 0.42 - 0.038 * (nb.imd_decile - 1) THEN 'yes' WHEN d.u5 > 0.985 THEN 'not_known'
                    ELSE 'no' END,
                CASE WHEN d.u6 < 0.03 THEN 'ehcp' WHEN d.u6 < 0.16 THEN 'sen_support'
                    WHEN d.u6 < 0.19 THEN 'not_known' ELSE 'none' END,
                CASE WHEN d.u7 < CASE WHEN d.ethnicity = 'white_british' THEN 0.02 ELSE 0.50 END THEN 'yes'
                    WHEN d.u7 > 0.98 THEN 'not_known' ELSE 'no' END,
                CASE WHEN d.u10 < 0.012 THEN 'yes' WHEN d.u10 > 0.96 THEN 'not_known' ELSE 'no' END,
                CASE WHEN d.u11 < 0.03 THEN 'yes' WHEN d.u11 > 0.95 THEN 'not_known' ELSE 'no' END,
                CASE WHEN d.u12 < 0.06 THEN 'yes' WHEN d.u12 > 0.95 THEN 'not_known' ELSE 'no' END,
                'guardian'
            FROM (
                SELECT s.*,
                    CASE WHEN s.education = 'in_school' THEN
                        CASE WHEN s.yg <= 6 THEN 1 + floor(s.u3 * %(primaries)s)::int
                        ELSE %(primaries)s + 1 + floor(s.u3 * (%(schools)s - %(primaries)s))::int END
                    END AS school
                FROM (
                    SELECT r.*, {ethnicity} AS ethnicity,
                        CASE WHEN r.u2 < 0.95 OR r.yg < 12 AND r.u2 < 0.985 THEN 'in_school'
                            WHEN r.u2 < 0.965 OR r.yg < 12 THEN 'home_educated'
                            WHEN r.u2 < 0.995 THEN 'in_college' ELSE 'not_in_school' END AS education
                    FROM (
                        SELECT i, floor(bench_u(i, 1) * 14)::int AS yg, bench_u(i, 11) AS u1,
                            (make_date(%(year)s - 3, 8, 1) - floor(bench_u(i, 14) * 700)::int)::timestamp
                                AT TIME ZONE 'UTC' AS registered,
                            bench_u(i, 2) AS u2, bench_u(i, 3) AS u3, bench_u(i, 4) AS u4, bench_u(i, 5) AS u5,
                            bench_u(i, 6) AS u6, bench_u(i, 7) AS u7, bench_u(i, 8) AS u8, bench_u(i, 9) AS u9,
                            bench_u(i, 10) AS u10, bench_u(i, 12) AS u11, bench_u(i, 13) AS u12
                        FROM generate_series(%(low)s, %(high)s) i
                    ) r
                ) s
            ) d
            -- Home: near the school (its neighbourhood or one of the next six), anywhere for the others.
            JOIN people_neighbourhood nb ON nb.id = 1 + CASE WHEN d.school IS NULL
                THEN floor(d.u4 * %(lsoas)s)::int
                ELSE (d.school * 37 + floor(d.u4 * 7)::int) %% %(lsoas)s END
            """,
            {
                "now": now,
                "year": this_year,
                "primaries": n["primaries"],
                "schools": n["schools"],
                "lsoas": n["lsoas"],
                "low": low,
                "high": high,
            },
        )
        progress(f"{high:,} young people")
    _restore(cursor, dropped)
    _reset_sequence(cursor, "people_youngperson")
    # The number on roll, as GIAS has it: the young people at the school and a quarter more not registered.
    cursor.execute(
        "UPDATE people_school s SET number_of_pupils = r.roll FROM (SELECT school_id, "
        "round(count(*) * 1.25)::int AS roll FROM people_youngperson WHERE school_id IS NOT NULL "
        "GROUP BY school_id) r WHERE r.school_id = s.id"
    )
    # Helpers for choosing young people: pupils by school (a class is consecutive pupils of a school and year
    # group) and a pool where each young person appears as often as they are likely to join something out of
    # school (0 to 5 times; the characteristics that keep young people away lower it).
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_pupil AS SELECT school_id, year_group, id AS young_person_id, "
        "(row_number() OVER (PARTITION BY school_id ORDER BY year_group, id) - 1)::int AS rank "
        "FROM people_youngperson WHERE school_id IS NOT NULL"
    )
    cursor.execute("CREATE INDEX ON bench_pupil (school_id, rank)")
    cursor.execute("CREATE INDEX ON bench_pupil (school_id, year_group, rank)")
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_roll AS SELECT school_id, count(*)::int AS roll FROM bench_pupil "
        "GROUP BY school_id"
    )
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench_pool AS
        SELECT (row_number() OVER (ORDER BY bench_u(yp.id * 8 + k, 77)))::int AS pos, yp.id AS young_person_id
        FROM (
            SELECT id, GREATEST(0, 4 + floor(bench_u(id, 21) * 3)::int - 1
                - (fsm = 'yes')::int - (send = 'sen_support')::int - 2 * (send = 'ehcp')::int
                - (eal = 'yes')::int - 2 * (care_experienced = 'yes')::int - (imd_decile <= 2)::int
                - (ethnicity LIKE 'black%%' OR ethnicity LIKE 'asian%%')::int - (sex = 'male')::int
                - (year_group IN ('11', '12', '13'))::int) AS weight
            FROM people_youngperson
        ) yp CROSS JOIN LATERAL generate_series(1, yp.weight) k
        """
    )
    cursor.execute("ALTER TABLE bench_pool ADD PRIMARY KEY (pos)")
    cursor.execute("SELECT count(*) FROM bench_pool")
    n["pool"] = cursor.fetchone()[0]


def _population(cursor, this_year: int, today: datetime.date) -> None:
    """The January school census of each of the last three years, per school, year group and characteristic:
    the registered young people and a quarter more, a little fewer each year back."""
    ethnic_group = (
        "CASE WHEN ethnicity IN ('not_known', 'prefer_not_to_say') THEN ethnicity "
        "ELSE split_part(ethnicity, '_', 1) END"
    )
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE bench_census AS
        SELECT school_id, year_group, c.characteristic, c.value, count(*) AS pupils
        FROM people_youngperson
        CROSS JOIN LATERAL (VALUES
            ('all', '', TRUE), ('fsm', '', fsm = 'yes'), ('sen_support', '', send = 'sen_support'),
            ('ehcp', '', send = 'ehcp'), ('eal', '', eal = 'yes'),
            ('ethnic_group', {ethnic_group}, TRUE), ('sex', sex, sex IN ('female', 'male'))
        ) AS c(characteristic, value, applies)
        WHERE school_id IS NOT NULL AND c.applies
        GROUP BY school_id, year_group, c.characteristic, c.value
        """
    )
    for year in range(this_year - 3, this_year):
        as_of = datetime.date(year + 1, 1, 15)
        if as_of > today:
            continue
        cursor.execute(
            "INSERT INTO people_populationfigure (as_of, school_id, year_group, characteristic, value, pupils) "
            "SELECT %(as_of)s, school_id, year_group, characteristic, value, round(pupils * %(f)s)::int "
            "FROM bench_census",
            {"as_of": as_of, "f": 1.25 * (1 - 0.01 * (this_year - 1 - year))},
        )


def _opportunities(cursor, n, term_rows, today, now, partners, kinds, genres, instruments) -> None:
    # One row a term: its number, academic year and first day.
    cursor.execute("CREATE UNLOGGED TABLE bench_term (t int PRIMARY KEY, year int, starts_on date)")
    cursor.executemany(
        "INSERT INTO bench_term VALUES (%s, %s, %s)",
        [(t, year, start) for t, (year, _name, start, _end) in enumerate(term_rows)],
    )
    # Kinds by setting: in school, mostly whole-class teaching, lessons and choirs; out of school, the rest.
    in_school = [
        kinds[s] for s in ("whole-class-teaching-in-school", "small-group-lessons", "choir", "ensemble")
    ]
    out_of_school = [
        kinds[s] for s in kinds if s not in ("whole-class-teaching-in-school", "early-years", "youth-panel")
    ]
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench_opp AS
        SELECT o.*, t.year, t.starts_on + (o.i %% 5) AS first_date,
            CASE WHEN o.setting = 'in_school' THEN 1 + floor(power(bench_u(o.i, 34), 1.6) * %(schools)s)::int
            END AS school_id,
            CASE WHEN o.setting = 'in_school' THEN 20 + floor(bench_u(o.i, 35) * 15)::int
                ELSE 30 + floor(bench_u(o.i, 35) * 61)::int END AS places
        FROM (
            SELECT i, i %% %(terms)s AS term,
                CASE WHEN bench_u(i, 31) < 0.35 THEN 'in_school' WHEN bench_u(i, 31) < 0.9 THEN 'out_of_school'
                    ELSE 'online' END AS setting
            FROM generate_series(1, %(n)s) i
        ) o JOIN bench_term t ON t.t = o.term
        """,
        {"schools": n["schools"], "terms": len(term_rows), "n": n["opportunities"]},
    )
    cursor.execute("ALTER TABLE bench_opp ADD PRIMARY KEY (i)")
    cursor.execute(
        """
        INSERT INTO offer_opportunity (id, created_at, updated_at, partner_id, title, slug, summary, description,
            kind_id, min_age, max_age, level, setting, venue_id, schedule, first_date, last_date, weekday,
            starts_at, ends_at, capacity, cost_pence, cost_note, free_for_fsm, bursary_available,
            instrument_provided, transport_help, how_to_join, safeguarding_contact_name,
            safeguarding_contact_email, status, published_at, next_session_on, taste_keys)
        SELECT o.i, %(now)s, %(now)s, (%(partners)s::int[])[1 + o.i %% %(np)s], 'Group ' || o.i,
            'bench-group-' || o.i, 'A weekly group.', '',
            CASE WHEN o.setting = 'in_school' THEN (%(in_school)s::int[])[1 + o.i %% %(nin)s]
                ELSE (%(out)s::int[])[1 + o.i %% %(nout)s] END,
            5 + o.i %% 6, 11 + o.i %% 8, 'no_experience', o.setting, NULL, 'weekly', o.first_date,
            o.first_date + 7 * (%(sessions)s - 1), EXTRACT(ISODOW FROM o.first_date)::int - 1,
            '16:00', '17:00', CASE WHEN o.setting = 'in_school' THEN NULL ELSE o.places - 10 END,
            CASE WHEN o.i %% 3 = 0 THEN 0 ELSE 500 * (1 + o.i %% 4) END, '', o.i %% 2 = 0, o.i %% 4 = 0,
            o.i %% 3 = 0, o.i %% 7 = 0, 'enrol', 'Safe Guard', 'safe@bench.example.org',
            CASE WHEN o.first_date + 7 * (%(sessions)s - 1) < %(today)s THEN 'finished' ELSE 'published' END,
            %(now)s, NULL, ''
        FROM bench_opp o
        """,
        {
            "now": now,
            "today": today,
            "partners": partners,
            "np": len(partners),
            "in_school": in_school,
            "nin": len(in_school),
            "out": out_of_school,
            "nout": len(out_of_school),
            "sessions": SESSIONS_PER_OPPORTUNITY,
        },
    )
    _reset_sequence(cursor, "offer_opportunity")
    cursor.execute(
        "INSERT INTO offer_opportunity_schools (opportunity_id, school_id) "
        "SELECT i, school_id FROM bench_opp WHERE school_id IS NOT NULL"
    )
    # Genres on offer lean classical and band music; young people (below) ask for pop, hip hop and grime.
    supply = [g for slug, g in genres for _ in range(4 if slug in ("classical", "brass-band", "jazz") else 1)]
    cursor.execute(
        "INSERT INTO offer_opportunity_genres (opportunity_id, genre_id) "
        "SELECT DISTINCT o.i, (%(supply)s::int[])[1 + floor(bench_u(o.i * 4 + k, 36) * %(ns)s)::int] "
        "FROM bench_opp o CROSS JOIN generate_series(0, o.i %% 3) k",
        {"supply": supply, "ns": len(supply)},
    )
    cursor.execute(
        "INSERT INTO offer_opportunity_instruments (opportunity_id, instrument_id) "
        "SELECT o.i, (%(instruments)s::int[])[1 + o.i %% %(ni)s] FROM bench_opp o",
        {"instruments": instruments, "ni": len(instruments)},
    )
    # Sessions: id (opportunity - 1) × 10 + k + 1, weekly from the first date; one in 40 cancelled.
    dropped = _drop_indexes_and_constraints(cursor, "offer_session")
    cursor.execute(
        "INSERT INTO offer_session (id, opportunity_id, date, starts_at, ends_at, is_cancelled) "
        "SELECT (o.i - 1) * %(s)s + k + 1, o.i, o.first_date + 7 * k, '16:00', '17:00', "
        "bench_u(o.i * 16 + k, 37) < 0.025 FROM bench_opp o CROSS JOIN generate_series(0, %(s)s - 1) k",
        {"s": SESSIONS_PER_OPPORTUNITY},
    )
    _restore(cursor, dropped)
    _reset_sequence(cursor, "offer_session")
    cursor.execute(
        "UPDATE offer_opportunity o SET next_session_on = s.next FROM (SELECT opportunity_id, min(date) AS next "
        "FROM offer_session WHERE date >= %s AND NOT is_cancelled GROUP BY opportunity_id) s "
        "WHERE s.opportunity_id = o.id",
        [today],
    )


def _enrolments(cursor, n, now, progress) -> None:
    """A class of pupils of the school for in-school groups (everyone enrolled, a few leave); for the others,
    consecutive places of the pool (the statuses of a waiting list's life)."""
    dropped = _drop_indexes_and_constraints(cursor, "offer_enrolment")
    step = 10_000
    for low in range(1, n["opportunities"] + 1, step):
        high = min(low + step - 1, n["opportunities"])
        cursor.execute(
            """
            INSERT INTO offer_enrolment (created_at, updated_at, young_person_id, opportunity_id, status,
                queued_at, offer_expires_at)
            SELECT DISTINCT ON (e.opportunity_id, e.young_person_id)
                e.created_at, e.created_at, e.young_person_id, e.opportunity_id, e.status,
                CASE WHEN e.status IN ('waiting', 'applied') THEN e.created_at END,
                CASE WHEN e.status = 'offered' THEN e.created_at + interval '7 days' END
            FROM (
                SELECT o.i AS opportunity_id,
                    COALESCE(pupil.young_person_id, pool.young_person_id) AS young_person_id,
                    (o.first_date - 21 + j %% 14)::timestamp AT TIME ZONE 'UTC' + j * interval '1 minute'
                        AS created_at,
                    CASE WHEN o.setting = 'in_school' THEN
                        CASE WHEN bench_u(o.i * 128 + j, 41) < 0.92 THEN 'enrolled' ELSE 'withdrawn' END
                    ELSE CASE
                        WHEN j >= o.places - 10 THEN
                            CASE WHEN bench_u(o.i * 128 + j, 41) < 0.6 THEN 'waiting'
                                WHEN bench_u(o.i * 128 + j, 41) < 0.8 THEN 'declined' ELSE 'expired' END
                        WHEN bench_u(o.i * 128 + j, 41) < 0.80 THEN 'enrolled'
                        WHEN bench_u(o.i * 128 + j, 41) < 0.95 THEN 'withdrawn'
                        WHEN bench_u(o.i * 128 + j, 41) < 0.98 THEN 'offered' ELSE 'applied' END
                    END AS status
                FROM bench_opp o
                CROSS JOIN generate_series(0, o.places - 1) j
                LEFT JOIN bench_roll r ON r.school_id = o.school_id
                LEFT JOIN bench_pupil pupil ON pupil.school_id = o.school_id
                    AND pupil.rank = (o.i * 29 + j) %% r.roll
                LEFT JOIN bench_pool pool ON o.school_id IS NULL
                    AND pool.pos = 1 + (o.i::bigint * 7919 + j) %% %(pool)s
                WHERE o.i BETWEEN %(low)s AND %(high)s
            ) e
            WHERE e.young_person_id IS NOT NULL
            ORDER BY e.opportunity_id, e.young_person_id
            """,
            {"pool": n["pool"], "low": low, "high": high},
        )
        if (low // step) % 3 == 0:
            progress(f"enrolments for {high:,} opportunities")
    progress("enrolments: indexes and constraints back")
    _restore(cursor, dropped)
    # Their history: the day each place was taken, and the day it was given up.
    dropped = _drop_indexes_and_constraints(cursor, "offer_enrolmentevent")
    cursor.execute(
        "INSERT INTO offer_enrolmentevent (enrolment_id, at, action, note) "
        "SELECT id, created_at + interval '3 days', 'enrolled', '' FROM offer_enrolment "
        "WHERE status IN ('enrolled', 'withdrawn') "
        "UNION ALL SELECT id, created_at + interval '40 days', 'withdrawn', '' FROM offer_enrolment "
        "WHERE status = 'withdrawn'"
    )
    _restore(cursor, dropped)


def _attendance(cursor, n, today, progress) -> None:
    """Marks for the places held, session by session up to today (withdrawn: until they left), thinned to the
    target count; present, late, absent or absent with a reason."""
    cursor.execute(
        "SELECT count(*), sum(LEAST(GREATEST(0, (%(today)s - o.first_date) / 7 + 1), 10, "
        "CASE WHEN e.status = 'withdrawn' THEN 1 + e.id %% 6 ELSE 10 END)) "
        "FROM offer_enrolment e JOIN bench_opp o ON o.i = e.opportunity_id "
        "WHERE e.status IN ('enrolled', 'withdrawn')",
        {"today": today},
    )
    _held, possible = cursor.fetchone()
    possible = int(possible or 0)
    keep = min(1.0, n["attendance"] / max(possible or 1, 1) / 0.975)  # 2.5% of sessions are cancelled
    n["attendance_keep"] = keep
    dropped = _drop_indexes_and_constraints(cursor, "offer_attendance")
    cursor.execute("SELECT min(id), max(id) FROM offer_enrolment")
    first, last = cursor.fetchone()
    step = 250_000
    made = 0
    for low in range(first, last + 1, step):
        cursor.execute(
            """
            INSERT INTO offer_attendance (session_id, young_person_id, mark, reason, walk_in, marked_at)
            SELECT (e.opportunity_id - 1) * %(s)s + k + 1, e.young_person_id,
                CASE WHEN bench_u(e.id * 16 + k, 52) < 0.80 THEN 'present'
                    WHEN bench_u(e.id * 16 + k, 52) < 0.86 THEN 'late'
                    WHEN bench_u(e.id * 16 + k, 52) < 0.95 THEN 'absent' ELSE 'excused' END,
                '', FALSE, (o.first_date + 7 * k + time '17:00') AT TIME ZONE 'UTC'
            FROM offer_enrolment e
            JOIN bench_opp o ON o.i = e.opportunity_id
            CROSS JOIN generate_series(0, %(s)s - 1) k
            WHERE e.id >= %(low)s AND e.id < %(high)s AND e.status IN ('enrolled', 'withdrawn')
                AND o.first_date + 7 * k <= %(today)s
                AND (e.status = 'enrolled' OR k < 1 + e.id %% 6)
                AND bench_u(e.opportunity_id * 16 + k, 37) >= 0.025  -- not a cancelled session
                AND bench_u(e.id * 16 + k, 51) < %(keep)s
            """,
            {"s": SESSIONS_PER_OPPORTUNITY, "low": low, "high": low + step, "today": today, "keep": keep},
        )
        made += cursor.rowcount
        if (low - first) // step % 8 == 0:
            progress(f"{made:,} attendance marks")
    progress("attendance: indexes and constraints back")
    _restore(cursor, dropped)


def _whole_class(cursor, this_year, today, partners, instruments) -> None:
    """A year 4 class in about seven in ten primary schools each year, taught by the lead partner; the school
    shares the pupil list for about half of them (the current pupils of the school in that cohort, when they
    are still at primary school)."""
    cursor.execute(
        """
        INSERT INTO offer_wholeclassprogramme (created_at, updated_at, school_id, partner_id, year_group,
            class_name, pupils, starts_on, ends_on, weeks_delivered, next_steps)
        SELECT now(), now(), s.id, %(lead)s, '4', '4' || chr(65 + c), 24 + (s.id + y + c) %% 7,
            make_date(y, 9, 10), make_date(y + 1, 7, 10),
            CASE WHEN make_date(y + 1, 7, 10) < %(today)s THEN 30
                ELSE GREATEST(0, (%(today)s - make_date(y, 9, 10)) / 7) END, ''
        FROM people_school s
        CROSS JOIN generate_series(%(first)s, %(last)s) y
        CROSS JOIN generate_series(0, CASE WHEN s.id %% 5 = 0 THEN 1 ELSE 0 END) c
        WHERE s.phase = 'Primary' AND bench_u(s.id * 8 + y, 61) < 0.7
        """,
        {"lead": partners[0], "first": this_year - 3, "last": this_year, "today": today},
    )
    cursor.execute(
        "INSERT INTO offer_wholeclassprogramme_instruments (wholeclassprogramme_id, instrument_id) "
        "SELECT id, (%(instruments)s::int[])[1 + id %% %(ni)s] FROM offer_wholeclassprogramme",
        {"instruments": instruments[:12], "ni": min(len(instruments), 12)},
    )
    # The cohort is in year 4 + (this year - the programme's year) now.
    cursor.execute(
        """
        INSERT INTO offer_wholeclassprogramme_pupil_list (wholeclassprogramme_id, youngperson_id)
        SELECT w.id, p.young_person_id
        FROM offer_wholeclassprogramme w
        JOIN bench_pupil p ON p.school_id = w.school_id
            AND p.year_group = (4 + %(year)s - extract(year FROM w.starts_on)::int)::text
        WHERE w.id %% 2 = 0 AND 4 + %(year)s - extract(year FROM w.starts_on)::int <= 6
        """,
        {"year": this_year},
    )


def _tastes_and_barriers(cursor, n, genres, barriers, support, reasons, window_start, today) -> None:
    window_days = (today - window_start).days
    # Genres young people love: four in ten name one to three, leaning to pop, hip hop, grime, afrobeats.
    demand = [
        g for slug, g in genres for _ in range(5 if slug in ("pop", "hip-hop", "grime", "afrobeats") else 1)
    ]
    cursor.execute(
        "INSERT INTO people_youngperson_genres (youngperson_id, genre_id) "
        "SELECT DISTINCT yp.id, (%(demand)s::int[])[1 + floor(bench_u(yp.id * 4 + k, 71) * %(nd)s)::int] "
        "FROM people_youngperson yp CROSS JOIN generate_series(0, yp.id %% 3) k "
        "WHERE bench_u(yp.id, 70) < 0.4",
        {"demand": demand, "nd": len(demand)},
    )
    # Barriers: more often named by young people on free school meals, with SEND or care-experienced.
    barrier_ids = [pk for _slug, pk in barriers]
    cursor.execute(
        "INSERT INTO people_namedbarrier (created_at, updated_at, young_person_id, barrier_id, note) "
        "SELECT DISTINCT ON (yp.id, b) named.at, named.at, yp.id, b, '' FROM people_youngperson yp "
        "CROSS JOIN LATERAL (SELECT (%(barriers)s::int[])[1 + floor(bench_u(yp.id * 4 + k, 73) * %(nb)s)::int] "
        "AS b, %(start)s + floor(bench_u(yp.id * 4 + k, 76) * %(days)s) * interval '1 day' AS at "
        "FROM generate_series(0, yp.id %% 2) k) named "
        "WHERE bench_u(yp.id, 72) < 0.06 + 0.12 * (yp.fsm = 'yes')::int + 0.1 * (yp.send <> 'none')::int "
        "+ 0.2 * (yp.care_experienced = 'yes')::int",
        {"barriers": barrier_ids, "nb": len(barrier_ids), "start": window_start, "days": window_days},
    )
    # Support asked for two barriers in three, matched to the barrier; most awarded.
    matching = {
        "cost": "bursary",
        "transport": "transport-help",
        "needs-an-instrument": "instrument-loan",
        "access-needs": "access-adjustment",
        "confidence": "buddy-or-mentor",
    }
    pairs = [(pk, support[matching[slug]]) for slug, pk in barriers if slug in matching]
    cursor.execute(
        "INSERT INTO people_supportrequest (created_at, updated_at, young_person_id, kind_id, reason, status, "
        "decided_at, decision_note) "
        "SELECT nb.created_at, nb.created_at, nb.young_person_id, m.kind, '', "
        "CASE WHEN bench_u(nb.id, 75) < 0.72 THEN 'awarded' WHEN bench_u(nb.id, 75) < 0.85 THEN 'declined' "
        "ELSE 'requested' END, "
        "CASE WHEN bench_u(nb.id, 75) < 0.85 THEN nb.created_at + interval '10 days' END, '' "
        "FROM people_namedbarrier nb JOIN (SELECT unnest(%(b)s::int[]) AS barrier, unnest(%(k)s::int[]) AS kind) m "
        "ON m.barrier = nb.barrier_id WHERE bench_u(nb.id, 74) < 0.67",
        {"b": [b for b, _k in pairs], "k": [k for _b, k in pairs]},
    )
    # Follow-ups of six in ten withdrawals, with a reason.
    cursor.execute(
        "INSERT INTO offer_followup (created_at, updated_at, enrolment_id, contacted, reason_id, outcome, note) "
        "SELECT e.created_at + interval '45 days', e.created_at + interval '45 days', e.id, TRUE, "
        "(%(reasons)s::int[])[1 + floor(bench_u(e.id, 81) * %(nr)s)::int], "
        "CASE WHEN bench_u(e.id, 82) < 0.6 THEN 'left' WHEN bench_u(e.id, 82) < 0.8 THEN 'coming_back' "
        "ELSE 'support' END, '' "
        "FROM offer_enrolment e WHERE e.status = 'withdrawn' AND bench_u(e.id, 80) < 0.6",
        {"reasons": reasons, "nr": len(reasons)},
    )


def _voice(cursor, n, genres, barriers, today, now) -> None:
    """Voices (ideas and requests, most about genres), answered within a few weeks, and quick session feedback."""
    cursor.execute(
        """
        INSERT INTO voice_post (created_at, updated_at, kind, topic, title, text, genre_id, place, barrier_id,
            young_person_id, group_name, display_name, moderation, flags, reported, details_edited,
            decline_reason, moderated_at, published_at, answer, received_on, response_due_on, answered_on,
            last_answered_at)
        SELECT p.received::timestamp AT TIME ZONE 'UTC', p.received::timestamp AT TIME ZONE 'UTC',
            CASE WHEN p.i %% 3 = 0 THEN 'idea' ELSE 'request' END,
            CASE WHEN p.i %% 4 = 3 THEN 'cost' ELSE 'music' END, 'More music like this, please', '',
            CASE WHEN p.i %% 4 = 3 THEN NULL ELSE (%(genres)s::int[])[1 + floor(bench_u(p.i, 91) * %(ng)s)::int] END,
            '', CASE WHEN p.i %% 4 = 3 THEN (%(barriers)s::int[])[1 + p.i %% %(nb)s] END,
            1 + floor(bench_u(p.i, 92) * %(yp)s)::int, '', 'A young musician', 'published', '[]'::jsonb,
            FALSE, FALSE, '', p.received::timestamp AT TIME ZONE 'UTC',
            p.received::timestamp AT TIME ZONE 'UTC',
            CASE WHEN p.answered IS NULL THEN ''
                WHEN p.i %% 5 = 0 THEN 'done' WHEN p.i %% 5 = 1 THEN 'planned' ELSE 'considering' END,
            p.received, p.received + 28, p.answered,
            (p.answered::timestamp AT TIME ZONE 'UTC')
        FROM (
            SELECT i, %(today)s - floor(bench_u(i, 90) * 1400)::int AS received,
                CASE WHEN bench_u(i, 93) < 0.85 THEN
                    LEAST(%(today)s, %(today)s - floor(bench_u(i, 90) * 1400)::int
                        + floor(bench_u(i, 94) * 40)::int) END AS answered
            FROM generate_series(1, %(n)s) i
        ) p
        """,
        {
            "genres": [
                pk for slug, pk in genres for _ in range(4 if slug in ("pop", "hip-hop", "grime") else 1)
            ],
            "ng": sum(4 if slug in ("pop", "hip-hop", "grime") else 1 for slug, _pk in genres),
            "barriers": [pk for _slug, pk in barriers],
            "nb": len(barriers),
            "yp": n["young_people"],
            "today": today,
            "n": n["voice_posts"],
        },
    )
    # The published answers behind them (one each; "done" and "not possible" say what and why).
    cursor.execute(
        "INSERT INTO voice_response (created_at, updated_at, post_id, status, text, state, from_name, "
        "published_at) SELECT p.last_answered_at, p.last_answered_at, p.id, p.answer, "
        "'We have started a new group.', 'published', 'The hub team', p.last_answered_at "
        "FROM voice_post p WHERE p.answer <> ''"
    )
    cursor.execute(
        "INSERT INTO voice_sessionfeedback (session_id, face, word, play_next, held_back, at) "
        "SELECT s.id, 1 + floor(power(bench_u(f.i, 96), 0.5) * 5)::int, '', '', FALSE, "
        "(s.date + time '17:05') AT TIME ZONE 'UTC' "
        "FROM generate_series(1, %(n)s) AS f(i) JOIN offer_session s "
        "ON s.id = 1 + floor(bench_u(f.i, 95) * (SELECT max(id) FROM offer_session))::int "
        "WHERE s.date <= %(today)s",
        {"n": n["feedback"], "today": today},
    )


def _figures(cursor) -> dict[str, int]:
    """Row counts and characteristic shares of what was made, to print."""
    figures = {}
    for table in (
        "people_school",
        "people_youngperson",
        "people_populationfigure",
        "offer_opportunity",
        "offer_session",
        "offer_enrolment",
        "offer_enrolmentevent",
        "offer_attendance",
        "offer_wholeclassprogramme",
        "offer_wholeclassprogramme_pupil_list",
        "people_youngperson_genres",
        "people_namedbarrier",
        "people_supportrequest",
        "offer_followup",
        "voice_post",
        "voice_response",
        "voice_sessionfeedback",
    ):
        cursor.execute(f"SELECT count(*) FROM {table}")
        figures[table] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT avg((fsm = 'yes')::int), avg((send = 'sen_support')::int), avg((send = 'ehcp')::int), "
        "avg((eal = 'yes')::int), avg((ethnicity <> 'white_british' AND ethnicity NOT IN "
        "('not_known', 'prefer_not_to_say'))::int), avg((imd_decile <= 2)::int) FROM people_youngperson"
    )
    shares = cursor.fetchone()
    figures["shares"] = dict(
        zip(
            ["FSM", "SEN support", "EHCP", "EAL", "not White British", "IMD deciles 1-2"], shares, strict=True
        )
    )
    return figures
