"""Kansrijke zoekgebieden of a build: the published risk classes of areas per theme
(``secure_zoekgebieden``) and the models document (``secure_models``)."""

from __future__ import annotations

from typing import NamedTuple

import duckdb

from buurtzicht.queries.build_tables import has_table
from buurtzicht.warehouse.current import CURRENT_INDELING


class AreaRisk(NamedTuple):
    """An area's published row: its counts, class and explaining factors (JSON text)."""

    region: str
    name: str
    expected: float
    observed: float
    niveau: float
    gemist: float
    klasse: str
    factoren: str | None


#: The columns of :class:`AreaRisk`, as selected from ``secure_zoekgebieden z`` joined
#: with ``regions r``.
_AREA_COLUMNS = "z.region, r.name, z.expected, z.observed, z.niveau, z.gemist, z.klasse, z.factoren"


def has_models(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the build holds the published models and their zoekgebieden."""
    return has_table(conn, "secure_models", "secure_zoekgebieden")


def models_document(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The published models document (JSON text), or None."""
    row = conn.execute("SELECT document FROM secure_models LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def periods(conn: duckdb.DuckDBPyConnection, theme: str, level: str) -> list[str]:
    """Periods with published classes of ``theme`` at ``level``, oldest first."""
    rows = conn.execute(
        "SELECT DISTINCT z.period FROM secure_zoekgebieden z "
        "JOIN regions r ON r.code = z.region AND r.indeling = $indeling "
        "WHERE z.theme = $theme AND r.level = $level ORDER BY 1",
        {"theme": theme, "level": level, "indeling": CURRENT_INDELING},
    ).fetchall()
    return [str(p) for (p,) in rows]


def area_risks(
    conn: duckdb.DuckDBPyConnection, *, theme: str, period: str, level: str, parent: str | None
) -> list[AreaRisk]:
    """Every ordinary area of ``level`` (within gemeente or wijk ``parent``) with a
    published class of ``theme`` in ``period``, by code."""
    rows = conn.execute(
        f"""
        SELECT {_AREA_COLUMNS}
        FROM secure_zoekgebieden z
        JOIN regions r ON r.code = z.region AND r.indeling = $indeling
        WHERE z.theme = $theme AND z.period = $period AND r.level = $level
          AND r.special IS NULL
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        ORDER BY z.region
        """,
        {"theme": theme, "period": period, "level": level, "indeling": CURRENT_INDELING,
         "parent": parent},
    ).fetchall()  # fmt: skip
    return [AreaRisk(*row) for row in rows]


def level_bounds(
    conn: duckdb.DuckDBPyConnection, theme: str, period: str, level: str
) -> tuple[float | None, float | None]:
    """The level's lower bounds of the classes "gemiddeld" and "hoog" (every area of the
    level, not only those of a parent); (None, None) without classes."""
    row = conn.execute(
        "SELECT min(z.ondergrens_gemiddeld), min(z.ondergrens_hoog) FROM secure_zoekgebieden z "
        "JOIN regions r ON r.code = z.region AND r.indeling = $indeling "
        "WHERE z.theme = $theme AND z.period = $period AND r.level = $level",
        {"theme": theme, "period": period, "level": level, "indeling": CURRENT_INDELING},
    ).fetchone()
    if row is None or row[0] is None:
        return None, None
    return float(row[0]), float(row[1])


def latest_region_risks(
    conn: duckdb.DuckDBPyConnection, code: str
) -> dict[str, tuple[str, AreaRisk]]:
    """Theme -> (period, row) of the latest published class of region ``code``."""
    rows = conn.execute(
        f"""
        SELECT z.theme, z.period, {_AREA_COLUMNS}
        FROM secure_zoekgebieden z
        JOIN regions r ON r.code = z.region AND r.indeling = $indeling
        WHERE z.region = $code
        QUALIFY row_number() OVER (PARTITION BY z.theme ORDER BY z.period DESC) = 1
        """,
        {"code": code, "indeling": CURRENT_INDELING},
    ).fetchall()
    return {str(row[0]): (str(row[1]), AreaRisk(*row[2:])) for row in rows}
