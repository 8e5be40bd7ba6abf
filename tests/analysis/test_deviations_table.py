"""The deviating children the build stores for every gemeente and wijk equal what the
per-region computation gives on the same build."""

from __future__ import annotations

import random

import duckdb
import pytest

from buurtzicht.analysis.deviations import deviating_children
from buurtzicht.analysis.deviations_table import TABLE, deviations_frame, precomputed
from buurtzicht.config import Settings
from buurtzicht.queries.build_tables import has_table
from buurtzicht.warehouse.layout import BuildLayout


@pytest.fixture(scope="module")
def conn(mirror_build: Settings) -> duckdb.DuckDBPyConnection:
    path = BuildLayout(mirror_build.warehouse_dir).current_database()
    return duckdb.connect(str(path), read_only=True)


def _sample(conn: duckdb.DuckDBPyConnection, level: str, n: int) -> list[str]:
    codes = [
        str(code)
        for (code,) in conn.execute(
            "SELECT DISTINCT code FROM regions WHERE level = ? ORDER BY code", [level]
        ).fetchall()
    ]
    return sorted(random.Random(14).sample(codes, min(n, len(codes))))


def test_the_build_stores_deviating_children(conn: duckdb.DuckDBPyConnection) -> None:
    assert has_table(conn, TABLE)
    (parents,) = conn.execute(f"SELECT count(DISTINCT parent) FROM {TABLE}").fetchone() or (0,)
    assert parents > 300  # gemeenten with wijken and wijken with buurten


def test_stored_equals_computed_per_region(conn: duckdb.DuckDBPyConnection) -> None:
    codes = ["GM0363", "GM0599", "WK036300", *_sample(conn, "gemeente", 25)]
    codes += _sample(conn, "wijk", 25) + _sample(conn, "buurt", 3)
    found = 0
    for code in codes:
        stored = precomputed(conn, code)
        computed = deviating_children(conn, code)
        assert stored == computed, code
        found += sum(len(theme.children) for theme in computed)
    assert found > 100  # the comparison holds real rows, not only empty lists


def test_the_frame_recomputes_to_the_stored_table(conn: duckdb.DuckDBPyConnection) -> None:
    frame = deviations_frame(conn)
    stored = conn.execute(f"SELECT * FROM {TABLE}").df()
    assert len(frame) == len(stored)
    assert list(frame["parent"]) == list(stored["parent"])
