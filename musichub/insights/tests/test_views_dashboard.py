"""The dashboard's pages: who may open them, the filter form, the partner slice, the school lists, the
"what we learned" log, and how many queries each page takes."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import InclusionAim
from musichub.core.privacy import FEWER_THAN_5
from musichub.core.roles import Role
from musichub.insights import selectors
from musichub.insights.demo import LEARNINGS, load_demo_insights
from musichub.insights.filters import InsightFilters
from musichub.insights.models import Indicator, Learning, SummaryRefresh
from musichub.insights.summaries import refresh
from musichub.partners.services import add_partner_member
from musichub.people.tests.factories import SchoolFactory, YoungPersonFactory

from .dashboard_world import YEAR, build_world, enrol

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("insights:dashboard")


@pytest.fixture
def world(hub):
    built = build_world()
    refresh([2022, 2023, 2024, 2025])
    return built


@pytest.fixture
def partner_member(make_user, world):
    user = make_user(Role.PARTNER_MEMBER)
    add_partner_member(user=user, partner=world.partners["P2"])
    return user


def section(html: str, heading_id: str) -> str:
    """The HTML of the dashboard's part that starts at the heading with `heading_id`, up to the next <h3>."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h3", start + 1)
    return html[start : end if end != -1 else None]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- Who may open it -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.YOUNG_PERSON, Role.MUSIC_LEADER, Role.SCHOOL_CONTACT])
def test_roles_without_the_permission_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(DASHBOARD).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_partner_member_without_a_partner_is_refused(client, make_user):
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert client.get(DASHBOARD).status_code == 403


# ---- Staff: the whole hub, exact figures -----------------------------------------------------------------------


def test_staff_see_each_aim_with_what_it_shows_and_the_reach_against_the_city(client, staff, world):
    client.force_login(staff)
    html = client.get(DASHBOARD, {"year": YEAR}).content.decode()
    for aim in InclusionAim.objects.all():
        assert f'id="aim-{aim.number}"' in html
    assert html.count("What this shows:") == 5
    reach = text(section(html, "reach"))
    assert "Young people taking part: 8." in reach
    assert "200 pupils in the school census of 16 January 2025" in reach
    assert "1.71" in reach  # the FSM index, (3/7) / (50/200)
    assert "<svg" in html and "<title id=" in html and "<desc id=" in html


def test_the_records_behind_the_figures_are_linked_for_those_who_may_open_them(client, staff, world):
    client.force_login(staff)
    html = client.get(DASHBOARD, {"year": YEAR}).content.decode()
    assert reverse("people:list") in html
    assert reverse("people:support_queue") in html


def test_filtering_to_pupils_on_free_school_meals_out_of_school_changes_the_reach(client, staff, world):
    client.force_login(staff)
    html = client.get(DASHBOARD, {"year": YEAR, "setting": "out_of_school", "characteristic": "fsm"}).content
    html = html.decode()
    assert "Out of school" in text(html.split('class="insight-scope"')[1][:400])
    reach = text(section(html, "reach"))
    assert "Young people taking part: 2." in reach  # y1 and y2
    assert "no comparison with the city" in reach


