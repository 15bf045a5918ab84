"""What the benchmarks share: a throwaway database (SQLite, or a PostgreSQL database named for benching), Django
started against it, and the figures' arithmetic."""

import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def fail(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(1)


def fresh_postgres(url: str) -> None:
    """Drop and create the benchmark database named in `url` (only one whose name says it is for benching)."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        fail(
            f"BENCH_DATABASE_URL names the database {name!r}: use one with 'bench' in its name, it is dropped"
        )
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(tmp: Path) -> None:
    """BENCH_DATABASE_URL (PostgreSQL, dropped and created afresh) or SQLite in `tmp`; start Django; migrate."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        fresh_postgres(url)
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "musichub.settings"
    os.environ["DEBUG"] = "1"  # as `make run`: unhashed static URLs, no manifest needed
    os.environ["ALLOWED_HOSTS"] = "testserver"  # the test client's host
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(tmp / "private-media")
    os.environ["STATIC_ROOT"] = str(tmp / "static")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


@dataclass
class Timings:
    """Samples of one measured line, in milliseconds."""

    name: str
    samples: list[float] = field(default_factory=list)
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[-1]
