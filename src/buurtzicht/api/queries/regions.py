"""Regions: search by name or code, a region with its parents and children."""

from __future__ import annotations

from typing import Any

import duckdb

from buurtzicht.errors import UnknownRegionError
from buurtzicht.warehouse.store import CURRENT_INDELING, region_record

#: Levels a user navigates, from large to small.
AREA_LEVELS = ("gemeente", "wijk", "buurt")
CHILD_LEVEL = {"land": "gemeente", "gemeente": "wijk", "wijk": "buurt"}
_PARENT_COLUMN = {"gemeente": "gemeente", "wijk": "wijk"}
#: ``regions.special`` kinds that are placeholders rather than places.
PLACEHOLDERS = ("onbekend", "buitenland")


def _records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def search_names(
    conn: duckdb.DuckDBPyConnection, *, indeling: int = CURRENT_INDELING
) -> list[dict[str, Any]]:
    """Every name a search can find: the gemeenten, wijken and buurten of ``indeling``
    with their gemeente's name, then the former gemeenten (codes of earlier indelingen
    that ``indeling`` no longer has) with the year of their last indeling and the gemeente
    that took over most of them, with that share (the build's harmonisation weights)."""
    current = _records(
        conn.execute(
            """
            SELECT r.code, r.level, r.name, r.gemeente, g.name AS gemeente_name,
                   NULL::INTEGER AS last_indeling, NULL::DOUBLE AS share
            FROM regions r
            LEFT JOIN regions g ON g.code = r.gemeente AND g.indeling = r.indeling
            WHERE r.indeling = $indeling AND r.special IS NULL
              AND list_contains(['gemeente', 'wijk', 'buurt'], r.level)
            """,
            {"indeling": indeling},
        )
    )
    former = _records(
        conn.execute(
            """
            WITH gone AS (
                SELECT code, arg_max(name, indeling) AS name, max(indeling) AS last_indeling
                FROM regions WHERE level = 'gemeente' AND indeling < $indeling
                  AND special IS NULL
                  AND code NOT IN (SELECT code FROM regions WHERE indeling = $indeling)
                GROUP BY code
            ), target AS (
                SELECT source_code, arg_max(target_code, weight) AS target_code,
                       max(weight) AS share
                FROM harmonisation h JOIN gone ON gone.code = h.source_code
                 AND h.year = gone.last_indeling
                GROUP BY source_code
            )
            SELECT gone.code, 'gemeente' AS level, gone.name, t.target_code AS gemeente,
                   g.name AS gemeente_name, gone.last_indeling, t.share
            FROM gone
            LEFT JOIN target t ON t.source_code = gone.code
            LEFT JOIN regions g ON g.code = t.target_code AND g.indeling = $indeling
            """,
            {"indeling": indeling},
        )
    )
    return current + former


def region(
    conn: duckdb.DuckDBPyConnection, code: str, *, indeling: int = CURRENT_INDELING
) -> dict[str, Any]:
    """A region with its parents (``UnknownRegionError`` when it does not exist).

    StatLine's placeholders (GM0000 and GM9999 "onbekend", GM0999 "niet in te delen",
    GM0998 "buitenland", PV99, ...) are rows in ``regions`` so that totals add up, but they
    are no place anyone can look at: for a visitor they do not exist.
    """
    record = region_record(conn, code, indeling=indeling)
    if record.get("special") in PLACEHOLDERS:
        raise UnknownRegionError(
            f"{record['code']} ({record['name']}) is a statistical placeholder, not a "
            "region; search by name at /api/regions?q=... or check the code (e.g. GM0363)"
        )
    return record


def children(
    conn: duckdb.DuckDBPyConnection, record: dict[str, Any], *, indeling: int | None = None
) -> list[dict[str, Any]]:
    """The regions one level down: gemeenten of the land, wijken of a gemeente, buurten
    of a wijk (special regions such as water wijken left out)."""
    level = CHILD_LEVEL.get(record["level"])
    if level is None:
        return []
    year = indeling or record["indeling"]
    if record["level"] == "land":
        cursor = conn.execute(
            "SELECT code, level, name FROM regions WHERE indeling = ? AND level = ? "
            "AND special IS NULL ORDER BY name",
            [year, level],
        )
    else:
        column = _PARENT_COLUMN[record["level"]]
        cursor = conn.execute(
            f"SELECT code, level, name FROM regions WHERE indeling = ? AND level = ? "
            f"AND {column} = ? AND special IS NULL ORDER BY code",
            [year, level, record["code"]],
        )
    return _records(cursor)


def gemeenten(conn: duckdb.DuckDBPyConnection, *, indeling: int = CURRENT_INDELING) -> list[str]:
    """Codes of the gemeenten of ``indeling`` (placeholders and other specials left out)."""
    rows = conn.execute(
        "SELECT code FROM regions WHERE indeling = ? AND level = 'gemeente' "
        "AND special IS NULL ORDER BY code",
        [indeling],
    ).fetchall()
    return [str(code) for (code,) in rows]


def names(conn: duckdb.DuckDBPyConnection, codes: list[str], indeling: int) -> dict[str, str]:
    """Names of many regions at once (latest indeling up to ``indeling`` first)."""
    rows = conn.execute(
        """
        SELECT code, name FROM regions WHERE list_contains($codes, code)
        QUALIFY row_number() OVER (PARTITION BY code
                                   ORDER BY indeling = $indeling DESC, indeling DESC) = 1
        """,
        {"codes": codes, "indeling": indeling},
    ).fetchall()
    return {code: name for code, name in rows}
