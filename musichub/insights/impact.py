"""The public impact figures (/impact/) and their open-data CSV: the hub's headline figures for the latest full
academic year and the trend, per inclusion aim, every figure suppressed.

The figures are the dashboard's (selectors.aims_overview with suppressed=True), made public-safe once more here:
every count from 1 to 4 is shown as "fewer than 5" (whatever it counts), and no percentage is given on a base
under 10 ("not enough data"). A trend is one row of counts with no total shown, so primary suppression is
enough; the headline figures are the trend's last year, so the page and the CSV publish one set of numbers.

The page is public and its queries run over the whole hub, so the computed figures are cached for an hour
(`CACHE_SECONDS`); the page says when they were worked out.
"""

import csv
import io

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.privacy import FEWER_THAN_5, is_small

from .charts import describe_trend, trend_chart
from .filters import InsightFilters, current_year, period, year_label
from .selectors import NOT_ENOUGH_DATA, aims_overview

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CACHE_SECONDS = 60 * 60
CACHE_KEY = "insights:impact:{year}"
# The trend series that make the headline, by aim number and series key.
HEADLINES = [
    (3, "participants"),
    (3, "fsm_share"),
    (3, "whole_class_schools"),
    (3, "whole_class_pupils"),
    (1, "voices_acted_on"),
    (2, "continuation"),
]


def _written(value, unit: str) -> str:
    if value is None:
        return str(NOT_ENOUGH_DATA)
    if isinstance(value, str):
        return value
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value:,}{unit}"


def with_charts(aims: list[dict], labels: list[str]) -> list[dict]:
    """Each aim's trend series with its accessible chart (title, description, and the table of its figures)."""
    for aim in aims:
        for series in aim["series"]:
            unit = "%" if series["percent"] else ""
            series["chart"] = trend_chart(
                title=series["label"],
                description=describe_trend(labels, series["values"], unit),
                labels=labels,
                values=series["values"],
                unit=unit,
                table={
                    "headers": [_("Academic year"), series["label"]],
                    "rows": [
                        [label, _written(v, unit)] for label, v in zip(labels, series["values"], strict=True)
                    ],
                },
            )
    return aims


def latest_full_year() -> int:
    """The latest academic year that has ended (the one before this one)."""
    return current_year() - 1


def public_value(value, percent: bool = False) -> str | int | float | None:
    """A figure as the public sees it: counts 1–4 as "fewer than 5", percentages as they are (None: not enough
    data). Already-suppressed values pass through as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return str(FEWER_THAN_5) if not percent and is_small(value) else value
    if isinstance(value, float):
        return value
    return str(value)


def public_series(trend: list[dict]) -> list[dict]:
    """An aim's trend series (from selectors.aims_overview) with every value as the public sees it."""
    return [
        {
            "key": item["key"],
            "label": str(item["label"]),
            "percent": bool(item.get("percent")),
            "values": [public_value(v, bool(item.get("percent"))) for v in item["values"]],
        }
        for item in trend
    ]


def headline_figures(aims: list[dict]) -> list[dict]:
    """The headline: the last year of the trend series named in HEADLINES."""
    by_key = {(aim["number"], s["key"]): s for aim in aims for s in aim["series"]}
    return [
        {"label": by_key[key]["label"], "value": by_key[key]["values"][-1], "percent": by_key[key]["percent"]}
        for key in HEADLINES
        if key in by_key and by_key[key]["values"]
    ]


def _compute(year: int) -> dict:
    overview = aims_overview(InsightFilters.for_year(year), suppressed=True)
    labels = overview["year_labels"]
    aims = []
    for aim in overview["aims"]:
        series = public_series(aim["trend"])
        aims.append(
            {
                "number": aim["number"],
                "slug": aim["slug"],
                "title": aim["title"],
                "short_title": aim["short_title"],
                "what_this_shows": aim["what_this_shows"],
                "series": series,
                "has_figures": any(v not in (None, 0) for s in series for v in s["values"]),
            }
        )
    headline = headline_figures(aims)
    first, last = period(year)
    return {
        "year": year,
        "year_label": year_label(year),
        "first_day": first,
        "last_day": last,
        "year_labels": labels,
        "aims": aims,
        "headline": headline,
        "has_data": any(aim["has_figures"] for aim in aims),
        "computed_at": timezone.now(),
        "not_enough_data": str(NOT_ENOUGH_DATA),
    }


def impact_figures(year: int | None = None, *, fresh: bool = False) -> dict:
    """The public figures for academic year `year` (the latest full year by default), from the cache when they
    were worked out in the last hour."""
    year = latest_full_year() if year is None else year
    key = CACHE_KEY.format(year=year)
    figures = None if fresh else cache.get(key)
    if figures is None:
        figures = _compute(year)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def open_data_rows(figures: dict) -> list[list]:
    """The same aggregates as the page, one row per aim, indicator and academic year."""
    rows = [["aim_number", "aim", "indicator", "indicator_label", "academic_year", "value", "unit", "note"]]
    for aim in figures["aims"]:
        for series in aim["series"]:
            for label, value in zip(figures["year_labels"], series["values"], strict=True):
                if value is None:
                    shown, note = "", figures["not_enough_data"]
                elif isinstance(value, str):
                    shown, note = "", value
                else:
                    shown, note = value, ""
                rows.append(
                    [
                        aim["number"],
                        aim["short_title"],
                        series["key"],
                        series["label"],
                        label,
                        shown,
                        "percent" if series["percent"] else "count",
                        note,
                    ]
                )
    return rows


def open_data_csv(figures: dict, *, hub_name: str, page_url: str) -> str:
    """The open-data CSV: a licence line first (a `#` comment, which most tools can skip), then the table."""
    out = io.StringIO()
    out.write(
        "# "
        + _(
            "%(hub)s impact figures, academic years %(first)s to %(last)s. Licence: %(licence)s (%(url)s). "
            "Counts from 1 to 4 are shown as “fewer than 5”; no percentage on a base under 10. Source: %(page)s"
        )
        % {
            "hub": hub_name,
            "first": figures["year_labels"][0] if figures["year_labels"] else figures["year_label"],
            "last": figures["year_label"],
            "licence": LICENCE,
            "url": LICENCE_URL,
            "page": page_url,
        }
        + "\n"
    )
    writer = csv.writer(out)
    writer.writerows(open_data_rows(figures))
    return out.getvalue()
