"""Benchmark the schools import on a 50,000-row GIAS-shaped file: `DEBUG=1 .venv/bin/python bench/import_schools.py`.

Writes a Windows-1252 file with GIAS's ~140 columns to a temporary folder, then, against a throwaway SQLite
database (set up as bench/run.py does), times:

- the floor: `csv.DictReader` over the same file, decoding it, with no database and no checks;
- `manage.py import_schools FILE` on an empty table (every row created);
- the same command again (every row unchanged: the natural re-run).

and measures memory two ways: the process's peak resident size (ru_maxrss) before and after the imports,
and the peak of Python allocations (tracemalloc) while checking a 10,000-row file and the 50,000-row file,
which shows whether memory grows with the number of rows. See bench/README.md.

Benchmarks report by printing: every print() here is the figure the benchmark exists to show.
"""

import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
SMALL_ROWS = 10_000

# The columns of a GIAS "establishment fields" download, in its order (the import reads 12 of them).
GIAS_COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (code)",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (code)",
    "ReligiousCharacter (name)",
    "ReligiousEthos (name)",
    "Diocese (code)",
    "Diocese (name)",
    "AdmissionsPolicy (code)",
    "AdmissionsPolicy (name)",
    "SchoolCapacity",
    "SpecialClasses (code)",
    "SpecialClasses (name)",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "TrustSchoolFlag (code)",
    "TrustSchoolFlag (name)",
    "Trusts (code)",
    "Trusts (name)",
    "SchoolSponsorFlag (name)",
    "SchoolSponsors (name)",
    "FederationFlag (name)",
    "Federations (code)",
    "Federations (name)",
    "UKPRN",
    "FEHEIdentifier",
    "FurtherEducationType (name)",
    "OfstedLastInsp",
    "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)",
    "LastChangedDate",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "HeadPreferredJobTitle",
    "BSOInspectorateName (name)",
    "InspectorateReport",
    "DateOfLastInspectionVisit",
    "NextInspectionVisit",
    "TeenMoth (name)",
    "TeenMothPlaces",
    "CCF (name)",
    "SENPRU (name)",
    "EBD (name)",
    "PlacesPRU",
    "FTProv (name)",
    "EdByOther (name)",
    "Section41Approved (name)",
    "SEN1 (name)",
    "SEN2 (name)",
    "SEN3 (name)",
    "SEN4 (name)",
    "SEN5 (name)",
    "SEN6 (name)",
    "SEN7 (name)",
    "SEN8 (name)",
    "SEN9 (name)",
    "SEN10 (name)",
    "SEN11 (name)",
    "SEN12 (name)",
    "SEN13 (name)",
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "GOR (code)",
    "GOR (name)",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "AdministrativeWard (code)",
    "AdministrativeWard (name)",
    "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)",
    "UrbanRural (code)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "MSOA (name)",
    "LSOA (name)",
    "InspectorateName (name)",
    "SENStat",
    "SENNoStat",
    "BoardingEstablishment (name)",
    "PropsName",
    "PreviousLA (code)",
    "PreviousLA (name)",
    "PreviousEstablishmentNumber",
    "OfstedRating (name)",
    "RSCRegion (name)",
    "Country (name)",
    "UPRN",
    "SiteName",
    "QABName (code)",
    "QABName (name)",
    "EstablishmentAccredited (code)",
    "EstablishmentAccredited (name)",
    "QABReport",
    "CHNumber",
    "MSOA (code)",
    "LSOA (code)",
    "FSM",
    "AccreditationExpiryDate",
]
PHASES = [("2", "Primary", 4, 11), ("4", "Secondary", 11, 18), ("0", "Not applicable", 2, 19)]
STATUSES = ["Open"] * 9 + ["Closed"]
WORDS = [
    "Kestrel",
    "Lantern",
    "Harbour",
    "Oakmere",
    "Saltmarsh",
    "Redwing",
    "Tidewater",
    "Bramble",
    "St Mary’s",
    "Café Lane",
    "Ferrier",
    "Copperfield",
    "Wharf",
    "Larkspur",
    "Seaview",
    "Ashgrove",
    "Amélie",
]


