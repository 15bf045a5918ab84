"""Benchmark taking a register with a big attendance table: `DEBUG=1 .venv/bin/python bench/registers.py` (README.md).

The target (issue "Delivering the offer"): a 40-person register submits in under 200 ms server-side on PostgreSQL
with 20 million attendance rows in the table, and the register page and its submission run a constant number of
queries whatever the group size (pinned in musichub/offer/tests/test_registers.py; printed here too).

It needs BENCH_DATABASE_URL (a PostgreSQL database whose name contains "bench": dropped and created afresh). It loads
20,000,000 attendance rows (times BENCH_SCALE) across 500,000 past sessions of 10,000 opportunities and 200,000 young
people, in SQL, then times, through Django's test client in-process, as a music leader:

- the register page of a 40-person group (GET);
- its first submission, 40 marks (POST: the form, the idempotency key, the upsert, the audit entry);
- a second submission from another phone changing 10 marks (each change logged);
- the same submission sent again (its key seen before: acknowledged, nothing applied);

each beside a floor measured in the same run: a bare Django view, and hand-written SQL doing the first
submission's writes (the key row and one INSERT … ON CONFLICT of 40 marks) in a transaction.

Benchmarks report by printing: every print() here is the figure the benchmark exists to show.
"""

import datetime
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Timings, fail, setup_django  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_REQUESTS", "60"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
ATTENDANCE_ROWS = int(20_000_000 * SCALE)
GROUP = 40
OPPORTUNITIES = max(int(10_000 * SCALE), 10)
YOUNG_PEOPLE = max(int(200_000 * SCALE), 1_000)
SESSIONS = max(ATTENDANCE_ROWS // GROUP, OPPORTUNITIES)
TARGET_MS = 200
BARE_URL = "/__bench__/bare/"


def make_data() -> dict:
    """Hub, a leader, opportunities, young people, past sessions and the attendance table, then the timed groups:
    2 × (ROUNDS + WARMUP) opportunities the leader leads, each with 40 enrolled young people and a session today."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.generate import make_hub
    from musichub.core.models import ActivityKind, User
    from musichub.core.roles import Role
    from musichub.core.services import set_role
    from musichub.offer.models import Enrolment, Opportunity, Session
    from musichub.partners.models import Partner
    from musichub.people.models import YoungPerson

    today = timezone.localdate()
    make_hub(partners=20)
    partner = Partner.objects.order_by("pk").first()
    kind = ActivityKind.objects.order_by("pk").first()
    leader = User.objects.create_user(username="bench-leader", email="leader@bench.example.org")
    set_role(user=leader, role=Role.MUSIC_LEADER)
    timed = 2 * (ROUNDS + WARMUP)  # half for the pages, half for the SQL floor

    with transaction.atomic():
        Opportunity.objects.bulk_create(
            [
                Opportunity(
                    partner=partner,
                    title=f"Group {n}",
                    slug=f"group-{n}",
                    summary="A weekly group.",
                    kind=kind,
                    min_age=8,
                    max_age=18,
                    first_date=today - datetime.timedelta(weeks=60),
                    last_date=today + datetime.timedelta(weeks=8),
                    weekday=today.weekday(),
                    starts_at=datetime.time(17, 0),
                    ends_at=datetime.time(18, 0),
                    status=Opportunity.Status.PUBLISHED,
                    safeguarding_contact_name="Safe",
                    safeguarding_contact_email="safe@bench.example.org",
                )
                for n in range(OPPORTUNITIES + timed)
            ],
            batch_size=2000,
        )
        for start in range(0, YOUNG_PEOPLE, 10_000):
            YoungPerson.objects.bulk_create(
                [
                    YoungPerson(
                        first_name=f"Young{n}",
                        last_name="Person",
                        date_of_birth=today - datetime.timedelta(days=4000 + n % 2000),
                        registered_by="guardian",
                    )
                    for n in range(start, min(start + 10_000, YOUNG_PEOPLE))
                ],
                batch_size=5000,
            )
    opportunity_ids = list(Opportunity.objects.order_by("pk").values_list("pk", flat=True))
    background, groups = opportunity_ids[:OPPORTUNITIES], opportunity_ids[OPPORTUNITIES:]
    first_person = YoungPerson.objects.order_by("pk").values_list("pk", flat=True).first()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Past sessions, weekly, spread over the background opportunities (one per opportunity per week).
        weeks = SESSIONS // len(background) + 1
        cursor.execute(
            "INSERT INTO offer_session (opportunity_id, date, starts_at, ends_at, is_cancelled) "
            "SELECT o.id, %s - (w * 7 + 7), '17:00', '18:00', FALSE FROM offer_opportunity o "
            "CROSS JOIN generate_series(0, %s) w WHERE o.id BETWEEN %s AND %s",
            [today, weeks - 1, background[0], background[-1]],
        )
        cursor.execute("SELECT min(id), max(id) FROM offer_session")
        low, high = cursor.fetchone()
        # 40 marks a session: young person (session * 40 + k) mod N, so (session, young person) is unique.
        # Loaded as a restore would be: without the table's indexes and constraints, which are put back after
        # (the timed submissions then run against all of them, as in production).
        dropped = _drop_indexes_and_constraints(cursor, "offer_attendance")
        step = 50_000
        made = 0
        for chunk in range(low, high + 1, step):
            if made >= ATTENDANCE_ROWS:
                break
            cursor.execute(
                "INSERT INTO offer_attendance (session_id, young_person_id, mark, reason, walk_in, marked_at) "
                f"SELECT s.id, %s + ((s.id * {GROUP} + k) %% %s), "
                "CASE WHEN (s.id + k) %% 10 = 0 THEN 'absent' WHEN (s.id + k) %% 17 = 0 THEN 'late' "
                "ELSE 'present' END, '', FALSE, %s "
                f"FROM offer_session s CROSS JOIN generate_series(0, {GROUP - 1}) k "
                "WHERE s.id >= %s AND s.id < %s",
                [first_person, YOUNG_PEOPLE, timezone.now(), chunk, min(chunk + step, high + 1)],
            )
            made += cursor.rowcount
            if chunk // step % 10 == 0:
                print(
                    f"  … {made:,} attendance rows ({time.perf_counter() - started:.0f} s)", file=sys.stderr
                )
        print(f"  … indexes and constraints back ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        _restore(cursor, dropped)
    # The timed groups: 40 enrolled young people each (the first 40 × groups young people), a session today.
    with transaction.atomic():
        people = list(YoungPerson.objects.order_by("pk").values_list("pk", flat=True)[: GROUP * len(groups)])
        Enrolment.objects.bulk_create(
            [
                Enrolment(young_person_id=people[index * GROUP + k], opportunity_id=group, status="enrolled")
                for index, group in enumerate(groups)
                for k in range(GROUP)
            ],
            batch_size=5000,
        )
        Session.objects.bulk_create(
            [
                Session(
                    opportunity_id=group, date=today, starts_at=datetime.time(17), ends_at=datetime.time(18)
                )
                for group in groups
            ]
        )
        Opportunity.leaders.through.objects.bulk_create(
            [Opportunity.leaders.through(opportunity_id=group, user_id=leader.pk) for group in groups]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sessions = list(Session.objects.filter(opportunity_id__in=groups, date=today).order_by("pk"))
    members = {
        opportunity: sorted(
            Enrolment.objects.filter(opportunity_id=opportunity).values_list("young_person_id", flat=True)
        )
        for opportunity in groups
    }
    half = len(sessions) // 2
    return {
        "leader": leader,
        "sessions": sessions[:half],
        "floor_sessions": sessions[half:],
        "members": members,
        "load_seconds": time.perf_counter() - started,
    }


def _drop_indexes_and_constraints(cursor, table: str) -> list[str]:
    """Drop a table's indexes and constraints but its primary key; return the statements that put them back."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'c')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints
    ]


