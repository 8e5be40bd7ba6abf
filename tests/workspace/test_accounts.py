"""Accounts, Argon2 hashes, sessions, rate limiting: on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from buurtzicht.workspace import accounts, sessions
from buurtzicht.workspace.db import newest_revision, schema_revision
from buurtzicht.workspace.errors import AuthenticationError, RateLimitedError, WorkspaceError
from buurtzicht.workspace.models import User, UserSession
from tests.workspace.helpers import PASSWORD, seed


def test_migrations_bring_the_schema_to_the_newest_revision(database) -> None:
    assert schema_revision(database.engine) == newest_revision() is not None


def test_passwords_are_stored_as_argon2id_hashes(database) -> None:
    seed(database)
    with database.session() as session:
        stored = session.execute(select(User.password_hash).where(User.username == "ana")).scalar()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


BAD_ACCOUNTS = [
    (("kort", "short", "analist", "GM0363"), "at least 12"),
    (("zonder", PASSWORD, "analist", None), "belongs to an organisation"),
    (("ana", PASSWORD, "analist", "GM0363"), "exists already"),
    (("nieuw", PASSWORD, "analist", "GM9999"), "unknown organisation"),
    (("nieuw", PASSWORD, "koning", "GM0363"), "role"),
    (("a b", PASSWORD, "analist", "GM0363"), "user name"),
]


def test_accounts_refuse_bad_input(database) -> None:
    seed(database)
    for args, message in BAD_ACCOUNTS:
        with database.session() as session, pytest.raises(WorkspaceError, match=message):
            accounts.add_user(session, *args)
    with database.session() as session, pytest.raises(WorkspaceError, match="codes like GM"):
        accounts.add_organisation(session, "riec-x", "X", "riec", ["Amsterdam"])


def test_a_riec_covers_several_gemeenten(database) -> None:
    seed(database)
    _token, principal = sessions.login(database, "ria", PASSWORD, "127.0.0.1", 1)
    assert principal.organisation is not None
    assert principal.organisation.gemeenten == ("GM0363", "GM0437")


def test_login_opens_a_session_whose_token_is_stored_hashed(database) -> None:
    seed(database)
    token, principal = sessions.login(database, "ana", PASSWORD, "10.0.0.1", 1)
    assert principal.username == "ana" and principal.organisation_code == "GM0363"
    with database.session() as session:
        ids = list(session.execute(select(UserSession.id)).scalars())
    assert token not in ids and sessions.token_id(token) in ids
    assert sessions.principal_of(database, token) == principal
    assert sessions.principal_of(database, token + "x") is None


def test_wrong_password_unknown_user_and_disabled_account_fail_alike(database) -> None:
    seed(database)
    for username, password in (("ana", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError, match="wrong user name or password"):
            sessions.login(database, username, password, "10.0.0.1", 1)
    token, _ = sessions.login(database, "rob", PASSWORD, "10.0.0.2", 1)
    with database.session() as session:
        accounts.set_disabled(session, "rob", True)
    assert sessions.principal_of(database, token) is None  # its sessions ended
    with pytest.raises(AuthenticationError):
        sessions.login(database, "rob", PASSWORD, "10.0.0.2", 1)


def test_five_failures_block_the_account_even_for_the_right_password(database) -> None:
    seed(database)
    for _ in range(sessions.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(AuthenticationError):
            sessions.login(database, "ana", "guess guess guess", "10.0.0.3", 1)
    with pytest.raises(RateLimitedError, match="too many failed logins"):
        sessions.login(database, "ana", PASSWORD, "10.0.0.4", 1)
    # another account from another address is not affected
    sessions.login(database, "rob", PASSWORD, "10.0.0.5", 1)


def test_many_failures_from_one_address_block_that_address(database) -> None:
    seed(database)
    for n in range(sessions.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(AuthenticationError):
            sessions.login(database, f"user{n}", "guess guess guess", "10.9.9.9", 1)
    with pytest.raises(RateLimitedError):
        sessions.login(database, "ana", PASSWORD, "10.9.9.9", 1)
    sessions.login(database, "ana", PASSWORD, "10.0.0.6", 1)


def test_logout_everywhere_ends_every_session_of_the_user_only(database) -> None:
    seed(database)
    first, principal = sessions.login(database, "ana", PASSWORD, "10.0.0.1", 1)
    second, _ = sessions.login(database, "ana", PASSWORD, "10.0.0.2", 1)
    other, _ = sessions.login(database, "rob", PASSWORD, "10.0.0.3", 1)
    assert sessions.logout(database, principal, everywhere=True) == 2
    assert sessions.principal_of(database, first) is None
    assert sessions.principal_of(database, second) is None
    assert sessions.principal_of(database, other) is not None


def test_an_expired_session_is_not_accepted(database) -> None:
    seed(database)
    token, _ = sessions.login(database, "ana", PASSWORD, "10.0.0.1", 1)
    with database.session() as session:
        row = session.get(UserSession, sessions.token_id(token))
        assert row is not None
        row.expires_at = "2000-01-01T00:00:00.000000Z"
    assert sessions.principal_of(database, token) is None
