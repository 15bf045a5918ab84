"""Benchmark of the inclusion insights at city and county scale: `DEBUG=1 .venv/bin/python bench/insights.py`.

The targets (issue "Inclusion insights"): on PostgreSQL with 1,000,000 young people, 5,000,000 enrolments,
20,000,000 attendance marks and 3,000 schools,

- the dashboard, all sections, renders in under 2 s server-side;
- each section's queries take no more than 1.5 × the time of the best hand-written SQL for the same figures;
- the annual return export (XLSX) finishes in under 30 s.

It needs BENCH_DATABASE_URL (a PostgreSQL database whose name contains "bench": dropped and created afresh),
e.g. postgres://postgres@127.0.0.1:5432/musichub_bench_insights. It generates the data in SQL
(bench/insights_data.py, a few minutes on 2 cores; BENCH_SCALE=0.01 for a quick run), then times, in-process,
for the latest academic year with no filter and again filtered to FSM pupils out of school:

- `/insights/` as a hub staff member through django.test.Client (the whole page: middleware, view, queries,
  templates), as people get it between two rebuilds of the summaries (its figures worked out once and kept);
- working the figures out (`musichub.insights.selectors.dashboard(filters, fresh=True)`: what the first view
  of a set of filters after a rebuild costs; the rebuild itself works out the unfiltered ones, warm_dashboard);
- each section function against hand-written SQL for the same figures (checked equal before timing: a
  `differs:` line says where they are not), printing both medians and the ratio;
- the annual return: building its XLSX (and its CSV) with musichub.insights.returns.

A function or page that is not there yet prints "not built yet" on its line instead of failing the run.
BENCH_REUSE=1 measures the data the last run left in the database again, without dropping it, and keeps its
summaries (for working on the dashboard's queries: generating and summarising take minutes).

Benchmarks report by printing: every print() here is the figure the benchmark exists to show.
"""

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Timings, fail, setup_django  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
TARGET_PAGE_MS = 2000
TARGET_RATIO = 1.5
TARGET_RETURN_S = 30
SLOW_S = float(os.environ.get("BENCH_SLOW_S", "5"))
REUSE = os.environ.get("BENCH_REUSE") == "1"
STATEMENT_TIMEOUT_S = int(os.environ.get("BENCH_STATEMENT_TIMEOUT", "300"))
SECTIONS = [
    "reach_section",
    "schools_section",
    "tastes_section",
    "retention_section",
    "voice_section",
    "aims_overview",
]
NOT_BUILT = "not built yet"


def _stopwatch(name: str, function, *, rounds: int, warmup: int) -> dict:
    """Run `function` warmup times untimed, then up to `rounds` times timed (only once when a timed run takes
    over SLOW_S: slow lines would make the run take hours); its samples in ms, queries of one run, last result."""
    from django.db import OperationalError, connection
    from django.test.utils import CaptureQueriesContext

    line = Timings(name)
    result = None
    try:
        for run in range(warmup + rounds):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                result = function()
                elapsed = (time.perf_counter() - began) * 1000
            line.queries = len(captured)
            if run >= warmup:
                line.samples.append(elapsed)
                if elapsed > SLOW_S * 1000:
                    break
    except OperationalError as error:  # the statement timeout
        return {"line": line, "result": None, "error": f"cancelled after {STATEMENT_TIMEOUT_S} s ({error})"}
    except Exception as error:  # noqa: BLE001 -- code being written beside the benchmark: say so, go on
        first_line = str(error).splitlines()[0] if str(error) else ""
        return {"line": line, "result": None, "error": f"failed: {type(error).__name__}: {first_line[:120]}"}
    return {"line": line, "result": result, "error": None}


