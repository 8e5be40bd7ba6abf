"""Secondary suppression: complementary cells so that no primary cell can be recomputed.

Method: for each primary cell ``s`` and each direction, find the cheapest change ``y``
of the table that keeps every relation, moves ``s`` by its protection level and only
moves cells that are suppressed or are then suppressed, within what the attacker knows
about each (:mod:`buurtzicht.disclosure.knowledge`). Such a ``y`` is a certificate: the
table ``x + y`` is consistent with everything published, so the attacker's interval
for ``s`` reaches ``x_s ± level``. Cells already suppressed cost (almost) nothing; a
new cell costs its information loss ``1 + log(1 + value)``, which prefers few, small
cells. The certificates stay valid as suppression only grows, so when every primary
cell has its two certificates, the whole table is protected; the audit checks it.

This is the LP heuristic for the cell suppression problem of Kelly, Golden & Assad
(1992) and of the attacker subproblems in Fischetti & Salazar-González (2001), solved
per cell on a neighbourhood of a few relation steps (widened when it is not enough) in
the spirit of the modular HiTaS approach of de Wolf (2002), which keeps every linear
program small for national tables.

References
----------
Kelly, J.P., Golden, B.L. and Assad, A.A. (1992). Cell suppression: disclosure
protection for sensitive tabular data. *Networks* 22(4), 397-417.
Fischetti, M. and Salazar-González, J.J. (2001). Solving the cell suppression problem
on tabular data with linear constraints. *Management Science* 47(7), 1008-1027.
de Wolf, P.P. (2002). HiTaS: a heuristic approach to cell suppression in hierarchical
tables. *Inference Control in Statistical Databases*, LNCS 2316, 74-82.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from buurtzicht.disclosure.apriori import (
    APRIORI_DEEPER,
    APRIORI_DEPTH,
    apriori_interval,
    block_apriori,
)
from buurtzicht.disclosure.blocks import measure_groups, region_blocks, table_blocks
from buurtzicht.disclosure.certificates import Recorded
from buurtzicht.disclosure.knowledge import status_bounds
from buurtzicht.disclosure.lanes import deal, run_lanes
from buurtzicht.disclosure.lp import DeviationModel, protecting_deviation
from buurtzicht.disclosure.neighbourhood import BallFinder, submatrix
from buurtzicht.disclosure.primary import PUBLIC, SECONDARY
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.secondary_lanes import (
    Gemeente,
    Plan,
    gemeente_cells_in_lanes,
    protect_lane,
)
from buurtzicht.disclosure.spec import DisclosureSpec
from buurtzicht.disclosure.structure import Structure
from buurtzicht.disclosure.top_table import protect_gemeente_cells
from buurtzicht.disclosure.tree import Forest, find_forest
from buurtzicht.disclosure.tree_protect import TreeProblem, protect_forest, tolerance

#: Neighbourhood depths tried in turn, and the cell budget of each.
DEPTHS = ((2, 400), (3, 3_000), (4, 8_000), (6, 20_000))
_EPSILON_COST = 1e-4
_NATIONAL_COST = 1e3
#: Programs solved in a block before the certificates among suppressed cells are
#: looked for again (:meth:`_Search._uncovered`).
_RECHECK = 6
_LEVEL_ORDER = {"NL": 0, "LD": 1, "PV": 2, "RE": 2, "VR": 2, "CR": 2, "GM": 3, "WK": 4, "BU": 5}


@dataclass
class SecondaryResult:
    """Reasons after secondary suppression, and the cells whose level was out of reach."""

    reason: np.ndarray
    limited: list[int] = field(default_factory=list)
    programs: int = 0
    #: Every certificate the search relied on: (cell numbers, movements), sparse.
    certificates: Recorded = field(default_factory=list)


def suppression_bounds(cells: pd.DataFrame, rules: Mapping[str, RuleSet]) -> np.ndarray:
    """Per cell the ``[lo, hi]`` the attacker will know once it is suppressed.

    Primary cells keep their own reason; every other cell would be ``secondary``;
    published and structural zeros stay known to be 0, public margins their published
    value (:func:`buurtzicht.disclosure.knowledge.public_bounds`).
    """
    primary = cells["primary"].to_numpy(bool)
    reason = np.where(primary, cells["reason"].to_numpy(str), SECONDARY)
    fixed = cells["reason"].isin(["zero", "structural_zero"]).to_numpy()
    return status_bounds(cells, reason, fixed, rules)


def required_levels(cells: pd.DataFrame, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower protection, capped by what the cell's own status gives away."""
    x = cells["value"].to_numpy(float)
    up = np.minimum(cells["upl"].to_numpy(float), bounds[:, 1] - x)
    down = np.minimum(cells["lpl"].to_numpy(float), x - bounds[:, 0])
    primary = cells["primary"].to_numpy(bool)
    return np.where(primary, np.maximum(up, 0), 0.0), np.where(primary, np.maximum(down, 0), 0.0)


