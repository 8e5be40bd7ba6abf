"""Why a secure-side cell is suppressed: the reasons the published release gives
(table ``secure_suppressions``, one row per suppressed measure cell; see
:func:`buurtzicht.secure.published.suppressions`)."""

from __future__ import annotations

import duckdb

from buurtzicht.queries.build_tables import has_table

TABLE = "secure_suppressions"


def has_reasons(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the build keeps the reasons (builds before they were kept do not)."""
    return has_table(conn, TABLE)


def region_reasons(
    conn: duckdb.DuckDBPyConnection, regions: list[str]
) -> dict[tuple[str, str, str], str]:
    """``(region, measure, period) -> reason`` of the suppressed cells of ``regions``
    (the newest indeling where a cell exists in several)."""
    if not has_reasons(conn):
        return {}
    rows = conn.execute(
        f"""
        SELECT region, measure, period, reason FROM {TABLE}
        WHERE list_contains($regions, region)
        QUALIFY row_number() OVER (PARTITION BY region, measure, period
                                   ORDER BY indeling DESC) = 1
        """,
        {"regions": regions},
    ).fetchall()
    return {(str(r), str(m), str(p)): str(reason) for r, m, p, reason in rows}


def level_reasons(
    conn: duckdb.DuckDBPyConnection, measures: list[str], period: str, indeling: int
) -> dict[tuple[str, str], str]:
    """``(region, measure) -> reason`` of the suppressed cells of ``measures`` in one
    period and indeling (every region; the caller picks its own)."""
    if not measures or not has_reasons(conn):
        return {}
    rows = conn.execute(
        f"SELECT region, measure, reason FROM {TABLE} "
        "WHERE list_contains($measures, measure) AND period = $period AND indeling = $indeling",
        {"measures": measures, "period": period, "indeling": indeling},
    ).fetchall()
    return {(str(r), str(m)): str(reason) for r, m, reason in rows}
