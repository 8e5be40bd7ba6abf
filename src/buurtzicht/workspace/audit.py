"""The audit log: append-only and tamper-evident.

Every entry stores the SHA-256 of the previous entry's hash plus its own fields, so a
changed, removed or inserted line breaks the chain from there on; :func:`verify`
recomputes it. The database refuses UPDATE and DELETE on the table (triggers from the
first migration) and a unique ``prev_hash`` keeps the chain a line: two writers that
raced for the same predecessor cannot both land, the loser retries on the new head.

Logins, uploads, changes and beheer actions are written before the request answers
(:func:`record`). Views of own figures, one per member page, are queued in the process
and written together, chained in order, every :data:`FLUSH_SECONDS` and when the
database is closed or the process exits (:func:`record` with ``soon``): one transaction for many
views instead of one each. Reading the log in a process (:func:`entries`,
:func:`verify`) writes that process's queue first.
"""

from __future__ import annotations

import atexit
import csv
import hashlib
import io
import json
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from buurtzicht.workspace.db import WorkspaceDB
from buurtzicht.workspace.errors import AuditChainError, WorkspaceError
from buurtzicht.workspace.exports import safe_cell
from buurtzicht.workspace.models import AuditEntry, now_text

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "organisation", "action", "target", "detail", "address")


@dataclass(frozen=True)
class Actor:
    """Who did something, and from where (``anoniem`` for a visitor without login)."""

    name: str = "anoniem"
    organisation: str = ""
    address: str = ""


