"""Proving reach with feasible points: fewer linear programs per audit view.

The audit does not need every suppressed cell's exact minimum and maximum; it needs to
know that the attacker's interval reaches the cell's required ends. *Any* point of
the attacker's polytope proves that for every cell it moves far enough: the point is
a table the attacker cannot rule out. One program with a random objective over a
view (a wijk family, a gemeente block) pushes many cells to the ends of their
intervals at once, so a few such programs prove most cells of the view, and only the
cells and directions still open get their own program (minimum or maximum), as
before. The true table is a point too, so every interval at least holds the true
value.

Every point lies inside the attacker's polytope, so the intervals found this way lie
inside the attacker's intervals: the audit stays on the strict side. For cells the
audit only reports (complementary suppressions, which need no protection) the
interval is what the points reached, not the optimum.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from buurtzicht.disclosure.lp import highs_model, solve_objective, unit_scale

#: Random-objective rounds per view at most; rounds stop early when one proves nothing.
ROUNDS = 8
_SLACK = 1e-5


def reach_intervals(
    matrix: sparse.spmatrix,
    rhs: np.ndarray,
    bounds: np.ndarray,
    targets: np.ndarray,
    start: np.ndarray,
    wanted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Intervals of ``targets`` inside their feasible intervals, reaching ``wanted``.

    ``bounds`` is ``(n, 2)`` per variable; ``start`` a feasible value per target (the
    true one); ``wanted`` ``(len(targets), 2)``: the low end to reach (``inf``: none)
    and the high end (``-inf``: none). A direction not proven by a point is solved
    exactly. Returns low, high and the number of programs solved.
    """
    scale = unit_scale(rhs, bounds[:, 0], bounds[:, 1])
    highs = highs_model(
        matrix, rhs / scale, rhs / scale, bounds[:, 0] / scale, bounds[:, 1] / scale
    )
    low, high = start / scale, start.copy() / scale
    wanted = wanted / scale
    slack = _SLACK * np.maximum(1.0, np.abs(start / scale))
    programs = 0
    if len(targets) > 1:
        programs += _random_rounds(highs, bounds[:, 1] / scale, targets, low, high, wanted, slack)
    for k in np.flatnonzero(low > wanted[:, 0] + slack):
        highs.changeColCost(int(targets[k]), 1.0)
        low[k] = min(low[k], solve_objective(highs, highspy.ObjSense.kMinimize))
        highs.changeColCost(int(targets[k]), 0.0)
        programs += 1
    for k in np.flatnonzero(high < wanted[:, 1] - slack):
        highs.changeColCost(int(targets[k]), 1.0)
        high[k] = max(high[k], solve_objective(highs, highspy.ObjSense.kMaximize))
        highs.changeColCost(int(targets[k]), 0.0)
        programs += 1
    return low * scale, high * scale, programs


def _random_rounds(
    highs: highspy.Highs,
    upper: np.ndarray,
    targets: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    wanted: np.ndarray,
    slack: np.ndarray,
) -> int:
    """Maximise random combinations of the open targets; keep what the points reach."""
    n = len(upper)
    finite = upper[np.isfinite(upper)]
    # A random objective can run off along an unbounded ray: cap the open ends far out
    # (a point within tighter bounds is still a point of the polytope).
    ceiling = 10.0 * max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)
    ceiling = max(ceiling, 10.0 * float(np.abs(wanted[np.isfinite(wanted)]).max(initial=1.0)))
    unbounded = np.flatnonzero(~np.isfinite(upper)).astype(np.int32)
    if len(unbounded):
        highs.changeColsBounds(
            len(unbounded), unbounded, _lower(highs, unbounded), np.full(len(unbounded), ceiling)
        )
    rng = np.random.default_rng(0)
    every = np.arange(n, dtype=np.int32)
    programs = 0
    for round_ in range(ROUNDS):
        open_low = low > wanted[:, 0] + slack
        open_high = high < wanted[:, 1] - slack
        if not (open_low | open_high).any():
            break
        sign = np.where(rng.random(len(targets)) < 0.5, 1.0, -1.0) * (1 if round_ % 2 else -1)
        sign = np.where(open_low & ~open_high, -1.0, np.where(open_high & ~open_low, 1.0, sign))
        sign[~(open_low | open_high)] = 0.0
        cost = np.zeros(n)
        cost[targets] = sign * rng.uniform(0.5, 1.5, len(targets))
        highs.changeColsCost(n, every, cost)
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        highs.run()
        programs += 1
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            highs.clearSolver()
            break
        point = np.asarray(highs.getSolution().col_value)[targets]
        before = int(open_low.sum() + open_high.sum())
        np.minimum(low, point, out=low)
        np.maximum(high, point, out=high)
        after = int((low > wanted[:, 0] + slack).sum() + (high < wanted[:, 1] - slack).sum())
        if after == before:
            break
    highs.changeColsCost(n, every, np.zeros(n))
    if len(unbounded):
        highs.changeColsBounds(
            len(unbounded),
            unbounded,
            _lower(highs, unbounded),
            np.full(len(unbounded), highspy.kHighsInf),
        )
    return programs


def _lower(highs: highspy.Highs, columns: np.ndarray) -> np.ndarray:
    return np.asarray(highs.getLp().col_lower_)[columns]
