"""Property tests of small-number suppression (musichub.core.privacy): for hundreds of random tables, no hidden
figure can be worked out from what is shown.

The reader here is stronger than a real one. They see every shown cell and total, and the rules tying them
(each row adds up to its total, each column to its total, the totals to the grand total). They also know, for
every hidden figure, whether it is a small count (then it lies between 1 and 4) or was hidden only to protect
another (then it is 0 or more), which the page does not tell them. A hidden figure is safe when, with all of
that, it could still take another value than its true one.

Whether a value is possible is decided here independently of privacy.py (which looks for a cycle of hidden
figures that can move by one): as the feasibility of a circulation with lower and upper bounds, solved by a
plain maximum flow. The relations form a network (source → row → column → sink → source), so whatever the
flow finds possible is possible in whole numbers, and the values a figure can take form an interval: a figure
can change iff it can be one less or one more.
"""

from collections import deque

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musichub.core.privacy import (
    FEWER_THAN_5,
    suppress_count,
    suppress_series,
    suppress_series_with_total,
    suppress_table,
    suppress_table_with_totals,
    suppression_mask,
)

INFINITY = 10**9

# ---- The reader's problem, solved by maximum flow ------------------------------------------------------------


def _max_flow(capacity: dict, source, sink) -> int:
    """Edmonds–Karp on a capacity dict {(u, v): c}."""
    residual: dict = {}
    neighbours: dict = {}
    for (u, v), c in capacity.items():
        residual[(u, v)] = residual.get((u, v), 0) + c
        residual.setdefault((v, u), 0)
        neighbours.setdefault(u, set()).add(v)
        neighbours.setdefault(v, set()).add(u)
    flow = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v in neighbours.get(u, ()):
                if v not in parent and residual[(u, v)] > 0:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        path, v = [], sink
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        pushed = min(residual[arc] for arc in path)
        for u, v in path:
            residual[(u, v)] -= pushed
            residual[(v, u)] += pushed
        flow += pushed


def feasible(arcs: list[tuple[object, object, int, int]]) -> bool:
    """Whether a circulation exists with each arc's flow between its bounds: arcs (tail, head, low, high)."""
    capacity: dict = {}
    excess: dict = {}
    for tail, head, low, high in arcs:
        if low > high:
            return False
        capacity[(tail, head)] = capacity.get((tail, head), 0) + (high - low)
        excess[head] = excess.get(head, 0) + low
        excess[tail] = excess.get(tail, 0) - low
    needed = 0
    for node, amount in excess.items():
        if amount > 0:
            capacity[("super-source", node)] = amount
            needed += amount
        elif amount < 0:
            capacity[(node, "super-sink")] = -amount
    return _max_flow(capacity, "super-source", "super-sink") == needed


def published_figures(table, cells, row_totals, column_totals, total) -> list[dict]:
    """Every figure of a table and its totals as an arc of the network, with its true value and what is shown.
    A cell of a line (of two cells or more) whose total is fewer than 5 is marked: the rule hides all such
    cells, zeros included, so a reader cannot tell which of them are 0."""
    figures = []
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            column = [other[c] for other in table]
            small_line = len(row) > 1 and 0 < sum(row) < 5 or len(column) > 1 and 0 < sum(column) < 5
            figures.append({"key": ("cell", r, c), "ends": (("row", r), ("column", c)), "value": value})
            figures[-1].update(shown=cells[r][c], small_line=small_line)
    # The total of a line of one cell repeats the cell: what the reader knows of it is what they know of the cell.
    for r, row in enumerate(table):
        figures.append({"key": ("row", r), "ends": ("S", ("row", r)), "value": sum(row)})
        figures[-1].update(shown=row_totals[r], repeats_a_cell=len(row) == 1)
    for c in range(len(table[0])):
        value = sum(row[c] for row in table)
        figures.append({"key": ("column", c), "ends": (("column", c), "T"), "value": value})
        figures[-1].update(shown=column_totals[c], repeats_a_cell=len(table) == 1)
    grand = sum(map(sum, table))
    # The row totals (and the column totals) are a line whose total is the grand total.
    for figure in figures:
        if figure["key"][0] in ("row", "column") and 0 < grand < 5:
            figure["small_line"] = len(table) > 1 if figure["key"][0] == "row" else len(table[0]) > 1
    figures.append({"key": ("total",), "ends": ("T", "S"), "value": grand, "shown": total})
    return figures


