"""The public impact page (/impact/) and its open-data CSV: every aim, the latest full year and the trend, and
never a count under 5, checked on records built to have small cells."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from musichub.core.models import InclusionAim
from musichub.insights.filters import year_label
from musichub.insights.impact import LICENCE, LICENCE_URL, impact_figures, latest_full_year

from .outputs_helpers import YEAR, mark, return_records, young_person

SMALL = {"1", "2", "3", "4"}


@pytest.fixture
def small_cells(hub):
    """Two years of records with small cells: the year before last (seven young people, three on free school
    meals, two schools with whole-class teaching) and the latest full year (three young people came to one
    session)."""
    records = return_records()
    session = records["band"].sessions.create(
        date=date(latest_full_year(), 10, 2),
        starts_at=records["band"].starts_at,
        ends_at=records["band"].ends_at,
    )
    for _n in range(3):
        mark(young_person(fsm="yes"), session)
    return records


def numbers_shown(html: str) -> list[str]:
    """Every whole number shown as a figure: definition values, table cells and the values written on charts."""
    cells = re.findall(r"<(?:dd|td)[^>]*>\s*([\d,]+)\s*</(?:dd|td)>", html)
    on_charts = re.findall(r'class="chart__value"[^>]*>\s*([\d,]+)\s*</text>', html)
    return [n.replace(",", "") for n in cells + on_charts]


def test_the_page_shows_every_aim_the_latest_full_year_and_no_count_under_5(client, small_cells):
    response = client.get(reverse("insights:impact"))
    html = response.content.decode()
    assert response.status_code == 200
    for aim in InclusionAim.objects.all():
        assert f"{aim.number}. {aim.title}" in html
    assert f"What the hub did in {year_label(latest_full_year())}, the latest full academic year" in html
    assert year_label(YEAR) in html  # the trend reaches back to the first year with records
    shown = numbers_shown(html)
    assert "7" in shown  # the year before last's seven young people
    assert not SMALL & set(shown), [n for n in shown if n in SMALL]
    assert "fewer than 5" in html
    assert "not enough data" in html  # three on free school meals out of seven: no percentage


def test_the_open_data_csv_has_a_licence_line_and_the_same_suppressed_figures(client, small_cells):
    response = client.get(reverse("insights:impact_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    licence, *table = text.splitlines()
    assert licence.startswith("# ") and LICENCE in licence and LICENCE_URL in licence
    rows = list(csv.DictReader(io.StringIO("\n".join(table))))
    assert {row["aim_number"] for row in rows} >= {"1", "2", "3", "4"}
    values = [row["value"] for row in rows if row["unit"] == "count"]
    assert values and not SMALL & set(values)
    participants = {row["academic_year"]: row for row in rows if row["indicator"] == "participants"}
    assert participants[year_label(YEAR)]["value"] == "7"
    latest = participants[year_label(latest_full_year())]
    assert (latest["value"], latest["note"]) == ("", "fewer than 5")
    # The same aggregates as the page: one row per aim, indicator and year.
    figures = impact_figures()
    assert len(rows) == sum(len(aim["series"]) for aim in figures["aims"]) * len(figures["year_labels"])


def test_a_hub_with_no_records_yet_gets_a_page_that_says_so(client, hub):
    html = client.get(reverse("insights:impact")).content.decode()
    assert "There are no figures for" in html
    assert "Find music-making near you" in html
    assert client.get(reverse("insights:impact_csv")).status_code == 200


def test_the_figures_are_cached_so_visitors_do_not_rerun_the_queries(
    client, small_cells, django_assert_max_num_queries
):
    impact_figures(fresh=True)  # the dashboard's yearly summaries are there (built on the first look)
    cache.clear()
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("insights:impact"))
    # The hub's identity for the layout and nothing else: the figures come from the cache.
    with django_assert_max_num_queries(2) as second:
        client.get(reverse("insights:impact"))
    assert len(second.captured_queries) < len(first.captured_queries)


def test_the_public_site_links_to_the_impact_page(client, hub):
    html = client.get(reverse("pages:home")).content.decode()
    assert f'href="{reverse("insights:impact")}"' in html
