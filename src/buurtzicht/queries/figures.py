"""Published figures: of one measure or indicator per level and period, per region over
time; every observation of a region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from buurtzicht.regions.codes import NEDERLAND
from buurtzicht.warehouse.current import CURRENT_INDELING

#: Where figures live: raw measures in ``observations``, catalog indicators in
#: ``indicator_values`` (same long shape, keyed by ``indicator``), composite indexes in
#: ``composite_values`` (registered on the analysis cursor, the same shape).
ID_COLUMN = {
    "observations": "measure",
    "indicator_values": "indicator",
    "composite_values": "indicator",
}


def _source(table: str) -> tuple[str, str]:
    if table not in ID_COLUMN:
        raise ValueError(f"unknown figures table {table!r}")
    return table, ID_COLUMN[table]


def _records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def periods(
    conn: duckdb.DuckDBPyConnection,
    measure: str,
    level: str | None = None,
    *,
    parent: str | None = None,
    table: str = "observations",
) -> list[str]:
    """Periods with at least one figure of ``measure`` (at ``level``, within gemeente or
    wijk ``parent``), oldest first."""
    table, column = _source(table)
    rows = conn.execute(
        f"""
        SELECT DISTINCT o.period FROM {table} o
        JOIN regions r ON r.code = o.region AND r.indeling = o.indeling
        WHERE o.{column} = $measure AND o.value IS NOT NULL
          AND ($level IS NULL OR r.level = $level)
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        ORDER BY o.period
        """,
        {"measure": measure, "level": level, "parent": parent},
    ).fetchall()
    return [period for (period,) in rows]


def availability(
    conn: duckdb.DuckDBPyConnection, level: str, parent: str | None = None
) -> dict[str, dict[str, tuple[int, bool]]]:
    """Per catalog indicator: period -> (ordinary regions of ``level`` within ``parent``
    with a figure, whether the build has boundaries to draw them). What a map can show
    without a dead end."""
    rows = conn.execute(
        """
        SELECT iv.indicator, iv.period, count(*) AS n,
               bool_or(b.level IS NOT NULL) AS drawn
        FROM indicator_values iv
        JOIN regions r ON r.code = iv.region AND r.indeling = iv.indeling
        LEFT JOIN boundary_geojson b ON b.level = r.level AND b.year = iv.indeling
        WHERE r.level = $level AND r.special IS NULL AND iv.value IS NOT NULL
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        GROUP BY ALL ORDER BY ALL
        """,
        {"level": level, "parent": parent},
    ).fetchall()
    out: dict[str, dict[str, tuple[int, bool]]] = {}
    for indicator, period, n, drawn in rows:
        out.setdefault(str(indicator), {})[str(period)] = (int(n), bool(drawn))
    return out


@dataclass(frozen=True)
class Basis:
    """Which indeling the figures of a level and period are read in, and the geometry
    year that fits them (None when no boundaries of that indeling are in the build)."""

    indeling: int
    geometry_year: int | None


def basis(
    conn: duckdb.DuckDBPyConnection,
    measure: str,
    level: str,
    period: str,
    *,
    table: str = "observations",
) -> Basis | None:
    """Prefer the figures as published for the period's own indeling when its boundaries
    are present, else the current indeling (harmonised figures); None without figures."""
    table, column = _source(table)
    rows = conn.execute(
        f"""
        SELECT DISTINCT o.indeling,
               EXISTS (SELECT 1 FROM boundary_geojson b
                       WHERE b.level = $level AND b.year = o.indeling) AS has_geometry
        FROM {table} o JOIN regions r ON r.code = o.region AND r.indeling = o.indeling
        WHERE o.{column} = $measure AND o.period = $period AND r.level = $level
          AND o.value IS NOT NULL
        """,
        {"measure": measure, "level": level, "period": period},
    ).fetchall()
    if not rows:
        return None
    year = int(period[:4])
    ranked = sorted(
        rows,
        key=lambda row: (not row[1], row[0] != year, row[0] != CURRENT_INDELING, -row[0]),
    )
    indeling, has_geometry = ranked[0]
    return Basis(int(indeling), int(indeling) if has_geometry else None)


def level_values(
    conn: duckdb.DuckDBPyConnection,
    measure: str,
    *,
    level: str,
    period: str,
    indeling: int,
    parent: str | None = None,
    table: str = "observations",
) -> list[dict[str, Any]]:
    """One row per region of ``level`` (within ``parent``): code, name, value, status.

    Regions without an observation are included with value NULL and status
    ``missing``, so that a map shows them as "no figure" instead of leaving a hole.
    Special regions (water, buitenland, onbekend) are left out.
    """
    table, column = _source(table)
    cursor = conn.execute(
        f"""
        SELECT r.code, r.name, r.gemeente, o.value, coalesce(o.status, 'missing') AS status
        FROM regions r
        LEFT JOIN {table} o ON o.region = r.code AND o.indeling = r.indeling
             AND o.{column} = $measure AND o.period = $period
        WHERE r.indeling = $indeling AND r.level = $level AND r.special IS NULL
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        ORDER BY r.code
        """,
        {
            "measure": measure,
            "period": period,
            "indeling": indeling,
            "level": level,
            "parent": parent,
        },
    )
    return _records(cursor)


def national_value(
    conn: duckdb.DuckDBPyConnection, measure: str, period: str, *, table: str = "observations"
) -> tuple[float | None, str | None]:
    """The figure for the Netherlands (value, status), or (None, None)."""
    table, column = _source(table)
    row = conn.execute(
        f"SELECT value, status FROM {table} WHERE {column} = ? AND region = ? "
        "AND period = ? ORDER BY indeling DESC LIMIT 1",
        [measure, NEDERLAND, period],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def series(
    conn: duckdb.DuckDBPyConnection,
    measure: str,
    codes: list[str],
    *,
    yearly_only: bool = True,
    table: str = "observations",
) -> list[dict[str, Any]]:
    """Every period of ``measure`` for ``codes``, in the latest indeling available for
    each region (harmonised series where they exist), oldest period first."""
    table, column = _source(table)
    cursor = conn.execute(
        f"""
        SELECT region AS code, period, value, status, indeling FROM {table}
        WHERE {column} = $measure AND list_contains($codes, region)
          AND (NOT $yearly OR period LIKE '____JJ00')
        QUALIFY row_number() OVER (PARTITION BY region, period ORDER BY indeling DESC) = 1
        ORDER BY region, period
        """,
        {"measure": measure, "codes": codes, "yearly": yearly_only},
    )
    return _records(cursor)


def series_of_indicators(
    conn: duckdb.DuckDBPyConnection, indicators: list[str], code: str
) -> dict[str, list[tuple[str, float | None, str]]]:
    """Yearly (period, value, status) of several catalog indicators for one region,
    newest indeling per period (harmonised series where they exist)."""
    rows = conn.execute(
        """
        SELECT indicator, period, value, status FROM indicator_values
        WHERE region = $code AND list_contains($indicators, indicator)
          AND period LIKE '____JJ00'
        QUALIFY row_number() OVER (PARTITION BY indicator, period ORDER BY indeling DESC) = 1
        ORDER BY indicator, period
        """,
        {"code": code, "indicators": indicators},
    ).fetchall()
    out: dict[str, list[tuple[str, float | None, str]]] = {}
    for indicator, period, value, status in rows:
        out.setdefault(indicator, []).append((period, value, status))
    return out


def suppressed_shares(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], float]:
    """Per (catalog indicator, level, period) with suppressed cells: the share of the
    level's published cells (figures and suppressions) that disclosure control
    suppressed. Rare events at fine levels are mostly suppressed; the pages say so."""
    rows = conn.execute(
        """
        SELECT indicator, level, period,
               avg(CASE WHEN status = 'suppressed' THEN 1.0 ELSE 0.0 END) AS share
        FROM indicator_values
        WHERE value IS NOT NULL OR status = 'suppressed'
        GROUP BY ALL HAVING bool_or(status = 'suppressed')
        """
    ).fetchall()
    return {(str(i), str(lv), str(p)): float(share) for i, lv, p, share in rows}


def tied_ranks(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str, int, int], int]:
    """Per (catalog indicator, level, period, regions ranked, rank) shared by more than one
    region: how many share it. Ranks are 'min' ranks, so a rank shared by all regions
    of a level (every published buurt figure 0) says nothing; the pages say so."""
    rows = conn.execute(
        """
        SELECT indicator, level, period, n_ranked, rank, count(*) FROM indicator_values
        WHERE rank IS NOT NULL GROUP BY ALL HAVING count(*) > 1
        """
    ).fetchall()
    return {(str(i), str(lv), str(p), int(n), int(r)): int(c) for i, lv, p, n, r, c in rows}


def region_observations(
    conn: duckdb.DuckDBPyConnection, code: str, *, period: str | None = None
) -> list[dict[str, Any]]:
    """Every observation of a region (all indelingen), with measure titles and units."""
    cursor = conn.execute(
        """
        SELECT o.measure, m.title, m.unit, m.decimals, o.period, o.indeling, o.value,
               o.status, o.source
        FROM observations o LEFT JOIN measures m USING (measure)
        WHERE o.region = $code AND ($period IS NULL OR o.period = $period)
        ORDER BY o.measure, o.period, o.indeling
        """,
        {"code": code, "period": period},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def yearly_observations(conn: duckdb.DuckDBPyConnection, codes: list[str]) -> list[dict[str, Any]]:
    """Yearly observations of ``codes``, one per (region, measure, period), preferring
    the latest indeling (harmonised series where they exist)."""
    cur = conn.execute(
        """
        SELECT region, measure, period, value, status FROM observations
        WHERE list_contains($codes, region) AND period LIKE '____JJ00'
        QUALIFY row_number() OVER (PARTITION BY region, measure, period
                                   ORDER BY indeling DESC) = 1
        ORDER BY measure, period
        """,
        {"codes": codes},
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
