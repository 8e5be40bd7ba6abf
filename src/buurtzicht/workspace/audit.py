"""The audit log: append-only and tamper-evident.

Every entry stores the SHA-256 of the previous entry's hash plus its own fields, so a
changed, removed or inserted line breaks the chain from there on; :func:`verify`
recomputes it. The database refuses UPDATE and DELETE on the table (triggers from the
first migration) and a unique ``prev_hash`` keeps the chain a line: two writers that
raced for the same predecessor cannot both land, the loser retries on the new head.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def record(
    database: WorkspaceDB,
    actor: Actor,
    action: str,
    target: str = "",
    detail: dict[str, object] | None = None,
) -> AuditEntry:
    """Append one entry in its own transaction (so a failed request is still logged)."""
    detail_text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
    for _attempt in range(20):
        try:
            with database.session() as session:
                return _append(session, actor, action, target, detail_text)
        except IntegrityError:
            continue  # another writer took the same predecessor: retry on the new head
    raise WorkspaceError("audit log busy: could not append an entry after 20 tries")


def _append(
    session: Session, actor: Actor, action: str, target: str, detail_text: str
) -> AuditEntry:
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (1, GENESIS) if head is None else (int(head[0]) + 1, str(head[1]))
    fields: dict[str, object] = {
        "seq": seq,
        "at": now_text(),
        "actor": actor.name,
        "organisation": actor.organisation,
        "action": action,
        "target": target[:300],
        "detail": detail_text,
        "address": actor.address[:64],
    }
    entry = AuditEntry(**fields, prev_hash=prev, hash=entry_hash(prev, fields))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    head: str


def verify(database: WorkspaceDB) -> Verification:
    """Recompute the chain; raise :class:`AuditChainError` at the first broken entry."""
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
