"""The stakeholder report for a chosen academic year: print-friendly HTML and a PDF (WeasyPrint).

Highlights per inclusion aim (the five aims, under their own headings), each with its trend as a chart and a
data table, the "what we learned" stories recorded in the year, reach against the city, youth voice and the
partners' contributions. Only suppressed figures: the dashboard's sections with suppressed=True, and every count
from 1 to 4 shown as "fewer than 5" (impact.public_value), percentages on a base under 10 as "not enough data".

The PDF is made from the same HTML (templates insights/outputs/report_pdf.html and _report_body.html) with a print stylesheet
(static/css/report-print.css). WeasyPrint needs Pango (the Makefile installs it); making a report takes about a
second, so it is made while the request waits (docs/insights.md, "Outputs").
"""

import re

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from musichub.core.selectors import hub_identity

from .contributions import contribution_totals
from .filters import InsightFilters, current_year, period, year_label
from .impact import headline_figures, public_series, public_value, with_charts
from .models import Learning
from .selectors import NOT_ENOUGH_DATA, aims_overview, reach_section, voice_section

REPORT_STYLESHEET = "css/report-print.css"
CHART_STYLESHEET = "css/report-chart-svg.css"
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# How many years back a report can be made for (this one included).
REPORT_YEARS = 6
GAPS_SHOWN = 5


def report_years() -> list[int]:
    """The academic years to choose from, newest first (this one included, marked "so far" by the page)."""
    this = current_year()
    return [this - n for n in range(REPORT_YEARS)]


def _learnings_in(year: int) -> dict[int, list[Learning]]:
    """The "what we learned" entries for changes made in the year, by the aim's number (one query)."""
    first, last = period(year)
    found: dict[int, list[Learning]] = {}
    entries = Learning.objects.filter(changed_on__range=(first, last)).select_related("aim")
    for learning in entries.order_by("changed_on", "pk"):
        found.setdefault(learning.aim.number, []).append(learning)
    return found


def _gaps(reach: dict) -> list[dict]:
    """The groups furthest under-represented against the city (index under 1), as the public may see them."""
    return [
        {
            "label": f"{row['characteristic_label']}: {row['label']}"
            if str(row["label"]) != str(row["characteristic_label"])
            else str(row["label"]),
            "share": row["share"],
            "population_share": row["population_share"],
            "index": row["index"],
        }
        for row in reach["gaps"]
        if row["index"] is not None and row["index"] < 1
    ][:GAPS_SHOWN]


def report_context(year: int) -> dict:
    """Everything the report shows for academic year `year`, suppressed for sharing."""
    filters = InsightFilters.for_year(year)
    overview = aims_overview(filters, suppressed=True)
    learnings = _learnings_in(year)
    reach = reach_section(filters, suppressed=True)
    voice = voice_section(filters)
    totals = contribution_totals(year)
    aims = []
    for aim in overview["aims"]:
        aims.append(
            {**aim, "series": public_series(aim["trend"]), "stories": learnings.get(aim["number"], [])}
        )
    first, last = period(year)
    return {
        "hub": hub_identity(),
        "year": year,
        "year_label": year_label(year),
        "first_day": first,
        "last_day": last,
        "so_far": year == current_year(),
        "years": overview["years"],
        "year_labels": overview["year_labels"],
        "aims": with_charts(aims, overview["year_labels"]),
        "headline": headline_figures(aims),
        "gaps": _gaps(reach),
        "reach_participants": public_value(reach["participants"]),
        "population_as_of": reach["population_as_of"],
        "voice": voice["figures"],
        # Every figure partners sent is a count that goes outside the hub: suppressed like the rest.
        "contributions": {
            name: value if name in ("contributions", "partners") else public_value(value)
            for name, value in totals.items()
        },
        "has_data": reach["has_data"] or any(aim["stories"] for aim in aims),
        "not_enough_data": NOT_ENOUGH_DATA,
        "made_at": timezone.now(),
    }


def report_pdf(context: dict, *, base_url: str) -> bytes:
    """The report as a PDF, from the same HTML as the page, with the print stylesheet."""
    from weasyprint import CSS, HTML

    html = render_to_string("insights/outputs/report_pdf.html", context)
    stylesheet = finders.find(REPORT_STYLESHEET)
    sheets = [CSS(filename=stylesheet)] if stylesheet else []
    chart_rules = finders.find(CHART_STYLESHEET)
    if chart_rules:
        # WeasyPrint styles an inline SVG only from a <style> inside it (the page's CSS does not reach it).
        with open(chart_rules, encoding="utf-8") as rules:
            # Comments dropped: inside SVG a style element's text is parsed as markup, not as raw text.
            style = "<style>" + CSS_COMMENT.sub("", rules.read()) + "</style>"
        html = html.replace("</svg>", style + "</svg>")
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=sheets)
