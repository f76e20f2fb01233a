"""Statistical disclosure control for `mmb report --public`: which cells to hide.

Plain Python, no rendering. A figure of the report is a `Cell`: its value and the households
behind it. `protect` hides cells in two steps:

1. *Primary suppression*: a cell that rests on fewer than `threshold` distinct households
   (but on at least one: a true zero is shown), or an amount dominated by one household
   (more than `DOMINANCE` of the cell), or an amount that every household in the cell
   received equally (the amount would reveal each household's grant).
2. *Secondary suppression*: the published tables have totals; a `Line` says that some
   cells add up (with signs) to a value that is known from the rest of the report. A
   suppressed cell must not be recoverable from any combination of lines, so: while a line
   has exactly one hidden cell, hide the smallest visible other cell of that line; then
   solve the whole system of lines exactly (rational Gaussian elimination) and, for every
   hidden cell it still determines, hide one more cell on a line through it; repeat.

The unit is the household, not the case or the payment: a household with three requests is
still one person's story.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

#: An amount is hidden when one household holds more than this share of it.
DOMINANCE = Decimal("0.85")

Unit = Literal["count", "euro", "hours"]
#: Why a cell is hidden: "" (shown), "primary" (too few households or dominated),
#: "secondary" (would be recoverable from totals), "derived" (computed from a hidden cell),
#: "policy" (never published in a public report, e.g. a median grant, which is one
#: household's amount).
Hidden = Literal["", "primary", "secondary", "derived", "policy"]
HouseholdKey = tuple[int, str]


@dataclass(eq=False)
class Cell:
    """One published figure. `households` maps each contributing household to its share
    (a count of cases, or euros). `protect` is False for figures that concern no household
    (a team's budget, bank costs): they are never hidden. Cells compare by identity, so the
    same total can stand in several tables."""

    value: int | Decimal | None
    unit: Unit = "count"
    households: dict[HouseholdKey, Decimal] = field(default_factory=dict, repr=False)
    protect: bool = True
    is_total: bool = False
    suppressed: Hidden = ""

    @property
    def shown(self) -> int | Decimal | None:
        """The value as published: None when hidden or not known."""
        return None if self.suppressed else self.value

    @property
    def hidden(self) -> bool:
        return bool(self.suppressed)


#: Cells that add up, with signs, to a value known from the rest of the report
#: (e.g. `district A + district B - total = 0`, or `spent + unspent = budget - costs`).
Line = list[tuple[Cell, int]]


@dataclass
class Protection:
    """What `protect` did, for the report's method note (never which cell or why)."""

    threshold: int
    primary: int = 0
    secondary: int = 0


def needs_primary(cell: Cell, threshold: int) -> bool:
    """Primary suppression rule for one cell (see the module docstring)."""
    if not cell.protect or cell.value is None:
        return False
    shares = [abs(v) for v in cell.households.values()]
    n = len(shares)
    if n == 0:
        return False  # a true zero identifies nobody
    if n < threshold:
        return True
    if cell.unit == "euro":
        whole = sum(shares, Decimal(0))
        if whole > 0 and max(shares) > DOMINANCE * whole:
            return True
        if n >= 2 and len(set(cell.households.values())) == 1:
            return True
    return False


def protect(cells: Iterable[Cell], lines: Sequence[Line], threshold: int) -> Protection:
    """Hide cells (primary, then secondary) in place; return the counts."""
    log = Protection(threshold=threshold)
    for cell in cells:
        if not cell.suppressed and needs_primary(cell, threshold):
            cell.suppressed = "primary"
            log.primary += 1
    usable = [line for line in lines if len(line) >= 2]
    while True:
        _close_singletons(usable, log)
        stuck = recoverable(usable)
        if not stuck or not _widen(stuck, usable, log):
            return log  # safe, or nothing visible is left to hide near the stuck cells


def singleton_lines(lines: Sequence[Line]) -> list[Line]:
    """Lines with exactly one hidden protected cell: that cell equals the known value
    minus the visible cells, so it is not protected."""
    return [line for line in lines if sum(1 for c, _ in line if c.hidden) == 1]


def _size(cell: Cell) -> Decimal:
    return abs(Decimal(cell.value or 0))


def _candidates(line: Line) -> list[Cell]:
    """Visible cells of a line, best choice for secondary suppression first: a non-zero
    cell before a zero (hiding a true zero protects little), the smallest value (the least
    information lost), a breakdown cell before a total, then line order (deterministic)."""
    visible = [(i, c) for i, (c, _) in enumerate(line) if not c.hidden and c.protect]
    visible.sort(key=lambda t: (t[1].value == 0, _size(t[1]), t[1].is_total, t[0]))
    return [c for _, c in visible]


def _close_singletons(lines: Sequence[Line], log: Protection) -> None:
    """Until no line has exactly one hidden cell, hide the best other cell of such a line."""
    while True:
        progress = False
        for line in singleton_lines(lines):
            options = _candidates(line)
            if options:
                options[0].suppressed = "secondary"
                log.secondary += 1
                progress = True
        if not progress:
            return


def _widen(stuck: Sequence[Cell], lines: Sequence[Line], log: Protection) -> bool:
    """Hide one more cell: the smallest visible one on a line through a recoverable cell,
    else (all those lines hidden already) on any line that holds a hidden cell."""
    groups = [[line for line in lines if any(c is cell for c, _ in line)] for cell in stuck]
    groups.append([line for line in lines if any(c.hidden for c, _ in line)])
    for group in groups:
        options = [o for line in group for o in _candidates(line)[:1]]
        if options:
            best = min(options, key=lambda c: (c.value == 0, _size(c), c.is_total))
            best.suppressed = "secondary"
            log.secondary += 1
            return True
    return False


def recoverable(lines: Sequence[Line]) -> list[Cell]:
    """Hidden cells whose exact value follows from the lines and the visible cells.

    The hidden cells are the unknowns of a linear system (one equation per line, visible
    cells moved to the known side). An unknown is determined exactly when its unit vector
    lies in the row space of the system; after reduction to row echelon form that is when
    its pivot row has no other non-zero entry.
    """
    index: dict[int, int] = {}
    cells: list[Cell] = []
    rows: list[dict[int, Fraction]] = []
    for line in lines:
        row: dict[int, Fraction] = {}
        for cell, coef in line:
            if not cell.hidden:
                continue
            key = id(cell)
            if key not in index:
                index[key] = len(cells)
                cells.append(cell)
            j = index[key]
            row[j] = row.get(j, Fraction(0)) + coef
            if row[j] == 0:
                del row[j]
        if row:
            rows.append(row)
    pivots = _reduce(rows)
    return [cells[j] for j, row in pivots.items() if len(row) == 1]


def _reduce(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form of a sparse matrix: {pivot column: its normalised row}."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for start in rows:
        row = dict(start)
        # eliminate existing pivots from the new row
        for j in [j for j in row if j in pivots]:
            factor = row.get(j)
            if factor:
                _axpy(row, pivots[j], -factor)
        if not row:
            continue
        j = min(row)
        scale = row[j]
        row = {k: v / scale for k, v in row.items()}
        # keep the form reduced: clear column j from the other pivot rows
        for other in pivots.values():
            factor = other.get(j)
            if factor:
                _axpy(other, row, -factor)
        pivots[j] = row
    return pivots


def _axpy(target: dict[int, Fraction], source: dict[int, Fraction], factor: Fraction) -> None:
    """target += factor * source, dropping zeros."""
    for k, v in source.items():
        value = target.get(k, Fraction(0)) + factor * v
        if value:
            target[k] = value
        else:
            target.pop(k, None)
