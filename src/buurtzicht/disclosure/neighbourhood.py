"""Keep every linear program small: neighbourhoods of cells.

A national release has about a million cells, all linked through the region
hierarchy and the table totals. No single program needs them all: a suppressed buurt
is protected by cells in its own wijk, its own categories and, rarely, a level
further. :class:`BallFinder` collects the cells within a few relation steps of a
cell. Cells outside a neighbourhood are held fixed, which only ever narrows an
attacker's interval (see :mod:`buurtzicht.disclosure.lp`), so results computed on
neighbourhoods err on the safe side.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from buurtzicht.disclosure.structure import Structure


class BallFinder:
    """Breadth-first neighbourhoods over the relations, reusing one marker array."""

    def __init__(self, structure: Structure, movable: np.ndarray) -> None:
        self._structure = structure
        self.movable = movable
        self._cell_mark = np.zeros(len(movable), dtype=np.int64)
        self._relation_mark = np.zeros(structure.n_relations, dtype=np.int64)
        self._stamp = 0

    def ball(self, start: int, depth: int, budget: int) -> np.ndarray:
        """Movable cells at most ``depth`` relation steps from ``start`` (``start`` first).

        Stops adding relations once ``budget`` cells are collected; a relation that is
        only partly inside simply keeps its outside cells fixed.
        """
        self._stamp += 1
        stamp = self._stamp
        self._cell_mark[start] = stamp
        found = [np.array([start])]
        size, frontier = 1, np.array([start])
        matrix, cols = self._structure.matrix, self._structure.cols
        for _ in range(depth):
            relations = np.unique(_gather(cols.indptr, cols.indices, frontier))
            relations = relations[self._relation_mark[relations] != stamp]
            if not len(relations):
                break
            cells, owner = _gather(matrix.indptr, matrix.indices, relations, owners=True)
            keep = (self._cell_mark[cells] != stamp) & self.movable[cells]
            cells, owner = cells[keep], owner[keep]
            _, first = np.unique(cells, return_index=True)
            first.sort()
            cells, owner = cells[first], owner[first]
            # Whole relations in order until the budget is reached (that one included).
            sizes = size + np.cumsum(np.bincount(owner, minlength=len(relations)))
            over = np.flatnonzero(sizes >= budget)
            last = int(over[0]) if len(over) else len(relations) - 1
            self._relation_mark[relations[: last + 1]] = stamp
            frontier = cells[owner <= last]
            self._cell_mark[frontier] = stamp
            size = int(sizes[last])
            found.append(frontier)
            if size >= budget or not len(frontier):
                break
        return np.concatenate(found)


def _gather(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, *, owners: bool = False
) -> Any:
    """The column indices of ``rows`` of a CSR matrix, row after row (and each one's row)."""
    starts, ends = indptr[rows], indptr[rows + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    picked = indices[np.arange(total) + offsets]
    if owners:
        return picked, np.repeat(np.arange(len(rows)), lengths)
    return picked


def submatrix(structure: Structure, cells: np.ndarray) -> tuple[sparse.csc_matrix, np.ndarray]:
    """The relations touching ``cells``, restricted to those columns, and their ids."""
    columns = structure.csc[:, cells].tocoo()
    relations, rows = np.unique(columns.row, return_inverse=True)
    matrix = sparse.csc_matrix(
        (columns.data, (rows, columns.col)), shape=(len(relations), len(cells))
    )
    return matrix, relations
