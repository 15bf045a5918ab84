"""Imports of the city's reference data: schools (GIAS), pupil population, postcodes and deprivation.

One framework serves all four (docs/imports.md is the operators' guide):

1. The file's encoding is found on its bytes: UTF-8 (with or without a byte order mark), else Windows-1252
   (GIAS publishes Windows-1252). Anything else (a spreadsheet, a zip, UTF-16, random bytes) is refused
   with a message that says how to save the file.
2. The header row is checked first: a missing required column is one clear problem naming it.
3. Every row is checked before anything is written; each problem is kept as (row, column, what is wrong,
   what was expected). Row numbers count the header as row 1, as a spreadsheet shows them.
4. Only when no row has a problem is the file read again and written, all or nothing, in one transaction,
   500 rows at a time with bulk_create/bulk_update, matched by each kind's natural key, so importing the
   same file twice changes nothing the second time.

The file is read as a stream, twice (three times counting the encoding check), never held in memory:
memory stays flat whatever the number of rows (bench/import_schools.py measures it).

Services: `run_import` (management commands, the demo), `check_import_upload`, `confirm_import`,
`retry_import` and `cancel_import` (staff in the browser), and `run_queued_import`, which the background
task `tasks.run_confirmed_import` calls to do a confirmed import. Each run is recorded as an ImportRun.
"""

import codecs
import csv
import functools
import io
import logging
import os
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from musichub.core.services import record_audit

from .areas import normalise_postcode
from .choices import Characteristic, EthnicGroup, Sex, YearGroup
from .models import ImportRun, Neighbourhood, PopulationFigure, PostcodeArea, School

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_STORED_PROBLEMS = 500
PROGRESS_EVERY_ROWS = 1000
# How often a background import stores how many rows it has checked, for its page to show.
PROGRESS_STORED_EVERY_ROWS = 2000
READ_CHUNK = 1 << 16

# Bytes that never appear in a text CSV (control characters other than tab, line feed and carriage return).
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
_WHOLE_NUMBER = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_AREA_CODE = re.compile(r"^[A-Z][0-9]{8}$")
# How GIAS and DfE tables mark a figure that is not available: blank, or one of these.
NOT_AVAILABLE = frozenset({"SUPP", "NA", "N/A", "X", "C", "Z", ".."})


# ---- Reading a file ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A file to import, opened afresh (in binary) for each pass over it."""

    name: str
    open: Callable[[], BinaryIO]
    size: int | None = None

    @classmethod
    def from_path(cls, path) -> "Source":
        path = os.fspath(path)
        return cls(name=os.path.basename(path), open=lambda: open(path, "rb"), size=os.path.getsize(path))

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "upload.csv") -> "Source":
        return cls(name=name, open=lambda: io.BytesIO(data), size=len(data))

    @classmethod
    def from_storage(cls, storage, file_name: str, name: str = "") -> "Source":
        def opener():
            handle = storage.open(file_name, "rb")
            # The storage's File wraps a real file object (or a spooled temporary file): read that directly.
            return getattr(handle, "file", handle)

        return cls(name=name or os.path.basename(file_name), open=opener, size=storage.size(file_name))


def problem(row: int | None, column: str, what: str, expected: str) -> dict:
    return {"row": row, "column": column, "problem": what, "expected": expected}


class FileProblem(Exception):
    """A problem with the file as a whole (its encoding, its header): no row can be read."""

    def __init__(self, column: str, what: str, expected: str, row: int | None = None):
        super().__init__(what)
        self.problem = problem(row, column, what, expected)


def detect_encoding(source: Source) -> str:
    """'utf-8-sig' or 'cp1252', decided on the bytes; raises FileProblem for a file that is neither."""
    not_text = FileProblem(
        "",
        _("The file is not a CSV text file: it looks like a spreadsheet, a zip or another binary file."),
        _('a CSV file: in a spreadsheet, use "Save as" and choose "CSV UTF-8" or "CSV (comma delimited)"'),
    )
    decoder = codecs.getincrementaldecoder("utf-8")()
    empty = True
    with source.open() as handle:
        try:
            while chunk := handle.read(READ_CHUNK):
                empty = False
                if _NOT_TEXT.search(chunk):
                    raise not_text
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            if empty:
                raise FileProblem("", _("The file is empty."), _("a header row, then one row per record"))
            return "utf-8-sig"
    # Windows-1252 is one byte per character, so chunks decode independently; five bytes are undefined in it.
    with source.open() as handle:
        try:
            while chunk := handle.read(READ_CHUNK):
                chunk.decode("cp1252")
        except UnicodeDecodeError:
            raise FileProblem(
                "",
                _("The file is neither UTF-8 nor Windows-1252 text, so its characters cannot be read."),
                _('a CSV file saved as "CSV UTF-8", or as GIAS publishes it (Windows-1252)'),
            ) from None
    return "cp1252"


