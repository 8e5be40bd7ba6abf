"""Simplified boundaries for the web map, gzipped once per build."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass

import duckdb


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
        "SELECT geojson, features FROM boundary_geojson WHERE level = ? AND year = ?", [level, year]
    ).fetchone()
    if row is None:
        return None
    text: str = row[0]
    count = int(row[1])
    if parent:
        document = json.loads(text)
        prefix = parent[2:]
        document["features"] = [
            f for f in document["features"] if str(f["properties"]["code"])[2:].startswith(prefix)
        ]
        count = len(document["features"])
        text = json.dumps(document, separators=(",", ":"))
    raw = text.encode("utf-8")
    # mtime=0 keeps the bytes (and so the ETag) identical between processes.
    gzipped = gzip.compress(raw, compresslevel=9, mtime=0)
    digest = hashlib.sha256(f"{build_id}/{level}/{year}/{parent or ''}".encode()).hexdigest()
    return GeometryPayload(level, year, parent, count, len(raw), gzipped, f'"{digest[:32]}"')