def _bounds(figure: dict) -> tuple[int, int]:
    """What the (strong) reader knows of one figure."""
    if figure["shown"] != FEWER_THAN_5:
        assert figure["shown"] == figure["value"], f"{figure['key']} is shown as a wrong number"
        return figure["value"], figure["value"]
    if figure.get("repeats_a_cell"):
        return 0, INFINITY
    if figure.get("small_line"):
        return 0, 4
    if 0 < figure["value"] < 5:
        return 1, 4
    return 0, INFINITY


def possible(figures: list[dict], key, low: int, high: int) -> bool:
    """Whether the figure `key` can lie between low and high, given everything the reader knows."""
    arcs = []
    for figure in figures:
        lo, hi = _bounds(figure)
        if figure["key"] == key:
            lo, hi = max(lo, low), min(hi, high)
        arcs.append((*figure["ends"], lo, hi))
    return feasible(arcs)


def worked_out(figures: list[dict]) -> list[tuple]:
    """The hidden figures whose true value is the only one possible."""
    found = []
    for figure in figures:
        if figure["shown"] != FEWER_THAN_5:
            continue
        value = figure["value"]
        assert possible(figures, figure["key"], value, value), "the true table must fit what is shown"
        if not (
            possible(figures, figure["key"], 0, value - 1)
            or possible(figures, figure["key"], value + 1, INFINITY)
        ):
            found.append((figure["key"], value))
    return found


# ---- Random tables -------------------------------------------------------------------------------------------

