"""Small-number suppression for every figure shown outside the hub-staff dashboard.

Counts from 1 to 4 are shown as "fewer than 5" (primary suppression). Where a row or column total is shown,
a single suppressed cell could be worked out by subtraction, so a second cell in that row or column is
suppressed too (secondary suppression), repeated until no row or column has exactly one suppressed cell.

That is not always enough, so the table is then audited as a reader would attack it: the shown cells and
totals (the row, column and grand totals, each shown through `suppress_count`) fix the sums of the hidden
cells, each hidden count of 1 to 4 is known to lie between 1 and 4, each other hidden cell to be 0 or more
(the page does not say which hidden cells are small counts: a reader who knows is stronger than a real one).
A hidden cell is safe when another value of it fits all of that. Two "fewer than 5" in a row whose total
shows they add up to 2 (or 8) are both 1 (both 4); a hidden cell that links two otherwise separate blocks
of hidden cells is their difference. The audit finds these (a cell is pinned exactly when no cycle of
hidden cells and totals through it can move by one) and hides one more figure next to each pinned cell,
again and again, until none is pinned. Where only a total could still protect a cell, the total is hidden:
`suppress_table_with_totals` and `suppress_series_with_total` give the totals to show with the cells. A row or
column whose total is fewer than 5 shows none of its cells, zeros included (four "fewer than 5" cells whose
total is "fewer than 5" would otherwise all be 1).
"""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
FEWER_THAN_5 = _("fewer than 5")
MIN_BASE_FOR_PERCENTAGE = 10


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppress_count(count: int):
    """The count itself, or "fewer than 5" for 1 to 4."""
    return FEWER_THAN_5 if is_small(count) else count


def percentage_or_none(part: int, base: int) -> float | None:
    """A percentage, or None when the base is too small to show one (fewer than 10)."""
    if base < MIN_BASE_FOR_PERCENTAGE:
        return None
    return round(100 * part / base, 1)


def suppression_mask(table: Sequence[Sequence[int]]) -> list[list[bool]]:
    """Which cells of a table (rows of counts, totals shown for rows and columns) must be hidden. Where a total
    must be hidden too (rare: see the module's docstring), only `suppress_table_with_totals` says so."""
    return _suppression(table).cells


def _lone_cell_pass(rows: list[list[int]], mask: list[list[bool]]) -> None:
    """Hide a second cell in every row or column with exactly one hidden cell, until there is none."""
    width = max((len(row) for row in rows), default=0)

    def lines():
        for r, row in enumerate(rows):
            yield [(r, c) for c in range(len(row))]
        for c in range(width):
            yield [(r, c) for r in range(len(rows)) if c < len(rows[r])]

    changed = True
    while changed:
        changed = False
        for cells in lines():
            hidden = [cell for cell in cells if mask[cell[0]][cell[1]]]
            if len(hidden) != 1:
                continue
            # Hide the smallest other cell that is not zero (a zero reveals nothing and hides nothing).
            candidates = [cell for cell in cells if not mask[cell[0]][cell[1]] and rows[cell[0]][cell[1]] > 0]
            if not candidates:
                continue
            r, c = min(candidates, key=lambda cell: rows[cell[0]][cell[1]])
            mask[r][c] = True
            changed = True