def _normalise_header(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass(frozen=True)
class Column:
    """A column an import reads. `name` is how the official file spells it; `variants` are other spellings
    accepted (regular expressions over the lower-cased header), tried in order after the name."""

    name: str
    required: bool = True
    variants: tuple[str, ...] = ()
    # The name the importer reads the value by, when it differs from the name in the file.
    key: str = ""

    @property
    def value_key(self) -> str:
        return self.key or self.name

    def find(self, headers: list[str]) -> int | None:
        for candidate in (re.escape(_normalise_header(self.name)), *self.variants):
            pattern = re.compile(candidate)
            for index, header in enumerate(headers):
                if pattern.fullmatch(header):
                    return index
        return None


class Row:
    """One data row's values by column name, and the problems found while reading them."""

    def __init__(self, number: int, values: dict[str, str]):
        self.number = number
        self.values = values
        self.problems: list[dict] = []

    def problem(self, column: str, what: str, expected: str) -> None:
        self.problems.append(problem(self.number, column, what, expected))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.values.get(column, "")
        if required and not value:
            self.problem(column, _("This is blank."), _("a value"))
        elif max_length is not None and len(value) > max_length:
            self.problem(
                column,
                _("This is %(length)s characters long.") % {"length": len(value)},
                _("at most %(max)s characters") % {"max": max_length},
            )
        return value

    def integer(
        self, column: str, *, required: bool = False, minimum: int = 0, maximum: int | None = None
    ) -> int | None:
        value = self.values.get(column, "")
        if not value or (not required and value.upper() in NOT_AVAILABLE):
            if required:
                self.problem(column, _("This is blank."), self._range_text(minimum, maximum))
            return None
        if not _WHOLE_NUMBER.match(value):
            self.problem(
                column,
                _("“%(value)s” is not a whole number.") % {"value": value},
                self._range_text(minimum, maximum),
            )
            return None
        number = int(value)
        if number < minimum or (maximum is not None and number > maximum):
            self.problem(
                column, _("%(value)s is out of range.") % {"value": value}, self._range_text(minimum, maximum)
            )
            return None
        return number

    def percentage(self, column: str) -> Decimal | None:
        """A percentage from 0 to 100, rounded to 2 decimal places; blank or 'not available' gives None."""
        value = self.values.get(column, "")
        if not value or value.upper() in NOT_AVAILABLE:
            return None
        expected = _("a number from 0 to 100, like 23.4, or blank")
        if not _DECIMAL.match(value):
            self.problem(column, _("“%(value)s” is not a number.") % {"value": value}, expected)
            return None
        number = Decimal(value)
        if not 0 <= number <= 100:
            self.problem(column, _("%(value)s is out of range.") % {"value": value}, expected)
            return None
        return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def choice(self, column: str, choices, *, required: bool = True) -> str:
        """One of a TextChoices' values, matched without regard to case; its label is accepted too."""
        value = self.values.get(column, "")
        if not value and not required:
            return ""
        found = _spellings(choices, get_language()).get(value.lower())
        if found is None:
            what = (
                _("This is blank.")
                if not value
                else _("“%(value)s” is not one of the values this column takes.")
            )
            self.problem(
                column,
                what % {"value": value} if value else what,
                _("one of: %(values)s") % {"values": ", ".join(choices.values)},
            )
            return ""
        return found

    def area_code(self, key: str, *, required: bool, column: str = "") -> str:
        value = self.values.get(key, "").upper()
        column = column or key
        if not value:
            if required:
                self.problem(column, _("This is blank."), _("a 9-character ONS code, like E01017143"))
            return ""
        if not _AREA_CODE.match(value):
            self.problem(
                column,
                _("“%(value)s” is not an ONS area code.") % {"value": value},
                _("a 9-character ONS code, like E01017143"),
            )
            return ""
        return value

    @staticmethod
    def _range_text(minimum: int, maximum: int | None) -> str:
        if maximum is None:
            return _("a whole number, %(min)s or more") % {"min": minimum}
        return _("a whole number from %(min)s to %(max)s") % {"min": minimum, "max": maximum}


@functools.cache
def _spellings(choices, language: str) -> dict[str, str]:
    """Each value of a TextChoices, and its label in the current language, lower-cased: the value."""
    by_spelling = {str(label).lower(): value for value, label in choices.choices}
    by_spelling.update({str(value).lower(): value for value in choices.values})
    return by_spelling


@dataclass(frozen=True)
class Skip:
    """A row deliberately left out (not a problem), with the reason counted in the report."""

    reason: str


# ---- The kinds of import -------------------------------------------------------------------------------------


class Importer:
    """What one kind of import reads and writes. Subclasses set the class attributes and `parse`."""

    kind: str
    model: type
    columns: tuple[Column, ...]
    key_field: str = ""
    # The columns the natural key is read from (a repeated key is a problem).
    key_columns: tuple[str, ...] = ()
    # The fields compared with what is stored (unchanged or updated); narrowed to the columns present.
    fields: tuple[str, ...] = ()
    # Which column each optional field comes from: a field whose column is absent is left as it is.
    optional_field_columns: dict[str, str] = {}

    def __init__(self, **options):
        self.options = options

    def prepare(self) -> None:
        """Load what `parse` looks up (once per run, before the first pass)."""

    def use_columns(self, present: set[str]) -> None:
        self.fields = tuple(
            name
            for name in type(self).fields
            if name not in self.optional_field_columns or self.optional_field_columns[name] in present
        )

    def parse(self, row: Row) -> dict | Skip | None:
        raise NotImplementedError

    def key(self, values: dict) -> Hashable:
        return values[self.key_field]

    def duplicate(self, row: Row, first_row: int) -> None:
        row.problem(
            self.columns[0].name,
            _("This appears again: it is already on row %(row)s.") % {"row": first_row},
            _("each %(column)s once in the file") % {"column": self.columns[0].name},
        )

    def existing(self, keys: list) -> dict:
        objects = self.model.objects.filter(**{f"{self.key_field}__in": keys})
        return {getattr(obj, self.key_field): obj for obj in objects}

    def build(self, values: dict):
        return self.model(**values)


class SchoolsImporter(Importer):
    """GIAS establishment fields, as published ('Establishment fields' CSV); updates schools by URN."""

    kind = ImportRun.Kind.SCHOOLS
    model = School
    key_field = "urn"
    key_columns = ("URN",)
    columns = (
        Column("URN"),
        Column("EstablishmentName"),
        Column("TypeOfEstablishment (name)"),
        Column("EstablishmentStatus (name)"),
        Column("PhaseOfEducation (name)"),
        Column("LA (code)"),
        Column("LA (name)"),
        Column("Postcode"),
        Column("NumberOfPupils"),
        Column("PercentageFSM"),
        Column("StatutoryLowAge"),
        Column("StatutoryHighAge"),
    )
    fields = (
        "name",
        "establishment_type",
        "status",
        "is_open",
        "phase",
        "la_code",
        "la_name",
        "postcode",
        "number_of_pupils",
        "percentage_fsm",
        "statutory_low_age",
        "statutory_high_age",
    )

    def prepare(self):
        self.wanted_la = self.options.get("la")
        self.other_la = Skip(_("in another local authority than %(la)s") % {"la": self.wanted_la})

    def parse(self, row):
        if self.wanted_la and row.values["LA (code)"] != self.wanted_la:
            return self.other_la
        status = row.text("EstablishmentStatus (name)", required=True, max_length=60)
        values = {
            "urn": row.integer("URN", required=True, minimum=1, maximum=2_147_483_647),
            "name": row.text("EstablishmentName", required=True, max_length=200),
            "establishment_type": row.text("TypeOfEstablishment (name)", max_length=120),
            "status": status,
            # GIAS statuses: "Open", "Open, but proposed to close", "Proposed to open", "Closed".
            "is_open": status.lower().startswith("open"),
            "phase": row.text("PhaseOfEducation (name)", max_length=60),
            "la_code": row.text("LA (code)", required=True, max_length=6),
            "la_name": row.text("LA (name)", max_length=120),
            "postcode": self._postcode(row),
            "number_of_pupils": row.integer("NumberOfPupils"),
            "percentage_fsm": row.percentage("PercentageFSM"),
            "statutory_low_age": row.integer("StatutoryLowAge", maximum=25),
            "statutory_high_age": row.integer("StatutoryHighAge", maximum=25),
        }
        low, high = values["statutory_low_age"], values["statutory_high_age"]
        if low is not None and high is not None and low > high:
            row.problem(
                "StatutoryHighAge",
                _("The oldest age (%(high)s) is below the youngest (%(low)s).") % {"high": high, "low": low},
                _("an age at least StatutoryLowAge"),
            )
        return values

    @staticmethod
    def _postcode(row) -> str:
        # GIAS lists a few establishments abroad (British schools overseas) whose postcodes are not UK ones:
        # keep those as written rather than refuse the national file.
        value = row.values["Postcode"]
        if not value:
            return ""
        try:
            return normalise_postcode(value)
        except ValidationError:
            return row.text("Postcode", max_length=10)

    def existing(self, keys):
        return {school.urn: school for school in School.objects.filter(urn__in=keys)}


class PopulationImporter(Importer):
    """Pupils on roll by school, year group and characteristic, as of a date (the layout in docs/imports.md)."""

    kind = ImportRun.Kind.POPULATION
    model = PopulationFigure
    key_columns = ("URN", "YearGroup", "Characteristic", "Value")
    columns = (
        Column("URN"),
        Column("YearGroup", variants=("year ?group", "year")),
        Column("Characteristic"),
        Column("Value", required=False),
        Column("Pupils", variants=("number ?of ?pupils", "headcount")),
    )
    fields = ("pupils",)
    VALUE_CHOICES = {Characteristic.ETHNIC_GROUP: EthnicGroup, Characteristic.SEX: Sex}

    def prepare(self):
        self.as_of: date = self.options["as_of"]
        if isinstance(self.as_of, str):
            self.as_of = date.fromisoformat(self.as_of)
        self.schools = dict(School.objects.values_list("urn", "pk"))

    def parse(self, row):
        urn = row.integer("URN", required=True, minimum=1, maximum=2_147_483_647)
        school_id = self.schools.get(urn) if urn is not None else None
        if urn is not None and school_id is None:
            row.problem(
                "URN",
                _("There is no school with URN %(urn)s: import the schools first.") % {"urn": urn},
                _("the URN of a school already imported from GIAS"),
            )
        year = row.values["YearGroup"]
        # "Year 7" and "Y7" are common spellings of "7".
        row.values["YearGroup"] = re.sub(r"^(year|yr|y)\s*(?=\d)", "", year, flags=re.IGNORECASE)
        year_group = row.choice("YearGroup", YearGroup)
        characteristic = row.choice("Characteristic", Characteristic)
        value = ""
        value_choices = self.VALUE_CHOICES.get(characteristic)
        if value_choices is not None:
            value = row.choice("Value", value_choices)
        elif characteristic and row.values.get("Value"):
            row.problem(
                "Value",
                _("Only ethnic_group and sex rows have a value; this is a %(characteristic)s row.")
                % {"characteristic": characteristic},
                _("blank"),
            )
        return {
            "as_of": self.as_of,
            "school_id": school_id,
            "year_group": year_group,
            "characteristic": characteristic,
            "value": value,
            "pupils": row.integer("Pupils", required=True),
        }

    def key(self, values):
        return (values["school_id"], values["year_group"], values["characteristic"], values["value"])

    def duplicate(self, row, first_row):
        row.problem(
            "URN",
            _("The same school, year group, characteristic and value are already on row %(row)s.")
            % {"row": first_row},
            _("one row for each school, year group, characteristic and value"),
        )

    def existing(self, keys):
        school_ids = {key[0] for key in keys}
        figures = PopulationFigure.objects.filter(as_of=self.as_of, school_id__in=school_ids)
        return {(f.school_id, f.year_group, f.characteristic, f.value): f for f in figures}


class PostcodesImporter(Importer):
    """The ONS Postcode Directory (ONSPD): postcode to LSOA and electoral ward."""

    kind = ImportRun.Kind.POSTCODES
    model = PostcodeArea
    key_field = "postcode"
    key_columns = ("pcds",)
    columns = (
        Column("pcds", variants=("pcd", "pcd7", "pcd8", "postcode")),
        Column("lsoa21cd", key="lsoa", variants=("lsoa21", "lsoa11cd", "lsoa11", "lsoa code")),
        Column("osward", variants=("osward[0-9]*cd", "ward_?code", "wd[0-9]{2}cd")),
        Column("osward_name", required=False, variants=("ward_?name", "wd[0-9]{2}nm")),
        Column("doterm", required=False),
        Column("lat", required=False, variants=("latitude",)),
        Column("long", required=False, variants=("longitude", "lon", "lng")),
    )
    fields = ("lsoa_code", "ward_code", "ward_name", "latitude", "longitude")
    optional_field_columns = {"ward_name": "osward_name", "latitude": "lat", "longitude": "long"}
    # The ONSPD's placeholder for a postcode with no grid reference (Channel Islands, Isle of Man, some new ones).
    NO_LOCATION = (99.999999, 0.0)

    def __init__(self, **options):
        super().__init__(**options)
        self.lsoa_column = "lsoa21cd"
        if options.get("lsoa_year") == 2011:
            # IoD 2019 uses 2011 LSOAs: read the directory's 2011 column, though the file has both.
            self.lsoa_column = "lsoa11cd"
            lsoa = Column("lsoa11cd", key="lsoa", variants=("lsoa11", "lsoa code"))
            self.columns = tuple(lsoa if column.value_key == "lsoa" else column for column in self.columns)

    def parse(self, row):
        if row.values.get("doterm"):
            return Skip(_("a terminated postcode"))
        if not row.values["lsoa"]:
            return Skip(_("no LSOA (a postcode with no address, such as a PO box)"))
        raw = row.values["pcds"]
        postcode = ""
        try:
            postcode = normalise_postcode(raw)
        except ValidationError:
            row.problem(
                "pcds",
                _("“%(value)s” is not a UK postcode.") % {"value": raw} if raw else _("This is blank."),
                _("a UK postcode, like SO14 7LY"),
            )
        return {
            "postcode": postcode,
            "lsoa_code": row.area_code("lsoa", required=True, column=self.lsoa_column),
            "ward_code": row.area_code("osward", required=False),
            "ward_name": row.text("osward_name", max_length=120),
            **self._coordinates(row),
        }

    def _coordinates(self, row) -> dict:
        """{"latitude", "longitude"} in degrees; both None when blank or the ONSPD's "no location" value."""
        expected = _("a number of degrees, like 50.9097, or blank")
        found = {}
        for column, name, limit in (("lat", "latitude", 90), ("long", "longitude", 180)):
            value = row.values.get(column, "")
            if not value:
                found[name] = None
            elif not _DECIMAL.match(value):
                row.problem(column, _("“%(value)s” is not a number.") % {"value": value}, expected)
                found[name] = None
            elif abs(float(value)) > limit and float(value) != self.NO_LOCATION[0]:
                row.problem(column, _("%(value)s is out of range.") % {"value": value}, expected)
                found[name] = None
            else:
                found[name] = float(value)
        if None in found.values() or (found["latitude"], found["longitude"]) == self.NO_LOCATION:
            return {"latitude": None, "longitude": None}
        return found


class DeprivationImporter(Importer):
    """English Indices of Deprivation (2019 or 2025), File 1: each LSOA's IMD rank and decile."""

    kind = ImportRun.Kind.DEPRIVATION
    model = Neighbourhood
    key_field = "lsoa_code"
    key_columns = ("LSOA code (2011)",)
    columns = (
        Column("LSOA code (2011)", variants=(r"lsoa code( \(20[0-9]{2}\))?",)),
        Column("LSOA name (2011)", required=False, variants=(r"lsoa name( \(20[0-9]{2}\))?",)),
        Column(
            "Local Authority District code (2019)",
            required=False,
            variants=(r"local authority district code( \(20[0-9]{2}\))?",),
        ),
        Column(
            "Local Authority District name (2019)",
            required=False,
            variants=(r"local authority district name( \(20[0-9]{2}\))?",),
        ),
        Column(
            "Index of Multiple Deprivation (IMD) Rank",
            required=False,
            variants=(r"index of multiple deprivation \(imd\) rank\b.*",),
        ),
        Column(
            "Index of Multiple Deprivation (IMD) Decile",
            variants=(r"index of multiple deprivation \(imd\) decile\b.*",),
        ),
    )
    fields = ("lsoa_name", "la_code", "la_name", "imd_rank", "imd_decile")
    optional_field_columns = {
        "lsoa_name": "LSOA name (2011)",
        "la_code": "Local Authority District code (2019)",
        "la_name": "Local Authority District name (2019)",
        "imd_rank": "Index of Multiple Deprivation (IMD) Rank",
    }

    def parse(self, row):
        return {
            "lsoa_code": row.area_code("LSOA code (2011)", required=True),
            "lsoa_name": row.text("LSOA name (2011)", max_length=120),
            "la_code": row.area_code("Local Authority District code (2019)", required=False),
            "la_name": row.text("Local Authority District name (2019)", max_length=120),
            "imd_rank": row.integer("Index of Multiple Deprivation (IMD) Rank", minimum=1),
            "imd_decile": row.integer(
                "Index of Multiple Deprivation (IMD) Decile", required=True, minimum=1, maximum=10
            ),
        }


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (SchoolsImporter, PopulationImporter, PostcodesImporter, DeprivationImporter)
}