def _not_built(module: str, name: str):
    """The function `name` of `module`, or None while the helper building it has not written it yet."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _ms(line: Timings) -> str:
    return f"{line.median:>10.0f}" if line.samples else f"{'-':>10}"


def _setup_django_keeping_the_data(tmp: Path) -> None:
    """As bench.common.setup_django, on the database the last run left (BENCH_REUSE=1): not dropped."""
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "musichub.settings"
    os.environ["DEBUG"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    for name in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "STATIC_ROOT"):
        os.environ[name] = str(tmp / name.lower())
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    started = time.perf_counter()
    if not os.environ.get("BENCH_DATABASE_URL"):
        fail(
            "the target is on PostgreSQL: set BENCH_DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/musichub_bench_insights (BENCH_SCALE=0.01 for a quick run)"
        )
    with tempfile.TemporaryDirectory(prefix="musichub-bench-") as tmp:
        if REUSE:
            _setup_django_keeping_the_data(Path(tmp))
        else:
            setup_django(Path(tmp))

        import django
        from django.db import connection

        from bench.insights_data import data_left, make_data

        if connection.vendor != "postgresql":
            fail("BENCH_DATABASE_URL must name a PostgreSQL database")
        data = data_left() if REUSE else make_data(SCALE)
        setup_seconds = time.perf_counter() - started
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('shared_buffers')")
            work_mem, shared_buffers = cursor.fetchone()
        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {version} "
            f"(work_mem {work_mem}, shared_buffers {shared_buffers}), {os.cpu_count()} CPUs; "
            f"BENCH_SCALE={SCALE:g}; data generated in {setup_seconds:.0f} s"
        )
        figures = data["figures"]
        print(
            "  ".join(
                f"{table.split('_', 1)[1]} {count:,}" for table, count in figures.items() if table != "shares"
            )
        )
        print(
            "young people: " + ", ".join(f"{name} {share:.1%}" for name, share in figures["shares"].items())
        )
        print(
            "generation: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in data["steps"].items())
        )
        measure(data)
        print(f"Total {time.perf_counter() - started:.0f} s.")
        connection.close()


def measure(data: dict) -> None:
    """Everything timed after the data is there; prints as it goes."""
    from django.db import connection
    from django.test import Client

    from bench import insights_floors as floors
    from musichub.insights.filters import InsightFilters

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT_S}s'")
    year = data["year"] - 1  # the latest full academic year
    filters = InsightFilters.for_year(year)
    print()
    print(
        f"Academic year {year}–{str(year + 1)[-2:]}, no filter; median of {ROUNDS} timed runs after {WARMUP} "
        f"warm-up (one timed run when it takes over {SLOW_S:g} s); statement timeout {STATEMENT_TIMEOUT_S} s."
    )

    # The summaries the dashboard counts from, rebuilt for every year a trend shows (the background task's work).
    refresh_year = _not_built("musichub.insights.summaries", "refresh_year")
    trend_years = _not_built("musichub.insights.selectors", "trend_years")
    if refresh_year is None or trend_years is None:
        print(f"summary rebuild: {NOT_BUILT}")
    elif REUSE and _summaries_kept(trend_years(filters)):
        print("summary rebuild: kept from the last run (BENCH_REUSE=1)")
    else:
        for each in trend_years(filters):
            done = _stopwatch(f"rebuild {each}", lambda each=each: refresh_year(each), rounds=1, warmup=0)
            rows = done["result"]
            shown = done["error"] or f"{done['line'].median / 1000:.1f} s, {rows:,} rows"
            print(f"summary rebuild of {each}–{str(each + 1)[-2:]}: {shown}")
        # Statistics for the planner, as autovacuum gives them soon after a rebuild (the rebuild does not).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE insights_participation")

    print()
    width = 48
    print(f"{'line':<{width}} {'median ms':>10} {'queries':>8}   target")
    staff = Client()
    staff.force_login(data["staff"])
    dashboard = _not_built("musichub.insights.selectors", "dashboard")
    pages = [
        ("/insights/ (staff, whole page, figures kept)", f"/insights/?year={year}"),
        (
            "/insights/ FSM, out of school, figures kept",
            f"/insights/?year={year}&setting=out_of_school&characteristic=fsm",
        ),
    ]
    for label, url in pages:
        if dashboard is None:
            print(f"{label:<{width}} {NOT_BUILT}")
            continue
        # The warm-up run works the figures out and keeps them: the timed runs are the page as people get it
        # between two rebuilds of the summaries. Working them out is timed below (fresh=True).
        done = _stopwatch(label, lambda url=url: staff.get(url), rounds=ROUNDS, warmup=max(WARMUP, 1))
        response = done["result"]
        if done["error"] or response is None or response.status_code != 200:
            status = done["error"] or f"HTTP {getattr(response, 'status_code', '?')}"
            print(f"{label:<{width}} {status}")
            continue
        _print_line(label, done["line"], TARGET_PAGE_MS, width)
    for label, chosen in [
        ("working them out: no filter", filters),
        (
            "working them out: FSM, out of school",
            InsightFilters(year=year, setting="out_of_school", characteristic="fsm"),
        ),
    ]:
        if dashboard is None:
            print(f"{label:<{width}} {NOT_BUILT}")
            continue
        done = _stopwatch(
            label, lambda chosen=chosen: dashboard(chosen, fresh=True), rounds=ROUNDS, warmup=WARMUP
        )
        if done["error"]:
            print(f"{label:<{width}} {done['error']}")
        else:
            _print_line(label, done["line"], TARGET_PAGE_MS, width, note="first view after a rebuild")
    warm = _not_built("musichub.insights.selectors", "warm_dashboard")
    if warm is not None:
        done = _stopwatch("warm", warm, rounds=1, warmup=0)
        shown = done["error"] or f"{done['line'].median / 1000:.1f} s"
        print(f"{'after a rebuild: warm_dashboard() (background)':<{width}} {shown}")

    print()
    print(
        f"{'section':<20} {'ORM ms':>10} {'queries':>8} {'SQL ms':>10} {'queries':>8} {'ratio':>6}   "
        f"(target ratio <= {TARGET_RATIO})"
    )
    for name in SECTIONS:
        section = _not_built("musichub.insights.selectors", name)
        floor = floors.FLOORS.get(name)
        if section is None:
            print(f"{name:<20} {NOT_BUILT}")
            continue
        orm = _stopwatch(name, lambda section=section: section(filters), rounds=ROUNDS, warmup=WARMUP)
        if orm["error"]:
            print(f"{name:<20} {orm['error']}")
            continue
        if floor is None:
            print(f"{name:<20} {_ms(orm['line'])} {orm['line'].queries:>8} {'no SQL yet':>10}")
            continue
        sql = _stopwatch(f"{name} SQL", lambda floor=floor: floor.run(filters), rounds=ROUNDS, warmup=WARMUP)
        if sql["error"]:
            print(f"{name:<20} {_ms(orm['line'])} {orm['line'].queries:>8} {sql['error']}")
            continue
        ratio = orm["line"].median / sql["line"].median
        flag = "" if ratio <= TARGET_RATIO else "   OVER"
        print(
            f"{name:<20} {_ms(orm['line'])} {orm['line'].queries:>8} {_ms(sql['line'])} "
            f"{sql['line'].queries:>8} {ratio:>6.2f}{flag}"
        )
        for difference in floor.differences(orm["result"], sql["result"]):
            print(f"    differs: {difference}")

    print()
    _time_return(year, width)


def _summaries_kept(years) -> bool:
    """Whether the last run left the summaries of every one of `years` (BENCH_REUSE=1 then skips rebuilding)."""
    from musichub.insights.models import SummaryRefresh

    return SummaryRefresh.objects.filter(year__in=years, refreshed_at__isnull=False).count() == len(
        set(years)
    )


def _print_line(label: str, line: Timings, target_ms: float, width: int, note: str = "") -> None:
    if note:
        print(f"{label:<{width}} {_ms(line)} {line.queries:>8}   ({note})")
        return
    flag = "" if line.median < target_ms else "   OVER"
    print(f"{label:<{width}} {_ms(line)} {line.queries:>8}   < {target_ms / 1000:g} s{flag}")


def _time_return(year: int, width: int) -> None:
    """The annual return for the year: its default mapping, then the figures and the XLSX (and the CSV)."""
    load = _not_built("musichub.insights.returns", "load_default_return_lines")
    build = _not_built("musichub.insights.returns", "build_return")
    xlsx = _not_built("musichub.insights.returns", "return_xlsx")
    csv_zip = _not_built("musichub.insights.returns", "return_csv_zip")
    if None in (load, build, xlsx):
        print(f"{'annual return (XLSX)':<{width}} {NOT_BUILT}")
        return
    load(year)
    done = _stopwatch("return", lambda: xlsx(build(year)), rounds=1, warmup=0)
    if done["error"]:
        print(f"{'annual return: figures + XLSX':<{width}} {done['error']}")
        return
    line = done["line"]
    flag = "" if line.median < TARGET_RETURN_S * 1000 else "   OVER"
    print(
        f"{'annual return: figures + XLSX':<{width}} {_ms(line)} {line.queries:>8}   < {TARGET_RETURN_S} s{flag}"
        f"   ({len(done['result']):,} bytes)"
    )
    if csv_zip is not None:
        done = _stopwatch("return csv", lambda: csv_zip(build(year)), rounds=1, warmup=0)
        if not done["error"]:
            _print_line("annual return: figures + CSV (zip)", done["line"], TARGET_RETURN_S * 1000, width)


if __name__ == "__main__":
    main()
