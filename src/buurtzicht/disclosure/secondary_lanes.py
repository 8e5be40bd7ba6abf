"""Secondary suppression of one lane (:mod:`buurtzicht.disclosure.lanes`).

Module-level, so that a process started with ``spawn`` can find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from buurtzicht.disclosure.secondary import SecondaryResult
    from buurtzicht.disclosure.secondary import _Search as Search


@dataclass(frozen=True)
class Gemeente:
    """One gemeente block and the wijk families in it."""

    block: np.ndarray
    families: list[np.ndarray]


@dataclass(frozen=True)
class Plan:
    """What every lane starts from: the search so far and the order of the cells."""

    search: Search
    rank: np.ndarray
    level: np.ndarray
    primary: np.ndarray

    def jobs(self, search: Search, block: np.ndarray, wanted: str) -> list[tuple[int, float]]:
        targets = block[self.primary[block] & (self.level[block] == wanted)]
        return search.jobs(targets[np.argsort(self.rank[targets])])


def protect_lane(plan: Plan, lane: list[Gemeente]) -> SecondaryResult:
    """Protect the gemeenten of one lane on a copy of the search; its result."""
    search = plan.search.copy()
    for gemeente in lane:
        block = gemeente.block
        failed = search.protect_block(block, plan.jobs(search, block, "WK"))
        for s, amount in failed:
            search.protect(s, amount, beyond_block=True)
        failed = []
        for family in gemeente.families:
            search.cap_family(family)
            failed += search.protect_block(family, plan.jobs(search, family, "BU"), cap=False)
        for s, amount in search.protect_block(block, failed) if failed else []:
            search.protect(s, amount, beyond_block=True)
    return search.result


def protect_cells(search: Search, lane: list[np.ndarray]) -> SecondaryResult:
    """Protect the cells of one lane one by one on neighbourhoods, on a copy of the search."""
    search = search.copy()
    for targets in lane:
        for s in targets:
            search.protect_both(int(s))
    return search.result