# ---- Running an import ---------------------------------------------------------------------------------------

Progress = Callable[[str, int, int | None, int], None]  # (phase, bytes read, bytes in all, rows read)


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    problems_total: int = 0

    def add_problems(self, problems: list[dict]) -> None:
        self.problems_total += len(problems)
        room = MAX_STORED_PROBLEMS - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    @property
    def counts(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": sum(self.skipped.values()),
            "skipped_reasons": self.skipped,
            "problems": self.problems_total,
        }


def _rows(
    importer: Importer, source: Source, encoding: str, phase: str, progress: Progress | None
) -> Iterator[Row]:
    """Each non-blank data row of the file, as a Row; raises FileProblem when the header lacks a column."""
    handle = source.open()
    with io.TextIOWrapper(handle, encoding=encoding, newline="") as text:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise FileProblem(
                "", _("The file is empty."), _("a header row, then one row per record")
            ) from None
        except csv.Error as error:
            raise FileProblem("", str(error), _("a CSV file"), row=1) from None
        headers = [_normalise_header(name) for name in header]
        positions = {column.value_key: column.find(headers) for column in importer.columns}
        missing = [
            column.name
            for column in importer.columns
            if column.required and positions[column.value_key] is None
        ]
        if missing:
            raise FileProblem(
                ", ".join(missing),
                (
                    _("The file has no column “%(column)s”.")
                    if len(missing) == 1
                    else _("The file has no columns “%(column)s”.")
                )
                % {"column": "”, “".join(missing)},
                _("a header row with the columns %(columns)s (other columns are ignored)")
                % {"columns": ", ".join(column.name for column in importer.columns if column.required)},
                row=1,
            )
        importer.use_columns({name for name, index in positions.items() if index is not None})
        wanted = [(name, index) for name, index in positions.items() if index is not None]
        width = len(header)
        number = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise FileProblem("", str(error), _("a CSV file"), row=number + 1) from None
            number += 1
            if progress is not None and number % PROGRESS_EVERY_ROWS == 0:
                progress(phase, _tell(handle), source.size, number - 1)
            if not any(value.strip() for value in fields):
                continue  # a blank line, as spreadsheets leave at the end
            values = {name: fields[index].strip() if index < len(fields) else "" for name, index in wanted}
            row = Row(number, values)
            if len(fields) != width:
                row.problem(
                    "",
                    _("This row has %(values)s values but the header row has %(columns)s columns.")
                    % {"values": len(fields), "columns": width},
                    _("one value for each column; a value with a comma in it must be in double quotes"),
                )
            yield row
        if progress is not None:
            progress(phase, source.size or 0, source.size, number - 1)


