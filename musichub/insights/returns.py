"""The annual data return: which platform figure goes on which line (the mapping, data staff adjust each year),
the figures computed in a few aggregate queries, partner contributions added and marked, and the XLSX and CSV
files.

The return is modelled on the Arts Council England music hub annual return. Its lines are `ReturnLine` rows for
one academic year: a `source` (which figure: schools engaged, pupils in whole-class teaching, young people
taking part, activities, sessions, …) narrowed by `filters`, a JSON object checked against the whitelist in
`FILTER_FIELDS` (a line that names an unknown field or value gets a clear message, never a crash), and
optionally a partner contribution figure added to it. `load_default_return_lines(year)` writes the documented
default (docs/insights.md, "Outputs").

How many queries: one per kind of source the mapping uses (participants, whole-class, activities, sessions,
schools), one for the whole-class table by school and year group, one for contributions, and a few small ones
(the lines, the catalogue values the filters name): about a dozen for the whole return, whatever its number of
lines. Young people taking part are counted from the dashboard's yearly summary (models.Participation, kept by
summaries.py), so the return and the dashboard give the same figures and the return stays quick at a county's
scale; the return says when that summary was last rebuilt.

Privacy: the return leaves the platform, so counts of young people go through small-number suppression
(`musichub.core.privacy`): counts 1–4 are shown as "fewer than 5", with secondary suppression down each
section's columns and across each line's recorded and contributed parts. Counts of schools, activities and
sessions are not about children and are shown as they are.
"""

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from musichub.core.models import ActivityKind, Instrument, Setting
from musichub.core.privacy import FEWER_THAN_5, is_small, suppression_mask
from musichub.offer.models import (
    Opportunity,
    Session,
    WholeClassProgramme,
)
from musichub.people.choices import EthnicGroup, Ethnicity, Send, Sex, YearGroup, YesNo
from musichub.people.models import School

from .filters import academic_year_of, period, year_label
from .models import (
    ContributionFigure,
    Participation,
    PartnerContribution,
    ReturnLine,
    ReturnSection,
    ReturnSource,
)
from .summaries import ensure_summaries

# ---- The whitelist of filters ------------------------------------------------------------------------------

# Phases of education as GIAS words them.
PHASES = [
    "Nursery",
    "Primary",
    "Middle deemed primary",
    "Middle deemed secondary",
    "Secondary",
    "All-through",
    "16 plus",
    "Not applicable",
]
YES_NO = YesNo.values


@dataclass(frozen=True)
class FilterField:
    """A field a return line may be narrowed by: its label and the values it accepts (None: from the database)."""

    name: str
    label: str
    values: tuple[str, ...] | None = None


KIND = FilterField("kind", gettext_lazy("kind of activity (its short name, e.g. choir)"))
SETTING = FilterField(
    "setting", gettext_lazy("where (in_school, out_of_school, online)"), tuple(Setting.values)
)
INSTRUMENT = FilterField("instrument", gettext_lazy("instrument (its short name, e.g. voice)"))
PHASE = FilterField("phase", gettext_lazy("the school's phase of education"), tuple(PHASES))
YEAR_GROUP = FilterField("year_group", gettext_lazy("year group (N, R, 1 … 13)"), tuple(YearGroup.values))
PERSON_FIELDS = [
    FilterField("fsm", gettext_lazy("free school meals or Pupil Premium"), tuple(YES_NO)),
    FilterField("send", gettext_lazy("special educational needs"), tuple(Send.values)),
    FilterField("eal", gettext_lazy("English as an additional language"), tuple(YES_NO)),
    FilterField("care_experienced", gettext_lazy("care-experienced"), tuple(YES_NO)),
    FilterField("young_carer", gettext_lazy("young carer"), tuple(YES_NO)),
    FilterField("disability", gettext_lazy("disabled"), tuple(YES_NO)),
    FilterField("sex", gettext_lazy("sex"), tuple(Sex.values)),
    FilterField(
        "ethnic_group", gettext_lazy("ethnic group (census high-level group)"), tuple(EthnicGroup.values)
    ),
    FilterField(
        "imd_decile",
        gettext_lazy("deprivation decile of home area (1 most deprived)"),
        tuple(map(str, range(1, 11))),
    ),
]

