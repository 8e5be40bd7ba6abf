"""The audit log is append-only (the database refuses changes) and its hash chain
exposes every change, removal or insertion made behind its back."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from buurtzicht.workspace import audit
from buurtzicht.workspace.errors import AuditChainError

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