def _tell(handle) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


def _check(
    importer: Importer, source: Source, encoding: str, outcome: Outcome, progress, checked=None
) -> None:
    """First pass: check every row, and that no natural key appears twice."""
    first_row_of: dict = {}
    for row in _rows(importer, source, encoding, _("Checking"), progress):
        outcome.rows += 1
        if checked is not None and outcome.rows % PROGRESS_STORED_EVERY_ROWS == 0:
            checked(outcome.rows)
        if row.problems:  # a row of the wrong width: its values are not where the header says
            outcome.add_problems(row.problems)
            continue
        values = importer.parse(row)
        if isinstance(values, Skip):
            continue
        # A row whose key was read is checked for repeats even when its other values have problems.
        if not any(p["column"] in importer.key_columns for p in row.problems):
            key = importer.key(values)
            if key in first_row_of:
                importer.duplicate(row, first_row_of[key])
            else:
                first_row_of[key] = row.number
        outcome.add_problems(row.problems)


def _write(
    importer: Importer, source: Source, encoding: str, outcome: Outcome, *, dry_run: bool, progress
) -> None:
    """Second pass: compare each row with what is stored, 500 at a time; create and update unless dry_run."""
    now = timezone.now()
    has_updated_at = any(f.name == "updated_at" for f in importer.model._meta.concrete_fields)
    update_fields = list(importer.fields) + (["updated_at"] if has_updated_at else [])
    batch: list[dict] = []

    def flush():
        stored = importer.existing([importer.key(values) for values in batch])
        to_create, to_update = [], []
        for values in batch:
            obj = stored.get(importer.key(values))
            if obj is None:
                to_create.append(importer.build(values))
                continue
            changed = [name for name in importer.fields if getattr(obj, name) != values[name]]
            if not changed:
                outcome.unchanged += 1
                continue
            for name in importer.fields:
                setattr(obj, name, values[name])
            if has_updated_at:
                obj.updated_at = now
            to_update.append(obj)
        outcome.created += len(to_create)
        outcome.updated += len(to_update)
        if not dry_run:
            importer.model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            if to_update:
                importer.model.objects.bulk_update(to_update, update_fields, batch_size=BATCH_SIZE)
        batch.clear()

    for row in _rows(importer, source, encoding, _("Importing") if not dry_run else _("Comparing"), progress):
        values = importer.parse(row)
        if isinstance(values, Skip):
            outcome.skipped[values.reason] = outcome.skipped.get(values.reason, 0) + 1
            continue
        batch.append(values)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()