def _restore(cursor, statements: list[str]) -> None:
    for statement in statements:
        cursor.execute(statement)


def post_data(members: list[int], marks: dict[int, str], at: datetime.datetime) -> dict:
    data = {"key": str(uuid.uuid4())}
    for person in members:
        if person in marks:
            data[f"mark_{person}"] = marks[person]
            data[f"tapped_{person}"] = at.isoformat()
            data[f"was_{person}"] = ""
    return data


def sql_floor_submit(session_id: int, members: list[int], by_id: int) -> None:
    """The first submission's writes by hand: the key row, then the 40 marks in one INSERT … ON CONFLICT."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    rows = ", ".join(["(%s, %s, 'present', '', FALSE, %s, %s)"] * len(members))
    params = []
    for person in members:
        params += [session_id, person, now, by_id]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO offer_registersubmission (key, session_id, submitted_by_id, received_at, marks) "
            "VALUES (%s, %s, %s, %s, %s)",
            [uuid.uuid4(), session_id, by_id, now, len(members)],
        )
        cursor.execute(
            "INSERT INTO offer_attendance (session_id, young_person_id, mark, reason, walk_in, marked_at, "
            f"marked_by_id) VALUES {rows} ON CONFLICT (session_id, young_person_id) DO UPDATE SET "
            "mark = EXCLUDED.mark, marked_at = EXCLUDED.marked_at, marked_by_id = EXCLUDED.marked_by_id",
            params,
        )


def main() -> None:
    started = time.perf_counter()
    if not os.environ.get("BENCH_DATABASE_URL"):
        fail("the target is on PostgreSQL: set BENCH_DATABASE_URL (BENCH_SCALE=0.01 for a quick run)")
    with tempfile.TemporaryDirectory(prefix="musichub-bench-") as tmp:
        setup_django(Path(tmp))

        import django
        from django.db import connection, reset_queries
        from django.http import HttpResponse
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext
        from django.urls import include, path
        from django.utils import timezone

        from musichub.core.permissions import public
        from musichub.offer.models import Attendance, AttendanceChange, RegisterSubmission

        data = make_data()
        setup_seconds = time.perf_counter() - started
        leader = data["leader"]
        client = Client()
        client.force_login(leader)

        bare_view = public(lambda request: HttpResponse("ok"))
        urlconf = type(sys)("bench_registers_urls")
        urlconf.urlpatterns = [path(BARE_URL.strip("/") + "/", bare_view), path("", include("musichub.urls"))]

        lines = {
            name: Timings(name)
            for name in (
                "floor: bare Django view",
                "register page, 40 young people (GET)",
                "first submission, 40 marks (POST)",
                "second phone, 10 changed (POST)",
                "the same submission again (POST)",
                "floor: SQL, 40 marks + key",
            )
        }

        def timed(name, function):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = function()
                elapsed = (time.perf_counter() - began) * 1000
            if response is not None and response.status_code not in (200, 302):
                fail(f"{name}: HTTP {response.status_code}: {response.content[:300]!r}")
            lines[name].queries = len(captured)
            return elapsed

        with override_settings(ROOT_URLCONF=urlconf):
            for round_number, session in enumerate(data["sessions"]):
                members = data["members"][session.opportunity_id]
                url = f"/delivery/sessions/{session.pk}/register/"
                now = timezone.now()
                first = post_data(members, dict.fromkeys(members, "present"), now)
                changed = dict.fromkeys(members[:10], "late")
                second = post_data(members, changed, now + datetime.timedelta(seconds=30))
                results = [
                    ("floor: bare Django view", lambda: client.get(BARE_URL)),
                    ("register page, 40 young people (GET)", lambda url=url: client.get(url)),
                    ("first submission, 40 marks (POST)", lambda url=url, d=first: client.post(url, d)),
                    ("second phone, 10 changed (POST)", lambda url=url, d=second: client.post(url, d)),
                    ("the same submission again (POST)", lambda url=url, d=second: client.post(url, d)),
                ]
                samples = [(name, timed(name, function)) for name, function in results]
                # The SQL floor on a group of its own, untouched so far: a first submission too.
                floor_session = data["floor_sessions"][round_number]
                began = time.perf_counter()
                sql_floor_submit(floor_session.pk, data["members"][floor_session.opportunity_id], leader.pk)
                samples.append(("floor: SQL, 40 marks + key", (time.perf_counter() - began) * 1000))
                if round_number >= WARMUP:
                    for name, elapsed in samples:
                        lines[name].samples.append(elapsed)
                reset_queries()

            # The submissions arrived exactly once each: 40 marks a session, 10 changes logged, no extra key rows.
            timed_sessions = [session.pk for session in data["sessions"]]
            marks = Attendance.objects.filter(session_id__in=timed_sessions).count()
            changes = AttendanceChange.objects.filter(session_id__in=timed_sessions).count()
            keys = RegisterSubmission.objects.filter(session_id__in=timed_sessions).count()
            expected = len(timed_sessions)
            if (marks, changes, keys) != (GROUP * expected, 10 * expected, 2 * expected):
                fail(
                    f"unexpected result: {marks} marks, {changes} changes, {keys} submissions for {expected}"
                )

        vendor = connection.vendor
        version = (
            connection.Database.sqlite_version
            if vendor == "sqlite"
            else f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        )
        total_rows = Attendance.objects.count()
        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, {vendor} {version}, "
            f"{os.cpu_count()} CPUs; BENCH_SCALE={SCALE:g}"
        )
        print(
            f"{total_rows:,} attendance rows; groups of {GROUP}; {ROUNDS} timed rounds after {WARMUP} warm-up; "
            f"setup {setup_seconds:.0f} s (attendance loaded in {data['load_seconds']:.0f} s)"
        )
        print()
        bare = lines["floor: bare Django view"]
        floor = lines["floor: SQL, 40 marks + key"]
        width = max(len(name) for name in lines)
        print(f"{'line':<{width}}  median ms   p95 ms  queries   x bare   x sql")
        for name, line in lines.items():
            print(
                f"{name:<{width}}  {line.median:>9.2f}  {line.p95:>7.2f}  {line.queries:>7}  "
                f"{line.median / bare.median:>7.1f}  {line.median / floor.median:>6.1f}"
            )
        print()
        print(
            "x bare: median / the bare view's median; x sql: median / the hand-written SQL's median (the first "
            f"submission's writes). Target: a 40-person submission under {TARGET_MS} ms. "
            f"Total {time.perf_counter() - started:.0f} s."
        )
        slow = [name for name, line in lines.items() if "(POST)" in name and line.median >= TARGET_MS]
        if slow:
            print(f"Over the {TARGET_MS} ms target: {', '.join(slow)}")
        connection.close()


if __name__ == "__main__":
    main()
