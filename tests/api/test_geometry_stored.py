"""Whole boundary sets are gzipped by the build, not on a visitor's request: the stored
bytes are the set's GeoJSON, and the payload is the same as gzipping it on the fly (as
the server does for builds made before the table existed)."""

from __future__ import annotations

import gzip
import json

import duckdb

from buurtzicht.config import Settings
from buurtzicht.queries.boundaries import payload
from buurtzicht.warehouse.layout import BuildLayout


def test_every_boundary_set_is_stored_gzipped(small_settings: Settings) -> None:
    path = BuildLayout(small_settings.warehouse_dir).current_database()
    with duckdb.connect(str(path), read_only=True) as conn:
        sets = conn.execute(
            "SELECT b.level, b.year, b.features, b.geojson, g.raw_bytes, g.geojson_gz "
            "FROM boundary_geojson b LEFT JOIN boundary_geojson_gz g USING (level, year)"
        ).fetchall()
    assert {(level, year) for level, year, *_ in sets} >= {("gemeente", 2024), ("wijk", 2024)}
    for level, year, features, text, raw_bytes, gzipped in sets:
        assert gzipped is not None, (level, year)
        raw = gzip.decompress(gzipped)
        assert raw == text.encode("utf-8") and raw_bytes == len(raw)
        assert len(json.loads(raw)["features"]) == features


def test_stored_payload_equals_the_one_gzipped_on_the_fly(small_settings: Settings) -> None:
    path = BuildLayout(small_settings.warehouse_dir).current_database()
    with duckdb.connect(str(path), read_only=True) as conn:
        stored = payload(conn, "b1", level="wijk", year=2024)
    # The same build without the table, as a build from before it would be.
    with duckdb.connect() as conn:
        conn.execute(f"ATTACH '{path}' AS build (READ_ONLY)")
        conn.execute("CREATE TABLE boundary_geojson AS SELECT * FROM build.boundary_geojson")
        computed = payload(conn, "b1", level="wijk", year=2024)
    assert stored is not None and stored == computed
    assert stored.features > 3000 and stored.raw_bytes > len(stored.gzipped)
