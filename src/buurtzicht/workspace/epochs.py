"""What a process may keep in memory from the workspace database, and for how long.

The database holds one row of counters (table ``change_epochs``, migration 0003) that
triggers raise on every change, by any process or tool: ``sessions`` on every change to
sessions, accounts and organisations, ``datasets`` on every change to own data sets. A
process keeps what it read (signed-in users, the *eigen gegevens* blocks of pages) in an
:class:`EpochCache` together with the counter it was read under; a request reads the
counter (one row) and a different value empties the cache, so a logout, a disabled
account or a deleted data set is seen by every worker's next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from buurtzicht.workspace.db import WorkspaceDB
from buurtzicht.workspace.models import ChangeEpochs

V = TypeVar("V")


def sessions_epoch(session: Session) -> int:
    return int(session.execute(select(ChangeEpochs.sessions)).scalar_one())


def datasets_epoch(database: WorkspaceDB) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(ChangeEpochs.datasets)).scalar_one())


class EpochCache(Generic[V]):
    """Values read under one epoch of a counter; at most ``limit`` (then it starts again)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.epoch: int | None = None
        self.found: dict[Hashable, V] = {}
        self._lock = threading.Lock()

    def get(self, epoch: int, key: Hashable) -> V | None:
        with self._lock:
            if epoch != self.epoch:  # something changed since: read everything again
                self.found.clear()
                self.epoch = epoch
            return self.found.get(key)

    def put(self, epoch: int, key: Hashable, value: V) -> None:
        with self._lock:
            if epoch != self.epoch:
                return  # read under another epoch than the cache holds: do not keep it
            if len(self.found) >= self.limit:
                self.found.clear()
            self.found[key] = value


_caches: WeakKeyDictionary[WorkspaceDB, dict[str, EpochCache[object]]] = WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_of(database: WorkspaceDB, name: str, make: Callable[[], EpochCache[V]]) -> EpochCache[V]:
    """This process's cache ``name`` for ``database`` (one per handle: never shared
    between two databases)."""
    with _caches_lock:
        named = _caches.setdefault(database, {})
        if name not in named:
            named[name] = make()  # type: ignore[assignment]
        return named[name]  # type: ignore[return-value]