def secondary_suppression(
    cells: pd.DataFrame,
    structure: Structure,
    rules: Mapping[str, RuleSet],
    spec: DisclosureSpec | None = None,
    *,
    workers: int = 1,
) -> SecondaryResult:
    """Choose complementary suppressions for every primary cell of ``cells``.

    ``cells`` is the output of :func:`buurtzicht.disclosure.primary.apply_primary`.
    Top down: cells above the wijk level one by one on neighbourhoods; then per
    gemeente its wijken on one warm-started model of the gemeente block, its buurten
    on one model per wijk family (a-priori caps computed per family), what a family
    cannot protect on a fresh gemeente model, and what remains on neighbourhoods.
    The gemeente-level cells, and then the gemeente blocks, are dealt into lanes by
    gemeente (:mod:`buurtzicht.disclosure.lanes`), worked on side by side on up to
    ``workers`` processes; the result does not depend on ``workers``.
    """
    spec = spec or DisclosureSpec()
    search = _Search.start(cells, structure, rules)
    forest = find_forest(structure)
    search.protect_trees(forest)
    general = np.flatnonzero(~forest.member)
    subset = cells.iloc[general]
    order = general[_processing_order(subset)]
    rank = np.empty(len(cells), dtype=np.int64)
    rank[order] = np.arange(len(order))
    gemeenten = {k: general[v] for k, v in region_blocks(subset, spec, "gemeente").items()}
    families: dict[tuple[str, int, str], list[np.ndarray]] = {}
    for key, family in region_blocks(subset, spec, "wijk").items():
        families.setdefault((key[0], key[1], key[2][:4]), []).append(general[family])
    in_block = np.zeros(len(cells), dtype=bool)
    for block in gemeenten.values():
        in_block[block] = True
    level = cells["region"].str[:2].to_numpy()
    above = order[~in_block[order]]
    on_gemeente = level[above] == "GM"
    for s in above[~on_gemeente]:  # the country and the regions between: few cells
        search.protect_both(int(s))
    groups = np.zeros(len(cells), dtype=np.int64)
    groups[general] = measure_groups(subset["measure"], spec).to_numpy()
    top = np.sort(general[~in_block[general]])
    failed = protect_gemeente_cells(search, cells, groups, top, above[on_gemeente], gemeenten)
    failed = above[on_gemeente][np.isin(above[on_gemeente], failed)]  # keep the order
    gemeente_cells_in_lanes(search, failed, cells["region"].to_numpy(str), workers)
    work = [Gemeente(block, families.get(key, [])) for key, block in gemeenten.items()]
    primary = cells["primary"].to_numpy(bool)
    plan = Plan(search, rank, level, primary)
    sizes = [int(search.suppressed[g.block].sum()) for g in work]
    lanes = [[work[k] for k in lane] for lane in deal(sizes)]
    for lane in run_lanes(protect_lane, plan, lanes, workers, int(in_block.sum())):
        search.unite(lane)
    if search.result.limited:
        search.retry_on_tables(table_blocks(cells, spec))
    return search.result


