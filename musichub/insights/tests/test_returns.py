"""The annual data return: its lines on hand-counted records, contributions combined and marked, the mapping as
data (the default, the whitelist, a bad mapping), suppression, the files, and the staff pages."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from musichub.core.roles import Role
from musichub.insights.filters import InsightFilters, year_label
from musichub.insights.forms_outputs import ReturnLineForm
from musichub.insights.models import ReturnLine, ReturnSection
from musichub.insights.returns import (
    DEFAULT_LINES,
    ReturnFigure,
    _suppress_section,
    build_return,
    filter_problems,
    load_default_return_lines,
    return_csv_zip,
    return_xlsx,
)
from musichub.insights.selectors import participants
from musichub.insights.summaries import refresh_year

from .outputs_helpers import YEAR, more_records, return_records

FEWER = "fewer than 5"


def figures_of(annual) -> dict:
    return {figure.code: figure for section in annual.sections for figure in section.figures}


@pytest.fixture
def records(hub):
    found = return_records()
    load_default_return_lines(YEAR)
    refresh_year(YEAR)  # the dashboard's summary of the year, as the background task keeps it
    return found


# ---- The mapping as data ---------------------------------------------------------------------------------------


def test_the_default_mapping_is_loaded_once_and_keeps_staff_changes(hub):
    assert load_default_return_lines(YEAR) == len(DEFAULT_LINES)
    ReturnLine.objects.filter(year=YEAR, code="C1").update(label="Children and young people reached")
    ReturnLine.objects.filter(year=YEAR, code="F3").delete()

    assert load_default_return_lines(YEAR) == 1  # only the missing line comes back
    assert ReturnLine.objects.filter(year=YEAR).count() == len(DEFAULT_LINES)
    assert ReturnLine.objects.get(year=YEAR, code="C1").label == "Children and young people reached"
    assert not ReturnLine.objects.filter(year=YEAR + 1).exists()  # each year has its own lines


def test_every_default_line_passes_the_whitelist(hub):
    problems = {code: filter_problems(source, filters) for _s, code, _l, source, filters, *_ in DEFAULT_LINES}
    assert {code: p for code, p in problems.items() if p} == {}


def test_the_default_covers_every_section_of_the_return(hub):
    load_default_return_lines(YEAR)
    sections = set(ReturnLine.objects.filter(year=YEAR).values_list("section", flat=True))
    assert sections == set(ReturnSection.values)


@pytest.mark.parametrize(
    ("source", "filters", "expected"),
    [
        ("participants", {"colour": "red"}, "“colour” is not a field this figure can be narrowed by"),
        ("participants", {"fsm": "maybe"}, "“maybe” is not a known value of “fsm”"),
        ("participants", {"kind": "no-such-kind"}, "“no-such-kind” is not a known value of “kind”"),
        ("participants", {"kind": []}, "Give “kind” one value or a list of values"),
        ("participants", {"fsm": True}, "Give “fsm” one value or a list of values"),
        ("schools_engaged", {"kind": "choir"}, "Use one of: phase"),
        ("not_recorded", {"fsm": "yes"}, "it takes no filters"),
        ("participants", ["fsm"], "Write the filters as a JSON object"),
    ],
)
def test_a_mapping_that_names_an_unknown_field_or_value_gets_a_clear_message(hub, source, filters, expected):
    problems = filter_problems(source, filters)
    assert any(expected in problem for problem in problems), problems


def test_the_line_form_refuses_unknown_fields_and_bad_json(hub):
    data = {"section": "singing", "code": "X1", "label": "Singers", "position": 1, "source": "participants"}
    form = ReturnLineForm({**data, "filters": '{"colour": "red"}'}, year=YEAR)
    assert not form.is_valid()
    assert "“colour” is not a field this figure can be narrowed by" in form.errors["filters"][0]

    form = ReturnLineForm({**data, "filters": "{kind: choir}"}, year=YEAR)
    assert not form.is_valid()
    assert "This is not valid JSON" in form.errors["filters"][0]

    form = ReturnLineForm({**data, "filters": '{"kind": ["choir"], "fsm": "yes"}'}, year=YEAR)
    assert form.is_valid(), form.errors
    assert form.save().filters == {"kind": ["choir"], "fsm": "yes"}


def test_a_line_whose_mapping_went_wrong_shows_the_problem_and_the_rest_still_adds_up(records):
    # Saved past the form (an import, the shell, or a catalogue entry removed later): the return does not crash.
    ReturnLine.objects.create(
        year=YEAR,
        section="singing",
        code="X1",
        label="By colour",
        source="participants",
        filters={"colour": "red"},
    )
    annual = build_return(YEAR)
    found = figures_of(annual)
    assert found["X1"].problems and found["X1"].marked_source == "mapping problem"
    assert found["X1"].total_shown == "mapping problem"
    assert found["C1"].recorded == 7
    assert [code for code, _problem in annual.problems] == ["X1"]
    with zipfile.ZipFile(io.BytesIO(return_csv_zip(annual))) as archive:
        assert "Mapping problem: “colour”" in archive.read("05-singing.csv").decode("utf-8-sig")


# ---- The figures, counted by hand --------------------------------------------------------------------------------


def test_the_returns_lines_on_hand_counted_records(records):
    found = figures_of(build_return(YEAR))
    recorded = {code: figure.recorded for code, figure in found.items()}
    assert recorded["S1"] == 2 and recorded["S2"] == 1 and recorded["S3"] == 1
    assert (recorded["W1"], recorded["W2"], recorded["W3"]) == (83, 2, 3)
    assert (recorded["W4"], recorded["W5"], recorded["W6"], recorded["W7"], recorded["W8"]) == (
        30,
        28,
        0,
        0,
        25,
    )
    assert (recorded["E1"], recorded["E2"], recorded["E3"]) == (2, 7, 3)
    assert recorded["E5"] == 3  # two choir sessions and the band's (the cancelled one is not delivered)
    assert (recorded["V1"], recorded["V2"], recorded["V3"]) == (6, 1, 2)
    assert (recorded["C1"], recorded["C2"], recorded["C10"], recorded["C11"], recorded["C13"]) == (
        7,
        3,
        4,
        3,
        1,
    )
    assert recorded["L1"] == 0
    assert found["F1"].recorded is None and found["F1"].marked_source == "not yet recorded"


def test_taking_part_follows_the_dashboards_rule(records):
    found = figures_of(build_return(YEAR))
    assert found["C1"].recorded == participants(InsightFilters.for_year(YEAR)).count() == 7


def test_accepted_contributions_are_added_and_each_figure_marks_its_source(records):
    found = figures_of(build_return(YEAR))
    singers = found["V1"]
    assert (singers.recorded, singers.contributed, singers.total_shown) == (6, 10, 16)
    assert singers.marked_source == "recorded and partner contribution"
    assert (found["V2"].contributed, found["V2"].total_shown) == (2, 3)  # groups
    assert (found["V3"].contributed, found["V3"].total_shown) == (12, 14)  # sessions
    assert (found["C1"].contributed, found["C1"].total_shown) == (10, 17)  # from every section
    assert found["V4"].recorded is None and found["V4"].contributed == 3
    assert found["V4"].marked_source == "partner contribution"
    assert found["E2"].contributed == 0 and found["E2"].marked_source == "recorded"  # none for ensembles
    assert found["S2"].contributed is None  # the line adds no contributions


def test_contributions_waiting_for_review_are_not_added_but_counted(records):
    annual = build_return(YEAR)
    assert annual.pending_contributions == 1
    assert figures_of(annual)["V1"].contributed == 10  # the 40 waiting are not in


def test_small_counts_of_young_people_are_suppressed_and_cannot_be_worked_out(records):
    found = figures_of(build_return(YEAR))
    fsm = found["C2"]  # 3 recorded, 4 contributed, 7 in all
    assert (fsm.recorded_shown, fsm.contributed_shown) == (FEWER, FEWER)
    male = found["C11"]  # 3 recorded, no contributions: its total would give it away
    assert (male.recorded_shown, male.total_shown) == (FEWER, FEWER)
    # Secondary suppression down the section: no column holds a single hidden count.
    characteristics = [f for f in found.values() if f.code.startswith("C")]
    hidden = [f for f in characteristics if f.recorded_shown == FEWER]
    assert len(hidden) != 1
    # Schools and sessions are not counts of children: shown as they are.
    assert found["S2"].total_shown == 1


def test_a_total_never_gives_away_a_hidden_part():
    column = [
        ReturnFigure(code="A", label="Care-experienced", source="participants", recorded=3),
        ReturnFigure(code="B", label="Young carers", source="participants", recorded=18),
        ReturnFigure(code="D", label="Groups", source="activities", recorded=2),
    ]
    _suppress_section(column)
    a, b, d = column
    assert (a.recorded_shown, a.total_shown) == (FEWER, FEWER)
    # B is hidden so that A cannot be worked out down the column; its total alone would show it again.
    assert (b.recorded_shown, b.total_shown) == (FEWER, FEWER)
    assert (d.recorded_shown, d.total_shown) == (2, 2)  # not a count of children

    line = [ReturnFigure(code="C", label="Singers", source="participants", recorded=40, contributed=2)]
    _suppress_section(line)
    # 40 shown beside a total of 42 would give the 2 away: both parts are hidden, the total can stay.
    assert (line[0].recorded_shown, line[0].contributed_shown, line[0].total_shown) == (FEWER, FEWER, 42)


def test_a_period_with_no_records_gives_zeros_and_files_not_errors(hub):
    load_default_return_lines(2015)
    annual = build_return(2015)
    assert annual.has_lines and not annual.has_data
    assert all(f.recorded in (0, None) for s in annual.sections for f in s.figures)
    assert return_xlsx(annual)[:2] == b"PK" and return_csv_zip(annual)[:2] == b"PK"


def test_a_year_without_lines_has_an_empty_return(hub):
    annual = build_return(2015)
    assert not annual.has_lines and annual.problems == []


def test_the_return_takes_the_same_few_queries_however_many_records(records, django_assert_num_queries):
    # the lines, the catalogue (2), the summary's date, the kinds, then one per kind of figure (5), the
    # contributions, the whole-class table and the contributions waiting
    with django_assert_num_queries(13):
        build_return(YEAR)
    more_records(15)
    refresh_year(YEAR)  # the summary young people are counted from is rebuilt (background task, cron, staff)
    ReturnLine.objects.create(year=YEAR, section="singing", code="X2", label="More", source="participants")
    with django_assert_num_queries(13):
        annual = build_return(YEAR)
    assert figures_of(annual)["V1"].recorded == 21


# ---- The files ---------------------------------------------------------------------------------------------------


def test_the_workbook_has_one_sheet_per_section_with_the_lines_and_the_whole_class_table(records):
    book = load_workbook(io.BytesIO(return_xlsx(build_return(YEAR))), read_only=True)
    assert book.sheetnames == [
        "About",
        "Schools",
        "Whole-class teaching",
        "Ensembles",
        "Instrumental and vocal",
        "Singing",
        "Characteristics",
        "Workforce",
    ]
    singing = [list(row) for row in book["Singing"].iter_rows(values_only=True)]
    assert [
        "V1",
        "Young people singing in choirs and vocal groups",
        6,
        10,
        16,
        "recorded and partner contribution",
    ] in singing
    whole_class = [list(row) for row in book["Whole-class teaching"].iter_rows(values_only=True)]
    header = next(row for row in whole_class if row[:2] == ["School", "URN"])
    assert header[2:] == ["Year 3", "Year 4", "Year 7", "Total"]
    anchor = next(row for row in whole_class if row and row[0] == "Anchor Primary")
    assert anchor[2:6] == [30, 28, 0, 58]
    characteristics = [list(row) for row in book["Characteristics"].iter_rows(values_only=True)]
    assert next(row for row in characteristics if row and row[0] == "C11")[2] == FEWER


def test_the_csv_zip_has_one_file_per_section(records):
    with zipfile.ZipFile(io.BytesIO(return_csv_zip(build_return(YEAR)))) as archive:
        names = archive.namelist()
        singing = list(csv.reader(io.StringIO(archive.read("05-singing.csv").decode("utf-8-sig"))))
    assert names == [
        "00-about.csv",
        "01-schools.csv",
        "02-whole-class.csv",
        "03-ensembles.csv",
        "04-learning.csv",
        "05-singing.csv",
        "06-characteristics.csv",
        "07-workforce.csv",
    ]
    assert singing[0] == [
        "Code",
        "Line",
        "Recorded on the platform",
        "Partner contributions",
        "Total",
        "Source",
    ]
    assert [
        "V1",
        "Young people singing in choirs and vocal groups",
        "6",
        "10",
        "16",
        "recorded and partner contribution",
    ] in singing


# ---- The pages -------------------------------------------------------------------------------------------------


def test_staff_download_the_return_as_excel_and_as_csv(client, staff, records):
    client.force_login(staff)
    response = client.get(reverse("insights:return_download"), {"year": YEAR})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="annual-return-{YEAR}-{str(YEAR + 1)[-2:]}.xlsx"' in response["Content-Disposition"]
    assert "Singing" in load_workbook(io.BytesIO(response.content)).sheetnames
    response = client.get(reverse("insights:return_download"), {"year": YEAR, "format": "csv"})
    assert response["Content-Type"] == "application/zip"


def test_a_partner_member_cannot_download_the_return(client, make_user, records):
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert client.get(reverse("insights:return_download"), {"year": YEAR}).status_code == 403


def test_the_return_page_shows_the_figures_their_sources_and_what_waits_for_review(
    client, staff, records, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("insights:return"), {"year": YEAR})
    html = response.content.decode()
    assert "recorded and partner contribution" in html
    assert "1 partner contribution for this year is waiting for review" in html


def test_a_year_without_lines_offers_the_default_or_another_years_lines(client, staff, hub):
    client.force_login(staff)
    load_default_return_lines(YEAR)
    response = client.get(reverse("insights:return"), {"year": YEAR + 1})
    assert "has no return lines yet" in response.content.decode()
    assert f"Copy the lines of {year_label(YEAR)}" in response.content.decode()

    client.post(reverse("insights:return_prepare"), {"year": YEAR + 1, "from": str(YEAR)})
    assert ReturnLine.objects.filter(year=YEAR + 1).count() == len(DEFAULT_LINES)


def test_an_unexpected_year_falls_back_to_the_default(client, staff, hub):
    client.force_login(staff)
    assert client.get(reverse("insights:return"), {"year": "1066"}).status_code == 200
    assert client.get(reverse("insights:return_download"), {"year": "abc"}).status_code == 200


def test_the_mapping_page_is_paginated_and_its_queries_do_not_grow(
    client, staff, hub, django_assert_num_queries
):
    load_default_return_lines(YEAR)
    client.force_login(staff)
    url = reverse("insights:return_lines")
    # session, user, count, page, the catalogue's two look-ups for the filters, hub identity
    with django_assert_num_queries(7):
        first = client.get(url, {"year": YEAR})
    with django_assert_num_queries(7):
        client.get(url, {"year": YEAR, "page": 2})
    assert first.context["page"].paginator.count == len(DEFAULT_LINES)
    assert len(first.context["page"].object_list) == 25


def test_staff_add_a_line_and_a_bad_one_is_refused_with_the_reason(client, staff, hub):
    client.force_login(staff)
    url = f"{reverse('insights:return_line_create')}?year={YEAR}"
    data = {"section": "singing", "code": "V9", "label": "Young people in school choirs", "position": 9,
            "source": "participants", "contribution_figure": ""}  # fmt: skip
    bad = client.post(url, {**data, "filters": '{"kind": "choir", "school_colour": "blue"}'})
    assert bad.status_code == 400
    assert "“school_colour” is not a field this figure can be narrowed by" in bad.content.decode()
    assert not ReturnLine.objects.filter(code="V9").exists()

    client.post(url, {**data, "filters": '{"kind": "choir", "setting": "in_school"}'})
    assert ReturnLine.objects.get(year=YEAR, code="V9").filters == {"kind": "choir", "setting": "in_school"}


def test_unknown_lines_answer_404(client, staff, hub):
    client.force_login(staff)
    assert client.get(reverse("insights:return_line_edit", args=[999999])).status_code == 404
