"""Answers rendered once per build and code, on disk beside the build, shared by workers.

The public answers every visitor gets the same (a gemeente's profile and page, its
region details, the home page, the map values of every catalog indicator) are rendered
once (:mod:`buurtzicht.server.prerender`, run by ``buurtzicht build`` and, when missing,
by ``buurtzicht serve`` before it takes requests) into an SQLite file beside the build:
``builds/<build>.answers-<tag>.sqlite``. The tag is a digest of everything besides the
build that the answers depend on (the code, templates, vendored files and the settings
that show), so a new release of the code or other settings never replays old answers.

:class:`~buurtzicht.api.response_cache.ResponseCache` reads it on a miss of its own
memory: a worker started seconds ago answers these URLs with one primary-key lookup
instead of DuckDB queries, validation and rendering, and all workers share one copy.
The keys are the response cache's own (path, accepted query, language).
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buurtzicht.warehouse.layout import BuildLayout

#: How often a worker looks again for a store that was not there (seconds).
RECHECK_SECONDS = 2.0
_SCHEMA = (
    "CREATE TABLE answers (key TEXT PRIMARY KEY, headers TEXT NOT NULL, "
    "gzipped BLOB NOT NULL, etag BLOB NOT NULL)",
    "CREATE TABLE accepts (path TEXT PRIMARY KEY, params TEXT NOT NULL)",
)


@dataclass(frozen=True)
class Stored:
    """One cached answer: status 200, its headers, the body plain and gzipped."""

    headers: tuple[tuple[bytes, bytes], ...]
    raw: bytes
    gzipped: bytes
    etag: bytes


#: Told of every answer the response cache keeps: (path, accepted parameters, key, answer).
Recorder = Callable[[str, frozenset[str], tuple[object, ...], Stored], None]


def answers_path(layout: BuildLayout, build_id: str, tag: str) -> Path:
    return layout.builds / f"{build_id}.answers-{tag}.sqlite"


def _key_text(key: tuple[object, ...]) -> str:
    return repr(key)


class AnswerStore:
    """Read-only view of one store (safe to share between threads: one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()

    def accepts(self, path: str) -> frozenset[str] | None:
        with self._lock:
            row = self._db.execute("SELECT params FROM accepts WHERE path = ?", [path]).fetchone()
        return None if row is None else frozenset(json.loads(row[0]))

    def answer(self, key: tuple[object, ...]) -> Stored | None:
        with self._lock:
            row = self._db.execute(
                "SELECT headers, gzipped, etag FROM answers WHERE key = ?", [_key_text(key)]
            ).fetchone()
        if row is None:
            return None
        headers = tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row[0]))
        return Stored(headers, gzip.decompress(row[1]), bytes(row[1]), bytes(row[2]))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class AnswerWriter:
    """Writes a new store as ``<path>.partial`` and renames it when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
        self.partial.unlink(missing_ok=True)
        self._db = sqlite3.connect(self.partial, check_same_thread=False)
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._lock = threading.Lock()
        self.count = 0

    def add(
        self, path: str, accepted: frozenset[str], key: tuple[object, ...], stored: Stored
    ) -> None:
        headers = json.dumps(
            [[k.decode("latin-1"), v.decode("latin-1")] for k, v in stored.headers]
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO accepts VALUES (?, ?)", [path, json.dumps(sorted(accepted))]
            )
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                [_key_text(key), headers, stored.gzipped, stored.etag],
            )
            self.count += 1

    def take(self, other: Path) -> None:
        """Add every answer of another (complete) store, e.g. one process's share."""
        with self._lock:
            self._db.execute("ATTACH DATABASE ? AS other", [str(other)])
            for table in ("accepts", "answers"):
                self._db.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM other.{table}")
            self._db.commit()
            self._db.execute("DETACH DATABASE other")
            self.count = self._db.execute("SELECT count(*) FROM answers").fetchone()[0]

    def commit(self) -> None:
        """Make the store visible to the servers (atomically)."""
        with self._lock:
            self._db.commit()
            self._db.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        with self._lock:
            self._db.close()
        self.partial.unlink(missing_ok=True)


class AnswerStores:
    """Finds the store of a build (once it exists) for the response cache."""

    def __init__(self, layout: BuildLayout, tag: str) -> None:
        self.layout = layout
        self.tag = tag
        self._open: dict[str, AnswerStore] = {}
        self._looked: dict[str, float] = {}
        self._lock = threading.Lock()

    def store(self, build_id: str) -> AnswerStore | None:
        found = self._open.get(build_id)
        if found is not None:
            return found
        now = time.monotonic()
        if now - self._looked.get(build_id, -RECHECK_SECONDS) < RECHECK_SECONDS:
            return None
        with self._lock:
            self._looked[build_id] = now
            path = answers_path(self.layout, build_id, self.tag)
            if build_id in self._open or not path.is_file():
                return self._open.get(build_id)
            # One build is served at a time; the old store closes when unreferenced.
            self._open = {build_id: AnswerStore(path)}
            return self._open[build_id]
