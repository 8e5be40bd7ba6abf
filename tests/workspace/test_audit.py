"""The audit log is append-only (the database refuses changes) and its hash chain
exposes every change, removal or insertion made behind its back."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from buurtzicht.workspace import audit
from buurtzicht.workspace.errors import AuditChainError, WorkspaceError

WHO = audit.Actor("ana", "GM0363", "10.0.0.1")


def _three(database) -> None:
    for n in range(3):
        audit.record(database, WHO, "dataset.bekeken", f"dataset {n}", {"n": n})


def _bypass_triggers(database, sql: str) -> None:
    """What an attacker with the database's owner rights could do."""
    with database.engine.begin() as conn:
        if database.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text(sql))


def test_entries_chain_and_verify(database) -> None:
    _three(database)
    result = audit.verify(database)
    assert result.entries == 3
    rows = audit.entries(database, audit.AuditFilter(), limit=0)
    assert [r.seq for r in rows] == [3, 2, 1]
    assert rows[-1].prev_hash == audit.GENESIS and rows[0].prev_hash == rows[1].hash
    assert rows[0].actor == "ana" and rows[0].address == "10.0.0.1"


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_log SET actor = 'x' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2"]
)
def test_the_database_refuses_to_change_the_log(database, sql: str) -> None:
    _three(database)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text(sql))
    assert audit.verify(database).entries == 3


def test_a_changed_entry_breaks_the_chain(database) -> None:
    _three(database)
    _bypass_triggers(database, "UPDATE audit_log SET target = 'iets anders' WHERE seq = 2")
    with pytest.raises(AuditChainError, match=r"entry 2 .* was changed"):
        audit.verify(database)


def test_a_removed_entry_breaks_the_chain(database) -> None:
    _three(database)
    _bypass_triggers(database, "DELETE FROM audit_log WHERE seq = 2")
    with pytest.raises(AuditChainError, match="entry 2 is missing"):
        audit.verify(database)


def test_a_renumbered_chain_without_an_entry_breaks_too(database) -> None:
    _three(database)
    _bypass_triggers(database, "DELETE FROM audit_log WHERE seq = 3")
    _bypass_triggers_again = "UPDATE audit_log SET seq = 3 WHERE seq = 2"
    with database.engine.begin() as conn:
        conn.execute(text(_bypass_triggers_again))
    with pytest.raises(AuditChainError):
        audit.verify(database)


def test_filters_and_csv_export_neutralise_formulas(database) -> None:
    audit.record(database, WHO, "login.mislukt", '=HYPERLINK("http://evil")')
    audit.record(database, audit.Actor("rob", "GM0599"), "login.geslaagd", "rob")
    only_rob = audit.entries(database, audit.AuditFilter(actor="rob"))
    assert [e.target for e in only_rob] == ["rob"]
    assert len(audit.entries(database, audit.AuditFilter(action="login."))) == 2
    assert audit.entries(database, audit.AuditFilter(until="2000-01-01")) == []
    csv_text = audit.to_csv(audit.entries(database, audit.AuditFilter(), limit=0))
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text


def _written(database) -> list[tuple[int, str]]:
    """(seq, target) of the entries in the table, read around this process's queue."""
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, target FROM audit_log ORDER BY seq"))
        return [(int(seq), str(target)) for seq, target in rows]


def test_queued_views_are_written_soon_in_order(database) -> None:
    """Views are queued and written together within the window, chained in order,
    without anyone reading the log or closing the database."""
    for n in range(5):
        audit.record(database, WHO, "dataset.bekeken", f"view {n}", soon=True)
    deadline = time.monotonic() + 50 * audit.FLUSH_SECONDS
    while len(_written(database)) < 5 and time.monotonic() < deadline:
        time.sleep(audit.FLUSH_SECONDS / 4)
    assert _written(database) == [(n + 1, f"view {n}") for n in range(5)]
    assert audit.verify(database).entries == 5


def test_an_entry_written_at_once_follows_the_views_queued_before_it(database) -> None:
    audit.record(database, WHO, "dataset.bekeken", "view 1", soon=True)
    audit.record(database, WHO, "dataset.bekeken", "view 2", soon=True)
    audit.record(database, WHO, "login.uitgelogd", "ana")
    # Written before record returned, in one transaction, in the order they were made.
    assert _written(database) == [(1, "view 1"), (2, "view 2"), (3, "ana")]
    audit.verify(database)


def test_reading_the_log_includes_this_process_queue(database) -> None:
    audit.record(database, WHO, "login.geslaagd", "ana")
    audit.record(database, WHO, "dataset.bekeken", "/gemeente/GM0363", soon=True)
    newest = audit.entries(database, audit.AuditFilter(), limit=1)
    assert [(e.seq, e.target) for e in newest] == [(2, "/gemeente/GM0363")]


def test_a_backlog_refuses_views_rather_than_lose_them(database, monkeypatch) -> None:
    """While the database takes no entries, they stay queued (in order, none lost); past
    MAX_PENDING a further view is refused."""
    monkeypatch.setattr(audit, "MAX_PENDING", 3)
    monkeypatch.setattr(audit, "FLUSH_SECONDS", 3600)  # the writer thread waits: flush here
    queue = audit.queue_of(database)

    def refuse(_database, _batch) -> None:
        raise OSError("database away")

    with monkeypatch.context() as away:
        away.setattr(audit, "_append_all", refuse)
        for n in range(3):
            audit.record(database, WHO, "dataset.bekeken", f"view {n}", soon=True)
        with pytest.raises(OSError):
            queue.flush()
        with pytest.raises(WorkspaceError, match="3 entries wait"):
            audit.record(database, WHO, "dataset.bekeken", "view 3", soon=True)
    assert queue.flush() == 3
    assert _written(database) == [(1, "view 0"), (2, "view 1"), (3, "view 2")]


WRITER = """
import sys
from buurtzicht.workspace import audit
from buurtzicht.workspace.db import open_database
from buurtzicht.config import Settings

database = open_database(Settings(workspace_db=sys.argv[1]))
name = sys.argv[2]
for n in range(300):
    audit.record(database, audit.Actor(name), "dataset.bekeken", str(n), soon=True)
    if n % 50 == 0:
        audit.record(database, audit.Actor(name), "login.geslaagd", str(n))
if name == "closes":
    database.close()  # as the server's shutdown does; the other one just exits
"""


def test_two_processes_writing_at_once_lose_nothing_and_chain(database) -> None:
    """Two processes queue views and write entries at once on the same database; one
    closes it, the other simply exits: every entry is in the log, each process's in the
    order it made them, and the chain verifies."""
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, database.url, name])
        for name in ("closes", "exits")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    result = audit.verify(database)
    assert result.entries == 2 * (300 + 6)
    rows = audit.entries(database, audit.AuditFilter(), limit=0)
    for name in ("closes", "exits"):
        mine = [e for e in reversed(rows) if e.actor == name]
        views = [int(e.target) for e in mine if e.action == "dataset.bekeken"]
        assert views == list(range(300))
        order = [(e.action, int(e.target)) for e in mine]
        assert order.index(("login.geslaagd", 50)) == order.index(("dataset.bekeken", 50)) + 1
