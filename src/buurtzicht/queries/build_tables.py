"""Which tables a build holds (builds made before a table was added lack it)."""

from __future__ import annotations

import duckdb


def has_table(conn: duckdb.DuckDBPyConnection, *names: str) -> bool:
    """True when the build holds every table in ``names`` (older builds lack the tables
    added since; their readers then fall back or show nothing)."""
    row = conn.execute(
        "SELECT count(DISTINCT table_name) FROM information_schema.tables "
        "WHERE list_contains($names, table_name)",
        {"names": list(names)},
    ).fetchone()
    return bool(row and row[0] == len(set(names)))


def queryable(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``name`` can be queried on ``conn``: a table or view of the build, or a
    frame registered on this connection."""
    try:
        conn.execute(f"SELECT 1 FROM {name} LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True
