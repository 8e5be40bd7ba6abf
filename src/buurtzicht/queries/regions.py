"""Regions of a build: search by name or code, a region with its parents and children,
the areas of a level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from buurtzicht.errors import UnknownRegionError
from buurtzicht.regions.codes import normalise_code
from buurtzicht.warehouse.current import CURRENT_INDELING

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


def newest_indeling_codes(conn: duckdb.DuckDBPyConnection, level: str) -> list[str]:
    """Codes of ``level`` in the level's newest indeling."""
    rows = conn.execute(
        "SELECT code FROM regions WHERE level = $level AND indeling = "
        "(SELECT max(indeling) FROM regions WHERE level = $level) ORDER BY code",
        {"level": level},
    ).fetchall()
    return [str(code) for (code,) in rows]


@dataclass(frozen=True)
class RegionInfo:
    """A region as the analyses need it: level, names and parents in its newest indeling."""

    code: str
    name: str
    level: str
    indeling: int
    gemeente: str | None
    provincie: str | None
    politie_eenheid: str | None
    stedelijkheid: int | None
    special: str | None


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NULL or NaN
        return None
    return str(value)


def region_info(conn: duckdb.DuckDBPyConnection, code: str) -> RegionInfo:
    """The region in its newest indeling, or :class:`UnknownRegionError`."""
    code = normalise_code(code)
    rows = conn.execute(
        "SELECT * FROM regions WHERE code = ? ORDER BY indeling DESC LIMIT 1", [code]
    ).df()
    if rows.empty:
        raise UnknownRegionError(
            f"region {code} is not in the warehouse (check the code, e.g. GM0363 for "
            "Amsterdam, or rebuild with `buurtzicht build`)"
        )
    row = rows.iloc[0]
    sted = row.get("stedelijkheid")
    return RegionInfo(
        code=code,
        name=str(row["name"]),
        level=str(row["level"]),
        indeling=int(row["indeling"]),
        gemeente=_text(row.get("gemeente")),
        provincie=_text(row.get("provincie")),
        politie_eenheid=_text(row.get("politie_eenheid")),
        stedelijkheid=None if sted is None or pd.isna(sted) else int(sted),
        special=_text(row.get("special")),
    )


def newest_names(conn: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """Newest name per code (any indeling)."""
    if not codes:
        return {}
    rows = conn.execute(
        "SELECT code, arg_max(name, indeling) AS name FROM regions "
        "WHERE code IN (SELECT unnest(?::VARCHAR[])) GROUP BY code",
        [codes],
    ).fetchall()
    return {str(c): str(n) for c, n in rows}
