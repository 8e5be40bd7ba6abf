"""Reading indicator figures and regions from a warehouse connection.

The build materialises ``indicator_values`` once
(:func:`buurtzicht.analysis.materialise.materialise`). On a warehouse without it
(an older build, a test database) the figures are computed once and registered on the
connection as a view of the same name, so every analysis runs the same SQL either way.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import pandas as pd

from buurtzicht.errors import UnknownRegionError
from buurtzicht.regions.codes import normalise_code

T = TypeVar("T")
VIEW = "indicator_values"
#: Connections already checked (weak: closing a connection forgets it).
_READY: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
#: Per-connection results of level-wide queries. A build is immutable once current and
#: every build is opened on a new connection, so nothing here can go stale.
_CACHE: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[tuple[object, ...], object]] = (
    weakref.WeakKeyDictionary()
)


def cached(conn: duckdb.DuckDBPyConnection, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per connection and key (level-wide tables used by every profile)."""
    store = _CACHE.setdefault(conn, {})
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[return-value]


def ensure_indicator_values(conn: duckdb.DuckDBPyConnection) -> None:
    """Make ``indicator_values`` queryable on ``conn`` (computing it if the build did not)."""
    if conn in _READY:
        return
    _READY.add(conn)
    try:
        conn.execute(f"SELECT 1 FROM {VIEW} LIMIT 0")
        return
    except duckdb.CatalogException:
        pass
    from buurtzicht.analysis.materialise import indicator_values_frame

    conn.register(VIEW, indicator_values_frame(conn))


def query(
    conn: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> pd.DataFrame:
    ensure_indicator_values(conn)
    return conn.execute(sql, params or []).df()


def values_for(
    conn: duckdb.DuckDBPyConnection,
    regions: list[str],
    indicators: list[str] | None = None,
) -> pd.DataFrame:
    """Indicator rows of some regions, one per (indicator, region, period).

    Where a period exists on several indelingen the newest wins: a figure harmonised
    onto the current boundaries beats the one as published on the old boundaries.
    """
    if not regions:
        return pd.DataFrame(columns=["indicator", "region", "period", "indeling", "value"])
    sql = "SELECT * FROM indicator_values WHERE region IN (SELECT unnest(?::VARCHAR[]))"
    params: list[object] = [regions]
    if indicators is not None:
        sql += " AND indicator IN (SELECT unnest(?::VARCHAR[]))"
        params.append(indicators)
    rows = query(conn, sql, params)
    rows = rows.sort_values("indeling").drop_duplicates(
        ["indicator", "region", "period"], keep="last"
    )
    return rows.reset_index(drop=True)


def records(
    conn: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> list[dict[str, object]]:
    """Rows as dicts without a DataFrame in between (a profile runs many small queries)."""
    ensure_indicator_values(conn)
    cursor = conn.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def region_records(conn: duckdb.DuckDBPyConnection, regions: list[str]) -> list[dict[str, object]]:
    """Like :func:`values_for` but as dicts, newest indeling per (indicator, region, period)."""
    if not regions:
        return []
    return records(
        conn,
        "SELECT * FROM indicator_values WHERE region IN (SELECT unnest(?::VARCHAR[])) "
        "QUALIFY row_number() OVER (PARTITION BY indicator, region, period "
        "ORDER BY indeling DESC) = 1 ORDER BY period",
        [regions],
    )


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


def region_names(conn: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """Newest name per code."""
    if not codes:
        return {}
    rows = conn.execute(
        "SELECT code, arg_max(name, indeling) AS name FROM regions "
        "WHERE code IN (SELECT unnest(?::VARCHAR[])) GROUP BY code",
        [codes],
    ).fetchall()
    return {str(c): str(n) for c, n in rows}
