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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from buurtzicht.disclosure.apriori import apriori_interval
from buurtzicht.disclosure.knowledge import status_bounds
from buurtzicht.disclosure.lp import protecting_deviation
from buurtzicht.disclosure.neighbourhood import BallFinder, submatrix
from buurtzicht.disclosure.primary import SECONDARY
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.structure import Structure

#: Neighbourhood depths tried in turn, and the cell budget of each.
DEPTHS = ((2, 400), (3, 3_000), (5, 20_000))
_EPSILON_COST = 1e-4
_LEVEL_ORDER = {"NL": 0, "LD": 1, "PV": 2, "RE": 2, "VR": 2, "CR": 2, "GM": 3, "WK": 4, "BU": 5}


@dataclass
class SecondaryResult:
    """Reasons after secondary suppression, and the cells whose level was out of reach."""

    reason: np.ndarray
    limited: list[int] = field(default_factory=list)
    programs: int = 0


def suppression_bounds(cells: pd.DataFrame, rules: Mapping[str, RuleSet]) -> np.ndarray:
    """Per cell the ``[lo, hi]`` the attacker will know once it is suppressed.

    Primary cells keep their own reason; every other cell would be ``secondary``;
    published and structural zeros stay known to be 0.
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
    cells: pd.DataFrame, structure: Structure, rules: Mapping[str, RuleSet]
) -> SecondaryResult:
    """Choose complementary suppressions for every primary cell of ``cells``.

    ``cells`` is the output of :func:`buurtzicht.disclosure.primary.apply_primary`.
    """
    search = _Search.start(cells, structure, rules)
    for s in _processing_order(cells):
        for amount in (search.up[s], -search.down[s]):
            if abs(amount) > _tolerance(search.x[s]):
                search.protect(int(s), float(amount))
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

    @classmethod
    def start(
        cls, cells: pd.DataFrame, structure: Structure, rules: Mapping[str, RuleSet]
    ) -> _Search:
        x = cells["value"].to_numpy(float)
        bounds = suppression_bounds(cells, rules)
        up, down = required_levels(cells, bounds)
        movable = ~cells["reason"].isin(["zero", "structural_zero"]).to_numpy()
        return cls(
            structure=structure,
            x=x,
            suppressed=cells["primary"].to_numpy(bool).copy(),
            bounds=bounds,
            room_up=np.maximum(bounds[:, 1] - x, 0.0),
            room_down=np.maximum(x - bounds[:, 0], 0.0),
            weight=1.0 + np.log1p(x),
            up=up,
            down=down,
            finder=BallFinder(structure, movable),
            everything=BallFinder(structure, np.ones(len(x), dtype=bool)),
            result=SecondaryResult(cells["reason"].to_numpy(object).copy()),
        )

    def protect(self, s: int, amount: float) -> None:
        """Suppress what it takes to move cell ``s`` by ``amount`` (capped a priori)."""
        reached, moved = self._deviate(s, amount, DEPTHS[:1])
        if reached < abs(amount) - _tolerance(amount):
            low, high = apriori_interval(self.structure, self.everything, self.bounds, s)
            cap = high - self.x[s] if amount > 0 else self.x[s] - low
            target = float(np.sign(amount) * min(abs(amount), max(cap, 0.0)))
            if reached < abs(target) - _tolerance(amount):
                reached, moved = self._deviate(s, target, DEPTHS)
            if reached < abs(target) - _tolerance(amount):
                self.result.limited.append(s)
        newly = moved[~self.suppressed[moved]]
        self.suppressed[newly] = True
        self.result.reason[newly] = SECONDARY

    def _deviate(
        self, s: int, amount: float, depths: tuple[tuple[int, int], ...]
    ) -> tuple[float, np.ndarray]:
        best: tuple[float, np.ndarray] = (0.0, np.array([], dtype=np.int64))
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
            moved = ball[np.abs(deviation.y) > _tolerance(amount) * 0.1]
            if deviation.reached > best[0]:
                best = (deviation.reached, moved)
            if deviation.reached >= abs(amount) - _tolerance(amount):
                break
        return best


def _processing_order(cells: pd.DataFrame) -> np.ndarray:
    """Primary cells from the country down to the buurt, larger levels first."""
    primary = np.flatnonzero(cells["primary"].to_numpy(bool))
    level = cells["region"].str[:2].map(_LEVEL_ORDER).fillna(9).to_numpy()[primary]
    need = cells["upl"].to_numpy(float)[primary]
    return primary[np.lexsort((-need, level))]


def _tolerance(value: float) -> float:
    return 1e-6 * max(1.0, abs(value))