class _Suppression:
    """The figures of a table with its totals as a flow: the source S sends each row its total, a cell carries
    its count from its row to its column, each column sends its total to the sink T, and T returns the grand
    total to S. Every figure is an arc (from, to, value); a line of a single cell has no total of its own
    (it would repeat the cell), so its arc is not published and free."""

    def __init__(self, table: Sequence[Sequence[int]]):
        self.rows = [list(row) for row in table]
        width = max((len(row) for row in self.rows), default=0)
        height = len(self.rows)
        self.row_totals = [sum(row) for row in self.rows]
        self.column_totals = [sum(row[c] for row in self.rows if c < len(row)) for c in range(width)]
        self.total = sum(self.row_totals)
        # A line whose total is fewer than 5 shows none of its cells, zeros included: else its "fewer than 5"
        # cells would each be known to be at least 1, and four of them with such a total would all be 1.
        column_lengths = [sum(1 for row in self.rows if c < len(row)) for c in range(width)]
        self.in_small_line = [
            [
                (len(row) > 1 and is_small(self.row_totals[r]))
                or (column_lengths[c] > 1 and is_small(self.column_totals[c]))
                for c in range(len(row))
            ]
            for r, row in enumerate(self.rows)
        ]
        self.cells = [
            [is_small(value) or small_line for value, small_line in zip(row, lines, strict=True)]
            for row, lines in zip(self.rows, self.in_small_line, strict=True)
        ]
        # Nodes: 0 is S, 1 is T, rows from 2, columns after them.
        self.arcs: list[dict] = []
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                self.arcs.append(
                    {
                        "key": ("cell", r, c),
                        "ends": (2 + r, 2 + height + c),
                        "value": value,
                        "small_line": self.in_small_line[r][c],
                    }
                )
        for r, value in enumerate(self.row_totals):
            published = len(self.rows[r]) > 1
            self.arcs.append({"key": ("row", r), "ends": (0, 2 + r), "value": value, "published": published})
        for c, value in enumerate(self.column_totals):
            published = sum(1 for row in self.rows if c < len(row)) > 1
            self.arcs.append(
                {"key": ("column", c), "ends": (2 + height + c, 1), "value": value, "published": published}
            )
        self.arcs.append({"key": ("total",), "ends": (1, 0), "value": self.total})
        # The row totals are a line whose total is the grand total, and so are the column totals: when the
        # grand total is fewer than 5, none of them is shown either, zeros included.
        for arc in self.arcs:
            kind = arc["key"][0]
            if kind in ("row", "column") and is_small(self.total):
                arc["small_line"] = (height if kind == "row" else width) > 1
            arc.setdefault("published", True)
            arc["hidden"] = arc["published"] and (is_small(arc["value"]) or arc.get("small_line", False))
        self.by_key = {arc["key"]: arc for arc in self.arcs}
        self._sync_cells()

    def _sync_cells(self) -> None:
        for arc in self.arcs:
            if arc["key"][0] == "cell":
                _kind, r, c = arc["key"]
                arc["hidden"] = arc["hidden"] or self.cells[r][c]

    def _bounds(self, arc: dict) -> tuple[int, float]:
        """What a reader knows of a figure: exactly it when shown; 0 to 4 for a cell of a line whose total is
        fewer than 5; 1 to 4 for another small count; else 0 or more (a figure hidden only to protect another,
        or one that is not published). Knowing which hidden figures are small counts is more than the page
        tells: protected against that, they are protected against a real reader."""
        if not arc["published"]:
            return 0, float("inf")
        if not arc["hidden"]:
            return arc["value"], arc["value"]
        if arc.get("small_line"):
            return 0, THRESHOLD - 1
        if is_small(arc["value"]):
            return 1, THRESHOLD - 1
        return 0, float("inf")

    def _freedom(self) -> dict[int, list[tuple[int, int]]]:
        """The reader's freedom as a directed graph: from each node, (next node, arc) for every figure that can
        carry one unit more (tail to head) or one unit less (head to tail) within what the reader knows."""
        steps: dict[int, list[tuple[int, int]]] = {}
        for index, arc in enumerate(self.arcs):
            low, high = self._bounds(arc)
            tail, head = arc["ends"]
            if arc["value"] < high:
                steps.setdefault(tail, []).append((head, index))
            if arc["value"] > low:
                steps.setdefault(head, []).append((tail, index))
        return steps

    @staticmethod
    def _components(steps: dict[int, list[tuple[int, int]]]) -> dict[int, int]:
        """The strongly connected components of the freedom graph (Kosaraju's two passes, without recursion)."""
        nodes = set(steps) | {nxt for edges in steps.values() for nxt, _arc in edges}
        order, seen = [], set()
        for root in nodes:
            if root in seen:
                continue
            seen.add(root)
            stack = [(root, iter(steps.get(root, ())))]
            while stack:
                node, edges = stack[-1]
                for nxt, _arc in edges:
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, iter(steps.get(nxt, ()))))
                        break
                else:
                    stack.pop()
                    order.append(node)
        backwards: dict[int, list[int]] = {}
        for node, edges in steps.items():
            for nxt, _arc in edges:
                backwards.setdefault(nxt, []).append(node)
        component: dict[int, int] = {}
        for root in reversed(order):
            if root in component:
                continue
            component[root], frontier = root, [root]
            while frontier:
                for previous in backwards.get(frontier.pop(), ()):
                    if previous not in component:
                        component[previous] = root
                        frontier.append(previous)
        return component

    @staticmethod
    def _reaches(steps: dict[int, list[tuple[int, int]]], start: int, goal: int, without: int) -> bool:
        """Whether the reader's freedom lets a unit go from `start` to `goal` without using arc `without`: a
        depth-first search that goes down the first way out of each node at once (a table's total has an edge
        to every column; pushing them all first made each search as long as the table)."""
        if start == goal:
            return True
        seen, stack = {start}, [iter(steps.get(start, ()))]
        while stack:
            for nxt, arc in stack[-1]:
                if arc == without or nxt in seen:
                    continue
                if nxt == goal:
                    return True
                seen.add(nxt)
                stack.append(iter(steps.get(nxt, ())))
                break
            else:
                stack.pop()
        return False

    def _pinned(self, index: int, steps: dict, component: dict[int, int]) -> bool:
        """Whether the reader can tell arc `index`'s value: it can move by one only around a cycle of freedom
        through it, so both its ends must be in one strongly connected component. There, a figure free to move
        one way only is free (a path back cannot use the figure itself); one free both ways needs a search."""
        arc = self.arcs[index]
        low, high = self._bounds(arc)
        tail, head = arc["ends"]
        if tail not in component or component.get(tail) != component.get(head):
            return True
        grows, shrinks = arc["value"] < high, arc["value"] > low
        if grows != shrinks:
            return False
        can_grow = grows and self._reaches(steps, head, tail, index)
        can_shrink = shrinks and self._reaches(steps, tail, head, index)
        return not (can_grow or can_shrink)

    def _protect(self, pinned: dict) -> bool:
        """Hide one more shown figure next to a pinned one: a cell before a total, a count that is not zero
        before a zero, the smallest first; anywhere in the table when nothing next to it is left."""
        ends = set(pinned["ends"])
        shown = [arc for arc in self.arcs if arc["published"] and not arc["hidden"]]
        near = [arc for arc in shown if ends & set(arc["ends"])] or shown
        if not near:
            return False
        choice = min(near, key=lambda arc: (arc["key"][0] != "cell", arc["value"] == 0, arc["value"]))
        choice["hidden"] = True
        if choice["key"][0] == "cell":
            _kind, r, c = choice["key"]
            self.cells[r][c] = True
        return True

    def run(self) -> "_Suppression":
        _lone_cell_pass(self.rows, self.cells)
        self._sync_cells()
        # Hiding a figure only widens what the reader must allow for, so a figure once found free stays free:
        # each round checks only the others, in order, and protects the first one pinned.
        free: set[int] = set()
        while True:
            steps = self._freedom()
            component = self._components(steps)
            pinned = None
            for index, arc in enumerate(self.arcs):
                if index in free or not (arc["published"] and arc["hidden"]):
                    continue
                if self._pinned(index, steps, component):
                    pinned = arc
                    break
                free.add(index)
            if pinned is None or not self._protect(pinned):
                return self

    def hidden(self, key: tuple) -> bool:
        arc = self.by_key[key]
        if not arc["published"]:  # a line of one cell (its total is the cell) or of none
            kind, index = key
            if kind == "row":
                return any(self.cells[index])
            return any(self.cells[r][index] for r, row in enumerate(self.rows) if index < len(row))
        return arc["hidden"]


