"""What a profile compares with (peers, similar regions and why, trends), stored by the
build for every current gemeente, equals the per-region computation the profile
did before, and its figures check out against the build's own rows by hand."""

from __future__ import annotations

import json
import random

import duckdb
import pytest

from buurtzicht.analysis import region_profile as profile_module
from buurtzicht.analysis.connection import with_figures
from buurtzicht.analysis.peers import peer_group
from buurtzicht.analysis.profile_comparisons import comparisons, default_period
from buurtzicht.analysis.profile_comparisons_table import (
    LEVELS,
    TABLE,
    comparisons_frame,
    stored_comparisons,
)
from buurtzicht.analysis.region_profile import profile
from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.queries.build_tables import has_table
from buurtzicht.queries.indicators import region_figures
from buurtzicht.queries.regions import region_info
from buurtzicht.warehouse.layout import BuildLayout


@pytest.fixture(scope="module")
def conn(mirror_build: Settings) -> duckdb.DuckDBPyConnection:
    path = BuildLayout(mirror_build.warehouse_dir).current_database()
    return duckdb.connect(str(path), read_only=True)


def _codes(conn: duckdb.DuckDBPyConnection, level: str) -> list[str]:
    rows = conn.execute(
        "SELECT code FROM regions WHERE level = ? AND indeling = "
        "(SELECT max(indeling) FROM regions WHERE level = ?) ORDER BY code",
        [level, level],
    ).fetchall()
    return [str(code) for (code,) in rows]


def _computed(conn: duckdb.DuckDBPyConnection, code: str):  # type: ignore[no-untyped-def]
    info = region_info(conn, code)
    rows = region_figures(with_figures(conn), [info.code])
    return comparisons(conn, info, rows, default_period(rows), catalog=default_catalog())


def _same_floats(a: object, b: object, where: str = "") -> None:
    """Equal, floats to 1e-12 relative: DuckDB's parallel float sums (the pooled peer
    values) are not order-stable, so a recomputation can differ in the last bits."""
    if isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12), where
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same_floats(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), where
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_floats(x, y, f"{where}[{n}]")
    else:
        assert a == b, where


def test_every_current_gemeente_is_stored(conn: duckdb.DuckDBPyConnection) -> None:
    assert has_table(conn, TABLE)
    stored = dict(conn.execute(f"SELECT level, count(*) FROM {TABLE} GROUP BY level").fetchall())
    assert set(stored) == set(LEVELS) == {"gemeente"}
    assert stored["gemeente"] == len(_codes(conn, "gemeente")) >= 342


def test_stored_equals_computed_per_region(conn: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(14)
    codes = ["GM0363", "GM0599", "GM0014", *rng.sample(_codes(conn, "gemeente"), 40)]
    similar = trends = 0
    for code in codes:
        stored = stored_comparisons(conn, code)
        assert stored is not None, code
        computed = _computed(conn, code)
        # Exact where no float sum is involved: peer groups, similar regions (distances
        # and why), trends; the pooled values to 1e-12.
        for field in ("period", "peer_group", "similar_regions", "similar_basis", "trends"):
            assert getattr(stored, field) == getattr(computed, field), (code, field)
        _same_floats(stored.model_dump(), computed.model_dump(), code)
        similar += len(stored.similar_regions)
        trends += len(stored.trends)
    assert similar >= 5 * 40 and trends > 1000  # real content, not empty lists


def test_a_profile_from_the_table_equals_one_computed(
    conn: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = ["GM0363", "GM0518", "WK059901"]
    from_table = [profile(conn, code) for code in codes]
    monkeypatch.setattr(profile_module, "stored_comparisons", lambda _conn, _code: None)
    computed = [profile(conn, code) for code in codes]
    _same_floats([p.model_dump() for p in computed], [p.model_dump() for p in from_table])


def test_other_levels_and_periods_are_computed(conn: duckdb.DuckDBPyConnection) -> None:
    assert stored_comparisons(conn, "WK036300") is None
    assert stored_comparisons(conn, "BU03630000") is None
    older = profile(conn, "GM0363", "2022")
    assert older.period == "2022JJ00"
    # Similar regions are chosen on the context of 2022, not read from the table.
    info = region_info(conn, "GM0363")
    rows = region_figures(with_figures(conn), ["GM0363"])
    again = comparisons(conn, info, rows, "2022JJ00", catalog=default_catalog())
    assert [s.code for s in older.similar_regions] == [s.code for s in again.similar_regions]


def test_peer_value_by_hand(conn: duckdb.DuckDBPyConnection) -> None:
    """Amsterdam's peers (same stedelijkheid and size class) pooled by hand:
    sum(value x denominator) / sum(denominator) over the peers' newest-indeling rows."""
    stored = stored_comparisons(conn, "GM0363")
    assert stored is not None
    members = peer_group(conn, region_info(conn, "GM0363")).members
    assert stored.peer_group.n == len(members) and "GM0599" in members
    peer = stored.peer_values()[("misdrijven_per_1000", "2024JJ00")]
    rows = conn.execute(
        "SELECT region, arg_max(value, indeling), arg_max(denominator, indeling) "
        "FROM indicator_values WHERE indicator = 'misdrijven_per_1000' "
        "AND period = '2024JJ00' AND list_contains(?, region) GROUP BY region",
        [list(members)],
    ).fetchall()
    assert len(rows) == len(members) == peer.n and peer.pooled
    by_hand = sum(v * d for _, v, d in rows) / sum(d for _, _, d in rows)
    assert peer.value == pytest.approx(by_hand, rel=1e-12)


def test_trend_by_hand(conn: duckdb.DuckDBPyConnection) -> None:
    """Amsterdam's crime rate trend: first and last yearly figure of its own series."""
    stored = stored_comparisons(conn, "GM0363")
    assert stored is not None
    found = stored.trends["misdrijven_per_1000"]
    series = conn.execute(
        "SELECT period, arg_max(value, indeling) FROM indicator_values "
        "WHERE region = 'GM0363' AND indicator = 'misdrijven_per_1000' "
        "AND period LIKE '____JJ00' AND value IS NOT NULL GROUP BY period ORDER BY period"
    ).fetchall()
    assert (found.first_period, found.last_period) == (series[0][0], series[-1][0])
    assert found.first_value == series[0][1] and found.last_value == series[-1][1]
    assert found.change == pytest.approx(series[-1][1] - series[0][1])
    assert found.n_points == len(series) and found.test == "poisson_exact"


def test_the_frame_recomputes_to_the_stored_table(conn: duckdb.DuckDBPyConnection) -> None:
    frame = comparisons_frame(conn, levels=("gemeente",))
    stored = conn.execute(
        f"SELECT region, period, body FROM {TABLE} WHERE level = 'gemeente' ORDER BY region"
    ).df()
    assert list(frame["region"]) == list(stored["region"])
    assert list(frame["period"]) == list(stored["period"])
    for again, body in zip(frame["body"], stored["body"], strict=True):
        _same_floats(json.loads(again), json.loads(body))
