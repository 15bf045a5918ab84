"""Accessible charts drawn on the server as SVG (templates/insights/_chart.html): no JavaScript.

Every chart has a title and a description (read out by screen readers), is readable without colour (each bar
has its label and its value written next to it; bars under a reference line are hatched, not only coloured)
and comes with the table of the same figures, so a chart is never the only way to read a figure.

The functions here only lay out numbers they are given (already computed and, where needed, suppressed by the
selectors): a value of None, or text such as "fewer than 5", is drawn as no bar with its text written.
"""

from dataclasses import dataclass, field
from itertools import count

from django.utils.translation import gettext_lazy as _

WIDTH = 640
TREND_WIDTH = 360
ROW = 46  # height of one labelled bar in a bar chart
BAR = 18
LEFT = 8
RIGHT = 96  # room for the value written after the longest bar
TREND_HEIGHT = 200
LABEL_CHARS = 70

_ids = count(1)


@dataclass
class Bar:
    label: str
    text: str  # the value as written
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    label_y: float = 0
    below: bool = False  # under the reference line: hatched
    empty: bool = False  # no number to draw (not enough data, suppressed)


@dataclass
class Chart:
    kind: str  # "bars" (horizontal, one row per group) or "columns" (one per year)
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    table: dict
    reference_x: float | None = None
    reference_label: str = ""
    baseline_y: float = 0
    axis: list = field(default_factory=list)


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def written(value, unit: str) -> str:
    if value is None:
        return str(_("not enough data"))
    number = _number(value)
    if number is None:
        return str(value)  # already words ("fewer than 5")
    text = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    return f"{text}{unit}"


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    *,
    title: str,
    description: str,
    rows: list[tuple[str, object]],
    unit: str = "",
    reference: float | None = None,
    reference_label: str = "",
    table: dict | None = None,
) -> Chart:
    """Horizontal bars, one per (label, value) row, in the order given, each with its label above it and its
    value written after it. With `reference` (e.g. 1.0 for a representation index), a dashed line is drawn
    there and the bars short of it are hatched."""
    numbers = [_number(value) for _label, value in rows]
    top = max([n for n in numbers if n is not None] + [reference or 0, 0])
    scale = (WIDTH - LEFT - RIGHT) / top if top else 0
    bars = []
    for i, ((label, value), number) in enumerate(zip(rows, numbers, strict=True)):
        y = i * ROW + 22
        width = max((number or 0) * scale, 0)
        bars.append(
            Bar(
                label=_short(label),
                text=written(value, unit),
                x=LEFT,
                y=y,
                width=round(width, 1),
                height=BAR,
                text_x=round(LEFT + width + 6, 1),
                text_y=y + BAR - 4,
                label_y=y - 6,
                below=reference is not None and number is not None and number < reference,
                empty=number is None,
            )
        )
    return Chart(
        kind="bars",
        id=f"chart-{next(_ids)}",
        title=str(title),
        description=str(description),
        width=WIDTH,
        height=max(len(rows), 1) * ROW + 12,
        bars=bars,
        table=table or _default_table(rows, unit),
        reference_x=round(LEFT + reference * scale, 1) if reference is not None and scale else None,
        reference_label=str(reference_label),
    )


def trend_chart(
    *,
    title: str,
    description: str,
    labels: list[str],
    values: list,
    unit: str = "",
    table: dict | None = None,
) -> Chart:
    """Columns, one per academic year (oldest first), each with its value written above it and its year under
    it."""
    numbers = [_number(value) for value in values]
    top = max([n for n in numbers if n is not None] + [0])
    plot = TREND_HEIGHT - 64
    baseline = TREND_HEIGHT - 34
    slot = (TREND_WIDTH - 2 * LEFT) / max(len(values), 1)
    column = min(slot * 0.6, 90)
    bars = []
    for i, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        height = (number or 0) / top * plot if top else 0
        x = LEFT + i * slot + (slot - column) / 2
        bars.append(
            Bar(
                label=str(label),
                text=written(value, unit),
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(column, 1),
                height=round(height, 1),
                text_x=round(x + column / 2, 1),
                text_y=round(baseline - height - 6, 1),
                label_y=baseline + 24,
                empty=number is None,
            )
        )
    return Chart(
        kind="columns",
        id=f"chart-{next(_ids)}",
        title=str(title),
        description=str(description),
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        bars=bars,
        table=table or _default_table(list(zip(labels, values, strict=True)), unit),
        baseline_y=baseline,
    )


def _default_table(rows: list[tuple[str, object]], unit: str) -> dict:
    return {
        "headers": [str(_("Group")), str(_("Value"))],
        "rows": [[str(label), written(value, unit)] for label, value in rows],
    }


def describe_trend(labels: list[str], values: list, unit: str = "") -> str:
    """A sentence a screen reader can read for a trend: from the first year's value to the last's."""
    shown = [
        (label, value) for label, value in zip(labels, values, strict=True) if _number(value) is not None
    ]
    if not shown:
        return str(_("There is not enough data to show a trend."))
    if len(shown) == 1:
        label, value = shown[0]
        return str(_("%(year)s: %(value)s.") % {"year": label, "value": written(value, unit)})
    (first_label, first), (last_label, last) = shown[0], shown[-1]
    return str(
        _("From %(first)s in %(first_year)s to %(last)s in %(last_year)s.")
        % {
            "first": written(first, unit),
            "first_year": first_label,
            "last": written(last, unit),
            "last_year": last_label,
        }
    )