# Which fields each source understands. Sources not listed take no filters.
FILTER_FIELDS: dict[str, list[FilterField]] = {
    ReturnSource.SCHOOLS_ENGAGED: [PHASE],
    ReturnSource.WHOLE_CLASS_PUPILS: [YEAR_GROUP, PHASE, INSTRUMENT],
    ReturnSource.WHOLE_CLASS_SCHOOLS: [YEAR_GROUP, PHASE, INSTRUMENT],
    ReturnSource.WHOLE_CLASS_PROGRAMMES: [YEAR_GROUP, PHASE, INSTRUMENT],
    ReturnSource.PARTICIPANTS: [KIND, SETTING, *PERSON_FIELDS],
    ReturnSource.ACTIVITIES: [KIND, SETTING, INSTRUMENT],
    ReturnSource.SESSIONS: [KIND, SETTING, INSTRUMENT],
}
# Sources that count young people: their figures are suppressed. (Schools, activities, sessions are not.)
PEOPLE_SOURCES = {ReturnSource.PARTICIPANTS, ReturnSource.WHOLE_CLASS_PUPILS}
PEOPLE_CONTRIBUTIONS = {
    ContributionFigure.YOUNG_PEOPLE,
    ContributionFigure.YOUNG_PEOPLE_FSM,
    ContributionFigure.YOUNG_PEOPLE_SEND,
}


def catalogue_slugs() -> dict[str, set[str]]:
    """The short names the `kind` and `instrument` filters may use (two small queries)."""
    return {
        "kind": set(ActivityKind.objects.values_list("slug", flat=True)),
        "instrument": set(Instrument.objects.values_list("slug", flat=True)),
    }


def _as_list(value) -> list[str] | None:
    """A filter's value as a list of strings: one value or a non-empty list of them; None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int)):
        return [str(value)]
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)
    ):
        return [str(v) for v in value]
    return None


def filter_problems(source: str, filters, *, slugs: dict[str, set[str]] | None = None) -> list[str]:
    """What is wrong with a line's filters for its source, in words staff can act on (empty: nothing)."""
    if not isinstance(filters, dict):
        return [_('Write the filters as a JSON object, for example {"kind": "choir"}, or leave them empty.')]
    known = {f.name: f for f in FILTER_FIELDS.get(source, [])}
    problems = []
    for name, value in filters.items():
        spec = known.get(name)
        if spec is None:
            if known:
                problems.append(
                    _("“%(field)s” is not a field this figure can be narrowed by. Use one of: %(known)s.")
                    % {"field": name, "known": ", ".join(sorted(known))}
                )
            else:
                problems.append(
                    _("“%(field)s” is not a field this figure can be narrowed by: it takes no filters.")
                    % {"field": name}
                )
            continue
        values = _as_list(value)
        if values is None:
            problems.append(
                _('Give “%(field)s” one value or a list of values, for example "%(example)s".')
                % {"field": name, "example": (spec.values or ("choir",))[0]}
            )
            continue
        if spec.values is not None:
            allowed = set(spec.values)
        else:
            slugs = slugs if slugs is not None else catalogue_slugs()
            allowed = slugs[name]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            shown = sorted(allowed)
            problems.append(
                _("“%(values)s” is not a known value of “%(field)s” (%(label)s). Known values: %(known)s.")
                % {
                    "values": ", ".join(unknown),
                    "field": name,
                    "label": spec.label,
                    "known": ", ".join(shown[:30]) + (" …" if len(shown) > 30 else ""),
                }
            )
    return problems


# ---- The documented default mapping ------------------------------------------------------------------------

ENSEMBLE_KINDS = ["ensemble", "band", "choir"]
LESSON_KINDS = ["small-group-lessons", "individual-lessons"]
S, W, E, L, V, C, F_ = (
    ReturnSection.SCHOOLS,
    ReturnSection.WHOLE_CLASS,
    ReturnSection.ENSEMBLES,
    ReturnSection.LEARNING,
    ReturnSection.SINGING,
    ReturnSection.CHARACTERISTICS,
    ReturnSection.WORKFORCE,
)
P, YP = ReturnSource.PARTICIPANTS, ContributionFigure.YOUNG_PEOPLE
FSM, SEND = ContributionFigure.YOUNG_PEOPLE_FSM, ContributionFigure.YOUNG_PEOPLE_SEND

