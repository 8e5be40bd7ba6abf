"""GeoJSON boundaries (PDOK / CBS wijk- en buurtkaart) into a boundaries frame.

Reads a FeatureCollection (optionally gzipped) in WGS84 lon/lat, normalises region
codes, repairs invalid rings and checks that every feature is of the expected level.
Errors name the file and the feature number.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from buurtzicht.errors import RegionCodeError, SourceFormatError
from buurtzicht.regions.codes import LEVEL_PREFIX, Level, normalise_code
from buurtzicht.sources.statline_csv import open_text

BOUNDARY_COLUMNS = ["code", "level", "year", "name", "geometry"]
# The Netherlands in WGS84 with a margin; catches RD New (EPSG:28992) metres read as degrees.
_NL_BOUNDS = (2.0, 50.0, 8.0, 54.5)


def read_feature_collection(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON file, with a clear error for truncated or odd files."""
    text = open_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            path,
            f"invalid JSON ({exc.msg}, column {exc.colno}); the file may be truncated",
            line=exc.lineno,
            expected="a GeoJSON FeatureCollection",
        ) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise SourceFormatError(
            path, "not a FeatureCollection", expected='"type": "FeatureCollection"'
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise SourceFormatError(path, "no features array", expected='"features": [...]')
    return features


def boundaries_from_geojson(
    path: Path,
    *,
    level: Level,
    year: int,
    code_fields: Sequence[str],
    name_fields: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per feature: code, level, year, name and a valid shapely geometry."""
    return boundaries_from_features(
        read_feature_collection(path),
        path,
        level=level,
        year=year,
        code_fields=code_fields,
        name_fields=name_fields,
    )


def boundaries_from_features(
    features: Sequence[dict[str, Any]],
    path: Path | str,
    *,
    level: Level,
    year: int,
    code_fields: Sequence[str],
    name_fields: Sequence[str] = (),
) -> pd.DataFrame:
    """Like :func:`boundaries_from_geojson` for features already read (e.g. decoded
    from TopoJSON); ``path`` names the file in errors."""
    path = Path(path)
    rows = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        code = _code(props, code_fields, path=path, number=number, level=level)
        name = next((str(props[f]) for f in name_fields if props.get(f)), None)
        geometry = _geometry(feature, path=path, number=number, code=code)
        rows.append((code, level.value, year, name, geometry))
    frame = pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)
    duplicated = frame["code"].duplicated()
    if duplicated.any():
        raise SourceFormatError(
            path,
            f"region {frame.loc[duplicated, 'code'].iloc[0]} occurs twice",
            expected="one feature per region",
        )
    return frame


def _code(
    props: dict[str, Any], fields: Sequence[str], *, path: Path, number: int, level: Level
) -> str:
    raw = next((props[f] for f in fields if props.get(f) not in (None, "")), None)
    if raw is None:
        raise SourceFormatError(
            path, f"feature has none of the code fields {list(fields)}", record=f"feature {number}"
        )
    try:
        code = normalise_code(raw, where=f"{path}, feature {number}")
    except RegionCodeError as exc:
        raise SourceFormatError(path, str(exc), record=f"feature {number}") from exc
    if not code.startswith(LEVEL_PREFIX[level]):
        raise SourceFormatError(
            path,
            f"{code} is not a {level.value} code",
            record=f"feature {number}",
            expected=f"codes starting with {LEVEL_PREFIX[level]}",
        )
    return code


def _geometry(feature: dict[str, Any], *, path: Path, number: int, code: str) -> BaseGeometry:
    raw = feature.get("geometry")
    try:
        geometry = shape(raw) if raw else None
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        raise SourceFormatError(
            path, f"geometry of {code} is malformed ({exc})", record=f"feature {number}"
        ) from exc
    if geometry is None or geometry.is_empty:
        raise SourceFormatError(path, f"{code} has no geometry", record=f"feature {number}")
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise SourceFormatError(
            path,
            f"{code} is a {geometry.geom_type}",
            record=f"feature {number}",
            expected="(Multi)Polygon",
        )
    minx, miny, maxx, maxy = geometry.bounds
    lo_x, lo_y, hi_x, hi_y = _NL_BOUNDS
    if minx < lo_x or maxx > hi_x or miny < lo_y or maxy > hi_y:
        raise SourceFormatError(
            path,
            f"{code} lies outside the Netherlands in lon/lat ({minx:.1f}, {miny:.1f}, {maxx:.1f}, {maxy:.1f})",
            record=f"feature {number}",
            expected="WGS84 longitude/latitude (EPSG:4326), not RD New metres",
        )
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        if geometry.geom_type == "GeometryCollection":
            geometry = shapely.union_all(
                [g for g in geometry.geoms if g.geom_type.endswith("Polygon")]
            )
    return geometry


def web_features(
    boundaries: pd.DataFrame, *, tolerance: float = 0.0, precision: int = 5
) -> list[dict[str, Any]]:
    """Compact features for the web map: code and name per feature, optionally simplified
    (degrees), coordinates rounded to ``precision`` decimals (1e-5 degrees is about a
    metre)."""
    features = []
    for code, name, original in zip(
        boundaries["code"], boundaries["name"], boundaries["geometry"], strict=True
    ):
        geometry: BaseGeometry = original
        if tolerance:
            geometry = geometry.simplify(tolerance, preserve_topology=True)
        geometry = shapely.set_precision(geometry, 10.0**-precision)
        if geometry.is_empty:
            geometry = original
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": name},
                "geometry": mapping(geometry),
            }
        )
    return features


def collection_text(features: Sequence[dict[str, Any]]) -> str:
    """A FeatureCollection as compact JSON text."""
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features)}, separators=(",", ":")
    )


def web_feature_collection(
    boundaries: pd.DataFrame, *, tolerance: float = 0.0, precision: int = 5
) -> str:
    """:func:`web_features` as one FeatureCollection text."""
    return collection_text(web_features(boundaries, tolerance=tolerance, precision=precision))
