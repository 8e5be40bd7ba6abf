"""Figures of one catalog indicator as a ranking reads them: the periods with figures,
every region of a level in some periods, the national figure."""

from __future__ import annotations

import duckdb
import pandas as pd

from buurtzicht.regions.codes import NEDERLAND


def periods(
    conn: duckdb.DuckDBPyConnection, indicator: str, level: str, parent: str | None
) -> pd.DataFrame:
    """(period, indeling, n): ordinary regions of ``level`` (within ``parent``) with a
    figure, per period and indeling, oldest first."""
    return conn.execute(
        """
        SELECT iv.period, iv.indeling, count(*) AS n FROM indicator_values iv
        JOIN regions r ON r.code = iv.region AND r.indeling = iv.indeling
        WHERE iv.indicator = $indicator AND r.level = $level AND r.special IS NULL
          AND iv.value IS NOT NULL
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        GROUP BY ALL ORDER BY iv.period, iv.indeling
        """,
        {"indicator": indicator, "level": level, "parent": parent},
    ).df()


def figures(
    conn: duckdb.DuckDBPyConnection,
    indicator: str,
    level: str,
    parent: str | None,
    indeling: int,
    periods: list[str],
) -> pd.DataFrame:
    """Every region of the level and indeling (within parent) with its figures in
    ``periods`` (missing ones included, as the map shows them)."""
    return conn.execute(
        """
        SELECT r.code, r.name, p.period, iv.value,
               coalesce(iv.status, 'missing') AS status, iv.reliability, iv.ci_low, iv.ci_high
        FROM regions r CROSS JOIN (SELECT unnest($periods) AS period) p
        LEFT JOIN indicator_values iv ON iv.region = r.code AND iv.indeling = r.indeling
             AND iv.indicator = $indicator AND iv.period = p.period
        WHERE r.level = $level AND r.indeling = $indeling AND r.special IS NULL
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        """,
        {
            "indicator": indicator,
            "level": level,
            "parent": parent,
            "indeling": indeling,
            "periods": periods,
        },
    ).df()


def national(conn: duckdb.DuckDBPyConnection, indicator: str, period: str) -> float | None:
    """The figure for the Netherlands in ``period`` (newest indeling), or None."""
    row = conn.execute(
        "SELECT value FROM indicator_values WHERE indicator = ? AND region = ? AND period = ? "
        "AND value IS NOT NULL ORDER BY indeling DESC LIMIT 1",
        [indicator, NEDERLAND, period],
    ).fetchone()
    return None if row is None else float(row[0])