# ---- The dashboard's charts ---------------------------------------------------------------------------------


def reach_chart(reach: dict) -> Chart | None:
    """The representation index of every group compared with the city, the furthest under-represented first."""
    rows = reach["gaps"]
    if not rows:
        return None
    return bar_chart(
        title=_("Representation index by group, %(year)s") % {"year": reach["year_label"]},
        description=_(
            "Each bar is a group's share among the young people taking part divided by its share among the "
            "city's pupils. 1 (the dashed line) means the same as the city; hatched bars, short of the line, "
            "are under-represented groups. The furthest under-represented come first."
        ),
        rows=[(row["full_label"], row["index"]) for row in rows],
        reference=1.0,
        reference_label=_("Same as the city (1)"),
        table={
            "headers": [
                str(_("Group")),
                str(_("Taking part")),
                str(_("Share of those taking part")),
                str(_("Share of the city's pupils")),
                str(_("Index")),
            ],
            "rows": [
                [
                    row["full_label"],
                    written(row["participants"], ""),
                    written(row["share"], "%"),
                    written(row["population_share"], "%"),
                    written(row["index"], ""),
                ]
                for row in rows
            ],
        },
    )


def trend_charts(aim: dict, labels: list[str]) -> list[Chart]:
    """One column chart per headline figure of an aim, over the years (its table is the aim's trend table)."""
    charts = []
    for series in aim["trend"]:
        unit = "%" if series.get("percent") else ""
        chart = trend_chart(
            title=series["label"],
            description=describe_trend(labels, series["values"], unit),
            labels=labels,
            values=series["values"],
            unit=unit,
        )
        chart.table = {}  # the aim's trend table, drawn once under its charts, holds these figures
        charts.append(chart)
    return charts


def retention_chart(retention: dict) -> Chart | None:
    rows = [row for row in retention["rows"] if row["term_rate"] is not None]
    if not rows:
        return None
    everyone = retention["everyone"]["term_rate"]
    return bar_chart(
        title=_("Still coming after %(weeks)s weeks, by group, %(year)s")
        % {"weeks": retention["term_weeks"], "year": retention["year_label"]},
        description=_(
            "Each bar is the share of the group's young people still coming %(weeks)s weeks after their place "
            "began. The dashed line is everyone's share; hatched bars are groups below it."
        )
        % {"weeks": retention["term_weeks"]},
        rows=[(row["label"], row["term_rate"]) for row in rows],
        unit="%",
        reference=everyone,
        reference_label=_("Everyone"),
        table={},  # the detailed table follows the chart
    )


def coverage_chart(schools: dict) -> Chart | None:
    rows = [row for row in schools["coverage"] if row["coverage"] is not None]
    if not rows:
        return None
    return bar_chart(
        title=_("Whole-class teaching: share of pupils taught, by year group, %(year)s")
        % {"year": schools["year_label"]},
        description=_(
            "Each bar is the pupils taught in whole-class programmes as a share of all pupils on roll in that "
            "year group across the city's schools."
        ),
        rows=[(row["label"], row["coverage"]) for row in rows],
        unit="%",
        table={},  # the detailed table follows the chart
    )


def genre_chart(tastes: dict) -> Chart | None:
    rows = [row for row in tastes["genres"] if row["asking"]]
    if not rows:
        return None
    return bar_chart(
        title=_("Young people asking per place offered, by genre, %(year)s") % {"year": tastes["year_label"]},
        description=_(
            "Each bar is the number of young people who love a genre or wait for a place in it, for each place "
            "offered in it. Genres asked for with nothing offered come first."
        ),
        rows=[
            (row["name"], row["per_place"] if row["per_place"] is not None else row["places_note"])
            for row in rows
        ],
        table={},  # the genres table follows the chart
    )


def barrier_chart(tastes: dict) -> Chart | None:
    rows = [row for row in tastes["barriers"] if row["share"] is not None]
    if not rows:
        return None
    return bar_chart(
        title=_("Barriers met with support, %(year)s") % {"year": tastes["year_label"]},
        description=_(
            "Each bar is the share of the young people who named a barrier who were awarded support by the "
            "end of the year."
        ),
        rows=[(row["label"], row["share"]) for row in rows],
        unit="%",
        table={},  # the detailed table follows the chart
    )


def dashboard_charts(data: dict) -> dict:
    """Every chart of the dashboard, built from its sections' figures."""
    labels = data["aims"]["year_labels"]
    return {
        "trends": {aim["number"]: trend_charts(aim, labels) for aim in data["aims"]["aims"]},
        "reach": reach_chart(data["reach"]),
        "retention": retention_chart(data["retention"]),
        "coverage": coverage_chart(data["schools"]),
        "genres": genre_chart(data["tastes"]),
        "barriers": barrier_chart(data["tastes"]),
    }
