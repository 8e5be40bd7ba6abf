"""Regions: search by name or code, a region with its parents and children."""

from __future__ import annotations

from typing import Any

import duckdb

from buurtzicht.errors import UnknownRegionError
from buurtzicht.regions.codes import is_region_code, normalise_code
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


def search(
    conn: duckdb.DuckDBPyConnection,
    query: str,
    *,
    levels: tuple[str, ...] = AREA_LEVELS,
    limit: int = 10,
    indeling: int = CURRENT_INDELING,
) -> list[dict[str, Any]]:
    """Regions whose code or name matches ``query``, best matches first.

    An exact code comes first, then names that start with the query, then names with a
    word that starts with it, then names that contain it; within a rank gemeenten before
    wijken before buurten, then by name. Accents and case are ignored ("Súdwest" finds
    "Súdwest-Fryslân" and "sudwest" too). Wijken and buurten carry their gemeente's name.
    """
    text = query.strip()
    if not text:
        return []
    code = normalise_code(text) if is_region_code(text) else None
    cursor = conn.execute(
        """
        WITH candidates AS (
            SELECT r.code, r.level, r.name, r.gemeente, g.name AS gemeente_name,
                   strip_accents(lower(r.name)) AS key
            FROM regions r
            LEFT JOIN regions g ON g.code = r.gemeente AND g.indeling = r.indeling
            WHERE r.indeling = $indeling AND r.special IS NULL
              AND list_contains($levels, r.level)
        )
        SELECT code, level, name, gemeente, gemeente_name,
               CASE WHEN code = $code THEN 0
                    WHEN starts_with(key, $q) THEN 1
                    WHEN contains(' ' || replace(key, '-', ' '), ' ' || $q) THEN 2
                    ELSE 3 END AS rank
        FROM candidates
        WHERE code = $code OR contains(key, $q) OR starts_with(code, upper($raw))
        ORDER BY rank, list_position($levels, level), name, code
        LIMIT $limit
        """,
        {
            "indeling": indeling,
            "levels": list(levels),
            "code": code,
            "q": _fold(text),
            "raw": text,
            "limit": limit,
        },
    )
    return _records(cursor)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
