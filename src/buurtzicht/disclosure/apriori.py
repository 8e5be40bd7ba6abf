"""The a-priori interval: what the statuses alone give away, whatever is suppressed.

Publishing reasons has a price. A ``min_units`` count is known to lie in ``[1, 9]``; a
published zero beside it says it is not zero; a ``secondary`` count is known to be at
least 10. Together with additivity these statuses can narrow a cell even if every
other figure were hidden: a total of two ``min_units`` counts is at least 2. No choice
of complementary cells can undo that, so a protection level is capped by this
*a-priori interval* (Hundepool et al. 2012, §4.3.2, "a priori bounds").

The interval is computed on a neighbourhood of the cell with every relation that
touches it complete and every relation further out *dropped*, which makes it wider
than the exact a-priori interval: the cap errs on the strict side.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from buurtzicht.disclosure.lp import feasible_intervals
from buurtzicht.disclosure.neighbourhood import BallFinder
from buurtzicht.disclosure.structure import Structure

#: Relation steps of the neighbourhood the a-priori interval is computed on.
APRIORI_DEPTH = 2
APRIORI_BUDGET = 600


def apriori_interval(
    structure: Structure, finder: BallFinder, status_bounds: np.ndarray, cell: int
) -> tuple[float, float]:
    """Smallest and largest value of ``cell`` given only the statuses of all cells.

    ``status_bounds`` holds per cell what its status alone says: the reason's bounds
    for a primary cell, the ``secondary`` bounds for every other cell (it might be
    suppressed), ``[0, 0]`` for a published or structural zero.
    """
    ball = finder.ball(cell, APRIORI_DEPTH, APRIORI_BUDGET)
    relations = np.unique(structure.csc[:, ball].tocoo().row)
    if not len(relations):
        return float(status_bounds[cell, 0]), float(status_bounds[cell, 1])
    rows = structure.matrix[relations]
    variables = np.unique(np.concatenate([[cell], rows.indices]))
    matrix = sparse.csr_matrix(rows[:, variables])
    target = int(np.searchsorted(variables, cell))
    low, high = feasible_intervals(
        matrix,
        np.zeros(len(relations)),
        status_bounds[variables, 0],
        status_bounds[variables, 1],
        np.array([target]),
    )
    return float(low[0]), float(high[0])
