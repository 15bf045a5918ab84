"""The imports: encodings, the header check, row problems, all-or-nothing writes, re-runs, the commands."""

import csv
import io
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from musichub.people import imports
from musichub.people.imports import Source, import_file, run_import
from musichub.people.models import ImportRun, Neighbourhood, PopulationFigure, PostcodeArea, School

pytestmark = pytest.mark.django_db

GIAS_COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "NumberOfPupils",
    "PercentageFSM",
    "Street",
    "Postcode",
    "Easting",
]


def school(urn=990001, **changes):
    row = {
        "URN": str(urn),
        "LA (code)": "852",
        "LA (name)": "Southampton",
        "EstablishmentNumber": "2001",
        "EstablishmentName": f"Kestrel Way Primary School {urn}",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "NumberOfPupils": "210",
        "PercentageFSM": "31.4",
        "Street": "1 Kestrel Road",
        "Postcode": "so147ly",
        "Easting": "442000",
    }
    row.update(changes)
    return row


def csv_bytes(rows, columns=None, encoding="cp1252") -> bytes:
    columns = columns or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def import_schools(data: bytes, **options) -> ImportRun:
    return run_import(kind="schools", source=Source.from_bytes(data, "gias.csv"), options=options)


# ---- Encodings -------------------------------------------------------------------------------------------


def test_a_windows_1252_gias_file_is_read_as_windows_1252():
    data = csv_bytes([school(EstablishmentName="St Mary’s Café Primary School")], GIAS_COLUMNS, "cp1252")
    assert b"\x92" in data and b"\xe9" in data  # really Windows-1252 bytes, not UTF-8

    run = import_schools(data)

    assert run.status == ImportRun.Status.COMPLETED
    assert School.objects.get(urn=990001).name == "St Mary’s Café Primary School"


def test_a_utf8_file_with_a_byte_order_mark_is_read_without_the_mark_in_the_first_column():
    data = b"\xef\xbb\xbf" + csv_bytes(
        [school(EstablishmentName="Amélie Road School")], GIAS_COLUMNS, "utf-8"
    )

    run = import_schools(data)

    assert run.status == ImportRun.Status.COMPLETED, run.problems
    assert School.objects.get(urn=990001).name == "Amélie Road School"


def test_a_binary_file_is_rejected_with_a_message_saying_how_to_save_a_csv():
    garbage = b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 20

    run = import_schools(garbage)

    assert run.status == ImportRun.Status.REJECTED
    assert len(run.problems) == 1
    assert "not a CSV text file" in run.problems[0]["problem"]
    assert "CSV UTF-8" in run.problems[0]["expected"]
    assert not School.objects.exists()


def test_a_text_file_that_is_neither_utf8_nor_windows_1252_is_rejected_clearly():
    # 0x81 and 0x8D are invalid in UTF-8 and undefined in Windows-1252.
    data = csv_bytes([school()], GIAS_COLUMNS, "ascii").replace(b"Kestrel", b"Kes\x81\x8drel")

    run = import_schools(data)

    assert run.status == ImportRun.Status.REJECTED
    assert run.problems[0]["problem"] == (
        "The file is neither UTF-8 nor Windows-1252 text, so its characters cannot be read."
    )
    assert not School.objects.exists()


def test_an_empty_file_is_rejected_as_empty():
    run = import_schools(b"")

    assert run.status == ImportRun.Status.REJECTED
    assert run.problems[0]["problem"] == "The file is empty."


# ---- The header and the rows -------------------------------------------------------------------------------


def test_a_gias_file_missing_a_required_column_is_one_problem_naming_it_and_the_columns_expected():
    columns = [name for name in GIAS_COLUMNS if name != "EstablishmentName"]

    run = import_schools(csv_bytes([school(), school(990002)], columns))

    assert run.status == ImportRun.Status.REJECTED
    assert run.problems == [
        {
            "row": 1,
            "column": "EstablishmentName",
            "problem": "The file has no column “EstablishmentName”.",
            "expected": (
                "a header row with the columns URN, EstablishmentName, TypeOfEstablishment (name), "
                "EstablishmentStatus (name), PhaseOfEducation (name), LA (code), LA (name), Postcode, "
                "NumberOfPupils, PercentageFSM, StatutoryLowAge, StatutoryHighAge (other columns are ignored)"
            ),
        }
    ]
    assert not School.objects.exists()


