"""The dashboard's figures on a hand-counted city (dashboard_world.py: every expected number is counted there)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from musichub.core.privacy import FEWER_THAN_5
from musichub.insights import charts, selectors
from musichub.insights.filters import InsightFilters, academic_year_of, current_year, period
from musichub.insights.models import Indicator, Learning, Participation, SummaryRefresh
from musichub.insights.summaries import ensure_summaries, refresh
from musichub.offer.models import Attendance, WholeClassProgramme
from musichub.offer.wholeclass import annual_figures
from musichub.partners.tests.factories import InclusionAimFactory
from musichub.people.models import YoungPerson
from musichub.people.tests.factories import YoungPersonFactory

from .dashboard_world import CENSUS, TODAY, YEAR, build_world, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    built = build_world()
    refresh([2022, 2023, 2024, 2025])
    return built


def filters(**fields) -> InsightFilters:
    return InsightFilters(year=fields.pop("year", YEAR), **fields)


def row(section: dict, characteristic: str, value: str) -> dict:
    char = next(c for c in section["characteristics"] if c["key"] == characteristic)
    return next(r for r in char["rows"] if r["value"] == value)


def characteristic(section: dict, key: str) -> dict:
    return next(c for c in section["characteristics"] if c["key"] == key)


# ---- Periods ----------------------------------------------------------------------------------------------


def test_an_academic_year_runs_from_1_september_to_31_august():
    assert academic_year_of(date(2024, 9, 1)) == 2024
    assert academic_year_of(date(2025, 8, 31)) == 2024
    assert period(2024) == (date(2024, 9, 1), date(2025, 8, 31))


def test_unknown_setting_or_characteristic_is_refused_by_the_filters():
    with pytest.raises(ValueError):
        InsightFilters(year=2024, setting="on_the_moon")
    with pytest.raises(ValueError):
        InsightFilters(year=2024, characteristic="shoe_size")


# ---- Who takes part ---------------------------------------------------------------------------------------


def test_participants_hold_a_place_came_to_a_session_or_are_on_a_class_list(world):
    names = set(selectors.participants(filters()).values_list("first_name", flat=True))
    # Not n1 (asked after the year), n2 (absent only), n3 (2022), n4 (withdrawn), n5 (waiting).
    assert names == {"y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8"}


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ({"setting": "out_of_school"}, {"y1", "y2", "y3", "y4"}),
        ({"setting": "in_school"}, {"y5", "y6", "y7", "y8"}),  # O2's register and the class list
        ({"partner": "P2"}, {"y5", "y6", "y7", "y8"}),
        ({"kind": "band"}, {"y1", "y2", "y3", "y4", "y5", "y6"}),  # the class has no opportunity, so no kind
        ({"kind": "choir"}, set()),
        ({"area": "SO14"}, {"y1", "y2", "y3"}),
        ({"min_age": 11}, {"y8"}),
        ({"max_age": 10}, {"y1", "y2", "y3", "y4", "y5", "y6", "y7"}),
        ({"characteristic": "fsm"}, {"y1", "y2", "y7"}),
        ({"characteristic": "deprived_area"}, {"y1", "y2", "y7"}),
        ({"setting": "out_of_school", "characteristic": "fsm"}, {"y1", "y2"}),
    ],
)
def test_each_filter_chooses_among_activities_or_young_people(world, chosen, expected):
    if "partner" in chosen:
        chosen["partner"] = world.partners[chosen["partner"]]
    if "kind" in chosen:
        chosen["kind"] = world.kinds[chosen["kind"]]
    chosen = filters(**chosen)
    assert set(selectors.participants(chosen).values_list("first_name", flat=True)) == expected
    # The summaries give what the rule gives, counted live from the records.
    live = YoungPerson.objects.filter(pk__in=selectors.participant_ids(chosen)).filter(
        selectors._people(chosen)
    )
    assert set(live.values_list("first_name", flat=True)) == expected


def test_the_summaries_are_rebuilt_from_the_records(world):
    YoungPerson.objects.filter(pk=world.people["y2"].pk).update(fsm="no")
    Attendance.objects.filter(young_person=world.people["y6"]).delete()
    assert selectors.reach_section(filters())["participants"] == 8  # as of the last rebuild
    refresh([YEAR])
    reach = selectors.reach_section(filters())
    assert reach["participants"] == 7
    assert row(reach, "fsm", "yes")["participants"] == 2


def test_summaries_missing_for_a_year_are_built_when_first_asked_for(world):
    SummaryRefresh.objects.filter(year=YEAR).delete()
    Participation.objects.filter(year=YEAR).delete()
    assert selectors.reach_section(filters())["participants"] == 8
    assert SummaryRefresh.objects.get(year=YEAR).rows > 0


def test_old_summaries_of_recent_years_are_rebuilt_in_the_background(db, django_capture_on_commit_callbacks):
    this_year = current_year()
    ensure_summaries([this_year, this_year - 3])
    long_ago = timezone.now() - timedelta(hours=2)
    SummaryRefresh.objects.update(refreshed_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ensure_summaries([this_year, this_year - 3])
        ensure_summaries([this_year])  # asked for already: not asked again
    assert len(callbacks) == 1
    assert SummaryRefresh.objects.get(year=this_year).refreshed_at > long_ago  # rebuilt
    assert (
        SummaryRefresh.objects.get(year=this_year - 3).refreshed_at == long_ago
    )  # old years on request only


def test_the_command_rebuilds_the_years_given(world):
    Participation.objects.filter(year=YEAR).delete()
    out = StringIO()
    call_command("refresh_insights", str(YEAR), stdout=out)
    assert f"{YEAR}: " in out.getvalue()
    assert Participation.objects.filter(year=YEAR, every_activity=True, took_part=True).count() == 8
    with pytest.raises(CommandError):
        call_command("refresh_insights", "1850", stdout=out)


def test_a_place_counts_in_each_year_its_opportunity_runs_after_it_was_asked_for(world):
    # 2025: y7 (a place on O3, asked for in September 2025) and y1 (came to O3); n1's place on O1 was asked for
    # after O1 ended, so it is in no year.
    assert set(selectors.participants(filters(year=2025)).values_list("first_name", flat=True)) == {
        "y1",
        "y7",
    }
    assert set(selectors.participants(filters(year=2022)).values_list("first_name", flat=True)) == {"n3"}


# ---- Reach against the city ---------------------------------------------------------------------------------


def test_the_census_is_the_latest_on_or_before_the_years_end(world):
    assert selectors.reach_section(filters())["population_as_of"] == CENSUS
    assert selectors.reach_section(filters())["population_pupils"] == 200
    # 2025 uses the census of January 2026 (A only: 5000 pupils); a year before every census uses the first.
    assert selectors.reach_section(filters(year=2025))["population_as_of"] == date(2026, 1, 15)
    assert selectors.reach_section(filters(year=2020))["population_as_of"] == date(2023, 1, 10)


def test_the_representation_index_is_the_share_taking_part_over_the_share_in_the_city(world):
    reach = selectors.reach_section(filters())
    assert reach["participants"] == 8
    fsm = row(reach, "fsm", "yes")
    # 3 of the 7 whose answer is known (y5 is not known), against 50 of the city's 200 pupils.
    assert (fsm["participants"], fsm["known"], fsm["share"]) == (3, 7, 42.9)
    assert (fsm["population"], fsm["population_base"], fsm["population_share"]) == (50, 200, 25.0)
    assert fsm["index"] == 1.71  # (3/7) / (50/200)
    assert characteristic(reach, "fsm")["not_known"] == 1
    assert row(reach, "send", "sen_support")["index"] == 1.43  # (1/7) / (20/200)
    assert row(reach, "send", "ehcp")["index"] == 2.86  # (1/7) / (10/200)
    assert row(reach, "eal", "yes")["index"] == 1.43  # (2/7) / (40/200)
    assert row(reach, "ethnic_group", "white")["index"] == 0.95  # (4/7) / (120/200)
    assert row(reach, "ethnic_group", "asian")["index"] == 0.71  # (1/7) / (40/200)
    assert row(reach, "ethnic_group", "black")["index"] == 0.95  # (1/7) / (30/200)
    assert row(reach, "ethnic_group", "mixed")["index"] == 2.86  # (1/7) / (10/200)
    assert row(reach, "ethnic_group", "other")["index"] is None  # nobody in the city: no index
    assert row(reach, "sex", "female")["index"] == 1.14  # (4/7) / (100/200)
    assert row(reach, "sex", "male")["index"] == 0.86  # (3/7) / (100/200)


def test_schools_are_compared_with_their_share_of_the_citys_pupils(world):
    schools = characteristic(selectors.reach_section(filters()), "school")
    by_name = {r["label"]: r for r in schools["rows"]}
    assert set(by_name) == {"Avenue Primary", "Bitterne Primary", "Chamberlayne College"}  # D is closed
    assert by_name["Avenue Primary"]["index"] == 1.25  # (3/8) / (60/200)
    assert by_name["Bitterne Primary"]["index"] == pytest.approx(3.12, abs=0.01)  # (5/8) / (40/200)
    assert by_name["Chamberlayne College"]["participants"] == 0
    assert schools["rows"][0]["label"] == "Chamberlayne College"  # index 0: the furthest under-represented


def test_the_gaps_list_the_furthest_under_represented_groups_first(world):
    gaps = selectors.reach_section(filters())["gaps"]
    assert [(g["characteristic"], g["value"]) for g in gaps[:2]] == [
        ("ethnic_group", "asian"),
        ("sex", "male"),
    ]
    indices = [g["index"] for g in gaps]
    assert indices == sorted(indices)
    ethnic = characteristic(selectors.reach_section(filters()), "ethnic_group")["rows"]
    assert ethnic[0]["value"] == "asian"  # within a characteristic too


def test_characteristics_the_census_does_not_have_are_counts_only(world):
    reach = selectors.reach_section(filters())
    care = characteristic(reach, "care_experienced")
    assert care["has_population"] is False
    assert (care["rows"][0]["participants"], care["known"]) == (1, 6)  # y1; y4 and y5 not known
    deprivation = characteristic(reach, "imd_decile")
    assert deprivation["has_population"] is False
    assert row(reach, "imd_decile", "1")["participants"] == 2  # y1, y7
    assert deprivation["known"] == 6
    assert all(r["index"] is None for r in deprivation["rows"])


def test_area_and_age_filters_narrow_the_population_compared_with(world):
    # Home district SO14: schools in SO14 (A: 60 pupils).
    assert selectors.reach_section(filters(area="SO14"))["population_pupils"] == 60
    # Aged 11 or over on 31 August: year 7 and up (C's year 7: 100 pupils).
    older = selectors.reach_section(filters(min_age=11))
    assert older["population_pupils"] == 100
    assert older["participants"] == 1


def test_with_a_characteristic_chosen_there_is_no_comparison_with_the_city(world):
    reach = selectors.reach_section(filters(characteristic="fsm"))
    assert reach["participants"] == 3
    assert reach["compared"] is False
    assert reach["gaps"] == []
    assert all(r["index"] is None for c in reach["characteristics"] for r in c["rows"])


# ---- Schools -------------------------------------------------------------------------------------------------


def test_the_share_of_open_schools_with_any_activity(world):
    schools = selectors.schools_section(filters())
    assert (schools["open_schools"], schools["active"], schools["without_activity"]) == (3, 2, 1)
    assert schools["active_share"] == 66.7
    # B has the whole class and O2; A and B have pupils taking part.
    assert schools["by_route"] == {"whole_class": 1, "in_school": 1, "pupils": 2}


def test_out_of_school_activity_reaches_schools_only_through_their_pupils(world):
    schools = selectors.schools_section(filters(setting="out_of_school"))
    assert schools["by_route"] == {"pupils": 2}  # y1–y3 at A, y4 at B
    assert schools["active"] == 2


def test_schools_with_nothing_this_year_are_listed_most_free_school_meals_first(world):
    assert [s.name for s in selectors.schools_without_activity(filters())] == ["Chamberlayne College"]
    # P2's work is all at B: A and C have nothing of theirs (C has 45% on free school meals, A 30%).
    with_p2_only = selectors.schools_without_activity(filters(partner=world.partners["P2"]))
    assert [s.name for s in with_p2_only] == ["Chamberlayne College", "Avenue Primary"]


def test_whole_class_coverage_against_pupils_on_roll(world):
    schools = selectors.schools_section(filters())
    assert schools["coverage"] == [
        {
            "year_group": "5",
            "label": "Year 5",
            "schools": 1,
            "classes": 1,
            "pupils": 30,
            "on_roll": 100,  # A and B's year 5
            "coverage": 30.0,
        }
    ]
    by_school = list(selectors.whole_class_coverage(filters()))
    assert [(r["school__name"], r["year_group_label"], r["pupils"], r["on_roll"]) for r in by_school] == [
        ("Bitterne Primary", "Year 5", 30, 40)
    ]


def test_continuation_after_whole_class_teaching(world):
    schools = selectors.schools_section(filters())
    # y7 and y8 are on the list; y7 took a place on O3 after the programme began.
    assert (schools["listed"], schools["continued"], schools["continuation"]) == (2, 1, 50.0)
    # The same as the whole-class figures page counts.
    figures = annual_figures(WholeClassProgramme.objects.all(), YEAR)
    assert (figures.listed, figures.continued) == (2, 1)


def test_a_place_on_the_classes_own_opportunity_is_not_continuation(world):
    programme = world.programme
    programme.opportunity = world.opportunities["O3"]
    programme.save()
    refresh([YEAR])
    assert selectors.schools_section(filters())["continued"] == 0  # y7's place is on the class's own sessions
    assert annual_figures(WholeClassProgramme.objects.all(), YEAR).continued == 0


# ---- Tastes and barriers --------------------------------------------------------------------------------------


def test_genres_asked_for_against_places_offered_biggest_gap_first(world):
    genres = selectors.tastes_section(filters())["genres"]
    assert [g["name"] for g in genres] == ["Steel pan", "Rock", "Classical"]
    steel, rock, classical = genres
    assert (steel["fans"], steel["waiting"], steel["voices"], steel["offered"]) == (
        2,
        0,
        1,
        0,
    )  # declined voice not counted
    assert steel["places_note"] == "nothing offered"
    assert (rock["fans"], rock["waiting"], rock["places"], rock["asking"], rock["per_place"]) == (
        3,
        1,
        20,
        4,
        0.2,
    )
    assert (classical["fans"], classical["places"], classical["per_place"]) == (0, 10, 0.0)


def test_barriers_named_against_support_awarded(world):
    tastes = selectors.tastes_section(filters())
    barriers = {b["label"]: b for b in tastes["barriers"]}
    assert set(barriers) == {"Cost", "Transport"}  # n3's cost was named in 2023
    assert (barriers["Cost"]["named"], barriers["Cost"]["supported"], barriers["Cost"]["share"]) == (
        2,
        1,
        50.0,
    )
    assert (barriers["Transport"]["named"], barriers["Transport"]["supported"]) == (1, 0)
    assert (tastes["barriers_named"], tastes["barriers_supported"], tastes["barriers_share"]) == (3, 1, 33.3)
    assert tastes["support"] == [
        {"label": "Bursary", "requested": 2, "awarded": 1, "declined": 0, "waiting": 1}
    ]


def test_why_young_people_stopped_coming(world):
    reasons = {r["label"]: r for r in selectors.tastes_section(filters())["dropout_reasons"]}
    assert reasons["Cost"]["count"] == 1 and reasons["Cost"]["left"] == 1
    assert reasons["No reason recorded"]["coming_back"] == 1


# ---- Retention -----------------------------------------------------------------------------------------------


def test_still_coming_after_a_term_and_a_year(world):
    retention = selectors.retention_section(filters(), today=TODAY)
    everyone = retention["everyone"]
    # y1–y4 began on 10 September 2024 (y1's later place on O4 is not counted twice); y1 and y3 came in
    # January (13 weeks on), only y1 came again a year on.
    assert (everyone["started"], everyone["term_base"], everyone["term_kept"], everyone["term_rate"]) == (
        4,
        4,
        2,
        50.0,
    )
    assert (everyone["year_base"], everyone["year_kept"], everyone["year_rate"]) == (4, 1, 25.0)
    fsm = next(r for r in retention["rows"] if r["key"] == "fsm__yes")
    assert (fsm["started"], fsm["term_kept"], fsm["year_kept"]) == (2, 1, 1)  # y1, y2


def test_places_that_began_too_recently_are_left_out_of_the_base(world):
    too_soon = selectors.retention_section(filters(), today=date(2024, 11, 1))
    assert too_soon["everyone"]["started"] == 4
    assert too_soon["everyone"]["term_base"] == 0
    assert too_soon["everyone"]["term_rate"] is None


def test_a_mark_absent_does_not_keep_a_young_person(world):
    Attendance.objects.filter(young_person=world.people["y3"]).update(mark="absent")
    refresh([YEAR])
    assert selectors.retention_section(filters(), today=TODAY)["everyone"]["term_kept"] == 1


# ---- Aims and trends -------------------------------------------------------------------------------------------


def test_trends_cover_the_years_the_data_has_up_to_five(world):
    aims = selectors.aims_overview(filters())
    assert aims["years"] == [2022, 2023, 2024]  # the first opportunity began in September 2022
    assert selectors.aims_overview(filters(year=2030))["years"] == [2026, 2027, 2028, 2029, 2030]


def test_each_aim_has_what_it_shows_its_trend_and_its_learnings(hub, world):
    aim_three = next(a for a in selectors.aims_overview(filters())["aims"] if a["number"] == 3)
    Learning.objects.create(
        aim_id=aim_three["pk"], indicator=Indicator.REPRESENTATION, title="Free places", what_we_saw="x",
        what_we_changed="y", changed_on=date(2025, 3, 1),
    )  # fmt: skip
    aims = {a["number"]: a for a in selectors.aims_overview(filters())["aims"]}
    assert list(aims) == [1, 2, 3, 4, 5]
    assert all(a["what_this_shows"] for a in aims.values())
    trend = {series["key"]: series["values"] for series in aims[3]["trend"]}
    assert trend["participants"] == [1, 0, 8]
    assert trend["fsm_share"] == [100.0, None, 42.9]  # no one in 2023: no share, not a division by zero
    assert trend["whole_class_schools"] == [0, 0, 1]
    assert trend["whole_class_pupils"] == [0, 0, 30]
    continuation = {series["key"]: series["values"] for series in aims[2]["trend"]}
    assert continuation["continuation"] == [None, None, 50.0]
    genres = {series["key"]: series["values"] for series in aims[4]["trend"]}
    assert genres["genres"] == [0, 0, 2]  # rock and classical
    voices = {series["key"]: series["values"] for series in aims[1]["trend"]}
    assert voices["voices_received"] == [0, 0, 2]
    assert [learning.title for learning in aims[3]["learnings"]] == ["Free places"]
    assert aims[1]["learnings"] == []


def test_only_the_latest_learnings_of_each_aim_are_shown(db):
    aim = InclusionAimFactory()
    for day in range(1, 6):
        Learning.objects.create(
            aim=aim, indicator=Indicator.RETENTION, title=f"Change {day}", what_we_saw="x", what_we_changed="y",
            changed_on=date(2025, 3, day),
        )  # fmt: skip
    assert [entry.title for entry in selectors.recent_learnings(per_aim=3)[aim.pk]] == [
        "Change 5",
        "Change 4",
        "Change 3",
    ]


# ---- A period with no data ----------------------------------------------------------------------------------------


def test_a_year_with_no_data_gives_empty_sections_not_errors(world):
    data = selectors.dashboard(filters(year=2031), today=TODAY)
    assert data["reach"]["has_data"] is False
    assert data["reach"]["participants"] == 0
    assert data["reach"]["gaps"] == []
    assert row(data["reach"], "fsm", "yes")["share"] is None
    assert data["schools"]["active"] == 0
    assert data["schools"]["continuation"] is None
    # Young people registered earlier still love their genres; nothing is offered, named or followed up.
    assert all(genre["offered"] == 0 and genre["places"] == 0 for genre in data["tastes"]["genres"])
    assert data["tastes"]["barriers"] == data["tastes"]["support"] == data["tastes"]["dropout_reasons"] == []
    assert data["tastes"]["barriers_share"] is None
    assert data["retention"]["has_data"] is False
    assert data["retention"]["everyone"]["term_rate"] is None
    assert data["voice"]["has_data"] is False


def test_a_hub_with_nothing_at_all_has_a_dashboard(db):
    data = selectors.dashboard(filters(), today=TODAY)
    assert data["reach"]["population_as_of"] is None
    assert data["reach"]["compared"] is False
    assert data["schools"]["open_schools"] == 0
    assert data["schools"]["active_share"] is None
    assert data["aims"]["years"] == [YEAR]


# ---- Suppression: the partner slice and anything shared -------------------------------------------------------------

COUNT_KEYS = {
    "participants", "known", "not_known", "fans", "waiting", "voices", "asking", "named", "supported",
    "unsupported", "requested", "awarded", "declined", "count", "started", "term_base", "term_kept", "year_base",
    "year_kept", "listed", "continued", "barriers_named", "barriers_supported", "left", "coming_back", "support",
    "no_reply",
}  # fmt: skip


def small_counts(value, path="") -> list[str]:
    """Every count of young people from 1 to 4 left in a suppressed result, by where it is."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in COUNT_KEYS and isinstance(item, int) and not isinstance(item, bool) and 0 < item < 5:
                found.append(f"{path}.{key}={item}")
            found += small_counts(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += small_counts(item, f"{path}[{i}]")
    return found


def test_a_suppressed_partner_slice_leaks_no_small_number(world):
    data = selectors.dashboard(filters(partner=world.partners["P2"]), suppressed=True, today=TODAY)
    assert data["reach"]["participants"] == FEWER_THAN_5  # y5–y8
    assert small_counts(data) == []
    # No share or index on fewer than 10 young people.
    assert all(
        r["share"] is None and r["index"] is None for c in data["reach"]["characteristics"] for r in c["rows"]
    )
    assert data["schools"]["continuation"] is None
    assert data["retention"]["everyone"]["term_rate"] is None


def test_a_filter_leaving_fewer_than_five_shows_no_small_number(world):
    data = selectors.dashboard(filters(characteristic="fsm", area="SO14"), suppressed=True, today=TODAY)
    assert data["reach"]["participants"] == FEWER_THAN_5  # y1, y2
    assert small_counts(data) == []


def test_suppression_hides_a_second_cell_where_a_total_would_give_the_first_away(world):
    # 4 girls among 20 taking part, everyone's sex known: the 4 is hidden, and so is the number of boys, or
    # 20 - 16 would give it away.
    YoungPerson.objects.filter(pk=world.people["y5"].pk).update(sex="male")
    for _n in range(12):
        enrol(YoungPersonFactory(sex="male"), world.opportunities["O1"], "enrolled", date(2024, 9, 10))
    refresh([YEAR])
    reach = selectors.reach_section(filters(), suppressed=True)
    assert reach["participants"] == 20
    assert row(reach, "sex", "female")["participants"] == FEWER_THAN_5
    assert row(reach, "sex", "male")["participants"] == FEWER_THAN_5  # 16, hidden so 20 - 16 cannot be done
    assert characteristic(reach, "sex")["not_known"] == 0
    assert row(selectors.reach_section(filters()), "sex", "male")["participants"] == 16  # staff see it


def test_staff_figures_are_exact(world):
    data = selectors.dashboard(filters(partner=world.partners["P2"]), today=TODAY)
    assert data["reach"]["participants"] == 4
    assert row(data["reach"], "fsm", "yes")["participants"] == 1  # y7


# ---- Charts ----------------------------------------------------------------------------------------------------


def test_a_bar_chart_writes_every_value_and_hatches_bars_short_of_the_reference():
    chart = charts.bar_chart(
        title="Index",
        description="Groups",
        rows=[("Asian", 0.5), ("White", 1.2), ("Other", None)],
        reference=1.0,
    )
    assert [bar.text for bar in chart.bars] == ["0.5", "1.2", "not enough data"]
    assert [bar.below for bar in chart.bars] == [True, False, False]
    assert chart.bars[2].empty and chart.bars[2].width == 0
    assert chart.reference_x is not None
    assert chart.table["rows"] == [["Asian", "0.5"], ["White", "1.2"], ["Other", "not enough data"]]


def test_a_trend_chart_of_suppressed_or_missing_values_draws_no_bar_but_writes_them():
    chart = charts.trend_chart(
        title="Taking part", description="d", labels=["2023–24", "2024–25"], values=[FEWER_THAN_5, 12]
    )
    assert [bar.text for bar in chart.bars] == ["fewer than 5", "12"]
    assert chart.bars[0].empty and chart.bars[0].height == 0
    assert "12" in charts.describe_trend(["2023–24", "2024–25"], [FEWER_THAN_5, 12])


def test_every_dashboard_chart_has_a_title_and_a_description(world):
    built = charts.dashboard_charts(selectors.dashboard(filters(), today=TODAY))
    singles = [built[key] for key in ("reach", "retention", "coverage", "genres", "barriers")]
    every = [c for c in singles if c is not None] + [c for group in built["trends"].values() for c in group]
    assert len(every) >= 5
    assert all(chart.title and chart.description for chart in every)


# ---- Queries: a few per section, not one per row ----------------------------------------------------------------


@pytest.mark.parametrize(
    "section, queries",
    [
        # Each first reads when the summaries were rebuilt (summaries.ensure_summaries), but tastes without a
        # filter: it does not read them.
        ("reach_section", 4),  # participants by characteristic and school, the census, pupils by school
        ("schools_section", 5),  # schools by route, year groups taught, pupils on roll, continuation
        # genres, who loves them, waiting, voices and places by genre, barriers, support, reasons for stopping
        ("tastes_section", 8),
        ("retention_section", 2),
        # aims: the first year, voices, participants and continuation, classes, genres, learnings, aims
        ("aims_overview", 8),
    ],
)
def test_each_section_takes_a_fixed_number_of_queries(world, django_assert_num_queries, section, queries):
    with django_assert_num_queries(queries):
        getattr(selectors, section)(filters())


def test_the_number_of_queries_does_not_grow_with_the_young_people(world, django_assert_num_queries):
    with django_assert_num_queries(4):  # the summaries' date, then as above
        reach = selectors.reach_section(filters())
    o1 = world.opportunities["O1"]
    for _n in range(30):
        enrol(YoungPersonFactory(school=world.schools["C"]), o1, "enrolled", date(2024, 9, 10))
    refresh([YEAR])
    with django_assert_num_queries(4):
        more = selectors.reach_section(filters())
    assert more["participants"] == reach["participants"] + 30
    with django_assert_num_queries(2):
        selectors.retention_section(filters(), today=TODAY)


def test_too_soon_to_tell_gives_the_year_befores_retention_beside_it(world):
    # Early in 2025–26 no place of the year began 13 weeks ago; 2024–25's places did.
    early = date(YEAR + 1, 10, 1)
    data = selectors.dashboard(InsightFilters.for_year(YEAR + 1), today=early, fresh=True)
    term, year = data["headlines"][2][0], data["headlines"][2][1]
    before = selectors.retention_section(InsightFilters.for_year(YEAR), today=early)["everyone"]
    assert before["term_base"] and before["term_rate"] is not None
    assert term["value"] == selectors.TOO_SOON and term["note"] == f"2024–25: {before['term_rate']}%"
    assert year["value"] == selectors.TOO_SOON  # and a year ago, nothing had begun 52 weeks before
    assert year["note"] == ("" if not before["year_base"] else f"2024–25: {before['year_rate']}%")
    # When the year's own figure is there, no note.
    later = selectors.dashboard(InsightFilters.for_year(YEAR), today=TODAY, fresh=True)["headlines"][2][0]
    assert later["value"] != selectors.TOO_SOON and later["note"] == ""
