"""Signed-in users are kept in each process, and every change that ends or alters a
session reaches every process's next request at once (the sessions epoch, raised by
triggers in the database, workspace/epochs.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event, text

from buurtzicht.workspace import accounts, sessions
from buurtzicht.workspace.db import WorkspaceDB
from tests.workspace.helpers import PASSWORD, seed


@pytest.fixture
def other_process(database) -> Iterator[WorkspaceDB]:
    """A second handle on the same database with its own cache: another worker."""
    seed(database)
    other = WorkspaceDB(database.url)
    yield other
    other.close()


def _statements(database: WorkspaceDB, action) -> tuple[object, list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        return action(), seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_a_known_session_costs_one_small_query(database, other_process) -> None:
    token, principal = sessions.login(database, "ria", PASSWORD, "10.0.0.1", 1)
    first, _ = _statements(other_process, lambda: sessions.principal_of(other_process, token))
    assert first == principal and principal.organisation is not None
    again, statements = _statements(
        other_process, lambda: sessions.principal_of(other_process, token)
    )
    assert again == principal
    assert len(statements) == 1 and "change_epochs" in statements[0]


@pytest.mark.parametrize("everywhere", [True, False])
def test_logout_reaches_another_process_at_once(database, other_process, everywhere) -> None:
    token, principal = sessions.login(database, "ana", PASSWORD, "10.0.0.1", 1)
    second, _ = sessions.login(database, "ana", PASSWORD, "10.0.0.2", 1)
    rob, _ = sessions.login(database, "rob", PASSWORD, "10.0.0.3", 1)
    for known in (token, second, rob):
        assert sessions.principal_of(other_process, known) is not None  # now kept there
    sessions.logout(database, principal, everywhere=everywhere)
    assert sessions.principal_of(other_process, token) is None
    assert (sessions.principal_of(other_process, second) is None) is everywhere
    assert sessions.principal_of(other_process, rob) is not None


def _disable(session) -> None:
    accounts.set_disabled(session, "ana", True)


def _new_password(session) -> None:
    accounts.set_password(session, "ana", "een heel ander wachtwoord")


def _by_hand(session) -> None:  # an administrator's SQL, past the code
    session.execute(text("UPDATE users SET disabled = true WHERE username = 'ana'"))


@pytest.mark.parametrize("change", [_disable, _new_password, _by_hand])
def test_disabling_reaches_another_process_at_once(database, other_process, change) -> None:
    token, _ = sessions.login(database, "ana", PASSWORD, "10.0.0.1", 1)
    assert sessions.principal_of(other_process, token) is not None
    with database.session() as session:
        change(session)
    assert sessions.principal_of(other_process, token) is None


def test_a_kept_session_still_expires(database, other_process) -> None:
    with database.session() as session:
        ana = accounts.find_user(session, "ana").id
    token, _ = sessions.open_session(database, ana, "10.0.0.1", hours=1.5 / 3600)
    assert sessions.principal_of(other_process, token) is not None
    time.sleep(1.6)
    assert sessions.principal_of(other_process, token) is None


def test_a_full_cache_starts_again(database, other_process, monkeypatch) -> None:
    monkeypatch.setattr(sessions, "CACHE_MAX", 2)
    tokens = [sessions.login(database, "ana", PASSWORD, f"10.0.0.{n}", 1)[0] for n in range(3)]
    assert all(sessions.principal_of(other_process, t) is not None for t in tokens)
    cache = sessions._principals(other_process)
    assert len(cache.found) == 1  # cleared when the third came