def test_a_non_numeric_urn_is_a_problem_with_its_row_column_and_what_was_expected():
    run = import_schools(csv_bytes([school(990001), school("10O123")], GIAS_COLUMNS))

    assert run.problems == [
        {
            "row": 3,
            "column": "URN",
            "problem": "“10O123” is not a whole number.",
            "expected": "a whole number from 1 to 2147483647",
        }
    ]


def test_one_bad_row_among_good_ones_writes_nothing_at_all():
    rows = [school(990000 + n) for n in range(1, 1200)]
    rows[1100]["NumberOfPupils"] = "lots"
    School.objects.create(urn=990005, name="Before the import")

    run = import_schools(csv_bytes(rows, GIAS_COLUMNS))

    assert run.status == ImportRun.Status.REJECTED
    assert [(p["row"], p["column"]) for p in run.problems] == [(1102, "NumberOfPupils")]
    assert list(School.objects.values_list("urn", "name")) == [(990005, "Before the import")]


def test_every_row_is_checked_and_every_problem_reported():
    rows = [
        school(990001, EstablishmentName=""),
        school(990002),
        school(990003, PercentageFSM="140", StatutoryLowAge="four"),
        school(990001),
    ]

    run = import_schools(csv_bytes(rows, GIAS_COLUMNS))

    assert [(p["row"], p["column"]) for p in run.problems] == [
        (2, "EstablishmentName"),
        (4, "PercentageFSM"),
        (4, "StatutoryLowAge"),
        (5, "URN"),
    ]
    assert run.problems[3]["problem"] == "This appears again: it is already on row 2."
    assert run.counts["problems"] == 4


def test_a_row_with_more_values_than_the_header_is_a_problem():
    data = csv_bytes([school()], GIAS_COLUMNS) + b"990002,852,Southampton,2002,Lantern, Hill School,x\r\n"

    run = import_schools(data)

    assert run.problems[0]["row"] == 3
    assert run.problems[0]["problem"] == "This row has 7 values but the header row has 15 columns."


def test_blank_lines_at_the_end_are_ignored():
    run = import_schools(csv_bytes([school()], GIAS_COLUMNS) + b"\r\n\r\n,,,\r\n")

    assert run.status == ImportRun.Status.COMPLETED
    assert run.rows == 1


def test_only_the_first_500_problems_are_stored_with_a_count_of_all_of_them():
    rows = [school(990000 + n, URN="x") for n in range(1, 601)]

    run = import_schools(csv_bytes(rows, GIAS_COLUMNS))

    assert len(run.problems) == imports.MAX_STORED_PROBLEMS == 500
    assert run.counts["problems"] == 600


# ---- Schools -----------------------------------------------------------------------------------------------


def test_schools_are_stored_with_gias_figures_and_a_normalised_postcode():
    import_schools(csv_bytes([school(990001, PercentageFSM="31.456")], GIAS_COLUMNS))

    stored = School.objects.get(urn=990001)
    assert stored.postcode == "SO14 7LY"
    assert stored.percentage_fsm == Decimal("31.46")
    assert (stored.number_of_pupils, stored.statutory_low_age, stored.statutory_high_age) == (210, 4, 11)
    assert (stored.la_code, stored.la_name, stored.phase) == ("852", "Southampton", "Primary")


def test_blank_numbers_are_allowed_where_gias_leaves_them_blank():
    row = school(NumberOfPupils="", PercentageFSM="SUPP", StatutoryLowAge="", StatutoryHighAge="")

    run = import_schools(csv_bytes([row], GIAS_COLUMNS))

    assert run.status == ImportRun.Status.COMPLETED, run.problems
    stored = School.objects.get(urn=990001)
    assert (
        stored.number_of_pupils is None and stored.percentage_fsm is None and stored.statutory_low_age is None
    )


