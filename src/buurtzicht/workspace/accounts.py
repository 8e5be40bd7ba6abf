"""Organisations and user accounts: create, list, disable; passwords hashed with Argon2id.

Roles: ``beheerder`` manages users and organisations (and belongs to none, or to one);
``analist`` works for one organisation: a gemeente, or a RIEC covering several gemeenten.
A visitor without an account is the anonymous public and sees the public figures only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from buurtzicht.workspace.errors import WorkspaceError
from buurtzicht.workspace.models import (
    ORGANISATION_KINDS,
    ROLES,
    Organisation,
    OrganisationGemeente,
    User,
    UserSession,
)

HASHER = PasswordHasher()  # Argon2id with the library's current (RFC 9106) parameters
MIN_PASSWORD = 12
USERNAME = re.compile(r"^[A-Za-z0-9._@+-]{3,200}$")
GEMEENTE_CODE = re.compile(r"^GM\d{4}$")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise WorkspaceError(f"password too short: use at least {MIN_PASSWORD} characters")
    return HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so that the answer takes as
# long as for a wrong password and does not tell which accounts exist.
DUMMY_HASH = HASHER.hash("buurtzicht-no-such-user")


@dataclass(frozen=True)
class OrganisationInfo:
    code: str
    name: str
    kind: str
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    organisation: OrganisationInfo | None
    disabled: bool
    created_at: str


def organisation_info(session: Session, organisation: Organisation) -> OrganisationInfo:
    gemeenten = session.execute(
        select(OrganisationGemeente.gemeente)
        .where(OrganisationGemeente.organisation_id == organisation.id)
        .order_by(OrganisationGemeente.gemeente)
    ).scalars()
    return OrganisationInfo(
        organisation.code, organisation.name, organisation.kind, tuple(gemeenten)
    )


def add_organisation(
    session: Session, code: str, name: str, kind: str, gemeenten: list[str]
) -> OrganisationInfo:
    """A gemeente (code ``GM....``, covering itself) or a RIEC covering ``gemeenten``."""
    if kind not in ORGANISATION_KINDS:
        raise WorkspaceError(
            f"organisation kind {kind!r}: use one of {', '.join(ORGANISATION_KINDS)}"
        )
    if kind == "gemeente":
        gemeenten = [code]
    if not gemeenten or not all(GEMEENTE_CODE.match(g) for g in gemeenten):
        raise WorkspaceError(
            f"organisation {code}: gemeenten must be codes like GM0363 (got {gemeenten or 'none'})"
        )
    if session.execute(select(Organisation).where(Organisation.code == code)).first():
        raise WorkspaceError(f"organisation {code} exists already")
    organisation = Organisation(code=code, name=name or code, kind=kind)
    session.add(organisation)
    session.flush()
    for gemeente in sorted(set(gemeenten)):
        session.add(OrganisationGemeente(organisation_id=organisation.id, gemeente=gemeente))
    session.flush()
    return organisation_info(session, organisation)


def find_organisation(session: Session, code: str) -> Organisation:
    found = session.execute(select(Organisation).where(Organisation.code == code)).scalar()
    if found is None:
        raise WorkspaceError(f"unknown organisation {code!r}: add it first (beheer page or CLI)")
    return found


def list_organisations(session: Session) -> list[OrganisationInfo]:
    rows = session.execute(select(Organisation).order_by(Organisation.code)).scalars()
    return [organisation_info(session, o) for o in rows]


def add_user(
    session: Session,
    username: str,
    password: str | None,
    role: str,
    organisation_code: str | None,
    display_name: str = "",
) -> UserInfo:
    """A new account; an analist needs an organisation, a password at least 12 characters."""
    if not USERNAME.match(username):
        raise WorkspaceError(
            f"user name {username!r}: 3-200 letters, digits or . _ @ + - (an e-mail address fits)"
        )
    if role not in ROLES:
        raise WorkspaceError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if role == "analist" and not organisation_code:
        raise WorkspaceError("an analist belongs to an organisation: give its code")
    organisation = find_organisation(session, organisation_code) if organisation_code else None
    if session.execute(select(User).where(User.username == username)).first():
        raise WorkspaceError(f"user {username} exists already")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password) if password else None,
        role=role,
        organisation_id=organisation.id if organisation else None,
        disabled=False,
    )
    session.add(user)
    session.flush()
    return user_info(session, user)


def user_info(session: Session, user: User) -> UserInfo:
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation=organisation_info(session, organisation) if organisation else None,
        disabled=user.disabled,
        created_at=user.created_at,
    )


def find_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar()
    if user is None:
        raise WorkspaceError(f"unknown user {username!r}")
    return user


def list_users(session: Session) -> list[UserInfo]:
    rows = session.execute(select(User).order_by(User.username)).scalars()
    return [user_info(session, u) for u in rows]


def set_disabled(session: Session, username: str, disabled: bool) -> UserInfo:
    """Disable (or enable) an account; disabling also ends all its sessions."""
    user = find_user(session, username)
    user.disabled = disabled
    if disabled:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    return user_info(session, user)


def set_password(session: Session, username: str, password: str) -> None:
    """A new password; every session of the account ends (logged out everywhere)."""
    user = find_user(session, username)
    user.password_hash = hash_password(password)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