# Mostly small counts (where suppression bites), some zeros, some large counts.
counts = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 60), st.integers(100, 5000))
tables = st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(
    lambda size: st.lists(
        st.lists(counts, min_size=size[1], max_size=size[1]), min_size=size[0], max_size=size[0]
    )
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(tables)
def test_no_hidden_figure_of_a_table_and_its_totals_can_be_worked_out(table):
    shown = suppress_table_with_totals(table)
    figures = published_figures(table, **shown)
    assert worked_out(figures) == []


@PROPERTY
@given(tables)
def test_every_small_count_is_hidden_and_every_shown_figure_is_true(table):
    shown = suppress_table_with_totals(table)
    for figure in published_figures(table, **shown):
        if 0 < figure["value"] < 5:
            assert figure["shown"] == FEWER_THAN_5, f"{figure['key']} = {figure['value']} is shown"
        elif figure["shown"] != FEWER_THAN_5:
            assert figure["shown"] == figure["value"]


@PROPERTY
@given(tables)
def test_no_line_whose_total_is_shown_has_a_single_hidden_cell(table):
    shown = suppress_table_with_totals(table)
    for r, row in enumerate(shown["cells"]):
        if shown["row_totals"][r] != FEWER_THAN_5 and len(row) > 1:
            assert sum(cell == FEWER_THAN_5 for cell in row) != 1
    for c, total in enumerate(shown["column_totals"]):
        column = [row[c] for row in shown["cells"]]
        if total != FEWER_THAN_5 and len(column) > 1:
            assert sum(cell == FEWER_THAN_5 for cell in column) != 1


@PROPERTY
@given(tables)
def test_tables_shown_with_suppress_count_totals_are_safe_when_no_total_has_to_be_hidden(table):
    """The older way, `suppress_table` and each total through `suppress_count`, hides the same cells; it is
    safe as long as the audit did not need to hide a total that is not small itself."""
    cells = suppress_table(table)
    assert [[cell == FEWER_THAN_5 for cell in row] for row in cells] == suppression_mask(table)
    row_totals = [suppress_count(sum(row)) for row in table]
    column_totals = [suppress_count(sum(column)) for column in zip(*table, strict=True)]
    total = suppress_count(sum(map(sum, table)))
    full = suppress_table_with_totals(table)
    assert cells == full["cells"]
    if [row_totals, column_totals, total] == [full["row_totals"], full["column_totals"], full["total"]]:
        assert worked_out(published_figures(table, cells, row_totals, column_totals, total)) == []


@PROPERTY
@given(st.lists(counts, min_size=1, max_size=8))
def test_a_series_and_its_total_give_nothing_away(values):
    cells, total = suppress_series_with_total(values)
    assert cells == suppress_series(values)
    table = [values]
    row_totals = [total]
    column_totals = cells  # a series' "columns" are its cells
    assert worked_out(published_figures(table, [cells], row_totals, column_totals, total)) == []


@PROPERTY
@given(tables)
def test_a_reader_who_takes_fewer_than_5_at_its_word_cannot_pin_a_small_count(table):
    """A real reader takes every "fewer than 5" at its word: 0 to 4. When that is true of every hidden figure
    (else what they work out rests on a false belief and is wrong for some figure), it must not pin any small
    count either."""
    shown = suppress_table_with_totals(table)
    figures = published_figures(table, **shown)
    hidden = [figure for figure in figures if figure["shown"] == FEWER_THAN_5]
    if any(figure["value"] > 4 for figure in hidden):
        return
    believed = []
    for figure in figures:
        lo, hi = (0, 4) if figure["shown"] == FEWER_THAN_5 else (figure["value"], figure["value"])
        believed.append((*figure["ends"], lo, hi))
    for index, figure in enumerate(figures):
        if figure["shown"] != FEWER_THAN_5 or not 0 < figure["value"] < 5:
            continue
        value = figure["value"]
        others = []
        for low, high in ((0, value - 1), (value + 1, 4)):
            arcs = list(believed)
            arcs[index] = (*figure["ends"], low, high)
            others.append(feasible(arcs))
        assert any(others), f"{figure['key']} = {value} is the only value that fits"


# ---- The holes the audit closes, by example ------------------------------------------------------------------


def test_two_small_counts_adding_up_to_2_in_a_row_with_a_shown_total_take_a_third_cell_with_them():
    # "fewer than 5" + "fewer than 5" + 40 = 42 would make both 1.
    assert suppress_series([1, 1, 40]) == [FEWER_THAN_5, FEWER_THAN_5, FEWER_THAN_5]


def test_two_fours_hide_their_total_when_nothing_else_can_protect_them():
    # 4 + 4 = 8 with both "fewer than 5" would make both 4: the total is hidden (and the grand total with it).
    cells, total = suppress_series_with_total([4, 4])
    assert cells == [FEWER_THAN_5, FEWER_THAN_5]
    assert total == FEWER_THAN_5


def test_a_cell_joining_two_blocks_of_hidden_cells_is_protected():
    # Rows 0–1 × columns 0–1 and rows 2–3 × columns 2–3 are blocks of small counts; the small count at row 0,
    # column 2 joins them, and the totals of rows 0–1 less those of columns 0–1 would give it away.
    table = [
        [1, 1, 2, 50],
        [1, 1, 50, 50],
        [50, 50, 1, 1],
        [50, 50, 1, 1],
    ]
    shown = suppress_table_with_totals(table)
    assert worked_out(published_figures(table, **shown)) == []
    assert sum(cell == FEWER_THAN_5 for row in shown["cells"] for cell in row) > 9


def test_a_cell_hidden_only_with_zeros_beside_it_is_protected_through_its_other_line():
    # The 3 takes the 7 with it in its row; the 7's column has only zeros besides, and its total (7) would
    # give the 7 away, and with it the 3.
    table = [[3, 7, 20], [0, 0, 20], [0, 0, 20]]
    shown = suppress_table_with_totals(table)
    assert worked_out(published_figures(table, **shown)) == []