# (section, code, label, source, filters, contribution figure, contributions from every section)
DEFAULT_LINES = [
    (S, "S1", "Schools engaged with the hub (any activity)", ReturnSource.SCHOOLS_ENGAGED, {}, "schools", True),
    (S, "S2", "Primary schools engaged", ReturnSource.SCHOOLS_ENGAGED, {"phase": ["Primary", "Middle deemed primary"]}, "", False),
    (S, "S3", "Secondary and all-through schools engaged", ReturnSource.SCHOOLS_ENGAGED, {"phase": ["Secondary", "Middle deemed secondary", "All-through"]}, "", False),
    (W, "W1", "Pupils receiving whole-class ensemble teaching", ReturnSource.WHOLE_CLASS_PUPILS, {}, YP, False),
    (W, "W2", "Schools with whole-class ensemble teaching", ReturnSource.WHOLE_CLASS_SCHOOLS, {}, "schools", False),
    (W, "W3", "Whole-class programmes (classes taught)", ReturnSource.WHOLE_CLASS_PROGRAMMES, {}, "groups", False),
    (W, "W4", "Pupils in Year 3", ReturnSource.WHOLE_CLASS_PUPILS, {"year_group": "3"}, "", False),
    (W, "W5", "Pupils in Year 4", ReturnSource.WHOLE_CLASS_PUPILS, {"year_group": "4"}, "", False),
    (W, "W6", "Pupils in Year 5", ReturnSource.WHOLE_CLASS_PUPILS, {"year_group": "5"}, "", False),
    (W, "W7", "Pupils in Year 6", ReturnSource.WHOLE_CLASS_PUPILS, {"year_group": "6"}, "", False),
    (W, "W8", "Pupils in other year groups", ReturnSource.WHOLE_CLASS_PUPILS, {"year_group": ["N", "R", "1", "2", "7", "8", "9", "10", "11", "12", "13"]}, "", False),
    (E, "E1", "Ensembles, bands and choirs running", ReturnSource.ACTIVITIES, {"kind": ENSEMBLE_KINDS}, "groups", False),
    (E, "E2", "Young people in ensembles, bands and choirs", P, {"kind": ENSEMBLE_KINDS}, YP, False),
    (E, "E3", "… of whom eligible for free school meals or Pupil Premium", P, {"kind": ENSEMBLE_KINDS, "fsm": "yes"}, FSM, False),
    (E, "E4", "… of whom with special educational needs", P, {"kind": ENSEMBLE_KINDS, "send": ["sen_support", "ehcp"]}, SEND, False),
    (E, "E5", "Ensemble sessions delivered", ReturnSource.SESSIONS, {"kind": ENSEMBLE_KINDS}, "sessions", False),
    (L, "L1", "Young people in instrumental or vocal lessons", P, {"kind": LESSON_KINDS}, YP, False),
    (L, "L2", "… in small-group lessons", P, {"kind": "small-group-lessons"}, "", False),
    (L, "L3", "… in individual lessons", P, {"kind": "individual-lessons"}, "", False),
    (L, "L4", "… of whom eligible for free school meals or Pupil Premium", P, {"kind": LESSON_KINDS, "fsm": "yes"}, FSM, False),
    (L, "L5", "… of whom with special educational needs", P, {"kind": LESSON_KINDS, "send": ["sen_support", "ehcp"]}, SEND, False),
    (V, "V1", "Young people singing in choirs and vocal groups", P, {"kind": "choir"}, YP, False),
    (V, "V2", "Choirs and vocal groups running", ReturnSource.ACTIVITIES, {"kind": "choir"}, "groups", False),
    (V, "V3", "Singing sessions delivered", ReturnSource.SESSIONS, {"kind": "choir"}, "sessions", False),
    (V, "V4", "Schools with singing work from partners", ReturnSource.CONTRIBUTIONS_ONLY, {}, "schools", False),
    (C, "C1", "Young people taking part (each counted once)", P, {}, YP, True),
    (C, "C2", "Eligible for free school meals or Pupil Premium", P, {"fsm": "yes"}, FSM, True),
    (C, "C3", "With special educational needs (SEN support or EHCP)", P, {"send": ["sen_support", "ehcp"]}, SEND, True),
    (C, "C4", "With an education, health and care plan", P, {"send": "ehcp"}, "", False),
    (C, "C5", "With English as an additional language", P, {"eal": "yes"}, "", False),
    (C, "C6", "Care-experienced", P, {"care_experienced": "yes"}, "", False),
    (C, "C7", "Young carers", P, {"young_carer": "yes"}, "", False),
    (C, "C8", "Disabled", P, {"disability": "yes"}, "", False),
    (C, "C9", "Living in the most deprived areas (deciles 1–2)", P, {"imd_decile": [1, 2]}, "", False),
    (C, "C10", "Female", P, {"sex": "female"}, "", False),
    (C, "C11", "Male", P, {"sex": "male"}, "", False),
    (C, "C12", "Sex not known or not given", P, {"sex": ["not_known", "prefer_not_to_say"]}, "", False),
    (C, "C13", "Asian, Asian British or Asian Welsh", P, {"ethnic_group": "asian"}, "", False),
    (C, "C14", "Black, Black British, Black Welsh, Caribbean or African", P, {"ethnic_group": "black"}, "", False),
    (C, "C15", "Mixed or multiple ethnic groups", P, {"ethnic_group": "mixed"}, "", False),
    (C, "C16", "White", P, {"ethnic_group": "white"}, "", False),
    (C, "C17", "Other ethnic group", P, {"ethnic_group": "other"}, "", False),
    (C, "C18", "Ethnic group not known or not given", P, {"ethnic_group": ["not_known", "prefer_not_to_say"]}, "", False),
    (F_, "F1", "Music leaders and teachers", ReturnSource.NOT_RECORDED, {}, "", False),
    (F_, "F2", "… from Black, Asian, mixed or other ethnic groups", ReturnSource.NOT_RECORDED, {}, "", False),
    (F_, "F3", "Hours of continuing professional development", ReturnSource.NOT_RECORDED, {}, "", False),
]  # fmt: skip