def test_bad_filters_are_explained_and_the_figures_fall_back(client, staff, world):
    client.force_login(staff)
    response = client.get(DASHBOARD, {"year": YEAR, "area": "9ZZZ", "min_age": "12", "max_age": "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a postcode district such as SO14" in html
    assert "The oldest age must be the same as the youngest age or more." in html
    filters = response.context["filters"]
    assert (filters.area, filters.min_age, filters.max_age) == ("", 12, None)  # the good one is kept
    assert "Young people taking part: 1." in text(section(html, "reach"))  # y8, aged 14
    assert "no census figures for these pupils" in text(section(html, "reach"))  # no year 8 or over


def test_an_unknown_year_or_partner_falls_back_to_the_default(client, staff, world):
    client.force_login(staff)
    response = client.get(DASHBOARD, {"year": "1900", "partner": "999999", "kind": "no-such-thing"})
    assert response.status_code == 200
    assert response.context["filters"].partner is None
    assert "Choose a partner from the list." in response.content.decode()


def test_a_year_with_no_data_shows_empty_states(client, staff, world):
    client.force_login(staff)
    response = client.get(DASHBOARD, {"year": 2021})
    assert response.context["filters"].year == 2021
    html = text(response.content.decode())
    assert "No young people took part in 2021–22 with these filters" in html
    assert "No whole-class programme runs in this year with these filters." in html
    assert "No young person's place began in this year with these filters." in html
    assert "No voices were received in 2021–22." in html


def test_a_hub_with_no_data_at_all_shows_empty_states(client, staff, hub):
    client.force_login(staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = text(response.content.decode())
    assert "so there is nothing to compare with the city" in html
    assert "No open schools are recorded" in html


# ---- The partner slice -------------------------------------------------------------------------------------------


def test_a_partner_member_sees_only_their_own_slice_with_small_numbers_suppressed(
    client, partner_member, world
):
    client.force_login(partner_member)
    response = client.get(DASHBOARD, {"year": YEAR, "partner": world.partners["P1"].pk})
    assert response.status_code == 200
    assert response.context["filters"].partner == world.partners["P2"]  # their own, whatever the query says
    assert 'name="partner"' not in response.content.decode()
    html = response.content.decode()
    assert f"Young people taking part: {FEWER_THAN_5}." in text(section(html, "reach"))  # y5–y8
    assert response.context["suppressed"] is True
    reach = response.context["data"]["reach"]
    assert all(not isinstance(r["participants"], int) or r["participants"] in (0,) or r["participants"] >= 5
               for c in reach["characteristics"] for r in c["rows"])  # fmt: skip


def test_a_partner_member_does_not_get_links_to_records_they_may_not_open(client, partner_member, world):
    client.force_login(partner_member)
    html = client.get(DASHBOARD, {"year": YEAR}).content.decode()
    assert reverse("people:support_queue") not in html
    assert reverse("insights:learning_list") not in html


# ---- The school lists ------------------------------------------------------------------------------------------------


def test_schools_with_nothing_this_year_are_listed(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("insights:schools_without_activity"), {"year": YEAR})
    html = text(response.content.decode())
    assert "Chamberlayne College" in html
    assert "Avenue Primary" not in html


def test_the_school_list_is_paginated_in_a_fixed_number_of_queries(
    client, staff, world, django_assert_num_queries
):
    client.force_login(staff)
    url = reverse("insights:schools_without_activity")
    # session, user, the form's years, kinds and partners, the hub's identity, the summaries' date, count, page
    with django_assert_num_queries(9):
        client.get(url, {"year": YEAR})
    SchoolFactory.create_batch(30)
    with django_assert_num_queries(9):
        response = client.get(url, {"year": YEAR, "page": 2})
    assert len(response.context["page"].object_list) == 6  # 31 schools with nothing, 25 a page


def test_whole_class_coverage_by_school(client, staff, world, django_assert_num_queries):
    client.force_login(staff)
    with django_assert_num_queries(8):
        response = client.get(reverse("insights:whole_class_coverage"), {"year": YEAR})
    row = text(response.content.decode())
    assert "Bitterne Primary Year 5 1 30 40" in row


# ---- The whole page's queries --------------------------------------------------------------------------------------


def test_the_dashboard_takes_a_fixed_number_of_queries(client, staff, world, django_assert_num_queries):
    client.force_login(staff)
    # session, user, the hub's identity; the form: years, kinds, partners; the trend's years and the summaries'
    # dates; aims 6, reach 4, schools 5, tastes 8, retention 2, voice 8 (each section checks its summaries'
    # date once); the links' permission checks need none.
    with django_assert_num_queries(41):
        client.get(DASHBOARD, {"year": YEAR})
    SchoolFactory.create_batch(10)
    for learning_day in range(5):
        Learning.objects.create(
            aim=InclusionAim.objects.get(number=3), indicator=Indicator.REPRESENTATION, title=f"Change {learning_day}",
            what_we_saw="x", what_we_changed="y", changed_on=date(2025, 1, 1) + timedelta(days=learning_day),
        )  # fmt: skip
    # The figures are kept until the summaries are rebuilt: session, user, hub, the form's three, the trend's
    # years, the summaries' dates, and the "what we learned" entries, read afresh.
    with django_assert_num_queries(9):
        response = client.get(DASHBOARD, {"year": YEAR})
    assert "Change 4" in response.content.decode()
    refresh([YEAR])
    with django_assert_num_queries(41):
        client.get(DASHBOARD, {"year": YEAR})


def test_kept_figures_are_worked_out_again_after_a_rebuild_and_shown_with_their_time(client, staff, world):
    client.force_login(staff)
    first = selectors.dashboard(InsightFilters.for_year(YEAR))
    again = selectors.dashboard(InsightFilters.for_year(YEAR))
    assert again["computed_at"] == first["computed_at"]
    enrol(YoungPersonFactory(), world.opportunities["O1"], "enrolled", date(YEAR, 9, 10))
    assert (
        selectors.dashboard(InsightFilters.for_year(YEAR))["reach"]["participants"]
        == first["reach"]["participants"]
    )
    refresh([YEAR])
    rebuilt = selectors.dashboard(InsightFilters.for_year(YEAR))
    assert rebuilt["reach"]["participants"] == first["reach"]["participants"] + 1
    assert rebuilt["computed_at"] > first["computed_at"]
    # Another set of filters, or the suppressed figures, are worked out on their own.
    fsm = selectors.dashboard(InsightFilters(year=YEAR, characteristic="fsm"))
    assert fsm["computed_at"] > rebuilt["computed_at"]
    page = client.get(DASHBOARD, {"year": YEAR}).content.decode()
    assert timezone.localtime(rebuilt["computed_at"]).strftime("%H:%M") in page


# ---- What we learned ----------------------------------------------------------------------------------------------------


def learning_data(**changes):
    data = {
        "title": "Free places for pupils on free school meals",
        "aim": InclusionAim.objects.get(number=3).pk,
        "indicator": Indicator.REPRESENTATION,
        "what_we_saw": "An index of 0.6.",
        "what_we_changed": "A third of the places kept free.",
        "changed_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
    }
    data.update(changes)
    return data


def test_staff_record_what_they_learned_and_it_shows_under_its_aim(client, staff, world):
    client.force_login(staff)
    response = client.post(reverse("insights:learning_create"), learning_data())
    assert response.status_code == 302
    learning = Learning.objects.get()
    assert learning.recorded_by == staff
    html = client.get(DASHBOARD).content.decode()
    aim_three = html[html.index('id="aim-3"') : html.index('id="aim-4"')]
    assert "Free places for pupils on free school meals" in aim_three


def test_a_learning_needs_its_fields_and_a_date_not_in_the_future(client, staff, hub):
    client.force_login(staff)
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("insights:learning_create"), learning_data(title="", changed_on=future))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say in a line what you changed." in html
    assert "The change must have been made already" in html
    assert not Learning.objects.exists()


def test_staff_correct_a_learning(client, staff, hub):
    client.force_login(staff)
    client.post(reverse("insights:learning_create"), learning_data())
    learning = Learning.objects.get()
    response = client.post(
        reverse("insights:learning_edit", args=[learning.pk]), learning_data(title="Better")
    )
    assert response.status_code == 302
    learning.refresh_from_db()
    assert learning.title == "Better" and learning.recorded_by == staff


def test_an_unknown_learning_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("insights:learning_edit", args=[999999])).status_code == 404


def test_partner_members_cannot_record_learnings(client, partner_member):
    client.force_login(partner_member)
    assert client.get(reverse("insights:learning_create")).status_code == 403
    assert client.get(reverse("insights:learning_list")).status_code == 403


def test_the_learning_list_is_paginated_in_a_fixed_number_of_queries(
    client, staff, hub, django_assert_num_queries
):
    client.force_login(staff)
    aim = InclusionAim.objects.get(number=1)
    make = [
        Learning(aim=aim, indicator=Indicator.VOICE_RESPONSE, title=f"Change {n}", what_we_saw="x", what_we_changed="y",
                 changed_on=date(2025, 1, 1), recorded_by=staff)
        for n in range(3)
    ]  # fmt: skip
    Learning.objects.bulk_create(make)
    with django_assert_num_queries(5):  # session, user, count, the hub's identity, page (aims, who recorded)
        client.get(reverse("insights:learning_list"))
    Learning.objects.bulk_create(
        Learning(aim=aim, indicator=Indicator.VOICE_RESPONSE, title=f"More {n}", what_we_saw="x", what_we_changed="y",
                 changed_on=date(2025, 1, 1), recorded_by=staff)
        for n in range(30)
    )  # fmt: skip
    with django_assert_num_queries(5):
        response = client.get(reverse("insights:learning_list"), {"page": 2})
    assert len(response.context["page"].object_list) == 8


# ---- Demo ----------------------------------------------------------------------------------------------------------------


def test_the_demo_learnings_load_once_however_often_they_are_loaded(hub):
    load_demo_insights()
    load_demo_insights()
    assert Learning.objects.count() == len(LEARNINGS)
    assert Learning.objects.filter(changed_on__gt=timezone.localdate()).count() == 0


# ---- Working the figures out again ------------------------------------------------------------------------------------


def test_staff_ask_for_the_figures_to_be_worked_out_again(
    client, staff, world, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    before = SummaryRefresh.objects.get(year=YEAR).refreshed_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("insights:refresh"), {"year": YEAR})
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}")
    assert len(callbacks) == 1  # the background task, run at once by the test backend
    assert SummaryRefresh.objects.get(year=YEAR).refreshed_at > before
    assert "being worked out again" in client.get(response["Location"]).content.decode()


def test_the_page_says_when_the_figures_were_worked_out(client, staff, world):
    client.force_login(staff)
    html = text(client.get(DASHBOARD, {"year": YEAR}).content.decode())
    assert "The figures were worked out from the records at" in html


def test_only_staff_ask_for_the_figures_again_and_only_by_post(client, staff, partner_member):
    client.force_login(partner_member)
    assert client.post(reverse("insights:refresh"), {"year": YEAR}).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("insights:refresh")).status_code == 405
