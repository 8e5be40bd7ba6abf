"""Counters that every change to sessions, accounts or organisations (``sessions``) and
to own data sets (``datasets``) raises, so that a process keeping signed-in users or
the *eigen gegevens* blocks of pages in memory sees at once that it must read again.

Raised by triggers in the database itself, so that every way of changing these tables
counts (the code's logout, disable, new password, upload, replace and delete, the CLI,
another worker process, an administrator's SQL).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: Counter -> table -> the changes that raise it.
WATCHED: dict[str, dict[str, tuple[str, ...]]] = {
    "sessions": {
        "sessions": ("UPDATE", "DELETE"),
        "users": ("UPDATE", "DELETE"),
        "organisations": ("UPDATE", "DELETE"),
        "organisation_gemeenten": ("INSERT", "UPDATE", "DELETE"),
    },
    "datasets": {"datasets": ("INSERT", "UPDATE", "DELETE")},
}


def _bump(counter: str) -> str:
    return f"UPDATE change_epochs SET {counter} = {counter} + 1"


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER epoch_{table}_{change.lower()} AFTER {change} ON {table} "
        f"BEGIN {_bump(counter)}; END"
        for counter, tables in WATCHED.items()
        for table, changes in tables.items()
        for change in changes
    ]


def _postgresql() -> list[str]:
    statements = []
    for counter, tables in WATCHED.items():
        statements.append(
            f"CREATE FUNCTION epoch_{counter}_bump() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {_bump(counter)}; RETURN NULL; END $$"
        )
        for table, changes in tables.items():
            statements.append(
                f"CREATE TRIGGER epoch_{table} AFTER {' OR '.join(changes)} OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION epoch_{counter}_bump()"
            )
    return statements


def upgrade() -> None:
    op.create_table(
        "change_epochs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sessions", sa.BigInteger, nullable=False),
        sa.Column("datasets", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO change_epochs (id, sessions, datasets) VALUES (1, 0, 0)")
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _sqlite, "postgresql": _postgresql}.get(dialect, list)():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for counter, tables in WATCHED.items():
        for table, changes in tables.items():
            if dialect == "sqlite":
                for change in changes:
                    op.execute(f"DROP TRIGGER IF EXISTS epoch_{table}_{change.lower()}")
            elif dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS epoch_{table} ON {table}")
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS epoch_{counter}_bump()")
    op.drop_table("change_epochs")
