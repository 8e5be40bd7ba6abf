"""Lanes: independent shares of the work, run side by side on separate processes.

Secondary suppression and the audit spend their time in gemeente blocks that do not
depend on each other (secondary suppression also in the gemeente-level cells, which
are dealt by gemeente in the same way). The blocks are dealt into a fixed number of
*lanes* (balanced by size, in a fixed order), each lane is worked on from the same
starting state, and the results are united. For suppression that is safe because a
certificate (a change of the table that moves only suppressed cells) stays valid when
more cells are suppressed: the union of the lanes' suppressions keeps every lane's
certificates.

The lanes are fixed, not the processes: the same table gives the same result with
one process or two, only faster. Processes are started with ``spawn`` (HiGHS keeps
a thread pool, which a ``fork`` would copy in an unusable state) and only for tables
large enough to repay starting them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import current_process, get_context
from typing import TypeVar

import numpy as np

#: Lanes the work is dealt into, whatever the number of processes.
LANES = 2
#: Below this much work (cells in blocks) one process does every lane.
PARALLEL_FROM = 5_000

State = TypeVar("State")
Item = TypeVar("Item")
Result = TypeVar("Result")


def default_workers() -> int:
    """Processes to use: the cores this process may run on, at most :data:`LANES`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(LANES, cores))


def deal(sizes: Sequence[int], lanes: int = LANES) -> list[np.ndarray]:
    """Item numbers per lane: largest first onto the lightest lane; each lane in order.

    >>> [lane.tolist() for lane in deal([5, 1, 4, 2])]
    [[0, 1], [2, 3]]
    """
    load = np.zeros(lanes)
    owner = np.empty(len(sizes), dtype=np.int64)
    for item in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        lane = int(np.argmin(load))
        owner[item] = lane
        load[lane] += sizes[item]
    return [np.flatnonzero(owner == lane) for lane in range(lanes)]


def run_lanes(
    work: Callable[[State, list[Item]], Result],
    state: State,
    lanes: list[list[Item]],
    workers: int,
    size: int,
) -> list[Result]:
    """``work(state, lane)`` for every lane, on up to ``workers`` processes.

    ``work`` must be a module-level function and ``state`` picklable; ``work`` must
    not rely on changes another lane makes to ``state``. ``size`` (the amount of
    work) decides whether starting processes pays.
    """
    busy = [lane for lane in lanes if lane]
    # A daemonic process (a worker of someone else's pool) may not start processes.
    alone = workers <= 1 or len(busy) <= 1 or current_process().daemon
    if alone or size < PARALLEL_FROM:
        return [work(state, lane) for lane in lanes]
    context = get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(lanes)), mp_context=context) as pool:
        return list(pool.map(work, [state] * len(lanes), lanes))