@dataclass
class _Search:
    """The state of the search: what is suppressed so far, and the fixed inputs."""

    structure: Structure
    x: np.ndarray
    suppressed: np.ndarray
    bounds: np.ndarray
    room_up: np.ndarray
    room_down: np.ndarray
    weight: np.ndarray
    up: np.ndarray
    down: np.ndarray
    finder: BallFinder
    everything: BallFinder
    result: SecondaryResult
    # A-priori intervals depend only on the statuses, which never change: keep them.
    apriori: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def start(
        cls, cells: pd.DataFrame, structure: Structure, rules: Mapping[str, RuleSet]
    ) -> _Search:
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
        return cls(
            structure=structure,
            x=x,
            suppressed=cells["primary"].to_numpy(bool) | public,
            bounds=bounds,
            room_up=np.maximum(bounds[:, 1] - x, 0.0),
            room_down=np.maximum(x - bounds[:, 0], 0.0),
            # The national figure is the one users look for first: a complement only
            # where nothing else will do.
            weight=(1.0 + np.log1p(x)) * np.where(national, _NATIONAL_COST, 1.0),
            up=up,
            down=down,
            finder=BallFinder(structure, movable),
            everything=BallFinder(structure, np.ones(len(x), dtype=bool)),
            result=SecondaryResult(cells["reason"].to_numpy(object).copy()),
        )

    def copy(self) -> _Search:
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

    def certify(self, variables: np.ndarray, y: np.ndarray) -> None:
        """Record certificate ``y`` over ``variables`` (after suppressing what it moves).

        Only the suppressed cells it moves are kept (and public margins, which are
        counted as suppressed here): the rest move by less than the tolerance that
        decides what a certificate moves, which the audit's check allows for.
        """
        keep = (y != 0) & self.suppressed[variables]
        if keep.any():
            self.result.certificates.append((variables[keep], y[keep]))

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
            # The cap is exact here: no per-cell cap can cut further.
            failed = self.protect_block(table, self.jobs(targets), cap=False)
            still += [s for s, _ in failed]
        self.result.limited = sorted(set(still))

    def protect_trees(self, forest: Forest) -> None:
        """Tree-shaped measures without LPs; what the tree pass misses goes to the LPs."""
        if not forest.member.any():
            return
        # Cells that can never move (zeros, exact public margins) stay at their value.
        bounds = np.where(self.finder.movable[:, None], self.bounds, self.x[:, None])
        problem = TreeProblem(
            forest, self.x, bounds, self.suppressed.copy(), self.up, self.down, self.weight
        )
        result = protect_forest(problem)
        self._suppress(np.flatnonzero(result.suppressed & ~self.suppressed))
        for s in result.failed:
            self.protect_both(int(s))

    def protect_both(self, s: int) -> None:
        """Protect cell ``s`` upwards and downwards on neighbourhoods."""
        for amount in (self.up[s], -self.down[s]):
            if abs(amount) > tolerance(self.x[s]):
                self.protect(s, float(amount))

    def jobs(self, targets: np.ndarray) -> list[tuple[int, float]]:
        """(cell, movement) pairs still to protect: up and down, where needed."""
        return [
            (int(s), float(amount))
            for s in targets
            for amount in (self.up[s], -self.down[s])
            if abs(amount) > tolerance(self.x[s])
        ]

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

    def protect_block(
        self, block: np.ndarray, jobs: list[tuple[int, float]], *, cap: bool = True
    ) -> list[tuple[int, float]]:
        """Protect ``jobs`` on one warm-started model of ``block``; return the failures.

        ``cap=False`` leaves out the a-priori cap on failure (a wijk family is capped
        beforehand; what fails there needs a wider view far more often than a cap).
        """
        if not jobs:
            return []
        variables = block[self.finder.movable[block]]
        matrix, _ = submatrix(self.structure, variables)
        cost = np.where(self.suppressed[variables], _EPSILON_COST, self.weight[variables])
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
            if y is None and cap:
                # Often the statuses alone forbid the full level: cap, retry warm.
                capped = self._capped(s, amount)
                y = model.solve(local, capped) if abs(capped) < abs(amount) else None
                amount = capped
            if y is None:
                if amount:
                    failed.append((s, amount))
                continue
            moved = variables[np.abs(y) > tolerance(amount) * 0.1]
            newly = moved[~self.suppressed[moved]]
            self._suppress(newly)
            self.certify(variables, y)
            model.set_cost(np.searchsorted(variables, newly), np.full(len(newly), _EPSILON_COST))
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

    def _suppress(self, newly: np.ndarray) -> None:
        self.suppressed[newly] = True
        self.result.reason[newly] = SECONDARY

    def _capped(self, s: int, amount: float, depth: int = APRIORI_DEPTH) -> float:
        """``amount`` cut to what the statuses alone leave possible (the a-priori cap)."""
        key = (s, depth if amount > 0 else -depth)  # one end per direction
        if key not in self.apriori:
            self.apriori[key] = apriori_interval(
                self.structure,
                self.everything,
                self.bounds,
                s,
                depth,
                low=amount < 0,
                high=amount > 0,
            )
            self.result.programs += 1
        low, high = self.apriori[key]
        cap = high - self.x[s] if amount > 0 else self.x[s] - low
        capped = float(np.sign(amount) * min(abs(amount), max(cap, 0.0)))
        return capped if abs(capped) > tolerance(self.x[s]) else 0.0

    def protect(self, s: int, amount: float, *, beyond_block: bool = False) -> None:
        """Suppress what it takes to move cell ``s`` by ``amount`` (capped a priori).

        ``beyond_block``: a model of the cell's gemeente block has just failed. That
        block holds every cell a two-step neighbourhood could move (its gemeente and
        the gemeenten beyond are only reached a step later), so the search starts at
        the cap and three steps.
        """
        if not amount:
            return
        reached, moved, y = 0.0, np.array([], dtype=np.int64), None
        if not beyond_block:
            reached, moved, y = self._deviate(s, amount, DEPTHS[:1])
        if reached < abs(amount) - tolerance(amount):
            target = self._capped(s, amount)
            if reached < abs(target) - tolerance(amount):
                reached, moved, y = self._deviate(s, target, DEPTHS[1:] if beyond_block else DEPTHS)
            if reached < abs(target) - tolerance(amount):
                target = self._capped(s, target, APRIORI_DEEPER)
            if reached < abs(target) - tolerance(amount):
                self.result.limited.append(s)
        self._suppress(moved[~self.suppressed[moved]])
        if y is not None:
            self.certify(*y)

    def _deviate(
        self, s: int, amount: float, depths: tuple[tuple[int, int], ...]
    ) -> tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """How far ``s`` moves, the cells moved and the certificate (ball, y) that does it."""
        best: tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray] | None] = (
            0.0,
            np.array([], dtype=np.int64),
            None,
        )
        for depth, budget in depths:
            ball = self.finder.ball(s, depth, budget)
            matrix, _ = submatrix(self.structure, ball)
            unit = self.weight[ball] / max(abs(amount), 1e-9)
            cost = np.where(self.suppressed[ball], _EPSILON_COST, unit)
            deviation = protecting_deviation(
                matrix,
                self.room_up[ball],
                self.room_down[ball],
                cost,
                0,
                amount,
            )
            self.result.programs += 1
            if deviation.y is None:
                continue
            moved = ball[np.abs(deviation.y) > tolerance(amount) * 0.1]
            if deviation.reached > best[0]:
                best = (deviation.reached, moved, (ball, deviation.y))
            if deviation.reached >= abs(amount) - tolerance(amount):
                break
        return best


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


def _processing_order(cells: pd.DataFrame) -> np.ndarray:
    """Primary cells from the country down to the buurt, larger levels first."""
    primary = np.flatnonzero(cells["primary"].to_numpy(bool))
    level = cells["region"].str[:2].map(_LEVEL_ORDER).fillna(9).to_numpy()[primary]
    need = cells["upl"].to_numpy(float)[primary]
    return primary[np.lexsort((-need, level))]