def test_closed_schools_are_marked_as_not_open_and_reopened_ones_as_open():
    rows = [school(990001, **{"EstablishmentStatus (name)": "Closed"}), school(990002)]
    import_schools(csv_bytes(rows, GIAS_COLUMNS))
    assert dict(School.objects.values_list("urn", "is_open")) == {990001: False, 990002: True}

    rows[0]["EstablishmentStatus (name)"] = "Open, but proposed to close"
    rows[1]["EstablishmentStatus (name)"] = "Closed"
    run = import_schools(csv_bytes(rows, GIAS_COLUMNS))

    assert dict(School.objects.values_list("urn", "is_open")) == {990001: True, 990002: False}
    assert run.counts["updated"] == 2


def test_importing_the_same_file_twice_leaves_everything_unchanged_the_second_time():
    data = csv_bytes([school(990000 + n) for n in range(1, 31)], GIAS_COLUMNS)
    first = import_schools(data)
    stamps = dict(School.objects.values_list("urn", "updated_at"))

    second = import_schools(data)

    assert first.counts["created"] == 30
    assert (second.counts["created"], second.counts["updated"], second.counts["unchanged"]) == (0, 0, 30)
    assert School.objects.count() == 30
    assert dict(School.objects.values_list("urn", "updated_at")) == stamps


def test_a_changed_row_updates_the_school_with_the_same_urn():
    import_schools(csv_bytes([school(990001), school(990002)], GIAS_COLUMNS))

    run = import_schools(
        csv_bytes([school(990001, EstablishmentName="Renamed Academy"), school(990002)], GIAS_COLUMNS)
    )

    assert (run.counts["created"], run.counts["updated"], run.counts["unchanged"]) == (0, 1, 1)
    assert School.objects.get(urn=990001).name == "Renamed Academy"


def test_import_schools_with_la_keeps_one_local_authority_and_counts_the_rest_as_skipped(tmp_path):
    rows = [school(990001), school(990002), school(990003, **{"LA (code)": "850", "URN": "not checked"})]
    path = tmp_path / "gias.csv"
    path.write_bytes(csv_bytes(rows, GIAS_COLUMNS))
    out = StringIO()

    call_command("import_schools", str(path), "--la", "852", stdout=out, stderr=StringIO())

    assert sorted(School.objects.values_list("urn", flat=True)) == [990001, 990002]
    run = ImportRun.objects.get()
    assert run.counts["skipped_reasons"] == {"in another local authority than 852": 1}
    assert run.options == {"la": "852"}
    assert "Created 2, updated 0, unchanged 0, skipped 1." in out.getvalue()
    assert "Skipped 1: in another local authority than 852" in out.getvalue()


def test_import_schools_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path):
    path = tmp_path / "gias.csv"
    path.write_bytes(csv_bytes([school(990001), school(990002)], GIAS_COLUMNS))
    out = StringIO()

    call_command("import_schools", str(path), "--dry-run", stdout=out, stderr=StringIO())

    assert not School.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DRY_RUN
    assert run.counts["created"] == 2
    assert "Dry run: nothing was written." in out.getvalue()


def test_import_schools_lists_the_problems_and_fails_when_the_file_has_any(tmp_path):
    path = tmp_path / "gias.csv"
    path.write_bytes(csv_bytes([school(990001), school("abc")], GIAS_COLUMNS))
    out = StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_schools", str(path), stdout=out, stderr=StringIO())

    assert "Row 3, URN: “abc” is not a whole number." in out.getvalue()
    assert not School.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED


def test_the_progress_bar_stays_quiet_when_the_output_is_not_a_terminal(tmp_path):
    path = tmp_path / "gias.csv"
    path.write_bytes(csv_bytes([school(990000 + n) for n in range(1, 2500)], GIAS_COLUMNS))
    err = StringIO()

    call_command("import_schools", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue() == ""


def test_progress_is_reported_while_checking_and_while_importing_a_long_file():
    data = csv_bytes([school(990000 + n) for n in range(1, 2500)], GIAS_COLUMNS)
    seen = []

    import_file(
        kind="schools",
        source=Source.from_bytes(data),
        options={},
        dry_run=False,
        progress=lambda phase, done, total, rows: seen.append((phase, done, total, rows)),
    )

    assert [(phase, rows) for phase, _done, _total, rows in seen] == [
        ("Checking", 999),
        ("Checking", 1999),
        ("Checking", 2499),
        ("Importing", 999),
        ("Importing", 1999),
        ("Importing", 2499),
    ]
    assert seen[-1][1] == seen[-1][2] == len(data)


def test_rows_checked_are_told_every_2000_rows_and_at_the_end_of_the_check_pass_only():
    data = csv_bytes([school(990000 + n) for n in range(1, 4501)], GIAS_COLUMNS)
    checked = []

    import_file(
        kind="schools", source=Source.from_bytes(data), options={}, dry_run=False, checked=checked.append
    )

    assert checked == [2000, 4000, 4500]
    assert School.objects.count() == 4500


def test_the_progress_bar_draws_on_a_terminal():
    from musichub.people.management.commands._import_command import ProgressBar

    class Terminal(StringIO):
        def write(self, text, ending=None):
            return super().write(text + ("\n" if ending is None else ending))

    out = Terminal()
    bar = ProgressBar(out)
    bar("Checking", 50, 100, 1000)
    bar("Importing", 100, 100, 2000)
    bar.finish()

    assert out.getvalue() == (
        f"\rChecking   [{'#' * 15}{'-' * 15}]  50%  1,000 rows\n\rImporting  [{'#' * 30}] 100%  2,000 rows\n"
    )


# ---- Population ----------------------------------------------------------------------------------------------

AS_OF = date(2025, 1, 16)


def population_csv(rows) -> bytes:
    lines = ["URN,YearGroup,Characteristic,Value,Pupils"] + [",".join(map(str, row)) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def import_population(data: bytes, as_of=AS_OF) -> ImportRun:
    return run_import(kind="population", source=Source.from_bytes(data, "pop.csv"), options={"as_of": as_of})


@pytest.fixture
def two_schools():
    return School.objects.create(urn=990001, name="One"), School.objects.create(urn=990002, name="Two")


def test_population_figures_are_stored_by_school_year_group_and_characteristic(two_schools):
    rows = [
        (990001, "R", "all", "", 30),
        (990001, "Year 1", "fsm", "", 9),
        (990001, "R", "ethnic_group", "White", 22),
        (990002, "7", "sex", "female", 80),
    ]

    run = import_population(population_csv(rows))

    assert run.status == ImportRun.Status.COMPLETED, run.problems
    assert set(
        PopulationFigure.objects.values_list("school__urn", "year_group", "characteristic", "value", "pupils")
    ) == {
        (990001, "R", "all", "", 30),
        (990001, "1", "fsm", "", 9),
        (990001, "R", "ethnic_group", "white", 22),
        (990002, "7", "sex", "female", 80),
    }
    assert set(PopulationFigure.objects.values_list("as_of", flat=True)) == {AS_OF}


def test_an_unknown_school_urn_in_the_population_is_a_problem_saying_to_import_the_schools_first(two_schools):
    run = import_population(population_csv([(990001, "R", "all", "", 30), (123456, "R", "all", "", 30)]))

    assert run.problems == [
        {
            "row": 3,
            "column": "URN",
            "problem": "There is no school with URN 123456: import the schools first.",
            "expected": "the URN of a school already imported from GIAS",
        }
    ]
    assert not PopulationFigure.objects.exists()


def test_the_same_figure_twice_in_one_population_file_is_a_problem(two_schools):
    rows = [(990001, "R", "all", "", 30), (990001, "R", "fsm", "", 9), (990001, "R", "all", "", 31)]

    run = import_population(population_csv(rows))

    assert [(p["row"], p["problem"]) for p in run.problems] == [
        (4, "The same school, year group, characteristic and value are already on row 2.")
    ]


def test_population_values_are_checked_against_the_characteristic(two_schools):
    rows = [
        (990001, "R", "ethnic_group", "purple", 3),
        (990001, "R", "fsm", "yes", 3),
        (990001, "Y15", "all", "", 3),
        (990001, "R", "wealth", "", 3),
        (990001, "R", "sex", "", -1),
    ]

    run = import_population(population_csv(rows))

    assert [(p["row"], p["column"]) for p in run.problems] == [
        (2, "Value"),
        (3, "Value"),
        (4, "YearGroup"),
        (5, "Characteristic"),
        (6, "Value"),
        (6, "Pupils"),
    ]
    assert (
        run.problems[0]["expected"]
        == "one of: asian, black, mixed, white, other, not_known, prefer_not_to_say"
    )


def test_reimporting_population_updates_the_figures_of_the_same_date_and_keeps_other_dates(two_schools):
    import_population(population_csv([(990001, "R", "all", "", 30)]), as_of=date(2024, 1, 18))
    import_population(population_csv([(990001, "R", "all", "", 30), (990001, "R", "fsm", "", 8)]))

    run = import_population(population_csv([(990001, "R", "all", "", 31), (990001, "R", "fsm", "", 8)]))

    assert (run.counts["created"], run.counts["updated"], run.counts["unchanged"]) == (0, 1, 1)
    assert dict(PopulationFigure.objects.filter(characteristic="all").values_list("as_of", "pupils")) == {
        date(2024, 1, 18): 30,
        AS_OF: 31,
    }


def test_import_population_needs_a_well_formed_as_of_date(tmp_path, two_schools):
    path = tmp_path / "pop.csv"
    path.write_bytes(population_csv([(990001, "R", "all", "", 30)]))

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_population", str(path), "--as-of", "16/01/2025", stdout=StringIO())
    call_command(
        "import_population", str(path), "--as-of", "2025-01-16", stdout=StringIO(), stderr=StringIO()
    )

    assert PopulationFigure.objects.get().as_of == AS_OF
    assert ImportRun.objects.get().options == {"as_of": "2025-01-16"}


# ---- Postcodes and deprivation ------------------------------------------------------------------------------


def import_postcodes(text: str) -> ImportRun:
    return run_import(kind="postcodes", source=Source.from_bytes(text.encode(), "onspd.csv"), options={})


def test_postcodes_are_normalised_and_stored_with_their_lsoa_and_ward():
    run = import_postcodes(
        "pcd,pcds,doterm,osward,osward_name,lsoa11cd,lsoa21cd\n"
        "SO147LY,so147ly,,E05099001,Harbourside,E01000001,E01099001\n"
        "SO15 2AB,SO15 2AB,202206,E05099002,Oakmere,E01000002,E01099002\n"
    )

    assert run.status == ImportRun.Status.COMPLETED, run.problems
    assert list(PostcodeArea.objects.values_list("postcode", "lsoa_code", "ward_code", "ward_name")) == [
        ("SO14 7LY", "E01099001", "E05099001", "Harbourside")
    ]
    assert run.counts["skipped_reasons"] == {"a terminated postcode": 1}


def test_a_postcode_in_the_wrong_shape_is_a_row_problem():
    run = import_postcodes(
        "pcds,lsoa21cd,osward\nSO14 7LY,E01099001,E05099001\nSO14 77LY,E01099001,E05099001\n"
    )

    assert run.problems == [
        {
            "row": 3,
            "column": "pcds",
            "problem": "“SO14 77LY” is not a UK postcode.",
            "expected": "a UK postcode, like SO14 7LY",
        }
    ]
    assert not PostcodeArea.objects.exists()


def test_a_postcode_file_without_ward_names_keeps_the_names_already_stored():
    import_postcodes("pcds,lsoa21cd,osward,ward_name\nSO14 7LY,E01099001,E05099001,Harbourside\n")

    run = import_postcodes("pcds,lsoa21cd,osward\nSO14 7LY,E01099002,E05099001\n")

    assert run.counts["updated"] == 1
    assert PostcodeArea.objects.values_list("lsoa_code", "ward_name").get() == ("E01099002", "Harbourside")


def test_the_2019_and_2025_deprivation_headers_are_both_read():
    run_2019 = run_import(
        kind="deprivation",
        source=Source.from_bytes(
            b"LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
            b"Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
            b"Index of Multiple Deprivation (IMD) Decile\n"
            b"E01099001,Southampton 901A,E06000045,Southampton,1234,1\n"
        ),
        options={},
    )
    run_2025 = run_import(
        kind="deprivation",
        source=Source.from_bytes(
            b"LSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
            b"Local Authority District name (2024),"
            b"Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
            b"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"
            b"E01099002,Southampton 902B,E06000045,Southampton,30000,10\n"
        ),
        options={},
    )

    assert run_2019.status == run_2025.status == ImportRun.Status.COMPLETED
    assert set(Neighbourhood.objects.values_list("lsoa_code", "la_code", "imd_rank", "imd_decile")) == {
        ("E01099001", "E06000045", 1234, 1),
        ("E01099002", "E06000045", 30000, 10),
    }


def test_a_deprivation_decile_outside_1_to_10_is_a_problem():
    run = run_import(
        kind="deprivation",
        source=Source.from_bytes(
            b"LSOA code,Index of Multiple Deprivation (IMD) Decile\nE01099001,11\nE0109,3\n"
        ),
        options={},
    )

    assert [(p["row"], p["column"], p["expected"]) for p in run.problems] == [
        (2, "Index of Multiple Deprivation (IMD) Decile", "a whole number from 1 to 10"),
        (3, "LSOA code (2011)", "a 9-character ONS code, like E01017143"),
    ]
    assert not Neighbourhood.objects.exists()


def test_every_run_is_recorded_with_its_file_options_counts_and_finish_time(make_user):
    from musichub.core.roles import Role

    staff = make_user(Role.HUB_STAFF)

    run = run_import(
        kind="schools",
        source=Source.from_bytes(csv_bytes([school()], GIAS_COLUMNS), "edubase.csv"),
        options={"la": "852"},
        started_by=staff,
    )

    run.refresh_from_db()
    assert (run.kind, run.status, run.filename, run.rows) == ("schools", "completed", "edubase.csv", 1)
    assert run.options == {"la": "852"}
    assert run.started_by == staff
    assert run.counts == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "skipped_reasons": {},
        "problems": 0,
    }
    assert run.finished_at is not None and run.created_at <= run.finished_at


@pytest.mark.parametrize(
    ("command", "content", "model"),
    [
        ("import_postcodes", "pcds,lsoa21cd,osward\nSO14 7LY,E01099001,E05099001\n", PostcodeArea),
        (
            "import_deprivation",
            "LSOA code,Index of Multiple Deprivation (IMD) Decile\nE01099001,3\n",
            Neighbourhood,
        ),
    ],
)
def test_the_area_commands_import_their_file(tmp_path, command, content, model):
    path = tmp_path / "areas.csv"
    path.write_text(content)

    call_command(command, str(path), stdout=StringIO(), stderr=StringIO())

    assert model.objects.count() == 1
    assert (
        ImportRun.objects.get().kind
        == {"import_postcodes": "postcodes", "import_deprivation": "deprivation"}[command]
    )


def test_a_command_given_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("import_schools", str(tmp_path / "nowhere.csv"), stdout=StringIO())


def test_import_postcodes_reads_the_2011_lsoas_when_asked_though_the_file_has_both(tmp_path):
    path = tmp_path / "onspd.csv"
    path.write_text("pcds,osward,lsoa11cd,lsoa21cd\nSO14 7LY,E05099001,E01000011,E01000021\n")

    call_command("import_postcodes", str(path), stdout=StringIO(), stderr=StringIO())
    assert PostcodeArea.objects.get().lsoa_code == "E01000021"
    call_command("import_postcodes", str(path), "--lsoa-year", "2011", stdout=StringIO(), stderr=StringIO())

    assert PostcodeArea.objects.get().lsoa_code == "E01000011"
    assert ImportRun.objects.order_by("pk").last().options == {"lsoa_year": 2011}