def entry_hash(prev_hash: str, fields: dict[str, object]) -> str:
    canonical = json.dumps(
        {name: fields[name] for name in FIELDS}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


#: The durability window of views: an entry queued by :func:`record` with ``soon`` is written
#: within about this many seconds (a crash of the process, not a shutdown, loses them).
FLUSH_SECONDS = 0.1
#: Queued entries past which a view is refused (the database is not taking the log).
MAX_PENDING = 5_000
#: Tries to append on the newest head when other processes keep taking it.
TRIES = 20

log = logging.getLogger(__name__)


def record(
    database: WorkspaceDB,
    actor: Actor,
    action: str,
    target: str = "",
    detail: dict[str, object] | None = None,
    *,
    soon: bool = False,
) -> None:
    """Append one entry.

    By default before returning (logins, uploads, changes, beheer actions), in its own
    transaction, so that a request that fails afterwards is still logged; views this
    process queued before are written in the same transaction, before it.

    With ``soon`` (a view of restricted data) the entry is queued: it is chained and
    written with the other entries of this process in one transaction every
    :data:`FLUSH_SECONDS`, and at the latest when the database is closed (the server's
    shutdown) or the process exits. Its time (``at``) is the time of the view. Refused
    with :class:`WorkspaceError` while :data:`MAX_PENDING` entries wait (the database is
    not taking them), so a view is never shown with its entry lost in a backlog.
    """
    fields = _fields(actor, action, target, detail)
    if soon:
        queue_of(database).put(fields)
    else:
        queue_of(database).write_now(fields)


def _fields(
    actor: Actor, action: str, target: str, detail: dict[str, object] | None
) -> dict[str, object]:
    """An entry's fields but its place in the chain (``seq``)."""
    return {
        "at": now_text(),
        "actor": actor.name,
        "organisation": actor.organisation,
        "action": action,
        "target": target[:300],
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
        "address": actor.address[:64],
    }


def _append_all(database: WorkspaceDB, batch: list[dict[str, object]]) -> None:
    """Chain ``batch`` onto the newest entry and insert it, in one transaction. A unique
    ``prev_hash`` refuses the whole batch when another process took the same head
    meanwhile; it is then chained again on the new head."""
    for _attempt in range(TRIES):
        try:
            with database.session() as session:
                head = session.execute(
                    select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
                ).first()
                seq, prev = (0, GENESIS) if head is None else (int(head[0]), str(head[1]))
                rows = []
                for fields in batch:
                    seq += 1
                    chained = {**fields, "seq": seq}
                    digest = entry_hash(prev, chained)
                    rows.append({**chained, "prev_hash": prev, "hash": digest})
                    prev = digest
                session.execute(insert(AuditEntry), rows)
            return
        except IntegrityError:
            continue  # another writer took the same predecessor: chain on the new head
    raise WorkspaceError(f"audit log busy: could not append after {TRIES} tries")


class AuditQueue:
    """The entries of this process waiting to be written to one database, in order.

    One writer at a time (``_writing``) keeps the process's entries in the order they
    were made; a daemon thread, started with the first queued entry, writes what is
    queued every :data:`FLUSH_SECONDS`. A batch that cannot be written stays queued, in
    front, for the next try.
    """

    def __init__(self, database: WorkspaceDB) -> None:
        self.database = database
        self._pending: list[dict[str, object]] = []
        self._lock = threading.Lock()  # guards _pending
        self._writing = threading.Lock()  # one batch at a time, in order
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def put(self, fields: dict[str, object]) -> None:
        with self._lock:
            if len(self._pending) >= MAX_PENDING:
                raise WorkspaceError(
                    f"audit log not writable: {len(self._pending)} entries wait to be written"
                )
            self._pending.append(fields)
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="audit-log writer", daemon=True
                )
                self._thread.start()
        if self._stop.is_set():  # closed: nobody will write it later
            self.flush()

    def write_now(self, fields: dict[str, object]) -> None:
        """Write what is queued and then ``fields``, in one transaction."""
        with self._writing:
            with self._lock:
                batch, self._pending = [*self._pending, fields], []
            self._write(batch[:-1], batch)

    def flush(self) -> int:
        """Write what is queued; the number of entries written."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                self._write(batch, batch)
            return len(batch)

    def _write(self, keep: list[dict[str, object]], batch: list[dict[str, object]]) -> None:
        try:
            _append_all(self.database, batch)
        except Exception:
            with self._lock:  # the queued ones wait for the next try, in front
                self._pending[:0] = keep
            raise

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:  # the database is away: keep the entries, try again
                log.exception("audit log: %d entries not written yet", len(self._pending))

    def close(self) -> None:
        """Stop the writer thread and write what is queued (the server's shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.flush()


_queues: dict[str, AuditQueue] = {}
_queues_lock = threading.Lock()


def queue_of(database: WorkspaceDB) -> AuditQueue:
    """This process's queue for the database at ``database.url`` (one per URL, so that
    every handle on the same database reads the entries this process queued)."""
    with _queues_lock:
        queue = _queues.get(database.url)
        if queue is None:
            queue = _queues[database.url] = AuditQueue(database)
            database.before_close(lambda: _close_queue(database.url))
        return queue


def _close_queue(url: str) -> None:
    with _queues_lock:
        queue = _queues.pop(url, None)
    if queue is not None:
        queue.close()


def flush_all() -> None:
    """Write every queue of this process (at exit, also without a shutdown)."""
    for url in list(_queues):
        _close_queue(url)


atexit.register(flush_all)


@dataclass(frozen=True)
class Verification:
    entries: int
    head: str


def verify(database: WorkspaceDB) -> Verification:
    """Recompute the chain; raise :class:`AuditChainError` at the first broken entry."""
    queue_of(database).flush()  # this process's own entries first
    prev, expected_seq, count = GENESIS, 1, 0
    with database.session() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        for entry in rows:
            fields = {name: getattr(entry, name) for name in FIELDS}
            if entry.seq != expected_seq:
                raise AuditChainError(
                    f"audit log entry {expected_seq} is missing (next is {entry.seq})"
                )
            if entry.prev_hash != prev:
                raise AuditChainError(
                    f"audit log entry {entry.seq} does not follow entry {entry.seq - 1} "
                    "(previous hash differs): an entry was removed or inserted"
                )
            if entry_hash(prev, fields) != entry.hash:
                raise AuditChainError(
                    f"audit log entry {entry.seq} ({entry.at}, {entry.action}) was changed "
                    "after it was written: its hash does not match its contents"
                )
            prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return Verification(entries=count, head=prev)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    organisation: str | None = None
    action: str | None = None
    since: str | None = None  # ISO date or time, inclusive
    until: str | None = None  # ISO date or time, exclusive of the next day for a date


def entries(database: WorkspaceDB, where: AuditFilter, limit: int = 500) -> list[AuditEntry]:
    """The newest entries matching ``where`` (all of them when ``limit`` is 0)."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.organisation:
        query = query.where(AuditEntry.organisation == where.organisation)
    if where.action:
        query = query.where(AuditEntry.action.startswith(where.action))
    if where.since:
        query = query.where(AuditEntry.at >= where.since)
    if where.until:
        until = where.until + ("T99" if len(where.until) == 10 else "")
        query = query.where(AuditEntry.at < until)
    if limit:
        query = query.limit(limit)
    queue_of(database).flush()  # this process's own entries first
    with database.session() as session:
        return list(session.execute(query).scalars())


def to_csv(rows: Iterable[AuditEntry]) -> str:
    """The entries as CSV (UTF-8, comma), every cell neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out)
    header: Sequence[str] = (*FIELDS, "prev_hash", "hash")
    writer.writerow(header)
    for entry in rows:
        writer.writerow([safe_cell(getattr(entry, name)) for name in header])
    return out.getvalue()