@transaction.atomic
def load_default_return_lines(year: int) -> int:
    """Write the documented default mapping for academic year `year`: lines whose code is already there are
    left as staff made them. Returns how many lines were added."""
    existing = set(ReturnLine.objects.filter(year=year).values_list("code", flat=True))
    positions = defaultdict(int)
    new = []
    for section, code, label, source, filters, figure, every in DEFAULT_LINES:
        positions[section] += 1
        if code in existing:
            continue
        new.append(
            ReturnLine(
                year=year,
                section=section,
                code=code,
                label=label,
                position=positions[section],
                source=source,
                filters=filters,
                contribution_figure=figure,
                contributions_from_every_section=every,
            )
        )
    ReturnLine.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def copy_return_lines(*, from_year: int, to_year: int) -> int:
    """Start a year's mapping from another year's (lines whose code is already there are kept). Returns how many
    lines were added."""
    existing = set(ReturnLine.objects.filter(year=to_year).values_list("code", flat=True))
    fields = ["section", "code", "label", "position", "source", "filters", "contribution_figure"]
    new = [
        ReturnLine(
            year=to_year,
            contributions_from_every_section=line["contributions_from_every_section"],
            **{name: line[name] for name in fields},
        )
        for line in ReturnLine.objects.filter(year=from_year)
        .exclude(code__in=existing)
        .values(*fields, "contributions_from_every_section")
    ]
    ReturnLine.objects.bulk_create(new)
    return len(new)


# ---- What the return holds ---------------------------------------------------------------------------------

RECORDED = gettext_lazy("recorded")
CONTRIBUTED = gettext_lazy("partner contribution")
BOTH = gettext_lazy("recorded and partner contribution")
NOT_RECORDED = gettext_lazy("not yet recorded")
MAPPING_PROBLEM = gettext_lazy("mapping problem")


@dataclass
class ReturnFigure:
    """One line of the return: what was recorded, what partners contributed, and what is shown."""

    code: str
    label: str
    source: str
    recorded: int | None = None  # None: the line takes nothing from the platform
    contributed: int | None = None  # None: the line adds no contributions
    problems: list[str] = field(default_factory=list)
    recorded_shown: object = ""
    contributed_shown: object = ""
    total_shown: object = ""

    contribution_counts_people: bool = False

    @property
    def counts_people(self) -> bool:
        """Whether the figure counts young people (then it is suppressed), recorded or contributed."""
        return self.source in PEOPLE_SOURCES or self.contribution_counts_people

    @property
    def total(self) -> int | None:
        if self.recorded is None and self.contributed is None:
            return None
        return (self.recorded or 0) + (self.contributed or 0)

    @property
    def marked_source(self) -> str:
        """Where the figure comes from, in the words the files use."""
        if self.problems:
            return str(MAPPING_PROBLEM)
        if self.source == ReturnSource.NOT_RECORDED:
            return str(NOT_RECORDED)
        if self.recorded is not None and self.contributed:
            return str(BOTH)
        if self.recorded is None:
            return str(CONTRIBUTED)
        return str(RECORDED)


