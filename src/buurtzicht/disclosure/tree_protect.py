"""Secondary suppression on tree-shaped tables: HiTaS top-down, without LPs.

On a tree (:mod:`buurtzicht.disclosure.tree`) a certificate for a suppressed cell
``s`` (a change of the table that keeps every relation, moves ``s`` by its protection
level and moves only suppressed cells) can be built one relation at a time:

* in the relation where ``s`` is a part, its suppressed siblings move the other way
  (and, where they cannot cover the level, the total moves with ``s``);
* every suppressed cell that moves and has parts of its own passes its movement on to
  them: its relation must *absorb* it.

So each relation is a small one-dimensional table, processed top-down with its total
already decided, as in HiTaS (de Wolf 2002): a suppressed total is a cell its parts
must be able to absorb, and each part that needs protection must be coverable by its
siblings. The classic rule for such a table follows: never one suppressed cell alone,
and the complements' combined room must cover the level; complements are chosen
cheapest first (information loss ``1 + log(1 + value)``), a single one where it
suffices. Rooms are *potential* rooms (the subtree fully suppressed), so a
complement with parts of its own can always be opened further down.

Before that, an upward pass finds the parts whose siblings cannot cover them even when
all suppressed (a wijk with a single buurt, a buurt beside published zeros): their
total must move with them and so needs protection in its own relation, one level up.
Levels are capped by the exact a-priori interval (everything suppressed), so a
solution always exists. The result is checked with the exact intervals of
:func:`buurtzicht.disclosure.tree.tree_intervals` over the cells suppressed (published
cells fixed at their true values, which only narrows the intervals); what fails the
check goes back to the general LP search.

References
----------
de Wolf, P.P. (2002). HiTaS: a heuristic approach to cell suppression in hierarchical
tables. *Inference Control in Statistical Databases*, LNCS 2316, 74-82.
Cox, L.H. (1980). Suppression methodology and statistical disclosure control. *JASA*
75(370), 377-385 (complementary suppression in one-dimensional tables).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from buurtzicht.disclosure.tree import Forest, subtree_intervals, tree_intervals


@dataclass
class TreeProblem:
    """Inputs of tree suppression, one entry per cell of the whole table.

    ``bounds`` is what each cell is known to lie in once suppressed (fixed zeros
    ``[0, 0]``); ``up``/``down`` the protection levels still required of primary cells.
    """

    forest: Forest
    x: np.ndarray
    bounds: np.ndarray
    primary: np.ndarray
    up: np.ndarray
    down: np.ndarray
    weight: np.ndarray
    #: What the attacker knows of each cell if it stays published (its rounding
    #: interval; the value itself when exact). None: every published cell is exact.
    shown: np.ndarray | None = None


@dataclass
class TreeResult:
    """Cells suppressed (primary and complementary) and primary cells left unprotected."""

    suppressed: np.ndarray
    failed: np.ndarray


def protect_forest(problem: TreeProblem) -> TreeResult:
    """Choose complementary suppressions on every tree of ``problem.forest``."""
    forest, x = problem.forest, problem.x
    apriori_low, apriori_high = tree_intervals(forest, problem.bounds)
    member_primary = problem.primary & forest.member
    up = np.where(member_primary, np.maximum(np.minimum(problem.up, apriori_high - x), 0), 0.0)
    down = np.where(member_primary, np.maximum(np.minimum(problem.down, x - apriori_low), 0), 0.0)
    potential_low, potential_high, _ = subtree_intervals(forest, problem.bounds)
    room = (np.maximum(potential_high - x, 0.0), np.maximum(x - potential_low, 0.0))
    state = _State(
        forest=forest,
        x=x,
        room=room,
        weight=problem.weight,
        suppressed=problem.primary.copy(),
        protect=(up.copy(), down.copy()),
        slack=_slack(problem, room),
    )
    state.escalate()
    state.descend()
    return TreeResult(state.suppressed, _check(problem, state.suppressed, up, down))


def _slack(
    problem: TreeProblem, room: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Per published buurt (a leaf) how far it may move without being suppressed.

    A rounded cell is known only to its rounding interval (a published 11 of base 5
    lies in ``[8, 12]``), so a certificate may move it within that interval for free.
    The movement is also kept within what the cell would be known to lie in once
    suppressed (a secondary count of 11 is at least 10): whether or not a later step
    suppresses the cell, the certificate stays valid. Leaves only: a published total
    that moved would need its own parts to absorb the movement.
    """
    x, forest = problem.x, problem.forest
    if problem.shown is None:
        return np.zeros(len(x)), np.zeros(len(x))
    parent = forest.parent[forest.parent >= 0]
    leaf = forest.member & (np.bincount(parent, minlength=len(x)) == 0)
    free = leaf & ~problem.primary
    up = np.minimum(problem.shown[:, 1] - x, room[0])
    down = np.minimum(x - problem.shown[:, 0], room[1])
    return np.where(free, np.maximum(up, 0.0), 0.0), np.where(free, np.maximum(down, 0.0), 0.0)


