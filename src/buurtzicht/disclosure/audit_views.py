"""The audit's views: feasible intervals on ever wider parts of the table.

A view is a set of cells whose values the attacker may vary; every other cell is
fixed at its true value. Fixing cells only gives the attacker more knowledge, so each
view's interval lies inside the attacker's true interval, and the widest interval any
view finds is safe to use. Views go from narrow to wide: wijk family, gemeente block,
neighbourhood (:mod:`buurtzicht.disclosure.blocks`, :mod:`.neighbourhood`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from buurtzicht.disclosure.neighbourhood import BallFinder, submatrix
from buurtzicht.disclosure.reach import reach_intervals
from buurtzicht.disclosure.search_state import DEPTHS
from buurtzicht.disclosure.structure import Structure

#: Neighbourhood (depth, budget) for cells outside gemeente blocks.
AUDIT_BALL = (4, 4_000)


def intervals(
    structure: Structure,
    x: np.ndarray,
    bounds: np.ndarray,
    hidden: np.ndarray,
    views: list[np.ndarray],
    wanted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Interval of every hidden cell in the first view that holds it, else a neighbourhood.

    ``views`` are blocks of cells (wijk families, gemeente blocks); a hidden cell is
    audited in the first view it belongs to, on one warm-started model per view.
    ``wanted`` (``(n, 2)``) holds the ends each cell must reach
    (:func:`buurtzicht.disclosure.reach.reach_intervals`).
    """
    low, high = x.copy(), x.copy()
    variable = bounds[:, 1] > bounds[:, 0]
    done = np.zeros(len(x), dtype=bool)
    # A view without a cell that must reach beyond its true value leaves every interval
    # at that value (no point is sought): skip it, and build no model.
    needed = _beyond(x, wanted)
    programs = 0
    for view in views:
        cells = view[variable[view] | hidden[view]]
        targets = np.flatnonzero(hidden[cells] & ~done[cells])
        if len(targets) and needed[cells[targets]].any():
            chosen = cells[targets]
            low[chosen], high[chosen], more = _solve(structure, x, bounds, cells, targets, wanted)
            programs += more
        done[cells[targets]] = True
    finder = BallFinder(structure, variable | hidden)
    for s in np.flatnonzero(hidden & ~done & needed):
        low[s], high[s], more = _ball_interval(structure, finder, x, bounds, int(s), wanted)
        programs += more
    return low, high, programs


def _beyond(x: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Cells whose wanted ends lie beyond their true value (what a view must prove)."""
    slack = 1e-5 * np.maximum(1.0, np.abs(x))
    return (x > wanted[:, 0] + slack) | (x < wanted[:, 1] - slack)


def _ball_interval(
    structure: Structure,
    finder: BallFinder,
    x: np.ndarray,
    bounds: np.ndarray,
    cell: int,
    wanted: np.ndarray,
    size: tuple[int, int] = AUDIT_BALL,
) -> tuple[float, float, int]:
    ball = finder.ball(cell, *size)
    lo, hi, programs = _solve(structure, x, bounds, ball, np.array([0]), wanted)
    return float(lo[0]), float(hi[0]), programs


def _solve(
    structure: Structure,
    x: np.ndarray,
    bounds: np.ndarray,
    cells: np.ndarray,
    targets: np.ndarray,
    wanted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Intervals of ``cells[targets]``; every cell not in ``cells`` is held fixed."""
    matrix, _ = submatrix(structure, cells)
    rhs = matrix @ x[cells]
    chosen = cells[targets]
    return reach_intervals(matrix, rhs, bounds[cells], targets, x[chosen], wanted[chosen])


def relook(
    intervals: pd.DataFrame,
    cells: pd.DataFrame,
    wider: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, int]],
    among: np.ndarray,
) -> tuple[pd.DataFrame, int]:
    """Recompute failing cells' intervals (``among`` them) with a wider view; re-judge.

    Every view is a restriction of the attacker's full problem, so the widest interval
    any view finds is still within the attacker's: taking it is safe. Cells whose
    interval is already exact (trees) gain nothing from a wider view.
    """
    failing = np.flatnonzero(
        ~intervals["protected"].to_numpy()
        & intervals["hidden"].to_numpy()
        & among[intervals["cell"].to_numpy(np.int64)]
    )
    if not len(failing):
        return intervals, 0
    targets = intervals["cell"].to_numpy(np.int64)[failing]
    lo, hi, programs = wider(targets)
    count = cells["count"].to_numpy(bool)[targets]
    lo = np.where(count, np.ceil(lo - 1e-6), lo)
    hi = np.where(count & np.isfinite(hi), np.floor(hi + 1e-6), hi)
    low = intervals["low"].to_numpy(float).copy()
    high = intervals["high"].to_numpy(float).copy()
    low[failing] = np.minimum(low[failing], lo)
    high[failing] = np.maximum(high[failing], hi)
    out = intervals.assign(low=low, high=high)
    slack = 1e-5 * np.maximum(1.0, np.abs(out["value"].to_numpy(float)))
    out["protected"] = out["protected"] | (
        out["hidden"]
        & (out["high"] >= out["required_high"] - slack)
        & (out["low"] <= out["required_low"] + slack)
    )
    return out, programs


def in_blocks(
    structure: Structure,
    x: np.ndarray,
    bounds: np.ndarray,
    hidden: np.ndarray,
    blocks: list[np.ndarray],
    wanted: np.ndarray,
) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, int]]:
    """A wider view: each target in its gemeente block."""

    def compute(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        low, high = x[targets].copy(), x[targets].copy()
        programs = 0
        block_of = np.full(len(x), -1, dtype=np.int64)
        for k, block in enumerate(blocks):
            block_of[block] = k
        variable = (bounds[:, 1] > bounds[:, 0]) | hidden
        for k in np.unique(block_of[targets]):
            if k < 0:
                continue
            rows = np.flatnonzero(block_of[targets] == k)
            view = blocks[k][variable[blocks[k]]]
            local = np.searchsorted(view, targets[rows])
            low[rows], high[rows], more = _solve(structure, x, bounds, view, local, wanted)
            programs += more
        return low, high, programs

    return compute


def in_neighbourhoods(
    structure: Structure,
    x: np.ndarray,
    bounds: np.ndarray,
    hidden: np.ndarray,
    wanted: np.ndarray,
    size: tuple[int, int] = DEPTHS[-1],
) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, int]]:
    """A wider view: each target on its neighbourhood of ``size`` (depth, cells).

    Secondary suppression's certificates lie in neighbourhoods of at most
    ``DEPTHS[-1]``, so the widest of these views finds every one of them; the audit
    tries the same sizes in turn, each only for the cells the smaller one left failing.
    """
    finder = BallFinder(structure, hidden | (bounds[:, 1] > 0))

    def compute(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        found = [
            _ball_interval(structure, finder, x, bounds, int(t), wanted, size) for t in targets
        ]
        low, high, programs = (np.array([f[k] for f in found]) for k in range(3))
        return low, high, int(programs.sum())

    return compute
