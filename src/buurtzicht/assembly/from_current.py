"""A new build from the current one: its open data, plus a freshly published secure release.

Reading the mirror and harmonising takes minutes; publishing a new synthetic world
should not. :func:`collect_from_build` hands :func:`buurtzicht.warehouse.build.run_build`
the current build's regions and manifest and a step that copies its other tables
(observations and measures without the ``secure`` family, boundaries, harmonisation,
datasets, dimension tables). The new secure batch is loaded on top, indicator values
are computed again, and the build is validated and swapped in like any other: the
current build stays untouched until the new one is complete.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import duckdb

from buurtzicht.analysis.deviations_table import TABLE as DEVIATIONS_TABLE
from buurtzicht.analysis.deviations_table import materialise_deviations
from buurtzicht.analysis.materialise import TABLE as INDICATOR_TABLE
from buurtzicht.analysis.materialise import materialise
from buurtzicht.analysis.profile_comparisons_table import TABLE as COMPARISONS_TABLE
from buurtzicht.analysis.profile_comparisons_table import materialise_comparisons
from buurtzicht.assembly.from_mirror import published_batches
from buurtzicht.config import Settings
from buurtzicht.secure.published import BATCH, TABLE_ID
from buurtzicht.sources.base import SourceFile
from buurtzicht.warehouse.build import BuildInputs, Step
from buurtzicht.warehouse.layout import BuildLayout
from buurtzicht.warehouse.validate import Expectations

#: Tables of the schema copied row by row (the rest are created from the base's copy).
_SCHEMA_TABLES = (
    "regions", "measures", "observations", "boundaries", "boundary_geojson",
    "boundary_geojson_gz", "boundary_coverage", "boundary_parts", "tile_sets", "vector_tiles",
    "harmonisation", "manifest", "datasets", "conflicts", "build_info",
)  # fmt: skip
#: Open-data tables copied whole (those a base of an older schema lacks are skipped).
_COPIED = (
    "boundaries", "boundary_geojson", "boundary_geojson_gz", "boundary_coverage",
    "boundary_parts", "tile_sets", "vector_tiles", "harmonisation",
)  # fmt: skip
_SECURE = f"'{BATCH}.%'"


def collect_from_build(settings: Settings, say: Step) -> BuildInputs:
    """Inputs of a build that reuses the current build's open data."""
    base = BuildLayout(settings.warehouse_dir).current_database()
    say(f"open data of build {base.stem}")
    with duckdb.connect(str(base), read_only=True) as conn:
        regions = conn.execute("SELECT * FROM regions").df()
        files = [
            SourceFile(*row)
            for row in conn.execute(
                "SELECT path, table_id, version, sha256, publisher, licence FROM manifest "
                f"WHERE coalesce(table_id, '') NOT LIKE '{TABLE_ID}%'"
            ).fetchall()
        ]
        datasets = tuple(
            str(name)
            for (name,) in conn.execute(
                "SELECT name FROM datasets WHERE name <> ? AND observations > 0", [BATCH]
            ).fetchall()
        )
        (description,) = conn.execute(
            "SELECT value FROM build_info WHERE key = 'description'"
        ).fetchone() or ("",)
    return BuildInputs(
        regions=regions,
        batches=published_batches(settings, say),
        files=files,
        expectations=Expectations(datasets=datasets),
        description=f"{description}; open data reused from build {base.stem}",
        derive=[
            ("copying the open data", partial(copy_open_tables, base=base)),
            ("indicator values", materialise),
            ("deviating children of every gemeente and wijk", materialise_deviations),
            ("profile comparisons of every gemeente", materialise_comparisons),
        ],
    )


def copy_open_tables(conn: duckdb.DuckDBPyConnection, *, base: Path) -> None:
    """Copy everything but the secure family and derived tables from ``base`` into ``conn``."""
    conn.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
    try:
        conn.execute(
            f"INSERT INTO measures SELECT * FROM base.measures WHERE measure NOT LIKE {_SECURE}"
        )
        _merge_observations(conn)
        present = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'base'"
            ).fetchall()
        }
        for table in (t for t in _COPIED if t in present):
            columns = ", ".join(_columns(conn, table))
            conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM base.{table}")
        conn.execute("INSERT INTO datasets SELECT * FROM base.datasets WHERE name <> ?", [BATCH])
        conn.execute(
            f"INSERT INTO conflicts SELECT * FROM base.conflicts WHERE measure NOT LIKE {_SECURE}"
        )
        for (table,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'base'"
        ).fetchall():
            # secure_* tables (the models) come with the new release's batch.
            if (
                table not in _SCHEMA_TABLES
                and table not in (INDICATOR_TABLE, DEVIATIONS_TABLE, COMPARISONS_TABLE)
                and not table.startswith("secure_")
            ):
                conn.execute(f'CREATE TABLE "{table}" AS SELECT * FROM base."{table}"')
    finally:
        conn.execute("DETACH base")


def _columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Columns of ``table`` that the base build has too (an older base lacks new ones)."""
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'base' "
        "AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [name for (name,) in rows]


def _merge_observations(conn: duckdb.DuckDBPyConnection) -> None:
    # Keep the build's order (region, measure, period): profiles read one region's rows.
    conn.execute("CREATE TEMP TABLE loaded AS SELECT * FROM observations")
    conn.execute("DELETE FROM observations")
    conn.execute(
        f"""
        INSERT INTO observations
        SELECT * FROM (
            SELECT * FROM base.observations WHERE measure NOT LIKE {_SECURE}
            UNION ALL SELECT * FROM loaded)
        ORDER BY region, measure, period
        """
    )
    conn.execute("DROP TABLE loaded")
