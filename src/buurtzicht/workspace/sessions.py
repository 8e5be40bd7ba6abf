"""Logging in and out: server-side sessions, login rate limiting, CSRF tokens.

The cookie holds a random 256-bit token; the database keeps only its SHA-256, so a copy
of the database does not hand out live sessions. Each session has its own CSRF token
(synchroniser pattern) that every form sends back. Failed logins are counted per account
and per address over a window; past the limit no password is even checked. A process
keeps the users of live sessions in memory for as long as the database's sessions epoch
says nothing changed (:func:`principal_of`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from buurtzicht.workspace.accounts import (
    DUMMY_HASH,
    HASHER,
    OrganisationInfo,
    organisation_info,
    password_matches,
)
from buurtzicht.workspace.db import WorkspaceDB
from buurtzicht.workspace.epochs import EpochCache, cache_of, sessions_epoch
from buurtzicht.workspace.errors import AuthenticationError, RateLimitedError
from buurtzicht.workspace.models import (
    LoginAttempt,
    Organisation,
    User,
    UserSession,
    now_text,
)

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


@dataclass(frozen=True)
class Principal:
    """The signed-in user of a request."""

    user_id: int
    username: str
    display_name: str
    role: str
    organisation: OrganisationInfo | None
    session_id: str
    csrf_token: str

    @property
    def is_beheerder(self) -> bool:
        return self.role == "beheerder"

    @property
    def organisation_code(self) -> str:
        return self.organisation.code if self.organisation else ""


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _failures(database: WorkspaceDB, username: str, address: str) -> tuple[int, int]:
    since = now_text(datetime.now(UTC) - WINDOW)
    with database.session() as session:
        per_account = session.execute(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.username == username, LoginAttempt.at >= since)
            .where(LoginAttempt.success.is_(False))
        ).scalar_one()
        per_address = session.execute(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.address == address, LoginAttempt.at >= since)
            .where(LoginAttempt.success.is_(False))
        ).scalar_one()
    return int(per_account), int(per_address)


def login(
    database: WorkspaceDB, username: str, password: str, address: str, hours: float
) -> tuple[str, Principal]:
    """Check the password and open a session: (cookie token, principal).

    Raises :class:`RateLimitedError` past the limit and :class:`AuthenticationError`
    for a wrong name or password or a disabled account (one message for all three).
    """
    per_account, per_address = _failures(database, username, address)
    if per_account >= MAX_FAILURES_PER_ACCOUNT or per_address >= MAX_FAILURES_PER_ADDRESS:
        raise RateLimitedError(
            f"too many failed logins ({max(per_account, per_address)} in "
            f"{int(WINDOW.total_seconds() // 60)} minutes): try again later"
        )
    with database.session() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:  # take as long as a real check: do not tell who exists
            password_matches(DUMMY_HASH, password)
        ok = (
            user is not None
            and not user.disabled
            and password_matches(user.password_hash, password)
        )
        session.add(LoginAttempt(username=username, address=address, at=now_text(), success=ok))
        if not ok or user is None:
            failed = AuthenticationError("wrong user name or password, or the account is disabled")
        else:
            failed = None
            if user.password_hash and HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = HASHER.hash(password)
    if failed is not None:
        raise failed
    assert user is not None
    return open_session(database, user.id, address, hours)


def open_session(
    database: WorkspaceDB, user_id: int, address: str, hours: float
) -> tuple[str, Principal]:
    """A new session for ``user_id`` (after a password or an identity provider said yes)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with database.session() as session:
        session.add(
            UserSession(
                id=token_id(token),
                user_id=user_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now_text(now),
                expires_at=now_text(now + timedelta(hours=hours)),
                address=address[:64],
            )
        )
    principal = principal_of(database, token)
    assert principal is not None
    return token, principal


#: Signed-in users a process keeps at most (all are dropped when it is full).
CACHE_MAX = 10_000


def _principals(database: WorkspaceDB) -> EpochCache[tuple[Principal, str]]:
    """Signed-in users kept in this process: session id -> (principal, expires_at)."""
    return cache_of(database, "principals", lambda: EpochCache(CACHE_MAX))


def principal_of(database: WorkspaceDB, token: str | None) -> Principal | None:
    """The user of a live session token, or None (unknown, expired, disabled).

    Looked up per request, so kept in the process: a request reads only the database's
    sessions epoch (one row), which triggers raise on every change to sessions, accounts
    and organisations, by any process (:mod:`buurtzicht.workspace.epochs`). A logout
    (also everywhere), a disabled account or a new password therefore reaches every
    worker's next request.
    """
    if not token or len(token) > 100:
        return None
    key, now = token_id(token), now_text()
    cache = _principals(database)
    with database.session() as session:
        epoch = sessions_epoch(session)
        hit = cache.get(epoch, key)
        if hit is not None and hit[1] > now:
            return hit[0]
        row = session.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.id == key, UserSession.expires_at > now)
        ).first()
        if row is None or row[1].disabled:
            return None
        user_session, user = row
        organisation = (
            session.get(Organisation, user.organisation_id) if user.organisation_id else None
        )
        principal = Principal(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            organisation=organisation_info(session, organisation) if organisation else None,
            session_id=user_session.id,
            csrf_token=user_session.csrf_token,
        )
    cache.put(epoch, key, (principal, user_session.expires_at))
    return principal


def logout(database: WorkspaceDB, principal: Principal, *, everywhere: bool = False) -> int:
    """End this session, or every session of the user; the number ended."""
    with database.session() as session:
        condition = (
            UserSession.user_id == principal.user_id
            if everywhere
            else UserSession.id == principal.session_id
        )
        result = session.execute(delete(UserSession).where(condition))
        session.execute(delete(UserSession).where(UserSession.expires_at <= now_text()))
        return int(getattr(result, "rowcount", 0) or 0)


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
