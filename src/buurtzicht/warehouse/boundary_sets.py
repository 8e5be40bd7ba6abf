"""The boundary sets of a build: gemeenten and wijken from the mirror, buurten matched
to every buurt indeling of the build, each with its coverage, web parts and tiles.

Buurt boundaries come from the fetched PDOK layer of the indeling's year when
``buurtzicht fetch`` left one in the cache, else from the mirror's layers (CBS 2019 and
Amsterdam; :mod:`buurtzicht.sources.buurt_boundaries`), matched by code and checked
against the wijken of the indeling (:mod:`buurtzicht.regions.boundary_match`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from buurtzicht.errors import BuildError
from buurtzicht.regions.boundary_match import COVERAGE_COLUMNS, match_buurten
from buurtzicht.regions.codes import Level
from buurtzicht.regions.tiles import vector_tiles
from buurtzicht.sources.base import SourceFile
from buurtzicht.sources.boundaries import (
    MIRROR_GEOMETRY,
    MIRROR_GEOMETRY_CHECKS,
    read_geometry_file,
    web_layers,
)
from buurtzicht.sources.buurt_boundaries import read_fetched_buurt_layer, read_mirror_buurt_layers
from buurtzicht.sources.pdok import cached_layer
from buurtzicht.warehouse.build import BoundarySet

#: The layer the mirror's gemeente and wijk boundaries come from (simplified PDOK).
PDOK = "pdok"


def boundary_set(
    level: Level, year: int, frame: pd.DataFrame, coverage: pd.DataFrame | None = None
) -> BoundarySet:
    """A set with its web FeatureCollection, parts per parent and (buurten) tiles."""
    text, parts = web_layers(frame, level)
    tiles = None
    if level is Level.BUURT and len(frame):
        tiles = vector_tiles(list(frame["code"]), list(frame["geometry"]))
    return BoundarySet(level.value, year, frame, text, coverage, parts, tiles)


def region_coverage(
    frame: pd.DataFrame, regions: pd.DataFrame, level: Level, year: int
) -> pd.DataFrame | None:
    """Coverage of the ordinary regions of ``level`` in indeling ``year`` by ``frame``."""
    mine = regions[
        (regions["level"] == level.value)
        & (regions["indeling"] == year)
        & regions["special"].isna()
    ]
    if mine.empty:
        return None
    known = frame.set_index("code")
    coverage = pd.DataFrame({"code": mine["code"].to_numpy()})
    present = coverage["code"].isin(known.index)
    coverage["source"] = coverage["code"].map(known["source"]).where(present, None)
    coverage["source_year"] = coverage["code"].map(known["source_year"]).where(present)
    coverage["wijk_share"] = np.nan
    coverage["reason"] = pd.Series("no_boundary", index=coverage.index).where(~present, None)
    return coverage[COVERAGE_COLUMNS]


def mirror_boundaries(
    mirror: Path, regions: pd.DataFrame, cache_dir: Path | None = None
) -> tuple[list[BoundarySet], list[SourceFile]]:
    """Every boundary set of a mirror build, with the files they were read from."""
    sets, files = [], []
    for spec in MIRROR_GEOMETRY:
        frame, record = read_geometry_file(mirror, spec)
        frame = frame.assign(source=PDOK, source_year=spec.year)
        coverage = region_coverage(frame, regions, spec.level, spec.year)
        sets.append(boundary_set(spec.level, spec.year, frame, coverage))
        files.append(record)
    files.extend(_check_copies(mirror, sets))
    buurt_sets, buurt_files = buurt_boundaries(mirror, regions, sets, cache_dir)
    return [*sets, *buurt_sets], [*files, *buurt_files]


def _check_copies(mirror: Path, sets: list[BoundarySet]) -> list[SourceFile]:
    by_key = {(s.level, s.year): s for s in sets}
    files = []
    for spec in MIRROR_GEOMETRY_CHECKS:
        frame, record = read_geometry_file(mirror, spec)
        main = by_key[(spec.level.value, spec.year)]
        difference = set(frame["code"]) ^ set(main.frame["code"])
        if difference - {"GM0998"}:
            raise BuildError(
                f"{spec.path} and the main {spec.year} boundaries disagree on "
                f"gemeenten {sorted(difference)[:5]}"
            )
        files.append(record)
    return files


def buurt_boundaries(
    mirror: Path, regions: pd.DataFrame, sets: list[BoundarySet], cache_dir: Path | None
) -> tuple[list[BoundarySet], list[SourceFile]]:
    """One buurt set per buurt indeling of ``regions``."""
    buurten = regions[(regions["level"] == Level.BUURT.value) & regions["special"].isna()]
    wijken = {s.year: s.frame for s in sets if s.level == Level.WIJK.value}
    mirror_layers: tuple[pd.DataFrame, list[SourceFile]] | None = None
    out, files = [], []
    for indeling in sorted(buurten["indeling"].unique()):
        fetched = cached_layer(cache_dir, int(indeling), "buurt") if cache_dir else None
        if fetched is not None:
            layers, record = read_fetched_buurt_layer(fetched, int(indeling))
            files.append(record)
        else:
            if mirror_layers is None:
                mirror_layers = read_mirror_buurt_layers(mirror)
                files.extend(mirror_layers[1])
            layers = mirror_layers[0]
        own = buurten[buurten["indeling"] == indeling]
        match = match_buurten(layers, own, int(indeling), wijken.get(int(indeling)))
        out.append(boundary_set(Level.BUURT, int(indeling), match.boundaries, match.coverage))
    return out, files