@dataclass
class ReturnSectionFigures:
    key: str
    label: str
    figures: list[ReturnFigure]
    table: dict | None = None  # {"title", "headers", "rows"}: the whole-class pupils by school and year group

    @property
    def sheet_name(self) -> str:
        return SHEET_NAMES[self.key]


@dataclass
class AnnualReturn:
    year: int
    sections: list[ReturnSectionFigures]
    generated_at: datetime
    pending_contributions: int = 0
    people_counted_at: datetime | None = None  # when the summary young people are counted from was rebuilt

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def has_lines(self) -> bool:
        return any(section.figures for section in self.sections)

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(f.code, p) for s in self.sections for f in s.figures for p in f.problems]

    @property
    def has_data(self) -> bool:
        return any(f.total for s in self.sections for f in s.figures)


SHEET_NAMES = {
    ReturnSection.SCHOOLS: "Schools",
    ReturnSection.WHOLE_CLASS: "Whole-class teaching",
    ReturnSection.ENSEMBLES: "Ensembles",
    ReturnSection.LEARNING: "Instrumental and vocal",
    ReturnSection.SINGING: "Singing",
    ReturnSection.CHARACTERISTICS: "Characteristics",
    ReturnSection.WORKFORCE: "Workforce",
}


# ---- Computing the figures ---------------------------------------------------------------------------------


def _values(filters: dict, name: str) -> list[str] | None:
    return _as_list(filters[name]) if name in filters else None


def _school_q(filters: dict, prefix: str = "") -> Q:
    q = Q()
    if (phases := _values(filters, "phase")) is not None:
        q &= Q(**{f"{prefix}phase__in": phases})
    return q


def _programme_q(filters: dict) -> Q:
    q = _school_q(filters, "school__")
    if (groups := _values(filters, "year_group")) is not None:
        q &= Q(year_group__in=groups)
    if (instruments := _values(filters, "instrument")) is not None:
        q &= Q(
            pk__in=WholeClassProgramme.instruments.through.objects.filter(
                instrument__slug__in=instruments
            ).values("wholeclassprogramme_id")
        )
    return q


def _activity_q(filters: dict, prefix: str = "") -> Q:
    """Conditions on an opportunity (reached through `prefix`) for the kind, setting and instrument filters."""
    q = Q()
    if (kinds := _values(filters, "kind")) is not None:
        q &= Q(**{f"{prefix}kind__slug__in": kinds})
    if (settings_ := _values(filters, "setting")) is not None:
        q &= Q(**{f"{prefix}setting__in": settings_})
    if (instruments := _values(filters, "instrument")) is not None:
        q &= Q(
            **{
                f"{prefix}pk__in": Opportunity.instruments.through.objects.filter(
                    instrument__slug__in=instruments
                ).values("opportunity_id")
            }
        )
    return q


def _schools_engaged(lines: list[ReturnLine], first, last) -> dict[str, int]:
    """Schools with a whole-class programme starting in the year, or an in-school opportunity there with a
    session (not cancelled) in the year. One query."""
    programmes = WholeClassProgramme.objects.filter(starts_on__range=(first, last)).values("school_id")
    sessions = Session.objects.filter(date__range=(first, last), is_cancelled=False)
    in_school = Opportunity.schools.through.objects.filter(
        opportunity__setting=Setting.IN_SCHOOL,
        opportunity__in=Opportunity.objects.filter(Exists(sessions.filter(opportunity=OuterRef("pk")))),
    ).values("school_id")
    engaged = School.objects.filter(Q(pk__in=programmes) | Q(pk__in=in_school))
    return engaged.aggregate(**{line.code: Count("pk", filter=_school_q(line.filters)) for line in lines})


def _whole_class(lines: list[ReturnLine], first, last) -> dict[str, int]:
    """Pupils (class sizes added up), schools and programmes, for programmes starting in the year. One query."""
    measures = {
        ReturnSource.WHOLE_CLASS_PUPILS: lambda q: Sum("pupils", filter=q, default=0),
        ReturnSource.WHOLE_CLASS_SCHOOLS: lambda q: Count("school_id", filter=q, distinct=True),
        ReturnSource.WHOLE_CLASS_PROGRAMMES: lambda q: Count("pk", filter=q),
    }
    in_year = WholeClassProgramme.objects.filter(starts_on__range=(first, last))
    return in_year.aggregate(
        **{line.code: measures[line.source](_programme_q(line.filters)) for line in lines}
    )


