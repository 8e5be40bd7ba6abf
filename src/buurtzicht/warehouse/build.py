"""Atomic, versioned warehouse builds.

A build is written to ``builds/<id>.duckdb.partial``, validated while still open, and
only then renamed and made current. Any error (a malformed source, a failed check)
removes the partial file and leaves the current build untouched.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import shapely

from buurtzicht import __version__
from buurtzicht.config import Settings
from buurtzicht.errors import BuildError
from buurtzicht.regions.table import REGION_COLUMNS
from buurtzicht.regions.tiles import TileSet
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.boundaries import gzip_geojson
from buurtzicht.sources.observations import MEASURE_COLUMNS, OBSERVATION_COLUMNS
from buurtzicht.warehouse.layout import BuildLayout
from buurtzicht.warehouse.schema import SCHEMA_VERSION, create_schema
from buurtzicht.warehouse.validate import Expectations, validate


@dataclass(frozen=True)
class BoundarySet:
    """Boundaries of one level and year, with the simplification used for the web.

    ``frame`` has the columns of ``sources.geojson.BOUNDARY_COLUMNS`` and optionally
    ``source`` / ``source_year`` (which layer each boundary comes from); ``coverage`` has
    one row per region of the indeling ``year`` (``regions.boundary_match``); ``parts``
    the web FeatureCollection per parent region; ``tiles`` vector tiles of the set.
    """

    level: str
    year: int
    frame: pd.DataFrame
    web_geojson: str
    coverage: pd.DataFrame | None = None
    parts: pd.DataFrame | None = None
    tiles: TileSet | None = None


@dataclass
class BuildInputs:
    """Everything one build loads; collected before the database is opened."""

    regions: pd.DataFrame
    batches: list[Batch]
    boundaries: list[BoundarySet] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    harmonisation: pd.DataFrame | None = None
    files: list[SourceFile] = field(default_factory=list)
    expectations: Expectations = field(default_factory=Expectations)
    description: str = ""
    #: Derived tables computed from the loaded build before validation (name, function),
    #: e.g. the indicator values; each gets the writable connection.
    derive: list[tuple[str, Callable[[duckdb.DuckDBPyConnection], object]]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    path: Path
    seconds: float
    counts: dict[str, int]
    warnings: list[str]


Step = Callable[[str], None]


def run_build(
    settings: Settings, collect: Callable[[Step], BuildInputs], *, step: Step | None = None
) -> BuildResult:
    """Collect inputs, write and validate a new build, then make it current."""
    say: Step = step or (lambda _msg: None)
    layout = BuildLayout(settings.warehouse_dir)
    layout.builds.mkdir(parents=True, exist_ok=True)
    layout.clean_partials()
    build_id = layout.new_build_id()
    partial = layout.partial(build_id)
    started = time.perf_counter()
    try:
        inputs = collect(say)
        say("writing the warehouse")
        warnings = _write(partial, build_id, inputs, say)
    except BaseException:
        _remove_partial(partial)
        raise
    final = layout.database(build_id)
    os.replace(partial, final)
    manifest = _manifest_document(build_id, inputs)
    layout.manifest_file(build_id).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    layout.activate(build_id)
    layout.prune(settings.keep_builds)
    counts = _counts(final)
    return BuildResult(build_id, final, time.perf_counter() - started, counts, warnings)


def _write(path: Path, build_id: str, inputs: BuildInputs, say: Step) -> list[str]:
    conn = duckdb.connect(str(path))
    try:
        create_schema(conn)
        _insert_regions(conn, inputs.regions)
        _insert_measures(conn, inputs.batches)
        _insert_observations(conn, inputs.batches)
        _insert_boundaries(conn, inputs.boundaries)
        _insert_extras(conn, build_id, inputs)
        for name, derive in inputs.derive:
            say(name)
            derive(conn)
        say("validating")
        warnings = validate(conn, inputs.expectations)
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return warnings


def _insert_regions(conn: duckdb.DuckDBPyConnection, regions: pd.DataFrame) -> None:
    frame = regions.reindex(columns=REGION_COLUMNS)
    duplicated = frame.duplicated(["code", "indeling"])
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        raise BuildError(f"region {row['code']} occurs twice in indeling {row['indeling']}")
    conn.register("regions_in", frame)
    conn.execute("INSERT INTO regions SELECT * FROM regions_in")
    conn.unregister("regions_in")


def _insert_measures(conn: duckdb.DuckDBPyConnection, batches: list[Batch]) -> None:
    records: dict[str, dict[str, object]] = {}
    for batch in batches:
        for measure in batch.measures:
            records.setdefault(measure.id, measure.as_record())
    frame = pd.DataFrame(list(records.values()), columns=MEASURE_COLUMNS)
    conn.register("measures_in", frame)
    conn.execute("INSERT INTO measures SELECT * FROM measures_in")
    conn.unregister("measures_in")


def _insert_observations(conn: duckdb.DuckDBPyConnection, batches: list[Batch]) -> None:
    """Load every batch; where two batches give the same key the earlier batch wins and
    a differing value is recorded in ``conflicts``."""
    conn.execute(
        "CREATE TEMP TABLE staged AS SELECT *, 0 AS priority FROM observations WHERE false"
    )
    for priority, batch in enumerate(batches):
        frame = batch.observations[OBSERVATION_COLUMNS].assign(priority=priority)
        conn.register("batch_in", frame)
        conn.execute("INSERT INTO staged SELECT * FROM batch_in")
        conn.unregister("batch_in")
    conn.execute(
        """
        CREATE TEMP TABLE ranked AS
        SELECT *, row_number() OVER (
            PARTITION BY measure, region, period, indeling ORDER BY priority) AS rank
        FROM staged
        """
    )
    conn.execute(
        """
        INSERT INTO observations
        SELECT measure, region, period, indeling, value, status, source FROM ranked
        WHERE rank = 1 ORDER BY region, measure, period
        """
    )
    conn.execute(
        """
        INSERT INTO conflicts
        SELECT k.measure, k.region, k.period, k.indeling, k.value, k.source, o.value, o.source
        FROM ranked k JOIN ranked o USING (measure, region, period, indeling)
        WHERE k.rank = 1 AND o.rank > 1 AND NOT (
            (k.value IS NULL AND o.value IS NULL)
            OR abs(k.value - o.value) <= 0.5 + 0.005 * abs(k.value))
        """
    )
    conn.execute("DROP TABLE ranked; DROP TABLE staged")
    for batch in batches:
        if not batch.conflicts.empty:
            conn.register("conflicts_in", batch.conflicts)
            conn.execute("INSERT INTO conflicts SELECT * FROM conflicts_in")
            conn.unregister("conflicts_in")


_BOUNDARY_COLUMNS = ["code", "level", "year", "name", "geometry", "source", "source_year"]
_COVERAGE_COLUMNS = ["code", "source", "source_year", "wijk_share", "reason"]


def _insert_frame(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    conn.register("frame_in", frame)
    columns = ", ".join(frame.columns)
    conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame_in")
    conn.unregister("frame_in")


def _insert_boundaries(conn: duckdb.DuckDBPyConnection, sets: list[BoundarySet]) -> None:
    for boundary_set in sets:
        key: dict[str, Any] = {"level": boundary_set.level, "year": boundary_set.year}
        frame = boundary_set.frame.reindex(columns=_BOUNDARY_COLUMNS)
        frame = frame.assign(
            geometry=shapely.to_wkb(frame["geometry"]),
            source_year=frame["source_year"].astype("Int64"),
        )
        _insert_frame(conn, "boundaries", frame)
        conn.execute(
            "INSERT INTO boundary_geojson VALUES (?, ?, ?, ?)",
            [boundary_set.level, boundary_set.year, len(frame), boundary_set.web_geojson],
        )
        raw = boundary_set.web_geojson.encode("utf-8")
        conn.execute(
            "INSERT INTO boundary_geojson_gz VALUES (?, ?, ?, ?)",
            [boundary_set.level, boundary_set.year, len(raw), gzip_geojson(raw)],
        )
        if boundary_set.coverage is not None:
            coverage = boundary_set.coverage.reindex(columns=_COVERAGE_COLUMNS)
            coverage = coverage.assign(source_year=coverage["source_year"].astype("Int64"))
            _insert_frame(conn, "boundary_coverage", coverage.assign(**key))
        if boundary_set.parts is not None and len(boundary_set.parts):
            _insert_frame(conn, "boundary_parts", boundary_set.parts.assign(**key))
        if boundary_set.tiles is not None:
            tiles = boundary_set.tiles
            conn.execute(
                "INSERT INTO tile_sets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [*key.values(), tiles.minzoom, tiles.maxzoom, *tiles.bounds],
            )
            _insert_frame(conn, "vector_tiles", tiles.tiles.assign(**key))


def _insert_extras(conn: duckdb.DuckDBPyConnection, build_id: str, inputs: BuildInputs) -> None:
    # A batch's own tables (the secure release's model tables) load with it.
    tables = {name: t for batch in inputs.batches for name, t in batch.tables.items()}
    for name, table in {**tables, **inputs.tables}.items():
        conn.register("extra_in", table)
        conn.execute(f'CREATE TABLE "{name}" AS SELECT * FROM extra_in')
        conn.unregister("extra_in")
    if inputs.harmonisation is not None:
        conn.register("weights_in", inputs.harmonisation)
        conn.execute(
            "INSERT INTO harmonisation SELECT year, source_code, target_code, weight, method "
            "FROM weights_in"
        )
        conn.unregister("weights_in")
    files = {f.path: f for f in inputs.files}
    for batch in inputs.batches:
        files.update({f.path: f for f in batch.files})
    conn.executemany(
        "INSERT INTO manifest VALUES (?, ?, ?, ?, ?, ?)",
        [[f.path, f.table, f.version, f.sha256, f.publisher, f.licence] for f in files.values()],
    )
    conn.executemany(
        "INSERT INTO datasets VALUES (?, ?, ?, ?)",
        [[b.name, b.name, len(b.observations), "; ".join(b.notes)] for b in inputs.batches],
    )
    info = {
        "build_id": build_id,
        "schema_version": str(SCHEMA_VERSION),
        "buurtzicht_version": __version__,
        "description": inputs.description,
    }
    conn.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))


def _manifest_document(build_id: str, inputs: BuildInputs) -> dict[str, object]:
    files = {f.path: f for f in inputs.files}
    for batch in inputs.batches:
        files.update({f.path: f for f in batch.files})
    return {
        "build_id": build_id,
        "buurtzicht_version": __version__,
        "sources": [vars(f) for f in files.values()],
        "datasets": [{"name": b.name, "observations": len(b.observations)} for b in inputs.batches],
        "boundaries": [_boundary_provenance(s) for s in inputs.boundaries],
    }


def _boundary_provenance(boundary_set: BoundarySet) -> dict[str, object]:
    """Features per source layer (and, with coverage, regions without one, per reason)."""
    frame = boundary_set.frame
    sources: dict[str, int] = {}
    if "source" in frame:
        years = frame["source_year"].astype("Int64").astype(str)
        labels = frame["source"].astype(str) + " (" + years + ")"
        sources = {str(k): int(v) for k, v in labels.value_counts().sort_index().items()}
    entry: dict[str, object] = {
        "level": boundary_set.level,
        "year": boundary_set.year,
        "features": len(frame),
        "sources": sources,
    }
    if boundary_set.coverage is not None:
        reasons = boundary_set.coverage["reason"].dropna().value_counts().sort_index()
        entry["without_boundary"] = {str(k): int(v) for k, v in reasons.items()}
    return entry


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "SELECT 'observations', count(*) FROM observations UNION ALL "
            "SELECT 'measures', count(*) FROM measures UNION ALL "
            "SELECT 'regions', count(*) FROM regions UNION ALL "
            "SELECT 'boundaries', count(*) FROM boundaries"
        ).fetchall()
    return {name: int(n) for name, n in rows}


def _remove_partial(partial: Path) -> None:
    for path in (partial, partial.with_name(partial.name + ".wal")):
        path.unlink(missing_ok=True)
