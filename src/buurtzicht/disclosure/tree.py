"""Exact feasible intervals on tree-shaped tables, without linear programming.

Most secure measures are one-dimensional: a measure in one period adds up along the
region hierarchy (buurten to their wijk, wijken to their gemeente, gemeenten to
NL01) and sits in no table total. Such a table is a *tree* of additive relations:
every cell is the total of at most one relation and a part of at most one. On a tree
the attacker's linear program separates, and two passes give every cell's exact
feasible interval (the LP optimum, also the integer one when all bounds are integer):

* upwards, the interval a subtree allows its root, ``U(v) = B(v) ∩ Σ U(child)``
  (``B`` the cell's own bounds);
* downwards, the whole table's interval, ``F(v) = U(v) ∩ (F(parent) - Σ U(sibling))``.

Both are exact because, once a parent's value is fixed, its children's subtrees and
the rest of the table no longer constrain each other. Both passes are vectorised per
depth, so a national measure of 36,000 cells takes milliseconds where per-cell LPs
took minutes.

Cells that sit in a table total (linked measures), in two region relations
(overlapping groupings) or in a cycle are not part of any tree; they stay with the
general LP machinery (:mod:`buurtzicht.disclosure.lp`).

References
----------
de Wolf, P.P. (2002). HiTaS: a heuristic approach to cell suppression in hierarchical
tables. *Inference Control in Statistical Databases*, LNCS 2316, 74-82.
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, §4.3.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from buurtzicht.disclosure.structure import Structure


@dataclass(frozen=True)
class Forest:
    """The tree-shaped part of a table.

    Attributes
    ----------
    member : bool array, one per cell
        True for cells in a tree component (every cell of that component too).
    parent : int array, one per cell
        The total of the relation the cell is a part of; -1 for a root or a non-member.
    levels : list of int arrays
        Member cells by depth (0: roots).
    """

    member: np.ndarray
    parent: np.ndarray
    levels: tuple[np.ndarray, ...]

    @property
    def depth(self) -> int:
        return len(self.levels)


def find_forest(structure: Structure) -> Forest:
    """The cells whose connected component is a tree of region relations."""
    n = int(structure.matrix.shape[1])
    coo = structure.matrix.tocoo()
    region = structure.kind[coo.row] == "region" if len(coo.row) else np.array([], dtype=bool)
    as_total = np.bincount(coo.col[coo.data > 0], minlength=n)
    as_part = np.bincount(coo.col[coo.data < 0], minlength=n)
    in_category = np.bincount(coo.col[~region], minlength=n) > 0
    fits = (as_total <= 1) & (as_part <= 1) & ~in_category
    component = _components(structure.matrix, n)
    bad_component = np.bincount(component, weights=~fits, minlength=component.max() + 1) > 0
    parts = coo.data < 0
    total_of = np.full(structure.n_relations, -1, dtype=np.int64)
    total_of[coo.row[coo.data > 0]] = coo.col[coo.data > 0]
    parent = np.full(n, -1, dtype=np.int64)
    parent[coo.col[parts]] = total_of[coo.row[parts]]
    member = ~bad_component[component]
    parent[~member] = -1
    levels, placed = _levels(parent, member)
    if not placed.all():  # a cycle: leave its components to the LPs
        cyclic = np.unique(component[member & ~placed])
        member &= ~np.isin(component, cyclic)
        parent[~member] = -1
        levels, _ = _levels(parent, member)
    return Forest(member, parent, levels)


def _components(matrix: sparse.csr_matrix, n: int) -> np.ndarray:
    """Connected component of every cell, through shared relations."""
    incidence = sparse.csr_matrix(abs(matrix))
    graph = sparse.bmat([[None, incidence.T], [incidence, None]], format="csr")
    if graph.shape[0] == 0:
        return np.zeros(n, dtype=np.int64)
    _, labels = connected_components(graph, directed=False)
    return labels[:n].astype(np.int64)


def _levels(parent: np.ndarray, member: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    depth = np.full(len(parent), -1, dtype=np.int64)
    depth[member & (parent < 0)] = 0
    levels = [np.flatnonzero(depth == 0)]
    for d in range(1, len(parent) + 1):
        below = member & (depth < 0) & (parent >= 0)
        below[below] = depth[parent[below]] == d - 1
        if not below.any():
            break
        depth[below] = d
        levels.append(np.flatnonzero(below))
    return tuple(levels), depth >= 0


@dataclass(frozen=True)
class _Sums:
    """Per total: the sum of its parts' lower ends, finite upper ends, and infinite ones."""

    low: np.ndarray
    high: np.ndarray
    infinite: np.ndarray

    def without(self, parent: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple:
        """Sums over each part's siblings: the parent's sums minus the part's own."""
        finite = np.isfinite(high)
        others_low = self.low[parent] - low
        others_high = self.high[parent] - np.where(finite, high, 0.0)
        others_infinite = self.infinite[parent] - ~finite > 0
        return others_low, np.where(others_infinite, np.inf, others_high)


def subtree_intervals(forest: Forest, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
    """``U``: the values a subtree allows its root, per cell (upward pass)."""
    low, high = bounds[:, 0].astype(float), bounds[:, 1].astype(float)
    n = len(low)
    sums: list[_Sums] = []
    for d in range(forest.depth - 1, 0, -1):
        kids = forest.levels[d]
        parent = forest.parent[kids]
        finite = np.isfinite(high[kids])
        level = _Sums(
            np.bincount(parent, low[kids], minlength=n),
            np.bincount(parent, np.where(finite, high[kids], 0.0), minlength=n),
            np.bincount(parent, ~finite, minlength=n),
        )
        totals = np.unique(parent)
        low[totals] = np.maximum(low[totals], level.low[totals])
        upper = np.where(level.infinite[totals] > 0, np.inf, level.high[totals])
        high[totals] = np.minimum(high[totals], upper)
        sums.append(level)
    return low, high, sums[::-1]


def tree_intervals(forest: Forest, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact minimum and maximum of every member cell given ``bounds`` per cell.

    ``bounds`` is ``(n, 2)``: what the attacker knows of each cell on its own (a
    published value as its rounding interval, a suppressed one by its status). Cells
    outside the forest keep their own bounds.

    Examples
    --------
    A wijk published as 20 (exactly) with buurten 5 (published) and two suppressed:

    >>> from buurtzicht.disclosure.structure import Structure
    >>> a = sparse.csr_matrix(np.array([[1.0, -1, -1, -1]]))
    >>> forest = find_forest(Structure(a, a.T.tocsr(), np.array(["region"])))
    >>> bounds = np.array([[20, 20], [5, 5], [0, np.inf], [0, np.inf]], dtype=float)
    >>> low, high = tree_intervals(forest, bounds)
    >>> low.tolist(), high.tolist()
    ([20.0, 5.0, 0.0, 0.0], [20.0, 5.0, 15.0, 15.0])
    """
    low, high, sums = subtree_intervals(forest, bounds)
    for d in range(1, forest.depth):
        kids = forest.levels[d]
        parent = forest.parent[kids]
        others_low, others_high = sums[d - 1].without(parent, low[kids], high[kids])
        with np.errstate(invalid="ignore"):
            low[kids] = np.maximum(low[kids], low[parent] - others_high)
            high[kids] = np.minimum(high[kids], high[parent] - others_low)
    return low, high
