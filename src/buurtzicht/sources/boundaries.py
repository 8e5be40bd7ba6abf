"""Boundaries (gemeente and wijk geometry) from the offline mirror, and their web form.

PDOK's CBS wijk- en buurtkaart, simplified, WGS84. Buurt layers are read by
:mod:`buurtzicht.sources.buurt_boundaries`. For the web every set is stored once as a
national FeatureCollection and, for wijken and buurten, once per gemeente (and per wijk
for buurten), gzipped, so that a drill-down map loads only its own part.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from buurtzicht.regions.codes import Level
from buurtzicht.sources.base import SourceFile
from buurtzicht.sources.geojson import (
    boundaries_from_geojson,
    collection_text,
    web_feature_collection,
    web_features,
)
from buurtzicht.sources.mirror.expectations import verified

_ANNE = "raw/geo_pdok_wijken_gemeenten_2024_anneversion"
#: Web maps get a coarser outline: ~55 m is invisible at gemeente and wijk zoom levels
#: and keeps the wijk layer well under 1 MB gzipped.
WEB_TOLERANCE = {Level.GEMEENTE: 0.0005, Level.WIJK: 0.0003, Level.BUURT: 0.0001}


@dataclass(frozen=True)
class MirrorGeometry:
    path: str
    level: Level
    year: int
    code_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    snapshot: str


MIRROR_GEOMETRY: tuple[MirrorGeometry, ...] = (
    *(
        MirrorGeometry(
            f"{_ANNE}/gemeenten_{year}_simplified_with_kwb_crime_bag.geojson",
            Level.GEMEENTE,
            year,
            ("gemeentecode",),
            ("gemeentenaam",),
            "AnneVersion/geoinzicht-app@167d292",
        )
        for year in (2012, 2017, 2018, 2019, 2022, 2023, 2024)
    ),
    MirrorGeometry(
        f"{_ANNE}/wijken_2024_simplified_t0.0005.geojson.gz",
        Level.WIJK,
        2024,
        ("wijkcode",),
        ("wijknaam",),
        "AnneVersion/geoinzicht-app@756fee1",
    ),
)
#: Second copies of the same boundaries, used to cross-check the code lists.
MIRROR_GEOMETRY_CHECKS: tuple[MirrorGeometry, ...] = (
    MirrorGeometry(
        "raw/geo_gemeenten_2023_pdok_stdekker/gemeenten_2023_simplified_with_kwb2023.geojson",
        Level.GEMEENTE,
        2023,
        ("gemeentecode",),
        ("gemeentenaam",),
        "stdekker/open-data-maps@3c7197e",
    ),
    MirrorGeometry(
        "raw/geo_gemeenten_2022_crime_matthijsvz88/gemeenten_2022_with_83648NED_crime.geojson",
        Level.GEMEENTE,
        2022,
        ("statcode",),
        ("statnaam",),
        "Matthijsvz88/Dashboard-crime-NL@02afa19",
    ),
)


def read_geometry_file(mirror: Path, spec: MirrorGeometry) -> tuple[pd.DataFrame, SourceFile]:
    path = verified(mirror, spec.path)
    frame = boundaries_from_geojson(
        path,
        level=spec.level,
        year=spec.year,
        code_fields=spec.code_fields,
        name_fields=spec.name_fields,
    )
    record = SourceFile.of(
        path,
        f"PDOK wijkenbuurten {spec.year} ({spec.level.value})",
        spec.snapshot,
        publisher="CBS/Kadaster (PDOK)",
    )
    return frame, record


def web_geojson(frame: pd.DataFrame, level: Level) -> str:
    return web_feature_collection(frame, tolerance=WEB_TOLERANCE.get(level, 0.0))


def gzip_geojson(raw: bytes) -> bytes:
    """A FeatureCollection as served: gzip level 9, mtime 0 (the same bytes, and so the
    same ETag-backed body, in every build and process). The build stores it per boundary
    set so that no server gzips megabytes on a visitor's request."""
    return gzip.compress(raw, compresslevel=9, mtime=0)


#: Parent levels a drill-down map of a level is cut by: (parent level, code prefix length).
PART_PARENTS: dict[Level, tuple[tuple[str, int], ...]] = {
    Level.WIJK: (("GM", 6),),
    Level.BUURT: (("GM", 6), ("WK", 8)),
}


def web_layers(frame: pd.DataFrame, level: Level) -> tuple[str, pd.DataFrame]:
    """The national FeatureCollection text and its parts per parent region.

    Parts: one row per gemeente (and, for buurten, per wijk) with ``parent``,
    ``features`` and ``geojson_gz`` (gzip, mtime 0: the same bytes in every build).
    A buurt ``BU0363AD03`` lies in gemeente ``GM0363`` and wijk ``WK0363AD``.
    """
    features = web_features(frame, tolerance=WEB_TOLERANCE.get(level, 0.0))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in features:
        code = str(feature["properties"]["code"])
        for prefix, length in PART_PARENTS.get(level, ()):
            groups[prefix + code[2:length]].append(feature)
    parts = pd.DataFrame(
        [
            (parent, len(members), gzip.compress(collection_text(members).encode(), 9, mtime=0))
            for parent, members in sorted(groups.items())
        ],
        columns=["parent", "features", "geojson_gz"],
    )
    return collection_text(features), parts
