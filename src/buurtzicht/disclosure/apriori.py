"""The a-priori interval: what the statuses alone give away, whatever is suppressed.

Publishing reasons has a price. A ``min_units`` count is known to lie in ``[1, 9]``; a
published zero beside it says it is not zero; a ``secondary`` count is known to be at
least 10. Together with additivity these statuses can narrow a cell even if every
other figure were hidden: a total of two ``min_units`` counts is at least 2. No choice
of complementary cells can undo that, so a protection level is capped by this
*a-priori interval* (Hundepool et al. 2012, §4.3.2, "a priori bounds").

The interval is computed on a neighbourhood of the cell with every relation that
touches it complete and every relation further out *dropped*, which makes it wider
than the exact a-priori interval: the cap errs on the strict side. Several such
relaxations (a wijk family, neighbourhoods of two and four steps) each bound the exact
interval from outside, so their intersection does too; secondary suppression and the
audit apply them in the same order.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from buurtzicht.disclosure.lp import feasible_intervals, highs_model, solve_objective, unit_scale
from buurtzicht.disclosure.neighbourhood import BallFinder
from buurtzicht.disclosure.reach import reach_intervals
from buurtzicht.disclosure.structure import Structure

#: Relation steps of the neighbourhood the a-priori interval is computed on, the deeper
#: one for cells whose protection falls short of the first cap; cells per step.
APRIORI_DEPTH = 2
APRIORI_DEEPER = 4
APRIORI_BUDGET = 600
#: Region levels below a total at most (buurt -> wijk -> gemeente -> NL).
_LEVELS = 3


def apriori_interval(
    structure: Structure,
    finder: BallFinder,
    status_bounds: np.ndarray,
    cell: int,
    depth: int = APRIORI_DEPTH,
    *,
    low: bool = True,
    high: bool = True,
) -> tuple[float, float]:
    """Smallest and largest value of ``cell`` given only the statuses of all cells.

    ``status_bounds`` holds per cell what its status alone says: the reason's bounds
    for a primary cell, the ``secondary`` bounds for every other cell (it might be
    suppressed), ``[0, 0]`` for a published or structural zero. ``low=False`` or
    ``high=False`` leaves out that end (``-inf``/``inf``: one program less).
    """
    ball = finder.ball(cell, depth, APRIORI_BUDGET * depth)
    relations = np.unique(structure.csc[:, ball].tocoo().row)
    if not len(relations):
        return float(status_bounds[cell, 0]), float(status_bounds[cell, 1])
    rows = structure.matrix[relations]
    variables = np.unique(np.concatenate([[cell], rows.indices]))
    matrix = sparse.csr_matrix(rows[:, variables])
    target = int(np.searchsorted(variables, cell))
    bounds = status_bounds[variables]
    scale = unit_scale(bounds[:, 0], bounds[:, 1])
    highs = highs_model(
        matrix,
        np.zeros(len(relations)),
        np.zeros(len(relations)),
        bounds[:, 0] / scale,
        bounds[:, 1] / scale,
    )
    highs.changeColCost(target, 1.0)
    smallest = solve_objective(highs, highspy.ObjSense.kMinimize) * scale if low else -np.inf
    largest = solve_objective(highs, highspy.ObjSense.kMaximize) * scale if high else np.inf
    return float(smallest), float(largest)


def block_apriori(
    structure: Structure,
    status_bounds: np.ndarray,
    block: np.ndarray,
    targets: np.ndarray,
    *,
    start: np.ndarray | None = None,
    wanted: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A-priori intervals of ``targets`` (cell numbers) computed on one block.

    Every relation touching the block is kept whole (its cells outside the block are
    free within their status bounds) and every other relation is dropped: again a
    relaxation, so again wider than the exact a-priori interval. Used for buurten,
    with the buurten of one wijk as the block, by secondary suppression and audit alike.

    With ``wanted`` (``(len(targets), 2)``: the low and high end a cap would cut,
    ``inf``/``-inf`` where no end is needed) and ``start`` (a value of each target
    within its status bounds, the true one) only the caps that bind are computed: an
    end the statuses allow to reach (proven by points, :mod:`.reach`) comes back as
    ``-inf``/``inf`` (no cap), the others exactly.
    """
    relations = np.unique(structure.csc[:, block].tocoo().row)
    if not len(relations):
        return status_bounds[targets, 0].copy(), status_bounds[targets, 1].copy()
    rows = structure.matrix[relations]
    variables = np.unique(np.concatenate([block, rows.indices]))
    matrix = sparse.csr_matrix(rows[:, variables])
    local = np.searchsorted(variables, targets)
    if wanted is None or start is None:
        return feasible_intervals(
            matrix,
            np.zeros(len(relations)),
            status_bounds[variables, 0],
            status_bounds[variables, 1],
            local,
        )
    low, high, _ = reach_intervals(
        matrix, np.zeros(len(relations)), status_bounds[variables], local, start, wanted
    )
    # An end a point reached within the slack of :func:`reach_intervals` was not solved
    # for exactly: it is no cap (the wider, the stricter).
    scale = unit_scale(status_bounds[variables, 0], status_bounds[variables, 1])
    slack = 2e-5 * np.maximum(scale, np.abs(start))
    low = np.where(low <= wanted[:, 0] + slack, -np.inf, low)
    high = np.where(high >= wanted[:, 1] - slack, np.inf, high)
    return low, high


def absorbable(structure: Structure, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell the range its parts below can add up to, within every cell's bounds.

    Bottom-up over the region relations: a total lies between the sums of its parts'
    lower and upper ends (and within its own bounds), level after level. A gemeente
    cell whose wijken are each suppressed at 1 (known not to be 0) cannot move down,
    however far its own bounds reach: a top certificate that moves it so no block can
    absorb. Limiting the top table's rooms to this range is a necessary condition of
    absorption, so the top table no longer proposes movements its blocks must refuse
    (on the scale-1.0 release 725 of 897 gemeente cells failed that way before).
    """
    low, high = bounds[:, 0].copy(), bounds[:, 1].copy()
    rows = structure.matrix[np.flatnonzero(structure.kind == "region")]
    if not rows.shape[0]:
        return low, high
    parts = (rows < 0).astype(float).tocsr()
    parent = np.asarray((rows > 0).astype(float).argmax(axis=1)).ravel()
    for _ in range(_LEVELS):
        finite = np.where(np.isfinite(high), high, 0.0)
        unbounded = (parts @ (~np.isfinite(high)).astype(float)) > 0
        np.maximum.at(low, parent, parts @ low)
        np.minimum.at(high, parent, np.where(unbounded, np.inf, parts @ finite))
    return low, high
