"""The tables a build precomputed for profiles: ``deviating_children`` and
``profile_comparisons`` (written by :mod:`buurtzicht.analysis.deviations_table` and
:mod:`buurtzicht.analysis.profile_comparisons_table`)."""

from __future__ import annotations

import duckdb

from buurtzicht.queries.build_tables import has_table

DEVIATIONS_TABLE = "deviating_children"
COMPARISONS_TABLE = "profile_comparisons"


def deviating_children(
    conn: duckdb.DuckDBPyConnection, code: str, fields: list[str]
) -> list[dict[str, object]]:
    """The stored rows of parent ``code`` (``theme`` and ``fields``), in theme and
    position order."""
    cursor = conn.execute(
        f"SELECT theme, {', '.join(fields)} FROM {DEVIATIONS_TABLE} WHERE parent = ? "
        "ORDER BY theme_order, position",
        [code],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def comparison_documents(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every stored comparisons document by region ({} without the table)."""
    if not has_table(conn, COMPARISONS_TABLE):
        return {}
    return {
        str(r): str(b)
        for r, b in conn.execute(f"SELECT region, body FROM {COMPARISONS_TABLE}").fetchall()
    }