def _activities(lines: list[ReturnLine], first, last) -> dict[str, int]:
    """Opportunities with at least one session (not cancelled) in the year. One query."""
    sessions = Session.objects.filter(
        date__range=(first, last), is_cancelled=False, opportunity=OuterRef("pk")
    )
    running = Opportunity.objects.filter(Exists(sessions))
    return running.aggregate(**{line.code: Count("pk", filter=_activity_q(line.filters)) for line in lines})


def _sessions(lines: list[ReturnLine], first, last) -> dict[str, int]:
    """Sessions in the year, up to today, not cancelled. One query."""
    today = timezone.localdate()
    delivered = Session.objects.filter(date__range=(first, min(last, today)), is_cancelled=False)
    return delivered.aggregate(
        **{line.code: Count("pk", filter=_activity_q(line.filters, "opportunity__")) for line in lines}
    )


# The young person's characteristics each filter reads, as the summary copies them (models.Participation).
PERSON_COLUMNS = {
    "fsm": "fsm",
    "send": "send",
    "eal": "eal",
    "care_experienced": "care_experienced",
    "young_carer": "young_carer",
    "disability": "disability",
    "sex": "sex",
    "imd_decile": "imd_decile",
}


def _person_q(filters: dict) -> Q:
    """The line's filters on the young person, over a summary row's copy of their characteristics."""
    q = Q()
    for name, value in filters.items():
        values = _as_list(value) or []
        if name == "ethnic_group":
            # The census groups the detailed categories: a group is the list of its categories.
            q &= Q(ethnicity__in=[v for v in Ethnicity.values if Ethnicity.group_of(v) in values])
        elif name == "imd_decile":
            q &= Q(imd_decile__in=[int(v) for v in values])
        elif name in PERSON_COLUMNS:
            q &= Q(**{f"{PERSON_COLUMNS[name]}__in": values})
    return q


def _participants(lines: list[ReturnLine], first, last) -> dict[str, int]:
    """Young people taking part, each counted once per line, from the dashboard's yearly summary
    (models.Participation, kept by summaries.py: the same rule and the same figures as the dashboard). A line
    with no kind or setting counts the one "all their activities" row of each young person; a line with them
    counts the distinct young people among the rows of those activities. One query, and one for the kinds'
    short names (build_return makes sure the summary is there first)."""
    year = academic_year_of(first)
    kind_ids = dict(ActivityKind.objects.values_list("slug", "pk"))
    measures = {}
    for line in lines:
        kinds, settings_ = _values(line.filters, "kind"), _values(line.filters, "setting")
        person = _person_q(line.filters)
        if kinds is None and settings_ is None:
            measures[line.code] = Count("pk", filter=Q(every_activity=True) & person)
            continue
        activity = Q(every_activity=False)
        if kinds is not None:
            activity &= Q(kind_id__in=[kind_ids[v] for v in kinds if v in kind_ids])
        if settings_ is not None:
            activity &= Q(setting__in=settings_)
        measures[line.code] = Count("young_person_id", distinct=True, filter=activity & person)
    return Participation.objects.filter(year=year, took_part=True).aggregate(**measures)


COMPUTE = {
    ReturnSource.SCHOOLS_ENGAGED: _schools_engaged,
    ReturnSource.WHOLE_CLASS_PUPILS: _whole_class,
    ReturnSource.WHOLE_CLASS_SCHOOLS: _whole_class,
    ReturnSource.WHOLE_CLASS_PROGRAMMES: _whole_class,
    ReturnSource.PARTICIPANTS: _participants,
    ReturnSource.ACTIVITIES: _activities,
    ReturnSource.SESSIONS: _sessions,
}


def _contributions(year: int) -> dict[str, dict[str, int]]:
    """Accepted contributions for the year, added up by section (one query)."""
    figures = ContributionFigure.values
    rows = (
        PartnerContribution.objects.filter(year=year, status=PartnerContribution.Status.ACCEPTED)
        .values("section")
        .annotate(**{f"total_{name}": Sum(name) for name in figures})
        .order_by()
    )
    return {row["section"]: {name: row[f"total_{name}"] or 0 for name in figures} for row in rows}


