"""Secondary suppression on whole blocks: one warm-started model for many cells.

:class:`Search` adds to the state of the search (:mod:`buurtzicht.disclosure.search_state`)
what works on a block at a time: the tree pass, a gemeente block or wijk family with
its a-priori caps, and the last resort of a whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from buurtzicht.disclosure.apriori import block_apriori
from buurtzicht.disclosure.knowledge import published_bounds
from buurtzicht.disclosure.lp import DeviationModel
from buurtzicht.disclosure.neighbourhood import BallFinder, submatrix
from buurtzicht.disclosure.primary import PUBLIC, SECONDARY
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.search_state import (
    EPSILON_COST,
    SearchState,
    SecondaryResult,
    required_levels,
    suppression_bounds,
)
from buurtzicht.disclosure.structure import Structure
from buurtzicht.disclosure.tree import Forest
from buurtzicht.disclosure.tree_protect import TreeProblem, protect_forest, tolerance

_NATIONAL_COST = 1e3
#: Programs solved in a block before the certificates among suppressed cells are
#: looked for again (:meth:`Search._uncovered`).
_RECHECK = 6


class Search(SearchState):
    """The search with its block models (see :func:`~.secondary.secondary_suppression`)."""

    @classmethod
    def start(
        cls, cells: pd.DataFrame, structure: Structure, rules: Mapping[str, RuleSet]
    ) -> Search:
        x = cells["value"].to_numpy(float)
        bounds = suppression_bounds(cells, rules)
        up, down = required_levels(cells, bounds)
        # A public margin is never suppressed, and known as published: a certificate may
        # move it for free within its rounding interval (never beyond: it is no
        # complement), and not at all when it is exact.
        public = cells["reason"].eq(PUBLIC).to_numpy()
        national = cells["region"].str.startswith("NL").to_numpy()
        fixed = cells["reason"].isin(["zero", "structural_zero"]).to_numpy()
        movable = ~fixed & ~(public & (bounds[:, 1] <= bounds[:, 0]))
        # The national figure is the one users look for first: a national cell that
        # passes the rules is held at its value (published) by every search but the
        # last resort (:meth:`retry_on_tables`), which takes it only where nothing else
        # will do, and then at a thousand times its information loss.
        reserved = national & movable & ~cells["primary"].to_numpy(bool)
        return cls(
            structure=structure,
            x=x,
            suppressed=cells["primary"].to_numpy(bool) | public,
            bounds=bounds,
            room_up=np.maximum(bounds[:, 1] - x, 0.0),
            room_down=np.maximum(x - bounds[:, 0], 0.0),
            weight=(1.0 + np.log1p(x)) * np.where(national, _NATIONAL_COST, 1.0),
            up=up,
            down=down,
            finder=BallFinder(structure, movable & ~reserved),
            reserved=reserved,
            everything=BallFinder(structure, np.ones(len(x), dtype=bool)),
            result=SecondaryResult(cells["reason"].to_numpy(object).copy()),
            shown=published_bounds(cells, rules),
        )

    def copy(self) -> Search:
        """A copy to work on apart: its own suppressions, levels and (empty) result."""
        return replace(
            self,
            suppressed=self.suppressed.copy(),
            up=self.up.copy(),
            down=self.down.copy(),
            result=SecondaryResult(self.result.reason.copy()),
            apriori=dict(self.apriori),
        )

    def unite(self, other: SecondaryResult) -> None:
        """Take over what a copy suppressed, its limited cells and its programs."""
        newly = np.flatnonzero((other.reason == SECONDARY) & ~self.suppressed)
        self._suppress(newly)
        self.result.limited += other.limited
        self.result.programs += other.programs
        self.result.certificates += other.certificates

    def jobs(self, targets: np.ndarray) -> list[tuple[int, float]]:
        """(cell, movement) pairs still to protect: up and down, where needed."""
        return [
            (int(s), float(amount))
            for s in targets
            for amount in (self.up[s], -self.down[s])
            if abs(amount) > tolerance(self.x[s])
        ]

    def protect_trees(self, forest: Forest) -> None:
        """Tree-shaped measures without LPs; what the tree pass misses goes to the LPs."""
        if not forest.member.any():
            return
        # Cells that can never move (zeros, exact public margins) stay at their value.
        movable = self.finder.movable | self.reserved
        bounds = np.where(movable[:, None], self.bounds, self.x[:, None])
        problem = TreeProblem(
            forest,
            self.x,
            bounds,
            self.suppressed.copy(),
            self.up,
            self.down,
            self.weight,
            shown=np.where(movable[:, None], self.shown, self.x[:, None]),
        )
        result = protect_forest(problem)
        self._suppress(np.flatnonzero(result.suppressed & ~self.suppressed))
        for s in result.failed:
            self.protect_both(int(s))

    def retry_on_tables(self, tables: list[np.ndarray]) -> None:
        """Protect the cells left limited on their whole table, capped exactly a priori.

        Neighbourhoods keep programs small but can miss certificates that run far
        (through NL01 and another gemeente's buurten); a whole table misses none, and
        its a-priori interval is exact. One warm-started model per table.
        """
        limited = np.unique(np.array(self.result.limited, dtype=np.int64))
        still: list[int] = []
        for table in tables:
            targets = limited[np.isin(limited, table)]
            if not len(targets):
                continue
            low, high = block_apriori(self.structure, self.bounds, table, targets)
            self.result.programs += 2 * len(targets)
            self.up[targets] = np.maximum(np.minimum(self.up[targets], high - self.x[targets]), 0)
            self.down[targets] = np.maximum(
                np.minimum(self.down[targets], self.x[targets] - low), 0
            )
            # The cap is exact here: no per-cell cap can cut further. The national cells
            # may move here, and only here, at their national cost.
            failed = self.protect_block(table, self.jobs(targets), national=True)
            still += [s for s, _ in failed]
        self.result.limited = sorted(set(still))

    def cap_family(self, family: np.ndarray) -> None:
        """Cap the buurten's protection levels by their a-priori interval (per family)."""
        targets = family[self.up[family] + self.down[family] > 0]
        if not len(targets):
            return
        x = self.x[targets]
        wanted = np.column_stack(
            [
                np.where(self.down[targets] > 0, x - self.down[targets], np.inf),
                np.where(self.up[targets] > 0, x + self.up[targets], -np.inf),
            ]
        )
        low, high = block_apriori(
            self.structure, self.bounds, family, targets, start=x, wanted=wanted
        )
        self.result.programs += 1
        self.up[targets] = np.maximum(np.minimum(self.up[targets], high - self.x[targets]), 0)
        self.down[targets] = np.maximum(np.minimum(self.down[targets], self.x[targets] - low), 0)

    def cap_jobs(self, block: np.ndarray, jobs: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """``jobs`` cut to the a-priori interval of their cells on ``block`` (one batch).

        A wijk family's cap leaves out the gemeente, a neighbourhood of two steps the
        gemeente's own bounds: a buurt with one registration cannot move up by 3 when
        its gemeente holds 9 (a count of 1-9, known to be at most 9) and its other
        wijken and buurten are suppressed counts known to be at least 1. The gemeente
        block (every relation touching it whole, the gemeente cells free within their
        statuses) sees that; like every cap it is a relaxation of the exact a-priori
        interval, so it errs on the strict side. Jobs left with nothing to move are done.
        """
        if not jobs:
            return jobs
        targets = np.unique(np.array([t for t, _ in jobs], dtype=np.int64))
        x = self.x[targets]
        wanted = np.column_stack(
            [
                np.where(self.down[targets] > 0, x - self.down[targets], np.inf),
                np.where(self.up[targets] > 0, x + self.up[targets], -np.inf),
            ]
        )
        low, high = block_apriori(
            self.structure, self.bounds, block, targets, start=x, wanted=wanted
        )
        self.result.programs += 1
        self.up[targets] = np.maximum(np.minimum(self.up[targets], high - x), 0)
        self.down[targets] = np.maximum(np.minimum(self.down[targets], x - low), 0)
        capped = []
        for t, amount in jobs:
            room = self.up[t] if amount > 0 else self.down[t]
            cut = float(np.sign(amount) * min(abs(amount), room))
            if abs(cut) > tolerance(self.x[t]):
                capped.append((t, cut))
        return capped

    def protect_block(
        self,
        block: np.ndarray,
        jobs: list[tuple[int, float]],
        *,
        national: bool = False,
    ) -> list[tuple[int, float]]:
        """Protect ``jobs`` on one warm-started model of ``block``; return the failures.

        No a-priori cap on failure: the callers cap in batches (a wijk family before,
        the whole gemeente block after a failure, a whole table exactly), which is far
        cheaper than a program per failing job. ``national=True`` lets the national
        cells that pass the rules move too.
        """
        if not jobs:
            return []
        movable = self.finder.movable | self.reserved if national else self.finder.movable
        variables = block[movable[block]]
        matrix, _ = submatrix(self.structure, variables)
        cost = charged_cost(
            self.weight[variables],
            self.room_up[variables],
            self.room_down[variables],
            self.suppressed[variables],
        )
        model = DeviationModel(matrix, self.room_up[variables], self.room_down[variables], cost)
        failed = []
        pending = self._uncovered(model, variables, jobs)
        # Per cell the furthest any certificate found here moved it (each of them is a
        # certificate on its own: everything it moves is suppressed).
        best_up, best_down = np.zeros(len(variables)), np.zeros(len(variables))
        since = 0
        while pending:
            if since >= _RECHECK:
                pending, since = self._uncovered(model, variables, pending), 0
                if not pending:
                    break
            (s, amount), pending = pending[0], pending[1:]
            since += 1
            local = int(np.searchsorted(variables, s))
            y = model.solve(local, amount)
            self.result.programs += 1
            if y is None:
                if amount:
                    failed.append((s, amount))
                continue
            moved = variables[np.abs(y) > tolerance(amount) * 0.1]
            newly = moved[~self.suppressed[moved]]
            self._suppress(newly)
            self.certify(variables, y)
            model.set_cost(np.searchsorted(variables, newly), np.full(len(newly), EPSILON_COST))
            np.maximum(best_up, y, out=best_up)
            np.minimum(best_down, y, out=best_down)
            pending = _not_reached(pending, variables, best_down, best_up)
        return failed

    def _uncovered(
        self, model: DeviationModel, variables: np.ndarray, jobs: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """The jobs no certificate among the cells suppressed so far covers yet.

        Points of the polytope of movements of suppressed cells only
        (:meth:`DeviationModel.reach`) are certificates that need no new suppression:
        a job such a point covers would get one from its own program too, at no cost.
        Only the others need a program of their own.
        """
        if len(jobs) < 2:
            return jobs
        cells = np.array([s for s, _ in jobs], dtype=np.int64)
        amounts = np.array([a for _, a in jobs])
        targets, where = np.unique(cells, return_inverse=True)
        wanted = np.zeros((len(targets), 2))
        np.minimum.at(wanted[:, 0], where, np.minimum(amounts, 0.0))
        np.maximum.at(wanted[:, 1], where, np.maximum(amounts, 0.0))
        local = np.searchsorted(variables, targets)
        points: list[np.ndarray] = []
        low, high = model.reach(self.suppressed[variables], local, wanted, points=points)
        self.result.programs += 1
        for point in points:
            self.certify(variables, point)
        reached = np.where(amounts > 0, high[where], -low[where])
        keep = reached < np.abs(amounts) - tolerance(amounts)
        return [job for job, k in zip(jobs, keep, strict=True) if k]


#: The movement a complement typically has to carry: the minimum protection level
#: of the count rule sets.
TYPICAL_MOVEMENT = 3.0


def charged_cost(
    weight: np.ndarray, room_up: np.ndarray, room_down: np.ndarray, suppressed: np.ndarray
) -> np.ndarray:
    """Cost per unit of movement, up then down, for a block model (``2 n`` values).

    A complement is suppressed whole however little it moves, so its real cost is a
    fixed charge, its information loss ``weight``. Linear costs ignore that: a cell
    with room for 1 (a secondary count of 11, known to be at least 10) looks as cheap
    per unit as one with room for 3, and a program splits a movement of 3 over three
    such cells. Charging ``weight / min(room, 3) * 3`` per unit in each direction makes
    a cell that carries the whole movement cost about its weight, one that carries a
    third of it three times as much per unit. Cells already suppressed stay
    (almost) free. Only the choice among certificates changes, never their validity.
    """
    costs = []
    for room in (room_up, room_down):
        share = np.clip(room, 1e-3, TYPICAL_MOVEMENT) / TYPICAL_MOVEMENT
        costs.append(np.where(suppressed, EPSILON_COST, weight / share))
    return np.concatenate(costs)


def _not_reached(
    jobs: list[tuple[int, float]], variables: np.ndarray, down: np.ndarray, up: np.ndarray
) -> list[tuple[int, float]]:
    """The jobs no certificate found so far covers: it moved the cell less far.

    ``down``/``up`` (over ``variables``) hold the furthest movement down and up of each
    cell over the certificates found; each certificate stays valid as suppression grows.
    """
    if not jobs:
        return jobs
    cells = np.array([s for s, _ in jobs], dtype=np.int64)
    amounts = np.array([a for _, a in jobs])
    local = np.searchsorted(variables, cells)
    reached = np.where(amounts > 0, up[local], -down[local])
    covered = reached >= np.abs(amounts) - tolerance(amounts)
    return [job for job, c in zip(jobs, covered, strict=True) if not c]
