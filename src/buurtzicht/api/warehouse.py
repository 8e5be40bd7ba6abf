"""The server's view of the warehouse: one read-only connection per process.

DuckDB connections are not shared across threads, so every request takes its own
``cursor()`` of the process connection. The holder watches the ``CURRENT`` pointer of
the build layout; when a new build is activated (or rolled back) the next request opens
it, and everything cached for the old build (gzipped geometry, profiles) goes with it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import duckdb
from starlette.concurrency import run_in_threadpool

from buurtzicht.api.answer_store import AnswerStores, Recorder
from buurtzicht.api.cache import MISSING, ByteCache
from buurtzicht.config import Settings
from buurtzicht.warehouse.layout import BuildLayout

T = TypeVar("T")
DEFAULT_CACHE_BYTES = 256 * 2**20


@dataclass
class Snapshot:
    """One open build with what is cached for it."""

    build_id: str
    connection: duckdb.DuckDBPyConnection
    cache: ByteCache = field(default_factory=lambda: ByteCache(DEFAULT_CACHE_BYTES))
    _analysis_lock: threading.Lock = field(default_factory=threading.Lock)
    _analysis_cursor: duckdb.DuckDBPyConnection | None = None

    def analysis(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``work`` on the one long-lived cursor that the analysis engine reads
        through, one call at a time.

        :mod:`buurtzicht.analysis` keeps level-wide tables (peer groups, ranks) per
        connection, and computes ``indicator_values`` once per connection when a build
        lacks the materialised table; a fresh cursor per call would redo that work.
        """
        from buurtzicht.analysis.connection import ensure_indicator_values

        with self._analysis_lock:
            if self._analysis_cursor is None:
                cursor = self.connection.cursor()
                ensure_indicator_values(cursor)
                self._analysis_cursor = cursor
            return work(self._analysis_cursor)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.connection.cursor()

    def read(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``work`` on a fresh cursor of this build (closed afterwards)."""
        cursor = self.connection.cursor()
        try:
            return work(cursor)
        finally:
            cursor.close()

    def cached(self, key: object, compute: Callable[[], Any]) -> Any:
        """Values that depend only on the build (geometry bytes, profiles, catalog)."""
        return self.cache.get_or_compute(key, compute)

    async def cached_async(self, key: object, compute: Callable[[], Any]) -> Any:
        """Like :meth:`cached`; a hit answers on the event loop, a miss (which queries
        DuckDB and blocks) runs in the thread pool."""
        hit = self.cache.lookup(key)
        if hit is not MISSING:
            return hit
        return await run_in_threadpool(self.cache.get_or_compute, key, compute)


class Warehouse:
    """Opens the current build lazily and reopens it when ``CURRENT`` changes."""

    def __init__(self, settings: Settings) -> None:
        self.layout = BuildLayout(settings.warehouse_dir)
        self.cache_bytes = int(settings.cache_mb * 2**20)
        self._snapshot: Snapshot | None = None
        #: Pre-rendered answers on disk (set by the served app, :mod:`buurtzicht.server`).
        self.answers: AnswerStores | None = None
        #: Told of every answer the response cache keeps (the pre-rendering sets it).
        self.recorder: Recorder | None = None
        self._pointer_stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.layout.pointer)
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def snapshot(self) -> Snapshot:
        """The current build; raises ``NoBuildError`` when there is none."""
        stamp = self._stamp()
        snapshot = self._snapshot
        if snapshot is not None and stamp == self._pointer_stamp:
            return snapshot
        with self._lock:
            if self._snapshot is not None and stamp == self._pointer_stamp:
                return self._snapshot
            path = self.layout.current_database()
            build_id = self.layout.current_id() or path.stem
            if self._snapshot is None or self._snapshot.build_id != build_id:
                # The old connection is not closed here: requests that still hold a
                # cursor of it finish on the old build; it closes when unreferenced.
                connection = duckdb.connect(str(path), read_only=True)
                self._snapshot = Snapshot(build_id, connection, ByteCache(self.cache_bytes))
            self._pointer_stamp = stamp
            return self._snapshot

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.connection.close()
            self._snapshot = None
            self._pointer_stamp = None
