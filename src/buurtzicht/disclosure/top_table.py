"""The top table: gemeente-level cells protected HiTaS-style, top down.

A gemeente-level cell is tied to its wijken and they to their buurten, so a
certificate for it (:mod:`buurtzicht.disclosure.search_state`) runs through three levels
of two gemeenten. Found on neighbourhoods, one cell at a time, that was most of the
time of a national release. HiTaS (de Wolf 2002) splits the table instead: the top
table (the Netherlands and the gemeenten, with the category totals between their
cells) is protected on its own, with the relation of each gemeente to its wijken left
out; then each gemeente block must *absorb* what the top certificate moved in it:
its wijken and buurten change so that they add up to the moved gemeente cells again.

Both parts are linear programs on warm-started models: one model of the whole top
table, one per gemeente block (the block's cells plus its gemeente's cells, held at
the top certificate's movements). The certificate is the top movement together with
every block's absorption: it keeps every relation of the table, so it is as valid as
one found on a neighbourhood (everything it moves is suppressed). A top certificate
that a block cannot absorb is dropped, and that cell goes the old way
(neighbourhoods), so the result is always protected.

References
----------
de Wolf, P.P. (2002). HiTaS: a heuristic approach to cell suppression in hierarchical
tables. *Inference Control in Statistical Databases*, LNCS 2316, 74-82.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from buurtzicht.disclosure.apriori import absorbable
from buurtzicht.disclosure.lp import DeviationModel
from buurtzicht.disclosure.neighbourhood import submatrix
from buurtzicht.disclosure.search import Search
from buurtzicht.disclosure.search_state import EPSILON_COST
from buurtzicht.disclosure.tree_protect import tolerance

#: Top movements tried for one job of :meth:`TopTable.through` (a refusing block's
#: gemeente held after each).
_TRIES = 4

BlockKey = tuple[str, int, str]


@dataclass(frozen=True)
class TopParts:
    """What a top table is built from: its cells, the gemeente blocks and their keys."""

    top: np.ndarray
    blocks: Mapping[BlockKey, np.ndarray]
    key_of: Mapping[int, BlockKey]


def top_parts(
    cells: pd.DataFrame, groups: np.ndarray, top: np.ndarray, blocks: Mapping[BlockKey, np.ndarray]
) -> TopParts:
    """``top``: every general cell above the wijk level (sorted); ``groups``: the measure
    group of every cell (as the block keys number them)."""
    region = cells["region"].to_numpy(str)
    period = cells["period"].to_numpy(str)
    level = np.array([r[:2] for r in region[top]])
    key_of = {int(c): (str(period[c]), int(groups[c]), region[c][2:6]) for c in top[level == "GM"]}
    return TopParts(top, blocks, key_of)


@dataclass
class TopTable:
    """The top table's model and the absorbing models of the gemeente blocks."""

    search: Search
    top: np.ndarray
    model: DeviationModel
    blocks: Mapping[BlockKey, np.ndarray]
    key_of: Mapping[int, BlockKey]
    gemeente_cells: Mapping[BlockKey, np.ndarray]
    absorbers: dict[BlockKey, tuple[np.ndarray, DeviationModel, np.ndarray]] = field(
        default_factory=dict
    )
    #: The block that refused the last absorption, if any.
    refused: BlockKey | None = None
    best_up: np.ndarray = field(default_factory=lambda: np.zeros(0))
    best_down: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        # The furthest movement of each top cell over the certificates found so far.
        self.best_up, self.best_down = np.zeros(len(self.top)), np.zeros(len(self.top))

    @classmethod
    def build(cls, search: Search, parts: TopParts) -> TopTable:
        """The top table of ``parts`` on ``search`` (its own copy in a lane)."""
        top, blocks, key_of = parts.top, parts.blocks, parts.key_of
        variables = top[search.finder.movable[top]]
        matrix = _rows_within(search, variables, top)
        cost = _cost(search, variables)
        low, high = absorbable(search.structure, search.bounds)
        x = search.x[variables]
        room_up = np.minimum(search.room_up[variables], np.maximum(high[variables] - x, 0.0))
        room_down = np.minimum(search.room_down[variables], np.maximum(x - low[variables], 0.0))
        model = DeviationModel(matrix, room_up, room_down, cost)
        cells: dict[BlockKey, list[int]] = {}
        for cell, key in key_of.items():
            cells.setdefault(key, []).append(cell)
        grouped = {k: np.array(sorted(v), dtype=np.int64) for k, v in cells.items()}
        return cls(search, variables, model, blocks, key_of, grouped)

    def protect(self, s: int, amount: float) -> bool:
        """Move gemeente cell ``s`` by ``amount`` through the top table; False if not.

        When the full level cannot be moved or absorbed, the level capped by the
        statuses alone (the a-priori interval, as everywhere in secondary suppression)
        is tried once more: what the blocks below forbid, no complement can give.
        """
        local = int(np.searchsorted(self.top, s))
        if local >= len(self.top) or self.top[local] != s:
            return False
        # A certificate found for another cell (top movement with its absorptions, all
        # of it suppressed) may move this one far enough already.
        reached = self.best_up[local] if amount > 0 else -self.best_down[local]
        if reached >= abs(amount) - tolerance(amount):
            return True
        if self._move(s, local, amount):
            return True
        capped = self.search._capped(s, amount)
        if not capped:
            return True  # the statuses alone already leave nothing to protect
        return abs(capped) < abs(amount) and self._move(s, local, capped)

    def _move(self, s: int, local: int, amount: float) -> bool:
        search = self.search
        y = self.model.solve(local, amount)
        search.result.programs += 1
        if y is None:
            return False
        moved = np.abs(y) > tolerance(amount) * 0.1
        movement = dict(zip(self.top[moved].tolist(), y[moved].tolist(), strict=True))
        absorbed = self._absorb(movement)
        if absorbed is None:
            return False
        below, parts = absorbed
        np.maximum(self.best_up, np.where(moved, y, 0.0), out=self.best_up)
        np.minimum(self.best_down, np.where(moved, y, 0.0), out=self.best_down)
        newly = np.concatenate([self.top[moved], below])
        newly = newly[~search.suppressed[newly]]
        search._suppress(newly)
        self._cheaper(newly)
        # One certificate: the top movement with every block's absorption (a block's
        # gemeente cells are held at the top movement, so the top's values stand).
        every = np.concatenate([self.top] + [v for v, _ in parts])
        first = np.unique(every, return_index=True)[1]
        search.certify(every[first], np.concatenate([y] + [b for _, b in parts])[first])
        return True

    def through(self, key: BlockKey, jobs: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Protect jobs of gemeente block ``key`` that the block alone cannot; the rest.

        A block holds its gemeente's own cells fixed, so a wijk or buurt cell whose
        every certificate moves them (a gemeente of one wijk, wijken that cannot trade
        with each other) fails there. Its certificate is then found HiTaS-style in three
        warm-started parts: the block with its gemeente's cells free (the block's
        absorbing model), the top table moving exactly those gemeente cells by that much
        (other gemeenten carry it), and their blocks absorbing it. Together they keep
        every relation, so they are one certificate; everything they move is suppressed.
        """
        if key not in self.blocks or not jobs:
            return jobs
        search = self.search
        variables, model, fixed = self._absorber(key)
        own = variables[fixed]
        in_top = np.searchsorted(self.top, own)
        known = (in_top < len(self.top)) & (self.top[np.minimum(in_top, len(self.top) - 1)] == own)
        failed = []
        for s, amount in jobs:
            local = int(np.searchsorted(variables, s))
            inside = local < len(variables) and variables[local] == s
            y = model.solve(local, amount) if inside else None
            search.result.programs += 1
            scale = tolerance(amount) * 0.1
            if y is None or np.any((np.abs(y[fixed]) > scale) & ~known):
                failed.append((s, amount))  # or a gemeente cell the top table cannot move
                continue
            shift = np.where(np.abs(y[fixed]) > scale, y[fixed], 0.0)
            found, parts = [variables[np.abs(y) > scale]], [(variables, y)]
            if shift.any():
                carried = self._carry(key, in_top[known], shift[known], float(scale))
                if carried is None:
                    failed.append((s, amount))
                    continue
                found += carried[0]
                parts += carried[1]
            newly = np.concatenate(found)
            newly = newly[~search.suppressed[newly]]
            search._suppress(newly)
            self._cheaper(newly)
            every = np.concatenate([v for v, _ in parts])
            first = np.unique(every, return_index=True)[1]
            search.certify(every[first], np.concatenate([y for _, y in parts])[first])
        return failed

    def _carry(
        self, key: BlockKey, columns: np.ndarray, shift: np.ndarray, scale: float
    ) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]] | None:
        """The top table moving ``columns`` by ``shift`` and the other blocks absorbing it.

        A block may refuse a movement its own bounds allow cell by cell but not
        together (owner classes and their total at once); its gemeente is then held
        in the top table and the movement tried again, a few times (cells moved, parts).
        """
        self._refresh(self.top, self.model)
        held: list[np.ndarray] = []
        try:
            for _ in range(_TRIES):
                y_top = self.model.solve_fixed(columns, shift)
                self.search.result.programs += 1
                if y_top is None:
                    return None
                moved = np.abs(y_top) > scale
                movement = dict(zip(self.top[moved].tolist(), y_top[moved].tolist(), strict=True))
                absorbed = self._absorb(movement, skip=key)
                if absorbed is not None:
                    top_part = (self.top, np.where(moved, y_top, 0.0))
                    return [self.top[moved], absorbed[0]], [top_part, *absorbed[1]]
                if self.refused is None:
                    return None
                cells = self.gemeente_cells[self.refused]
                local = np.searchsorted(self.top, cells)
                inside = local < len(self.top)
                local = local[inside][self.top[local[inside]] == cells[inside]]
                self.model.hold(local)
                held.append(local)
            return None
        finally:
            for local in held:
                self.model.hold(local, held=False)

    def _refresh(self, variables: np.ndarray, model: DeviationModel) -> None:
        """Cells suppressed since the model was built (in blocks, elsewhere) cost ~0."""
        stale = self.search.suppressed[variables] & (model.cost[: len(variables)] > EPSILON_COST)
        if stale.any():
            local = np.flatnonzero(stale)
            model.set_cost(local, np.full(len(local), EPSILON_COST))

    def _absorb(
        self, movement: dict[int, float], skip: BlockKey | None = None
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]] | None:
        """Cells of the gemeente blocks that absorb the moved gemeente cells (or None).

        Also each block's absorption: its variables and their movement. ``skip``: a
        block whose absorption is already part of the certificate.
        """
        moved_keys = {self.key_of[c] for c in movement if c in self.key_of} - {skip}
        self.refused = None
        found = [np.array([], dtype=np.int64)]
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        for key in sorted(moved_keys):
            if key not in self.blocks:
                continue  # a gemeente without released wijken: nothing below to absorb
            variables, model, fixed = self._absorber(key)
            amounts = np.array([movement.get(int(c), 0.0) for c in variables[fixed]])
            y = model.solve_fixed(fixed, amounts)
            self.search.result.programs += 1
            if y is None:
                self.refused = key
                return None
            scale = max(float(np.abs(amounts).max()), 1.0)
            found.append(variables[np.abs(y) > tolerance(scale) * 0.1])
            parts.append((variables, y))
        return np.concatenate(found), parts

    def _absorber(self, key: BlockKey) -> tuple[np.ndarray, DeviationModel, np.ndarray]:
        if key not in self.absorbers:
            search = self.search
            block = self.blocks[key]
            own = self.gemeente_cells[key]
            variables = np.unique(np.concatenate([block[search.finder.movable[block]], own]))
            matrix = _rows_within(search, variables, np.concatenate([block, own]))
            cost = _cost(search, variables)
            model = DeviationModel(
                matrix, search.room_up[variables], search.room_down[variables], cost
            )
            fixed = np.searchsorted(variables, own)
            self.absorbers[key] = (variables, model, fixed)
        variables, model, fixed = self.absorbers[key]
        self._refresh(variables, model)
        return variables, model, fixed

    def _cheaper(self, newly: np.ndarray) -> None:
        """Newly suppressed cells cost (almost) nothing in every model that holds them."""
        models = [(self.top, self.model)] + [(v, m) for v, m, _ in self.absorbers.values()]
        for variables, model in models:
            local = np.searchsorted(variables, newly)
            inside = (local < len(variables)) & (
                variables[np.minimum(local, len(variables) - 1)] == newly
            )
            if inside.any():
                model.set_cost(local[inside], np.full(int(inside.sum()), EPSILON_COST))


def _rows_within(search: Search, variables: np.ndarray, allowed: np.ndarray) -> sparse.csc_matrix:
    """Relations touching ``variables`` whose every cell is in ``allowed``, on those columns.

    Leaving out the relations that reach outside (a gemeente and its wijken in the top
    table; the Netherlands and the gemeenten in a block) is what splits the table.
    """
    matrix, relations = submatrix(search.structure, variables)
    inside = np.zeros(len(search.x), dtype=bool)
    inside[allowed] = True
    rows = search.structure.matrix[relations]
    outside = np.asarray(abs(rows) @ (~inside).astype(float)).ravel()
    return sparse.csc_matrix(matrix[outside == 0])


def _cost(search: Search, variables: np.ndarray) -> np.ndarray:
    return np.where(search.suppressed[variables], EPSILON_COST, search.weight[variables])


def protect_gemeente_cells(search: Search, parts: TopParts, targets: np.ndarray) -> np.ndarray:
    """Protect the gemeente-level ``targets`` through the top table; the cells it could not."""
    table = TopTable.build(search, parts)
    failed = []
    for s in targets:
        for amount in (search.up[s], -search.down[s]):
            if abs(amount) > tolerance(search.x[s]) and not table.protect(int(s), float(amount)):
                failed.append(int(s))
    return np.array(sorted(set(failed)), dtype=np.int64)
