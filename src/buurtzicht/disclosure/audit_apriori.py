"""A-priori caps of the audit: requirements cut to what the statuses alone give away.

A cell whose interval falls short in every view may still be safe: its own status and
its neighbours' statuses can pin it down whatever else were hidden (a total of two
``min_units`` counts is at least 2). The audit then caps the requirement by an
a-priori interval (:mod:`buurtzicht.disclosure.apriori`), computed on relaxations that
are wider than the exact one, in the same order as secondary suppression does.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from buurtzicht.disclosure.apriori import absorbable, apriori_interval, block_apriori
from buurtzicht.disclosure.neighbourhood import BallFinder
from buurtzicht.disclosure.structure import Structure


def cap_a_priori(
    intervals: pd.DataFrame,
    cells: pd.DataFrame,
    apriori: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    among: np.ndarray,
) -> pd.DataFrame:
    """Re-judge failing cells (``among`` them) with requirements capped a priori."""
    failing = np.flatnonzero(
        ~intervals["protected"].to_numpy()
        & intervals["hidden"].to_numpy()
        & among[intervals["cell"].to_numpy(np.int64)]
    )
    if not len(failing):
        return intervals
    required_low = intervals["required_low"].to_numpy(float).copy()
    required_high = intervals["required_high"].to_numpy(float).copy()
    targets = intervals["cell"].to_numpy(np.int64)[failing]
    # Only the ends that fall short need a cap (the other end is reached already).
    short_low = intervals["low"].to_numpy(float)[failing] > required_low[failing] + 1e-5 * (
        np.maximum(1.0, np.abs(intervals["value"].to_numpy(float)[failing]))
    )
    short_high = intervals["high"].to_numpy(float)[failing] < required_high[failing] - 1e-5 * (
        np.maximum(1.0, np.abs(intervals["value"].to_numpy(float)[failing]))
    )
    wanted = np.column_stack(
        [
            np.where(short_low, required_low[failing], np.inf),
            np.where(short_high, required_high[failing], -np.inf),
        ]
    )
    low, high = apriori(targets, wanted)
    count = cells["count"].to_numpy(bool)[targets]
    low = np.where(count, np.ceil(low - 1e-6), low)
    high = np.where(count, np.floor(high + 1e-6), high)
    required_low[failing] = np.maximum(required_low[failing], low)
    required_high[failing] = np.minimum(required_high[failing], high)
    slack = 1e-5 * np.maximum(1.0, np.abs(intervals["value"].to_numpy(float)))
    reaches = (intervals["high"].to_numpy(float) >= required_high - slack) & (
        intervals["low"].to_numpy(float) <= required_low + slack
    )
    out = intervals.assign(required_low=required_low, required_high=required_high)
    out.loc[out.index[failing], "protected"] = reaches[failing]
    return out


def family_apriori(
    families: list[np.ndarray], structure: Structure, status: np.ndarray, x: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A-priori intervals on the block (wijk family, table) holding each target (else none).

    Only the ends in ``wanted`` that the statuses do not allow to reach are computed
    (:func:`buurtzicht.disclosure.apriori.block_apriori`); ``x`` are the true values.
    """
    family_of = np.full(len(status), -1, dtype=np.int64)
    for k, family in enumerate(families):
        family_of[family] = k

    def compute(targets: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low, high = np.full(len(targets), -np.inf), np.full(len(targets), np.inf)
        for k in np.unique(family_of[targets]):
            if k >= 0:
                rows = np.flatnonzero(family_of[targets] == k)
                low[rows], high[rows] = block_apriori(
                    structure,
                    status,
                    families[k],
                    targets[rows],
                    start=x[targets[rows]],
                    wanted=wanted[rows],
                )
        return low, high

    return compute


def ball_apriori(
    structure: Structure, status: np.ndarray, depth: int
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A-priori intervals on a neighbourhood of ``depth`` relation steps (wanted ends only)."""
    finder = BallFinder(structure, np.ones(len(status), dtype=bool))

    def compute(targets: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pairs = [
            apriori_interval(
                structure,
                finder,
                status,
                int(t),
                depth,
                low=bool(np.isfinite(w[0])),
                high=bool(np.isfinite(w[1])),
            )
            for t, w in zip(targets, wanted, strict=True)
        ]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    return compute


def summed_apriori(
    structure: Structure, status: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A-priori intervals from the sums of the parts below each total (no programs).

    A total lies between the sums of its parts' status bounds, level after level
    (:func:`~buurtzicht.disclosure.apriori.absorbable`): a relaxation that keeps only
    the region relations below the cell, so again wider than the exact interval. It is
    the bound the top table limits a gemeente cell's movement by.
    """
    low, high = absorbable(structure, status)
    return lambda targets, _: (low[targets], high[targets])
