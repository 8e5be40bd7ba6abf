"""Small linear programs on HiGHS: feasible intervals and protecting deviations.

Both problems live on a set of *variable* cells ``V`` and the relations that touch
them, every other cell being fixed (at its true value in the audit, unmoved in the
search for complementary suppressions). Fixing cells can only give an attacker more
knowledge, never less, so an interval computed on a neighbourhood is at least as
narrow as the attacker's true interval: a cell found protected here is protected.

The solver is HiGHS (Huangfu & Hall 2018) through its own Python interface
``highspy``: the audit solves two programs per suppressed cell on one model and only
swaps the objective, so every solve after the first starts from the previous basis.

References
----------
Huangfu, Q. and Hall, J.A.J. (2018). Parallelizing the dual revised simplex method.
*Mathematical Programming Computation* 10, 119-142.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache

import highspy
import numpy as np
from scipy import sparse

from buurtzicht.errors import DisclosureError

INF = highspy.kHighsInf
_OPTIMAL = highspy.HighsModelStatus.kOptimal
_UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


@lru_cache(maxsize=1)
def _silence_banner() -> None:
    """HiGHS prints a banner from C++ on the first instance; keep it out of our output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def highs_model(
    matrix: sparse.spmatrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    cost: np.ndarray | None = None,
    *,
    presolve: bool = False,
) -> highspy.Highs:
    csc = sparse.csc_matrix(matrix)
    n_rows, n_cols = csc.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.zeros(n_cols) if cost is None else np.asarray(cost, float)
    lp.col_lower_ = np.asarray(col_lower, float)
    lp.col_upper_ = np.where(np.isinf(col_upper), INF, col_upper).astype(float)
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lower, float), np.asarray(row_upper, float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, n_rows
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    _silence_banner()
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # Re-solved models keep their basis without presolve; one-off models gain from it.
    highs.setOptionValue("presolve", "on" if presolve else "off")
    highs.passModel(lp)
    return highs


def feasible_intervals(
    matrix: sparse.spmatrix,
    rhs: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    targets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimum and maximum of each target variable subject to ``matrix @ v = rhs``.

    ``lower``/``upper`` bound every variable (``inf`` allowed). Returns two arrays
    aligned with ``targets``; an unbounded maximum is ``inf``.

    Examples
    --------
    Wijk 20 = b1 + b2 + 5, with b1 and b2 suppressed:

    >>> low, high = feasible_intervals(sparse.csr_matrix([[1.0, 1.0]]), np.array([15.0]),
    ...     np.zeros(2), np.full(2, np.inf), np.array([0, 1]))
    >>> low.tolist(), high.tolist()
    ([0.0, 0.0], [15.0, 15.0])
    """
    # Amounts run to billions of euros: solve in units that keep HiGHS's absolute
    # tolerances meaningful (every relation is homogeneous, so scaling is exact).
    scale = unit_scale(rhs, lower, upper)
    highs = highs_model(matrix, rhs / scale, rhs / scale, lower / scale, upper / scale)
    low = np.empty(len(targets))
    high = np.empty(len(targets))
    for k, target in enumerate(targets):
        highs.changeColCost(int(target), 1.0)
        low[k] = solve_objective(highs, highspy.ObjSense.kMinimize)
        high[k] = solve_objective(highs, highspy.ObjSense.kMaximize)
        highs.changeColCost(int(target), 0.0)
    return low * scale, high * scale


def unit_scale(*arrays: np.ndarray) -> float:
    """A power of ten that brings the largest finite magnitude near 1,000."""
    finite = [np.abs(a[np.isfinite(a)]) for a in arrays]
    largest = max((float(f.max()) for f in finite if f.size), default=1.0)
    return float(10 ** max(0, int(np.floor(np.log10(max(largest, 1.0)))) - 3))


def solve_objective(highs: highspy.Highs, sense: highspy.ObjSense) -> float:
    """Optimum of ``highs`` in direction ``sense`` (``inf``/``-inf`` when unbounded)."""
    highs.changeObjectiveSense(sense)
    highs.run()
    status = highs.getModelStatus()
    if status != _OPTIMAL and status not in _UNBOUNDED:
        # A warm start can end in "unknown" after an unbounded solve; start afresh,
        # with presolve, which also settles borderline numerics.
        highs.clearSolver()
        highs.setOptionValue("presolve", "on")
        highs.run()
        highs.setOptionValue("presolve", "off")
        status = highs.getModelStatus()
    if status == _OPTIMAL:
        return float(highs.getInfo().objective_function_value)
    if status in _UNBOUNDED:
        return np.inf if sense == highspy.ObjSense.kMaximize else -np.inf
    raise DisclosureError(
        f"the audit's linear program is {highs.modelStatusToString(status)}: the published "
        "values are inconsistent with the secure values beside them (audit a published "
        "table only together with the aggregates it was made from)"
    )


@dataclass(frozen=True)
class Deviation:
    """A change ``y`` of the variable cells that keeps every relation; ``None`` if none."""

    y: np.ndarray | None
    reached: float


def protecting_deviation(
    matrix: sparse.spmatrix,
    room_up: np.ndarray,
    room_down: np.ndarray,
    cost: np.ndarray,
    target: int,
    amount: float,
) -> Deviation:
    """The cheapest ``y`` with ``matrix @ y = 0`` that moves ``target`` by ``amount``.

    ``amount > 0`` moves it up, ``< 0`` down. Variable ``i`` may move up by at most
    ``room_up[i]`` and down by at most ``room_down[i]``; the cost of moving it by
    ``d`` is ``cost[i] * |d|``. When the full amount cannot be reached, the largest
    reachable amount is used instead (``reached`` says how much), with the cheapest
    ``y`` for that amount.

    This is the attacker's problem turned round (Fischetti & Salazar-González 2001):
    if such a ``y`` exists among suppressed cells, ``x + y`` is a table the attacker
    cannot tell from the true one, so the target's interval reaches ``x + amount``.
    """
    scale = unit_scale(room_down, np.array([amount]))
    room_up, room_down, amount = room_up / scale, room_down / scale, amount / scale
    n = matrix.shape[1]
    both = sparse.hstack([matrix, -matrix]).tocsc()
    zeros = np.zeros(matrix.shape[0])
    upper = np.concatenate([room_up, room_down])
    lower = np.zeros(2 * n)
    column = target if amount > 0 else n + target
    other = n + target if amount > 0 else target
    upper[other] = 0.0
    reach = min(abs(amount), float(upper[column]))
    lower[column] = upper[column] = reach
    costs = np.concatenate([cost, cost])
    highs = highs_model(both, zeros, zeros, lower, upper, costs, presolve=True)
    highs.run()
    if highs.getModelStatus() != _OPTIMAL:
        reach = _largest_reach(highs, column, reach)
        if reach <= 0:
            return Deviation(None, 0.0)
        highs.changeColBounds(column, reach, reach)
        highs.run()
    values = np.asarray(highs.getSolution().col_value)
    return Deviation((values[:n] - values[n:]) * scale, reach * scale)


def _largest_reach(highs: highspy.Highs, column: int, limit: float) -> float:
    """Largest movement of ``column`` the relations allow (then fixed slightly below)."""
    highs.changeColBounds(column, 0.0, limit)
    lp = highs.getLp()
    saved = np.asarray(lp.col_cost_)
    highs.changeColsCost(len(saved), np.arange(len(saved), dtype=np.int32), np.zeros(len(saved)))
    highs.changeColCost(column, 1.0)
    best = solve_objective(highs, highspy.ObjSense.kMaximize)
    highs.changeColsCost(len(saved), np.arange(len(saved), dtype=np.int32), saved)
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    return max(0.0, best * (1 - 1e-9))


class DeviationModel:
    """:func:`protecting_deviation` for many targets on one model, warm-started.

    Holds the columns ``p`` (move up) and ``q`` (move down) of every variable cell;
    each :meth:`solve` fixes one target's movement, re-solves from the previous basis
    and restores the target's bounds afterwards.
    """

    def __init__(
        self,
        matrix: sparse.spmatrix,
        room_up: np.ndarray,
        room_down: np.ndarray,
        cost: np.ndarray,
    ) -> None:
        self.n = int(matrix.shape[1])
        self._scale = unit_scale(room_down)
        self._upper = np.concatenate([room_up, room_down]).astype(float) / self._scale
        cost = np.asarray(cost, float)
        # One cost per cell (both directions), or one per column: up, then down.
        self._cost = cost.copy() if len(cost) == 2 * self.n else np.concatenate([cost, cost])
        zeros = np.zeros(matrix.shape[0])
        self._highs = highs_model(
            sparse.hstack([matrix, -matrix]),
            zeros,
            zeros,
            np.zeros(2 * self.n),
            self._upper,
            self._cost,
        )

    @property
    def cost(self) -> np.ndarray:
        """The cost per unit of movement of every column (``p`` columns, then ``q``)."""
        return self._cost

    def hold(self, cells: np.ndarray, *, held: bool = True) -> None:
        """Keep ``cells`` at 0 movement in later solves (``held=False``: free them again)."""
        if not len(cells):
            return
        columns = np.concatenate([cells, cells + self.n]).astype(np.int32)
        upper = np.zeros(len(columns)) if held else self._upper[columns]
        self._highs.changeColsBounds(len(columns), columns, np.zeros(len(columns)), upper)

    def set_cost(self, cells: np.ndarray, cost: np.ndarray) -> None:
        """Change the cost per unit of movement of some cells (both directions)."""
        if not len(cells):
            return
        columns = np.concatenate([cells, cells + self.n]).astype(np.int32)
        values = np.concatenate([cost, cost]).astype(float)
        self._cost[columns] = values
        self._highs.changeColsCost(len(columns), columns, values)

    def reach(
        self,
        movable: np.ndarray,
        targets: np.ndarray,
        wanted: np.ndarray,
        rounds: int = 8,
        points: list[np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """How far certificates that move only ``movable`` cells push each target.

        Points of the polytope ``{y : A y = 0, -room_down <= y <= room_up, y = 0 off
        movable}`` are certificates (:func:`protecting_deviation`) that need no new
        suppression. A few programs with random objectives over the targets push many
        of them at once (as :mod:`buurtzicht.disclosure.reach` does for the audit);
        ``wanted`` ``(len(targets), 2)`` holds the movement down (``<= 0``, ``0``: not
        needed) and up (``>= 0``) each target must reach. Returns the lowest and the
        highest movement of each target over the points found (at least 0 each way).
        ``points`` collects every point (a movement of all variables) that pushed a
        target further: each is a certificate of its own.
        """
        low, high = np.zeros(len(targets)), np.zeros(len(targets))
        if not len(targets):
            return low, high
        wanted = np.asarray(wanted, float) / self._scale
        slack = 1e-9 * np.maximum(1.0, np.abs(wanted))
        every = np.arange(2 * self.n, dtype=np.int32)
        # An open end would let a random objective run off: cap it far out (a point
        # within tighter bounds is still a point of the polytope).
        finite = self._upper[np.isfinite(self._upper)]
        ceiling = 10.0 * max(1.0, float(finite.max(initial=0.0)), float(np.abs(wanted).max()))
        upper = np.where(np.concatenate([movable, movable]), self._upper, 0.0)
        upper = np.minimum(upper, ceiling)
        zeros = np.zeros(2 * self.n)
        self._highs.changeColsBounds(len(every), every, zeros, upper)
        rng = np.random.default_rng(0)
        for round_ in range(rounds):
            open_low = low > wanted[:, 0] + slack[:, 0]
            open_high = high < wanted[:, 1] - slack[:, 1]
            if not (open_low | open_high).any():
                break
            sign = np.where(rng.random(len(targets)) < 0.5, 1.0, -1.0) * (1 if round_ % 2 else -1)
            sign = np.where(open_low & ~open_high, -1.0, np.where(open_high & ~open_low, 1.0, sign))
            sign[~(open_low | open_high)] = 0.0
            weight = sign * rng.uniform(0.5, 1.5, len(targets))
            cost = np.zeros(2 * self.n)
            np.add.at(cost, targets, -weight)  # minimise -(weight . y): y = p - q
            np.add.at(cost, targets + self.n, weight)
            self._highs.changeColsCost(len(every), every, cost)
            self._highs.run()
            if self._highs.getModelStatus() != _OPTIMAL:
                self._highs.clearSolver()
                break
            values = np.asarray(self._highs.getSolution().col_value)
            point = values[targets] - values[targets + self.n]
            before = int(open_low.sum() + open_high.sum())
            np.minimum(low, point, out=low)
            np.maximum(high, point, out=high)
            after = int(
                (low > wanted[:, 0] + slack[:, 0]).sum() + (high < wanted[:, 1] - slack[:, 1]).sum()
            )
            if points is not None and after < before:
                points.append((values[: self.n] - values[self.n :]) * self._scale)
            if after == before:
                break
        self._highs.changeColsCost(len(every), every, self._cost)
        self._highs.changeColsBounds(len(every), every, zeros, self._upper)
        return low * self._scale, high * self._scale

    def solve(self, target: int, amount: float) -> np.ndarray | None:
        """The cheapest ``y`` moving ``target`` by ``amount``, or None if out of reach."""
        column = target if amount > 0 else self.n + target
        other = self.n + target if amount > 0 else target
        amount = amount / self._scale
        if abs(amount) > self._upper[column]:
            return None
        self._highs.changeColBounds(column, abs(amount), abs(amount))
        self._highs.changeColBounds(other, 0.0, 0.0)
        self._highs.run()
        found = self._highs.getModelStatus() == _OPTIMAL
        y = None
        if found:
            values = np.asarray(self._highs.getSolution().col_value)
            y = (values[: self.n] - values[self.n :]) * self._scale
        self._highs.changeColBounds(column, 0.0, self._upper[column])
        self._highs.changeColBounds(other, 0.0, self._upper[other])
        if not found:
            self._highs.clearSolver()  # an infeasible end leaves no useful basis
        return y

    def solve_fixed(self, columns: np.ndarray, amounts: np.ndarray) -> np.ndarray | None:
        """The cheapest ``y`` that moves each of ``columns`` by exactly its amount."""
        scaled = np.asarray(amounts, float) / self._scale
        up, down = np.maximum(scaled, 0.0), np.maximum(-scaled, 0.0)
        slack = 1e-9 * np.maximum(1.0, np.abs(scaled))
        if np.any(up > self._upper[columns] + slack) or np.any(
            down > self._upper[columns + self.n] + slack
        ):
            return None
        both = np.concatenate([columns, columns + self.n]).astype(np.int32)
        values = np.minimum(np.concatenate([up, down]), self._upper[both])
        self._highs.changeColsBounds(len(both), both, values, values)
        self._highs.run()
        found = self._highs.getModelStatus() == _OPTIMAL
        y = None
        if found:
            solution = np.asarray(self._highs.getSolution().col_value)
            y = (solution[: self.n] - solution[self.n :]) * self._scale
        self._highs.changeColsBounds(len(both), both, np.zeros(len(both)), self._upper[both])
        if not found:
            self._highs.clearSolver()
        return y