def import_file(
    *,
    kind: str,
    source: Source,
    options: dict,
    dry_run: bool,
    progress: Progress | None = None,
    checked: Callable[[int], None] | None = None,
) -> Outcome:
    """Check a file and, when no row has a problem and not dry_run, write it all or nothing.

    Returns the Outcome (counts, or the problems found); writes nothing when there is any problem.
    `checked(rows)` is told how many rows have been checked, every PROGRESS_STORED_EVERY_ROWS rows of the
    check pass and at its end; it is called outside the write transaction this function opens.
    """
    importer = IMPORTERS[kind](**options)
    outcome = Outcome()
    try:
        encoding = detect_encoding(source)
        importer.prepare()
        _check(importer, source, encoding, outcome, progress, checked)
        if checked is not None:
            checked(outcome.rows)
        if not outcome.ok:
            return outcome
        try:
            with transaction.atomic():
                _write(importer, source, encoding, outcome, dry_run=dry_run, progress=progress)
        except IntegrityError as error:
            # Someone else wrote the same records in the meantime: nothing of this file was kept.
            logger.error("%s import of %s refused by the database: %s", kind, source.name, error)
            outcome.created = outcome.updated = outcome.unchanged = 0
            outcome.add_problems(
                [
                    problem(
                        None,
                        "",
                        _("The database refused the import, so nothing was written: %(error)s")
                        % {"error": error},
                        _("the same file imported again once other imports have finished"),
                    )
                ]
            )
    except FileProblem as file_problem:
        outcome.add_problems([file_problem.problem])
    return outcome