def write_gias_file(path: Path, rows: int) -> None:
    """A GIAS-shaped Windows-1252 CSV, written row by row (never held in memory), with a fixed seed."""
    rng = random.Random(140)  # noqa: S311 -- benchmark data, not secrets
    filler = {name: f"{name.split(' ')[0][:10]} value" for name in GIAS_COLUMNS}
    with open(path, "w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle)
        writer.writerow(GIAS_COLUMNS)
        for n in range(rows):
            phase_code, phase, low, high = rng.choice(PHASES)
            la = rng.randint(201, 938)
            row = dict(filler)
            row.update(
                {
                    "URN": 100000 + n,
                    "LA (code)": la,
                    "LA (name)": f"Authority {la}",
                    "EstablishmentNumber": 2000 + n % 8000,
                    "EstablishmentName": f"{rng.choice(WORDS)} {rng.choice(WORDS)} School {n}",
                    "TypeOfEstablishment (name)": "Community school",
                    "EstablishmentStatus (name)": rng.choice(STATUSES),
                    "PhaseOfEducation (code)": phase_code,
                    "PhaseOfEducation (name)": phase,
                    "StatutoryLowAge": low,
                    "StatutoryHighAge": high,
                    "NumberOfPupils": rng.randint(40, 1800) if n % 20 else "",
                    "PercentageFSM": f"{rng.uniform(2, 60):.1f}" if n % 25 else "",
                    "Postcode": f"SO{rng.randint(14, 19)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                    "Street": f"{rng.randint(1, 300)} {rng.choice(WORDS)} Road, with a comma",
                    "Easting": rng.randint(400000, 460000),
                    "Northing": rng.randint(100000, 130000),
                }
            )
            writer.writerow([row[name] for name in GIAS_COLUMNS])


def floor_dictreader(path: Path) -> int:
    with open(path, encoding="cp1252", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    from bench.run import setup_django

    with tempfile.TemporaryDirectory(prefix="musichub-bench-import-") as tmp:
        tmp = Path(tmp)
        big, small = tmp / "gias-big.csv", tmp / "gias-small.csv"
        _, write_seconds = timed(write_gias_file, big, ROWS)
        write_gias_file(small, SMALL_ROWS)
        setup_django(tmp)

        import django
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from musichub.people.imports import Source, import_file
        from musichub.people.models import School

        # DEBUG keeps every query's SQL in memory; an operator's import runs without it.
        settings.DEBUG = False

        rows, floor_seconds = timed(floor_dictreader, big)
        rss_before = maxrss_mb()
        _, first_seconds = timed(lambda: call_command("import_schools", str(big), stdout=StringIO()))
        schools = School.objects.count()
        _, second_seconds = timed(lambda: call_command("import_schools", str(big), stdout=StringIO()))
        rss_after = maxrss_mb()

        peaks = {}
        for label, path in (("10,000 rows", small), (f"{ROWS:,} rows", big)):
            tracemalloc.start()
            import_file(kind="schools", source=Source.from_path(path), options={}, dry_run=True)
            peaks[label] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()

        size_mb = big.stat().st_size / 1024 / 1024
        print(
            f"Python {sys.version.split()[0]}, Django {django.get_version()}, {connection.vendor} "
            f"{connection.Database.sqlite_version}, {os.cpu_count()} CPUs"
        )
        print(
            f"File: {rows:,} rows x {len(GIAS_COLUMNS)} columns, Windows-1252, {size_mb:.1f} MB "
            f"(written in {write_seconds:.1f} s); {schools:,} schools stored"
        )
        print()
        print(f"{'benchmark':<46}  {'seconds':>7}  {'rows/s':>8}  {'x floor':>7}")
        for name, seconds in (
            ("floor: csv.DictReader over the file, no database", floor_seconds),
            ("import_schools, empty table (all created)", first_seconds),
            ("import_schools again (all unchanged)", second_seconds),
        ):
            print(f"{name:<46}  {seconds:>7.2f}  {rows / seconds:>8,.0f}  {seconds / floor_seconds:>7.1f}")
        print()
        print(
            f"Peak resident memory of the process: {rss_before:.0f} MB before the imports, {rss_after:.0f} MB after"
        )
        for label, peak in peaks.items():
            print(f"Peak Python allocations while checking {label} (tracemalloc): {peak:.1f} MB")
        target = "met" if first_seconds < 60 and second_seconds < 60 else "MISSED"
        print(f"\nTarget (50,000 rows under 60 s): {target}.")
        connection.close()


if __name__ == "__main__":
    main()
