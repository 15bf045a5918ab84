"""Benchmark the public pages against floors measured in the same run: `make bench` (see README.md).

Builds a throwaway SQLite database in a temporary directory, fills it with a hub of BENCH_PARTNERS
partners, then times each page in-process with Django's test client and prints one line per page:
median and p95 milliseconds, queries per request, and the median as a multiple of two floors (a bare
Django view, and hand-written SQL for the directory's first page).

Benchmarks report by printing: every print() here is the figure the benchmark exists to show.
"""

import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import fail, setup_django  # noqa: E402

PARTNERS = int(os.environ.get("BENCH_PARTNERS", "2000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "20"))
PAGE_SIZE = 20


@dataclass
class Case:
    name: str
    url: str
    samples: list[float] = field(default_factory=list)
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[-1]


def check_floor_matches_directory() -> None:
    """The SQL floor must fetch exactly the directory's first page, or the ratio to it means nothing."""
    from bench.floors import first_page_sql
    from musichub.partners.selectors import directory_partners

    by_sql = [row[0] for row in first_page_sql()]
    by_orm = list(directory_partners().values_list("slug", flat=True)[:PAGE_SIZE])
    if by_sql != by_orm:
        fail(f"the SQL floor's first page differs from the directory's:\n  {by_sql}\n  {by_orm}")


def busiest_genre_slug() -> str:
    """The genre most published in-school partners offer, so that the filtered page is full and slowest."""
    from django.db.models import Count, Q

    from musichub.core.models import Genre

    in_school = Q(partner__is_published=True, partner__offers_in_school=True)
    genre = Genre.objects.annotate(n=Count("partner", filter=in_school)).order_by("-n", "slug").first()
    return genre.slug


def measure(cases: list[Case]) -> None:
    """Warm every case up, count its queries on one request, then time them round-robin.

    Round-robin (the order rotating each round) spreads background noise over every case alike, so the
    ratios between them hold even on a busy machine.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for case in cases:
        for _ in range(WARMUP):
            response = client.get(case.url)
            if response.status_code != 200:
                fail(f"{case.url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(case.url)
        case.queries = len(captured.captured_queries)

    clock = time.perf_counter
    for round_number in range(REQUESTS):
        shift = round_number % len(cases)
        for case in cases[shift:] + cases[:shift]:
            start = clock()
            response = client.get(case.url)
            elapsed = clock() - start
            if response.status_code != 200:
                fail(f"{case.url} answered {response.status_code}")
            case.samples.append(elapsed * 1000)


def report(cases: list[Case], bare: Case, sql: Case) -> None:
    width = max(len(case.name) for case in cases)
    print(
        f"{'benchmark':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  {'x bare':>7}  {'x sql':>6}"
    )
    for case in cases:
        print(
            f"{case.name:<{width}}  {case.median:>9.2f}  {case.p95:>7.2f}  {case.queries:>7}  "
            f"{case.median / bare.median:>7.1f}  {case.median / sql.median:>6.1f}"
        )


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="musichub-bench-") as tmp:
        setup_django(Path(tmp))

        import django
        from django.db import connection
        from django.test import override_settings

        from bench.floors import BARE_URL, SQL_URL
        from bench.generate import make_hub
        from musichub.partners.models import Partner

        make_hub(PARTNERS)
        published = Partner.objects.filter(is_published=True).count()
        genre = busiest_genre_slug()
        setup_seconds = time.perf_counter() - started

        bare = Case("floor: bare Django view", BARE_URL)
        sql = Case("floor: hand-written SQL, first 20 partners", SQL_URL)
        cases = [
            bare,
            sql,
            Case("/partners/", "/partners/"),
            Case(
                f"/partners/?genre={genre}&setting=in_school", f"/partners/?genre={genre}&setting=in_school"
            ),
            Case("/", "/"),
        ]
        with override_settings(ROOT_URLCONF="bench.floors"):
            check_floor_matches_directory()
            measure(cases)

        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"{connection.vendor} {connection.Database.sqlite_version}, {os.cpu_count()} CPUs"
        )
        print(
            f"{PARTNERS} partners ({published} published); {REQUESTS} timed requests per line after "
            f"{WARMUP} warm-up, in-process test client; setup {setup_seconds:.1f} s"
        )
        print()
        report(cases, bare, sql)
        print()
        print(
            f"x bare, x sql: the median as a multiple of the floor's median. Total {time.perf_counter() - started:.1f} s."
        )
        connection.close()


if __name__ == "__main__":
    main()
