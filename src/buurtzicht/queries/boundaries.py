"""Simplified boundaries for the web map, gzipped once per build."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from buurtzicht.sources.boundaries import gzip_geojson


@dataclass(frozen=True)
class GeometryPayload:
    level: str
    year: int
    parent: str | None
    features: int
    raw_bytes: int
    gzipped: bytes
    etag: str


def available(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """(level, year, features) of every boundary set in the build."""
    rows = conn.execute(
        "SELECT level, year, features FROM boundary_geojson ORDER BY level, year"
    ).fetchall()
    return [(str(level), int(year), int(n)) for level, year, n in rows]


def _one(conn: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> tuple[Any, ...] | None:
    """One row, or None; also None on builds made before the table existed."""
    try:
        return conn.execute(sql, params).fetchone()
    except duckdb.CatalogException:
        return None


def _whole(conn: duckdb.DuckDBPyConnection, level: str, year: int) -> tuple[int, bytes] | None:
    """(raw size, gzipped FeatureCollection) of a whole boundary set, gzipped by the build."""
    row = _one(
        conn,
        "SELECT raw_bytes, geojson_gz FROM boundary_geojson_gz WHERE level = ? AND year = ?",
        [level, year],
    )
    return None if row is None else (int(row[0]), bytes(row[1]))


def _part(
    conn: duckdb.DuckDBPyConnection, level: str, year: int, parent: str
) -> tuple[int, bytes] | None:
    """The precomputed gzipped FeatureCollection of ``level`` within ``parent``."""
    row = _one(
        conn,
        "SELECT features, geojson_gz FROM boundary_parts WHERE level = ? AND year = ? "
        "AND parent = ?",
        [level, year, parent],
    )
    return None if row is None else (int(row[0]), bytes(row[1]))


def payload(
    conn: duckdb.DuckDBPyConnection,
    build_id: str,
    *,
    level: str,
    year: int,
    parent: str | None = None,
) -> GeometryPayload | None:
    """The FeatureCollection of ``level`` and ``year`` (only features whose code lies in
    gemeente or wijk ``parent`` when given), gzipped; None when the build has none."""
    row = conn.execute(
        "SELECT features FROM boundary_geojson WHERE level = ? AND year = ?", [level, year]
    ).fetchone()
    if row is None:
        return None
    count = int(row[0])
    digest = hashlib.sha256(f"{build_id}/{level}/{year}/{parent or ''}".encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    # Gzipped by the build; builds made before boundary_geojson_gz get it gzipped below.
    whole = None if parent else _whole(conn, level, year)
    if whole is not None:
        return GeometryPayload(level, year, None, count, whole[0], whole[1], etag)
    part = _part(conn, level, year, parent) if parent else None
    if part is not None:
        features, gzipped = part
        return GeometryPayload(
            level, year, parent, features, len(gzip.decompress(gzipped)), gzipped, etag
        )
    (text,) = conn.execute(
        "SELECT geojson FROM boundary_geojson WHERE level = ? AND year = ?", [level, year]
    ).fetchone() or ("",)
    if parent:
        document = json.loads(text)
        prefix = parent[2:]
        document["features"] = [
            f for f in document["features"] if str(f["properties"]["code"])[2:].startswith(prefix)
        ]
        count = len(document["features"])
        text = json.dumps(document, separators=(",", ":"))
    raw = text.encode("utf-8")
    return GeometryPayload(level, year, parent, count, len(raw), gzip_geojson(raw), etag)


def coverage(
    conn: duckdb.DuckDBPyConnection, level: str, year: int
) -> dict[str, tuple[str | None, int | None, str | None]]:
    """code -> (source layer, year it was drawn for, reason without one) of a set; empty
    for builds without coverage."""
    try:
        rows = conn.execute(
            "SELECT code, source, source_year, reason FROM boundary_coverage "
            "WHERE level = ? AND year = ?",
            [level, year],
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {
        str(code): (source, None if y is None else int(y), reason)
        for code, source, y, reason in rows
    }


@dataclass(frozen=True)
class TileSetInfo:
    level: str
    year: int
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]


def tile_set(conn: duckdb.DuckDBPyConnection, level: str, year: int) -> TileSetInfo | None:
    """The vector tile set of a level and year, or None."""
    row = _one(
        conn,
        "SELECT minzoom, maxzoom, west, south, east, north FROM tile_sets "
        "WHERE level = ? AND year = ?",
        [level, year],
    )
    if row is None:
        return None
    return TileSetInfo(level, year, int(row[0]), int(row[1]), (row[2], row[3], row[4], row[5]))


def tile(
    conn: duckdb.DuckDBPyConnection, level: str, year: int, z: int, x: int, y: int
) -> bytes | None:
    """One gzipped vector tile, or None where the set has no features."""
    row = conn.execute(
        "SELECT tile FROM vector_tiles WHERE level = ? AND year = ? AND z = ? AND x = ? AND y = ?",
        [level, year, z, x, y],
    ).fetchone()
    return None if row is None else bytes(row[0])


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


def level_shapes(conn: duckdb.DuckDBPyConnection, level: str, year: int) -> pd.DataFrame:
    """(code, geometry as WKB) of every boundary of ``level`` drawn for ``year``."""
    return conn.execute(
        "SELECT code, geometry FROM boundaries WHERE level = ? AND year = ?", [level, year]
    ).df()