def _whole_class_table(first, last) -> dict:
    """Pupils in whole-class programmes starting in the year, by school and year group (one query)."""
    rows = (
        WholeClassProgramme.objects.filter(starts_on__range=(first, last))
        .values("school_id", "school__name", "school__urn", "year_group")
        .annotate(pupils=Sum("pupils"))
        .order_by("school__name", "school_id")
    )
    groups = [g for g in YearGroup.values if any(r["year_group"] == g for r in rows)]
    schools: dict[int, dict] = {}
    for row in rows:
        school = schools.setdefault(
            row["school_id"], {"school": row["school__name"], "urn": row["school__urn"], "cells": {}}
        )
        school["cells"][row["year_group"]] = row["pupils"]
    matrix = [[school["cells"].get(g, 0) for g in groups] for school in schools.values()]
    shown = _suppressed_matrix(matrix)
    labels = dict(YearGroup.choices)
    return {
        "title": _("Pupils by school and year group"),
        "headers": [_("School"), _("URN"), *[str(labels[g]) for g in groups], _("Total")],
        "rows": [
            [school["school"], school["urn"], *cells, _shown_total(sum(values))]
            for school, values, cells in zip(schools.values(), matrix, shown, strict=True)
        ],
    }


def _suppressed_matrix(matrix: list[list[int]]) -> list[list]:
    mask = suppression_mask(matrix)
    return [
        [str(FEWER_THAN_5) if hidden else value for value, hidden in zip(row, row_mask, strict=True)]
        for row, row_mask in zip(matrix, mask, strict=True)
    ]


def _shown_total(total: int) -> object:
    return str(FEWER_THAN_5) if is_small(total) else total


def _suppress_section(figures: list[ReturnFigure]) -> None:
    """Fill the shown values: counts of young people suppressed (primary and secondary, across each line's
    recorded and contributed parts and down the section's columns); other counts as they are."""
    people = [f for f in figures if f.counts_people and not f.problems]
    mask = suppression_mask([[f.recorded or 0, f.contributed or 0] for f in people])
    hidden = {id(f): row for f, row in zip(people, mask, strict=True)}
    for figure in figures:
        if figure.problems:
            figure.recorded_shown = figure.contributed_shown = figure.total_shown = str(MAPPING_PROBLEM)
            continue
        if figure.source == ReturnSource.NOT_RECORDED:
            figure.recorded_shown, figure.contributed_shown, figure.total_shown = str(NOT_RECORDED), "", ""
            continue
        row = hidden.get(id(figure), [False, False])
        figure.recorded_shown = (
            "" if figure.recorded is None else (str(FEWER_THAN_5) if row[0] else figure.recorded)
        )
        figure.contributed_shown = (
            "" if figure.contributed is None else (str(FEWER_THAN_5) if row[1] else figure.contributed)
        )
        total = figure.total or 0
        parts = [
            hidden_part
            for hidden_part, value in zip(row, (figure.recorded, figure.contributed), strict=True)
            if value is not None
        ]
        # A total next to one hidden part and one shown part (or beside its only part) gives the hidden one away.
        gives_away = any(parts) and (len(parts) == 1 or not all(parts))
        if figure.counts_people and (is_small(total) or gives_away):
            figure.total_shown = str(FEWER_THAN_5)
        else:
            figure.total_shown = total


