"""The browser tests' build is the real mirror build plus the test's secure side.

``e2e_home`` copies the open data of ``mirror_build`` (as ``buurtzicht secure load``
does) instead of reading the whole mirror a second time; these checks hold it to what
a build straight from the mirror would hold.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from buurtzicht.config import Settings
from buurtzicht.warehouse.current import current_path
from tests.api.smallbuild import SECURE, SECURE_INHABITANTS, SECURE_SUSPECTS

OPEN = "measure NOT LIKE 'secure.%'"


@pytest.fixture(scope="module")
def both(mirror_build: Settings, e2e_home: Path) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{current_path(mirror_build)}' AS mirror (READ_ONLY)")
    conn.execute(f"ATTACH '{current_path(Settings(home=e2e_home))}' AS e2e (READ_ONLY)")
    return conn


def _differing(conn: duckdb.DuckDBPyConnection, table: str, where: str = "true") -> int:
    """Rows of ``table`` in one build and not in the other (both ways, with duplicates)."""
    (count,) = conn.execute(
        f"""
        SELECT count(*) FROM (
            (SELECT * FROM mirror.{table} WHERE {where}
             EXCEPT ALL SELECT * FROM e2e.{table} WHERE {where})
            UNION ALL
            (SELECT * FROM e2e.{table} WHERE {where}
             EXCEPT ALL SELECT * FROM mirror.{table} WHERE {where}))
        """
    ).fetchone() or (0,)
    return int(count)


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ("observations", OPEN),
        ("measures", OPEN),
        ("conflicts", OPEN),
        ("regions", "true"),
        ("harmonisation", "true"),
        ("boundaries", "true"),
        ("boundary_coverage", "true"),
        ("vector_tiles", "true"),
        ("manifest", "coalesce(table_id, '') NOT LIKE 'secure%'"),
        ("datasets", "name NOT LIKE 'secure%'"),
    ],
)
def test_the_open_data_is_the_mirror_builds(
    both: duckdb.DuckDBPyConnection, table: str, where: str
) -> None:
    (rows,) = both.execute(f"SELECT count(*) FROM mirror.{table} WHERE {where}").fetchone() or (0,)
    assert rows > 0 or table == "conflicts"
    assert _differing(both, table, where) == 0


def test_open_indicator_values_are_computed_again_the_same(
    both: duckdb.DuckDBPyConnection,
) -> None:
    """The same rows and statuses; values to 1e-9 (DuckDB's parallel sums of the
    aggregated levels may differ in the last bits from one build to the next)."""
    added = (
        "SELECT DISTINCT indicator FROM e2e.indicator_values "
        "EXCEPT SELECT DISTINCT indicator FROM mirror.indicator_values"
    )
    (differing,) = both.execute(
        f"""
        SELECT count(*) FROM (SELECT * FROM mirror.indicator_values) m
        FULL JOIN (SELECT * FROM e2e.indicator_values WHERE indicator NOT IN ({added})) e
        USING (indicator, region, period, indeling)
        WHERE m.status IS NULL OR e.status IS NULL OR m.status <> e.status
           OR (m.value IS NULL) <> (e.value IS NULL)
           OR abs(m.value - e.value) > 1e-9 * greatest(1, abs(m.value))
        """
    ).fetchone() or (0,)
    assert differing == 0


def test_the_secure_side_is_added(both: duckdb.DuckDBPyConnection) -> None:
    rows = both.execute(f"SELECT DISTINCT measure FROM e2e.observations WHERE NOT ({OPEN})")
    measures = {m for (m,) in rows.fetchall()}
    assert measures == {SECURE, SECURE_SUSPECTS, SECURE_INHABITANTS}
    secure_in_mirror = f"SELECT count(*) FROM mirror.observations WHERE NOT ({OPEN})"
    assert both.execute(secure_in_mirror).fetchone() == (0,)