def _check(
    problem: TreeProblem, suppressed: np.ndarray, up: np.ndarray, down: np.ndarray
) -> np.ndarray:
    """Primary member cells whose exact interval over the suppressed cells falls short."""
    x = problem.x
    shown = x[:, None] if problem.shown is None else problem.shown
    known = np.where(suppressed[:, None], problem.bounds, shown)
    low, high = tree_intervals(problem.forest, known)
    slack = 1e-6 * np.maximum(1.0, np.abs(x))
    short = (high < x + up - slack) | (low > x - down + slack)
    return np.flatnonzero(short & problem.primary & problem.forest.member)


@dataclass
class _State:
    forest: Forest
    x: np.ndarray
    room: tuple[np.ndarray, np.ndarray]  # potential room up, down
    weight: np.ndarray
    suppressed: np.ndarray
    protect: tuple[np.ndarray, np.ndarray]  # certificate needed in the parent relation
    slack: tuple[np.ndarray, np.ndarray]  # free movement of a published buurt (up, down)

    def __post_init__(self) -> None:
        parent = self.forest.parent
        order = np.argsort(parent, kind="stable")
        order = order[parent[order] >= 0]
        self._kids_order = order
        starts = np.searchsorted(parent[order], np.arange(len(parent) + 1))
        self._starts = starts
        # share of the total's own movement in each part's certificate (up, down)
        self.total_share = (np.zeros(len(parent)), np.zeros(len(parent)))
        self.need = (self.protect[0].copy(), self.protect[1].copy())

    def kids(self, total: int) -> np.ndarray:
        return self._kids_order[self._starts[total] : self._starts[total + 1]]

    def escalate(self) -> None:
        """Upward: a part its siblings cannot cover makes its total move (and need cover).

        Once the total has to move, it carries the part's whole movement beyond what
        siblings already suppressed can take (:meth:`_carried`), rather than each
        published sibling being suppressed for a fraction of it.
        """
        parent = self.forest.parent
        n = len(parent)
        for d in range(self.forest.depth - 1, 0, -1):
            kids = self.forest.levels[d]
            par = parent[kids]
            for direction in (0, 1):
                other = 1 - direction  # siblings move the other way
                siblings = _sibling_room(par, self.room[other][kids], n)
                wanted = self.protect[direction][kids]
                short = wanted - siblings
                short = np.where(short > tolerance(wanted), short, 0.0)
                short = self._carried(d, kids, short, direction)
                self.total_share[direction][kids] = short
                escalated = np.zeros(n)
                np.maximum.at(escalated, par, short)
                totals = np.flatnonzero(escalated > 0)
                self.suppressed[totals] = True
                self.protect[direction][totals] = np.maximum(
                    self.protect[direction][totals], escalated[totals]
                )
        self.need = (self.protect[0].copy(), self.protect[1].copy())

    def _carried(self, d: int, kids: np.ndarray, short: np.ndarray, direction: int) -> np.ndarray:
        """The share of each part's movement its total carries, given that it must move.

        Siblings that can only cover part of a movement would all be suppressed for it
        (a buurt of 1 beside published buurten of 11 and 12, known to be at least 10
        once suppressed: room 1 and 2). The total moves anyway, so it takes everything
        the siblings already suppressed cannot, where that costs it nothing more one
        level up: its own siblings cover the larger movement too, or could not cover
        even the smaller one (it moves further up either way). Not for a total that
        is a root (the Netherlands stays published).
        """
        if d < 2 or not short.any():
            return short
        parent, n, other = self.forest.parent, len(self.forest.parent), 1 - direction
        par = parent[kids]
        room = self.room[other][kids]
        free = np.where(self.suppressed[kids], room, self.slack[other][kids])
        hidden = _sibling_room(par, free, n)
        full = np.maximum(self.protect[direction][kids] - hidden, short)
        totals = self.forest.levels[d - 1]
        above = _sibling_room(parent[totals], self.room[other][totals], n)
        beside = np.full(n, np.inf)
        beside[totals] = above
        beside = beside[par]
        fits = (self.room[direction][par] >= full) & ((beside >= full) | (beside < short))
        return np.where((short > 0) & fits, full, short)

    def descend(self) -> None:
        """Top-down, one relation at a time: absorb the total, cover every part."""
        for d in range(self.forest.depth - 1):
            for total in self.forest.levels[d]:
                kids = self.kids(int(total))
                if len(kids):
                    self._relation(int(total), kids)

    def _relation(self, total: int, kids: np.ndarray) -> None:
        for direction in (0, 1):
            if self.suppressed[total] and self.need[direction][total] > 0:
                self._fill(kids, self.need[direction][total], direction)
        wanted = (self.protect[0][kids], self.protect[1][kids])
        if not (wanted[0].any() or wanted[1].any()):
            return
        for k, s in enumerate(kids):
            for direction in (0, 1):
                amount = wanted[direction][k] - self.total_share[direction][s]
                if amount > tolerance(wanted[direction][k]):
                    self._fill(np.delete(kids, k), amount, 1 - direction)

    def _fill(self, cells: np.ndarray, amount: float, direction: int) -> None:
        """Let ``cells`` move by ``amount`` together in ``direction``; suppress as needed.

        Suppressed cells first, then published buurten within their rounding slack
        (all of it or none: a cell suppressed after lending its slack would count
        twice), then new complements.
        """
        room = self.room[direction][cells]
        need = self.need[direction]
        hidden = self.suppressed[cells] & (room > 0)
        # Cells already committed in this direction first, then the roomiest.
        for c in cells[hidden][np.lexsort((-room[hidden], -need[cells[hidden]]))]:
            share = min(self.room[direction][c], amount)
            need[c] = max(need[c], share)
            amount -= share
            if amount <= tolerance(amount):
                return
        # Published buurten moved within their rounding intervals, if they suffice.
        slack = np.where(self.suppressed[cells], 0.0, self.slack[direction][cells])
        if slack.sum() >= amount - tolerance(amount):
            return
        candidates = list(cells[~self.suppressed[cells] & (room > 0)])
        while candidates and amount > tolerance(amount):
            c = self._cheapest(candidates, amount, direction)
            candidates.remove(c)
            self.suppressed[c] = True
            share = min(self.room[direction][c], amount)
            need[c] = max(need[c], share)
            amount -= share

    def _cheapest(self, candidates: list, amount: float, direction: int) -> int:
        """The cheapest cell that covers ``amount`` alone, else the roomiest."""
        room = self.room[direction][candidates]
        enough = room >= amount
        if enough.any():
            options = np.flatnonzero(enough)
            return int(candidates[int(options[np.argmin(self.weight[candidates][options])])])
        return int(candidates[int(np.argmax(room))])


def _sibling_room(parent: np.ndarray, room: np.ndarray, n: int) -> np.ndarray:
    """Per part, the summed ``room`` of its siblings (the other parts of its total)."""
    finite = np.isfinite(room)
    total = np.bincount(parent, np.where(finite, room, 0.0), minlength=n)[parent]
    infinite = np.bincount(parent, ~finite, minlength=n)[parent] - ~finite > 0
    return np.where(infinite, np.inf, total - np.where(finite, room, 0.0))


def tolerance(value: float | np.ndarray) -> float | np.ndarray:
    """How close to a level counts as reaching it: 1e-6 relative, at least 1e-6."""
    return 1e-6 * np.maximum(1.0, np.abs(value))
