"""Which step of synth -> link -> publish -> load is out of date (for ``make run``).

Each check says whether a step's output still belongs to its input, so that repeated
runs skip what is done and redo what changed (a new ``--scale``, a new world, another
catalog or build).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.microdata.store import aggregates_path, microdata_dir
from buurtzicht.queries.build_tables import has_table
from buurtzicht.queries.secure_release import loaded_checksums
from buurtzicht.secure.context import PopulationChoice
from buurtzicht.secure.published import TABLE_ID, published_path, report_path
from buurtzicht.secure.published_models import models_release_path, published_models_path
from buurtzicht.sources.base import sha256_of
from buurtzicht.warehouse.layout import BuildLayout


def _json(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def world_matches(settings: Settings, scale: float, seed: int) -> bool:
    """A synthetic world of this scale and seed is present."""
    meta = _json(microdata_dir(settings) / "world.json")
    return bool(meta) and meta.get("seed") == seed and float(meta.get("scale", -1)) == scale


def aggregates_current(settings: Settings) -> bool:
    """The aggregates were linked from the present world (same source, newer file)."""
    world = microdata_dir(settings) / "world.json"
    meta, target = _json(world), aggregates_path(settings)
    linked = _json(target.with_suffix(".json"))
    if not (meta and linked and target.is_file()):
        return False
    return (
        linked.get("source") == meta.get("source")
        and target.stat().st_mtime >= world.stat().st_mtime
    )


def release_current(
    settings: Settings,
    levels: tuple[str, ...],
    population: PopulationChoice = "auto",
    *,
    audited: bool = False,
) -> bool:
    """The published file was protected from the present aggregates, catalog and build,
    for these levels and this population choice (and audited, when ``audited``)."""
    from buurtzicht.secure.publish import release_context
    from buurtzicht.secure.published import read_aggregates_metadata

    report = _json(report_path(published_path(settings).parent))
    source = aggregates_path(settings)
    if not (report and published_path(settings).is_file() and source.is_file()):
        return False
    if report.get("aggregates", {}).get("sha256") != sha256_of(source):
        return False
    release = report.get("release", {})
    if release.get("levels") != list(levels) or release.get("population") != population:
        return False
    if audited and not report.get("audited"):
        return False
    if models_release_path(settings).is_file() and not _models_copied(settings, report):
        return False
    prepared, context = release_context(
        settings,
        pd.read_parquet(source, columns=["measure", "region", "period", "value"]),
        read_aggregates_metadata(source),
        population=population,
        levels=levels,
    )
    return (
        release.get("rules") == prepared.rule_names
        and release.get("released_levels", {}) == prepared.released_levels
        and release.get("period_years", {}) == prepared.period_years
        and report["context"]["fingerprint"] == context.fingerprint()
    )


def build_holds_release(settings: Settings) -> bool:
    """The current build was loaded with the present published file."""
    layout = BuildLayout(settings.warehouse_dir)
    target = published_path(settings)
    if layout.current_id() is None or not target.is_file():
        return False
    with duckdb.connect(str(layout.current_database()), read_only=True) as conn:
        loaded = loaded_checksums(conn, TABLE_ID)
        models = has_table(conn, "secure_models")
    # A release with the models' document must come with the models' tables.
    if published_models_path(settings).is_file() and not models:
        return False
    return sha256_of(target) in loaded


def _models_copied(settings: Settings, report: dict[str, Any]) -> bool:
    """The models' document was copied for this very release (secure publish does)."""
    copy = _json(published_models_path(settings))
    return bool(copy) and copy.get("published_sha256") == report.get("published", {}).get("sha256")