def import_runs_newest_first():
    """Every import run, newest first, with who started it (the history page; its problems left unread)."""
    return ImportRun.objects.select_related("started_by").defer("problems").order_by("-created_at", "-pk")


def _record(run: ImportRun, outcome: Outcome, status: str) -> ImportRun:
    run.status = status
    run.rows = outcome.rows
    run.counts = outcome.counts
    run.problems = outcome.problems
    run.finished_at = timezone.now()
    return run


def _json_options(options: dict) -> dict:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in options.items()
        if value
    }


def run_import(
    *,
    kind: str,
    source: Source,
    options: dict,
    started_by=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportRun:
    """Import a file (from a management command or the demo) and record the run.

    The run's status is "completed", "dry_run", or "rejected" with its problems (nothing written).
    """
    started_at = timezone.now()
    outcome = import_file(kind=kind, source=source, options=options, dry_run=dry_run, progress=progress)
    if not outcome.ok:
        status = ImportRun.Status.REJECTED
        logger.warning("%s import of %s rejected: %s problems", kind, source.name, outcome.problems_total)
    else:
        status = ImportRun.Status.DRY_RUN if dry_run else ImportRun.Status.COMPLETED
    run = ImportRun(
        kind=kind,
        filename=source.name[:255],
        options={**_json_options(options), **({"dry_run": True} if dry_run else {})},
        started_by=started_by if getattr(started_by, "is_authenticated", False) else None,
    )
    _record(run, outcome, status).save()
    # created_at says when the run started (auto_now_add would set the time it was recorded).
    ImportRun.objects.filter(pk=run.pk).update(created_at=started_at)
    run.created_at = started_at
    return run


def check_import_upload(*, kind: str, upload, options: dict, started_by) -> ImportRun:
    """Store an uploaded file privately and check it: a preview of what importing it would do.

    The run is "previewed" (waiting for confirm_import) or "rejected" with its problems.
    """
    name = os.path.basename(upload.name or "upload.csv")[:255]
    run = ImportRun(
        kind=kind,
        status=ImportRun.Status.PREVIEWED,
        filename=name,
        options=_json_options(options),
        started_by=started_by,
    )
    run.file.save(name, upload, save=False)
    outcome = import_file(
        kind=kind,
        source=Source.from_storage(run.file.storage, run.file.name, name),
        options=options,
        dry_run=True,
    )
    _record(run, outcome, ImportRun.Status.PREVIEWED if outcome.ok else ImportRun.Status.REJECTED)
    run.finished_at = None
    if not outcome.ok:
        run.finished_at = timezone.now()
        run.file.delete(save=False)  # nothing more will be done with it
    run.save()
    return run


def _not_waiting(run: ImportRun) -> ValidationError:
    return ValidationError(
        _("This import is not waiting for confirmation any more (it is “%(status)s”).")
        % {"status": run.get_status_display()},
        code="not_waiting",
    )


def _queue(run: ImportRun) -> None:
    """Mark a locked run queued and have the background task import it once this transaction commits."""
    from .tasks import run_confirmed_import

    run.status = ImportRun.Status.QUEUED
    run.rows_done = 0
    run.problems = []
    run.finished_at = None
    run.save(update_fields=["status", "rows_done", "problems", "finished_at", "updated_at"])
    # After the commit, so the task (on another connection, in the worker) finds the run queued.
    transaction.on_commit(lambda: run_confirmed_import.enqueue(run.pk))


@transaction.atomic
def confirm_import(*, run: ImportRun, confirmed_by) -> ImportRun:
    """Queue a previewed file to be imported in the background, from the stored copy (run_queued_import).

    Raises ValidationError (code "not_waiting") when the run is not waiting for confirmation, so that
    confirming twice never imports twice, and (code "no_file") when its file is no longer stored.
    """
    # Lock the run, so two confirmations (a double click, two staff) cannot both see it waiting.
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.PREVIEWED:
        raise _not_waiting(run)
    if not run.file:
        raise ValidationError(_("The uploaded file is no longer stored: upload it again."), code="no_file")
    _queue(run)
    record_audit(actor=confirmed_by, action="import.confirmed", obj=run, detail=f"{run.kind} import")
    return run


@transaction.atomic
def retry_import(*, run: ImportRun, retried_by) -> ImportRun:
    """Queue a failed import again, from its stored file.

    Raises ValidationError (code "not_failed") when the run has not failed (so it is never queued twice),
    and (code "no_file") when its file is no longer stored.
    """
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.FAILED:
        raise ValidationError(
            _("Only a failed import can be tried again (this one is “%(status)s”).")
            % {"status": run.get_status_display()},
            code="not_failed",
        )
    if not _file_is_stored(run):
        raise ValidationError(_("The uploaded file is no longer stored: upload it again."), code="no_file")
    _queue(run)
    record_audit(actor=retried_by, action="import.retried", obj=run, detail=f"{run.kind} import")
    return run


def _file_is_stored(run: ImportRun) -> bool:
    return bool(run.file) and run.file.storage.exists(run.file.name)


def _fail(run: ImportRun, message: str) -> ImportRun:
    """Record that a run could not finish, with the message staff see (its file is kept for a retry)."""
    run.status = ImportRun.Status.FAILED
    run.problems = [
        problem(
            None,
            "",
            message[:300],
            _("the import to finish: try again, and if it fails again tell the platform's administrators"),
        )
    ]
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save(update_fields=["status", "problems", "finished_at", "updated_at"])
        record_audit(actor=None, action="import.failed", obj=run, detail=f"{run.kind} import")
    return run


def run_queued_import(*, run_id: int) -> ImportRun | None:
    """Import a queued run's stored file (the background task's work) and record how it ended.

    The run ends "completed", "rejected" (the data changed since the preview and the file now has problems)
    or "failed" (anything unexpected; logged, its message kept for staff, its file kept so that it can be
    tried again). Returns None, doing nothing, when the run is not queued (gone, or taken by another worker).
    """
    # Lock only to take the run: the import itself runs outside this transaction, so its progress is seen.
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != ImportRun.Status.QUEUED:
            return None
        run.status = ImportRun.Status.RUNNING
        run.rows_done = 0
        run.save(update_fields=["status", "rows_done", "updated_at"])

    def checked(rows: int) -> None:
        # A short update of its own. The check pass runs outside any transaction (autocommit), so each
        # update is seen at once by the run's page. The write pass is one transaction on this connection:
        # an update inside it would only be seen when it commits, so none is made there, and the page says
        # "every row checked" while the rows are written.
        ImportRun.objects.filter(pk=run.pk).update(rows_done=rows)

    try:
        if not _file_is_stored(run):
            logger.error("%s import run %s failed: its file is no longer stored", run.kind, run.pk)
            return _fail(run, _("The uploaded file is no longer stored: upload it again."))
        options = dict(run.options)
        if "as_of" in options:
            options["as_of"] = date.fromisoformat(options["as_of"])
        outcome = import_file(
            kind=run.kind,
            source=Source.from_storage(run.file.storage, run.file.name, run.filename),
            options=options,
            dry_run=False,
            checked=checked,
        )
    except Exception as error:  # anything unexpected: staff see it and can try again; the file is kept
        logger.exception("%s import run %s failed", run.kind, run.pk)
        return _fail(run, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
    _record(run, outcome, ImportRun.Status.COMPLETED if outcome.ok else ImportRun.Status.REJECTED)
    run.rows_done = outcome.rows
    if not outcome.ok:
        logger.warning("%s import run %s rejected: %s problems", run.kind, run.pk, outcome.problems_total)
    with transaction.atomic():
        run.save()
        record_audit(actor=None, action=f"import.{run.status}", obj=run, detail=f"{run.kind} import")
    return run


@transaction.atomic
def cancel_import(*, run: ImportRun, cancelled_by) -> ImportRun:
    """Cancel a previewed import and delete its stored file. Raises ValidationError (code "not_waiting")."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.PREVIEWED:
        raise _not_waiting(run)
    run.status = ImportRun.Status.CANCELLED
    run.finished_at = timezone.now()
    if run.file:
        run.file.delete(save=False)
    run.save()
    record_audit(actor=cancelled_by, action="import.cancelled", obj=run, detail=f"{run.kind} import")
    return run
