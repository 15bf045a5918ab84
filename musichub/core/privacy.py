"""Small-number suppression for every figure shown outside the hub-staff dashboard.

Counts from 1 to 4 are shown as "fewer than 5" (primary suppression). Where a row or column total is shown,
a single suppressed cell could be worked out by subtraction, so a second cell in that row or column is
suppressed too (secondary suppression), repeated until no row or column has exactly one suppressed cell.
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
    """Which cells of a table (rows of counts, totals shown for rows and columns) must be hidden."""
    rows = [list(row) for row in table]
    mask = [[is_small(value) for value in row] for row in rows]
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
    return mask


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
