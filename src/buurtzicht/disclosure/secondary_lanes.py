"""Secondary suppression of one lane (:mod:`buurtzicht.disclosure.lanes`).

Module-level, so that a process started with ``spawn`` can find it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from buurtzicht.disclosure.lanes import deal, run_lanes
from buurtzicht.disclosure.search import Search
from buurtzicht.disclosure.search_state import SecondaryResult
from buurtzicht.disclosure.top_table import BlockKey, TopParts, TopTable

#: A gemeente-level cell costs about as much as this many cells in a block (wide
#: neighbourhoods instead of one warm model): decides when lanes get processes. On the
#: scale-1.0 release the 61 cells the top table leaves took 43 s in one process (py-spy,
#: 7 Dec 2026): 0.7 s each, some 20 of them repay starting two processes.
_WORK_PER_GEMEENTE_CELL = 250


@dataclass(frozen=True)
class Gemeente:
    """One gemeente block and the wijk families in it."""

    block: np.ndarray
    families: list[np.ndarray]
    key: BlockKey = ("", 0, "")


@dataclass(frozen=True)
class Plan:
    """What every lane starts from: the search so far and the order of the cells."""

    search: Search
    rank: np.ndarray
    level: np.ndarray
    primary: np.ndarray
    top: TopParts | None = None

    def jobs(self, search: Search, block: np.ndarray, wanted: str) -> list[tuple[int, float]]:
        targets = block[self.primary[block] & (self.level[block] == wanted)]
        return search.jobs(targets[np.argsort(self.rank[targets])])


def protect_lane(plan: Plan, lane: list[Gemeente]) -> SecondaryResult:
    """Protect the gemeenten of one lane on a copy of the search; its result.

    What a gemeente block cannot protect goes through the top table first (the
    gemeente's own cells move, other gemeenten carry it; the lane builds its own top
    table on its own copy of the search, when first needed), then to neighbourhoods.
    """
    search = plan.search.copy()
    table: list[TopTable] = []

    def beyond(gemeente: Gemeente, failed: list[tuple[int, float]]) -> None:
        if not failed:
            return
        # Capped on the whole gemeente block, most of what failed is done or fits.
        failed = search.cap_jobs(gemeente.block, failed)
        failed = search.protect_block(gemeente.block, failed)
        if failed and plan.top is not None:
            if not table:
                table.append(TopTable.build(search, plan.top))
            failed = table[0].through(gemeente.key, failed)
        for s, amount in failed:
            search.protect(s, amount, beyond_block=True)

    # No per-cell cap on a failing block job: a two-step neighbourhood program for each
    # of them took 30 % of the national protection (py-spy, 7 Dec 2026). What fails is
    # capped in one batch on the whole gemeente block in `beyond` and tried again;
    # the neighbourhoods still cap per cell (two and four steps).
    for gemeente in lane:
        block = gemeente.block
        beyond(gemeente, search.protect_block(block, plan.jobs(search, block, "WK")))
        failed = []
        for family in gemeente.families:
            search.cap_family(family)
            failed += search.protect_block(family, plan.jobs(search, family, "BU"))
        if failed:
            beyond(gemeente, search.protect_block(block, failed))
    return search.result


def protect_cells(search: Search, lane: list[np.ndarray]) -> SecondaryResult:
    """Protect the cells of one lane one by one on neighbourhoods, on a copy of the search."""
    search = search.copy()
    for targets in lane:
        for s in targets:
            search.protect_both(int(s))
    return search.result


def gemeente_cells_in_lanes(
    search: Search, targets: np.ndarray, regions: np.ndarray, workers: int
) -> None:
    """Protect gemeente-level cells on neighbourhoods, dealt into lanes by gemeente.

    Each lane keeps the processing order; a gemeente's cells (all measures and
    periods) stay in one lane. Only the cells the top table could not protect
    (:mod:`buurtzicht.disclosure.top_table`) come here.
    """
    if not len(targets):
        return
    codes, owner = np.unique(regions[targets], return_inverse=True)
    sizes = np.bincount(owner, minlength=len(codes)).tolist()
    lanes = [[targets[np.isin(owner, lane)]] for lane in deal(sizes)]
    size = len(targets) * _WORK_PER_GEMEENTE_CELL
    for lane in run_lanes(protect_cells, search, lanes, workers, size):
        search.unite(lane)