def build_return(year: int) -> AnnualReturn:
    """The annual return for academic year `year` from its mapping: every line's recorded figure, partner
    contributions added and marked, small counts of young people suppressed. A line whose mapping is wrong
    shows the problem instead of a figure; nothing raises."""
    first, last = period(year)
    lines = list(ReturnLine.objects.filter(year=year).order_by("section", "position", "code"))
    slugs = catalogue_slugs() if any(line.filters for line in lines) else {"kind": set(), "instrument": set()}
    problems = {line.pk: filter_problems(line.source, line.filters, slugs=slugs) for line in lines}
    by_compute: dict = defaultdict(list)
    for line in lines:
        compute = COMPUTE.get(line.source)
        if compute is not None and not problems[line.pk]:
            by_compute[compute].append(line)
    counted_at = ensure_summaries([year]).get(year) if _participants in by_compute else None
    recorded: dict[str, int] = {}
    for compute, its_lines in by_compute.items():
        recorded |= compute(its_lines, first, last)
    contributions = _contributions(year) if any(line.contribution_figure for line in lines) else {}
    sections = []
    for key, label in ReturnSection.choices:
        figures = []
        for line in (line for line in lines if line.section == key):
            contributed = None
            if line.contribution_figure:
                taken = (
                    contributions.values()
                    if line.contributions_from_every_section
                    else [contributions.get(line.section, {})]
                )
                contributed = sum(figures_.get(line.contribution_figure, 0) for figures_ in taken)
            figures.append(
                ReturnFigure(
                    code=line.code,
                    label=line.label,
                    source=line.source,
                    recorded=recorded.get(line.code) if line.source in COMPUTE else None,
                    contributed=contributed,
                    problems=problems[line.pk],
                    contribution_counts_people=line.contribution_figure in PEOPLE_CONTRIBUTIONS,
                )
            )
        _suppress_section(figures)
        table = _whole_class_table(first, last) if key == ReturnSection.WHOLE_CLASS and figures else None
        sections.append(ReturnSectionFigures(key=key, label=str(label), figures=figures, table=table))
    pending = PartnerContribution.objects.filter(
        year=year, status=PartnerContribution.Status.SUBMITTED
    ).count()
    return AnnualReturn(
        year=year,
        sections=sections,
        generated_at=timezone.now(),
        pending_contributions=pending,
        people_counted_at=counted_at,
    )


# ---- The files ---------------------------------------------------------------------------------------------


def _header() -> list[str]:
    return [
        _("Code"),
        _("Line"),
        _("Recorded on the platform"),
        _("Partner contributions"),
        _("Total"),
        _("Source"),
    ]


def _line_rows(section: ReturnSectionFigures) -> list[list]:
    rows = [
        [f.code, f.label, f.recorded_shown, f.contributed_shown, f.total_shown, f.marked_source]
        for f in section.figures
    ]
    for figure in section.figures:
        for problem in figure.problems:
            rows.append(
                [figure.code, _("Mapping problem: %(problem)s") % {"problem": problem}, "", "", "", ""]
            )
    return rows


def _about_rows(annual: AnnualReturn) -> list[list]:
    return [
        [_("Annual data return"), annual.label],
        [_("Produced"), timezone.localtime(annual.generated_at).strftime("%d %B %Y %H:%M")],
        [
            _("About the figures"),
            _(
                "Counts of young people from 1 to 4 are shown as “fewer than 5”, and another count is hidden "
                "where a hidden one could be worked out. “Source” says whether a figure was recorded on the "
                "platform, sent by partners as a contribution, or both."
            ),
        ],
        [_("Contributions waiting for review (not included)"), annual.pending_contributions],
        [
            _("Young people counted from the records as of"),
            timezone.localtime(annual.people_counted_at).strftime("%d %B %Y %H:%M")
            if annual.people_counted_at
            else "",
        ],
    ]


def return_xlsx(annual: AnnualReturn) -> bytes:
    """The return as an Excel workbook: an "About" sheet, then one sheet per section."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    about = book.create_sheet(_("About"))
    for row in _about_rows(annual):
        about.append(row)
    for section in annual.sections:
        sheet = book.create_sheet(section.sheet_name)
        sheet.append([section.label, annual.label])
        sheet.append([])
        sheet.append(_header())
        for row in _line_rows(section):
            sheet.append(row)
        if not section.figures:
            sheet.append(["", _("No lines in this section for this year.")])
        if section.table and section.table["rows"]:
            sheet.append([])
            sheet.append([section.table["title"]])
            sheet.append(section.table["headers"])
            for row in section.table["rows"]:
                sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([str(value) for value in row])
    return out.getvalue()


def return_csv_zip(annual: AnnualReturn) -> bytes:
    """The return as a zip of CSV files, one per section (UTF-8 with a byte-order mark, for spreadsheets)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00-about.csv", "\ufeff" + _csv(_about_rows(annual)))
        for n, section in enumerate(annual.sections, start=1):
            rows = [_header(), *_line_rows(section)]
            if section.table and section.table["rows"]:
                rows += [[], [section.table["title"]], section.table["headers"], *section.table["rows"]]
            archive.writestr(f"{n:02d}-{section.key.replace('_', '-')}.csv", "\ufeff" + _csv(rows))
    return out.getvalue()
