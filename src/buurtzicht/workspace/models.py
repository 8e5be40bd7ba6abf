"""The workspace tables (SQLAlchemy 2 declarative); their schema is made by the Alembic
migrations in ``migrations/versions``, never by ``create_all``.

Times are stored as ISO 8601 text in UTC (``2026-12-06T17:20:43.123456Z``): the same
bytes on SQLite and PostgreSQL, ordered as text, and hashed as such in the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("beheerder", "analist")
ORGANISATION_KINDS = ("gemeente", "riec")


def now_text(moment: datetime | None = None) -> str:
    """A UTC time as fixed-width ISO text (sorts as it reads)."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    """A gemeente, or a RIEC covering several gemeenten, that owns its own data."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[str] = mapped_column(String(32), default=now_text)


class OrganisationGemeente(Base):
    """The gemeenten an organisation covers (one for a gemeente, several for a RIEC)."""

    __tablename__ = "organisation_gemeenten"
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    gemeente: Mapped[str] = mapped_column(String(6), primary_key=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True
    )
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(32), default=now_text)


class UserSession(Base):
    """A server-side session: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(64), default="")


class ChangeEpochs(Base):
    """One row of counters raised by triggers (migration 0003): ``sessions`` on every
    change to sessions, accounts and organisations, ``datasets`` on every change to data
    sets; what a process keeps in memory is read again when they move (``epochs.py``)."""

    __tablename__ = "change_epochs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sessions: Mapped[int] = mapped_column(BigInteger)
    datasets: Mapped[int] = mapped_column(BigInteger)


class LoginAttempt(Base):
    """Every login attempt, for the rate limit (failures per account and per address)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[str] = mapped_column(String(32), index=True)
    success: Mapped[bool] = mapped_column(Boolean)


class AuditEntry(Base):
    """One line of the append-only, hash-chained audit log (see :mod:`.audit`)."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("prev_hash", name="uq_audit_log_prev_hash"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    organisation: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Dataset(Base):
    """One stored version of an organisation's own data set (aggregated on upload)."""

    __tablename__ = "datasets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    rows: Mapped[int] = mapped_column(Integer)
    key_kind: Mapped[str] = mapped_column(String(16))
    value_label: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32), default=now_text)


class DatasetValue(Base):
    """The aggregate of one data set per region and period: rows counted, values summed."""

    __tablename__ = "dataset_values"
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    region: Mapped[str] = mapped_column(String(16), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    total: Mapped[float | None] = mapped_column(Float, nullable=True)