def _suppression(table: Sequence[Sequence[int]]) -> _Suppression:
    return _Suppression(table).run()


def suppress_table(table: Sequence[Sequence[int]]) -> list[list]:
    """The table with every cell that must be hidden replaced by "fewer than 5"."""
    mask = suppression_mask(table)
    return [
        [FEWER_THAN_5 if hidden else value for value, hidden in zip(row, mask_row, strict=True)]
        for row, mask_row in zip(table, mask, strict=True)
    ]


def suppress_series(values: Sequence[int]) -> list:
    """A single row of counts whose total is shown."""
    return suppress_table([list(values)])[0]


def suppress_table_with_totals(table: Sequence[Sequence[int]]) -> dict:
    """The table and its totals as they may be shown: {"cells", "row_totals", "column_totals", "total"}, every
    hidden figure "fewer than 5". Use this (not `suppress_count` on totals) whenever totals are shown."""
    done = _suppression(table)

    def shown(value, hidden):
        return FEWER_THAN_5 if hidden else value

    return {
        "cells": [
            [shown(value, hidden) for value, hidden in zip(row, mask_row, strict=True)]
            for row, mask_row in zip(done.rows, done.cells, strict=True)
        ],
        "row_totals": [shown(v, done.hidden(("row", r))) for r, v in enumerate(done.row_totals)],
        "column_totals": [shown(v, done.hidden(("column", c))) for c, v in enumerate(done.column_totals)],
        "total": shown(done.total, done.hidden(("total",))),
    }


def suppress_series_with_total(values: Sequence[int]) -> tuple[list, object]:
    """A single row of counts and its total, as they may be shown."""
    result = suppress_table_with_totals([list(values)])
    return result["cells"][0], result["total"]
