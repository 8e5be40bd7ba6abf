"""Read access to the current build (read-only DuckDB connections)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from buurtzicht.config import Settings
from buurtzicht.errors import UnknownRegionError
from buurtzicht.regions.codes import normalise_code
from buurtzicht.warehouse.layout import BuildLayout

CURRENT_INDELING = 2024


def current_path(settings: Settings) -> Path:
    return BuildLayout(settings.warehouse_dir).current_database()


def open_current(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current build (``NoBuildError`` if there is none)."""
    return duckdb.connect(str(current_path(settings)), read_only=True)


def region_record(
    conn: duckdb.DuckDBPyConnection, code: str, *, indeling: int = CURRENT_INDELING
) -> dict[str, Any]:
    """A region with the names of its parents; ``UnknownRegionError`` if absent."""
    code = normalise_code(code)
    cursor = conn.execute(
        "SELECT * FROM regions WHERE code = ? ORDER BY indeling = ? DESC, indeling DESC LIMIT 1",
        [code, indeling],
    )
    row = cursor.fetchone()
    if row is None:
        raise UnknownRegionError(
            f"region {code} is not in the warehouse; search by name with "
            "'buurtzicht region --search NAME' or check the code (e.g. GM0363)"
        )
    record = dict(zip([d[0] for d in cursor.description], row, strict=True))
    record["parents"] = _parents(conn, record)
    return record


_PARENT_FIELDS = (
    "wijk",
    "gemeente",
    "corop",
    "veiligheidsregio",
    "politie_eenheid",
    "provincie",
    "landsdeel",
)


def _parents(conn: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> list[dict[str, Any]]:
    codes = [record[f] for f in _PARENT_FIELDS if record.get(f) and record[f] != record["code"]]
    if not codes:
        return []
    rows = conn.execute(
        """
        SELECT code, level, name FROM regions
        WHERE code IN (SELECT unnest($codes))
        QUALIFY row_number() OVER (PARTITION BY code
                                   ORDER BY indeling = $indeling DESC, indeling DESC) = 1
        """,
        {"codes": codes, "indeling": record["indeling"]},
    ).fetchall()
    by_code = {code: {"code": code, "level": level, "name": name} for code, level, name in rows}
    return [by_code[c] for c in codes if c in by_code]


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


def has_table(conn: duckdb.DuckDBPyConnection, *names: str) -> bool:
    """True when the build holds every table in ``names`` (older builds lack the tables
    added since; their readers then fall back or show nothing)."""
    row = conn.execute(
        "SELECT count(DISTINCT table_name) FROM information_schema.tables "
        "WHERE list_contains($names, table_name)",
        {"names": list(names)},
    ).fetchone()
    return bool(row and row[0] == len(set(names)))


def first_region_of_level(conn: duckdb.DuckDBPyConnection, level: str) -> str | None:
    """The code of one ordinary region of ``level`` (the lowest code of the newest
    indeling), or None when the build has none: a sample, e.g. to warm caches with."""
    row = conn.execute(
        "SELECT code FROM regions WHERE level = ? AND special IS NULL "
        "ORDER BY indeling DESC, code LIMIT 1",
        [level],
    ).fetchone()
    return None if row is None else str(row[0])


def area_regions(
    conn: duckdb.DuckDBPyConnection, *, indeling: int = CURRENT_INDELING
) -> list[tuple[str, str, str, str | None, str | None]]:
    """(code, level, name, wijk, gemeente) of every ordinary gemeente, wijk and buurt."""
    rows = conn.execute(
        "SELECT code, level, coalesce(name, code), wijk, gemeente FROM regions "
        "WHERE indeling = ? AND special IS NULL AND level IN ('gemeente', 'wijk', 'buurt') "
        "ORDER BY code",
        [indeling],
    ).fetchall()
    return [(str(c), str(lv), str(n), w, g) for c, lv, n, w, g in rows]


def buurt_geometries(
    conn: duckdb.DuckDBPyConnection, gemeenten: list[str]
) -> tuple[int | None, list[tuple[str, bytes]]]:
    """(year, [(buurt code, WKB in WGS84)]) of the newest buurt boundaries of the build
    within ``gemeenten``; (None, []) for a build without buurt boundaries."""
    year = conn.execute("SELECT max(year) FROM boundaries WHERE level = 'buurt'").fetchone()
    if year is None or year[0] is None:
        return None, []
    prefixes = [g[2:] for g in gemeenten]
    rows = conn.execute(
        "SELECT code, geometry FROM boundaries WHERE level = 'buurt' AND year = ? "
        "AND list_contains(?, substr(code, 3, 4)) ORDER BY code",
        [year[0], prefixes],
    ).fetchall()
    return int(year[0]), [(str(code), bytes(geometry)) for code, geometry in rows]
