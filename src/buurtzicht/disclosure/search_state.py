"""The state of the search for complementary suppressions, and its widest tool.

:class:`SearchState` holds what every part of secondary suppression works on (the
cells suppressed so far, the protection levels still required, the bounds and costs
of every cell, the certificates found) and protects a single cell on neighbourhoods
of growing size (:mod:`buurtzicht.disclosure.neighbourhood`), the route of last resort
before whole tables. The models of whole blocks build on it
(:mod:`buurtzicht.disclosure.search`); the top table and the lanes use both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from buurtzicht.disclosure.apriori import APRIORI_DEEPER, APRIORI_DEPTH, apriori_interval
from buurtzicht.disclosure.certificates import Recorded
from buurtzicht.disclosure.knowledge import status_bounds
from buurtzicht.disclosure.lp import protecting_deviation
from buurtzicht.disclosure.neighbourhood import BallFinder, submatrix
from buurtzicht.disclosure.primary import SECONDARY
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.structure import Structure
from buurtzicht.disclosure.tree_protect import tolerance

#: Neighbourhood depths tried in turn, and the cell budget of each.
DEPTHS = ((2, 400), (3, 3_000), (4, 8_000), (6, 20_000))
EPSILON_COST = 1e-4


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


@dataclass
class SearchState:
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
    #: National cells that pass the rules: not movable but as the last resort.
    reserved: np.ndarray
    # A-priori intervals depend only on the statuses, which never change: keep them.
    apriori: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    #: What the attacker knows of each cell if it stays published (rounding interval).
    shown: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))

    def certify(self, variables: np.ndarray, y: np.ndarray) -> None:
        """Record certificate ``y`` over ``variables`` (after suppressing what it moves).

        Only the suppressed cells it moves are kept (and public margins, which are
        counted as suppressed here): the rest move by less than the tolerance that
        decides what a certificate moves, which the audit's check allows for.
        """
        keep = (y != 0) & self.suppressed[variables]
        if keep.any():
            self.result.certificates.append((variables[keep], y[keep]))

    def _suppress(self, newly: np.ndarray) -> None:
        self.suppressed[newly] = True
        self.result.reason[newly] = SECONDARY

    def protect_both(self, s: int) -> None:
        """Protect cell ``s`` upwards and downwards on neighbourhoods."""
        for amount in (self.up[s], -self.down[s]):
            if abs(amount) > tolerance(self.x[s]):
                self.protect(s, float(amount))

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
            cost = np.where(self.suppressed[ball], EPSILON_COST, unit)
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
