"""Mapbox vector tiles (MVT) of a boundary set, made once per build.

A national buurt map holds ~12,000 polygons; as one GeoJSON it is several megabytes that
the browser must parse and tile itself. Cut once into web-mercator tiles at zoom levels
5-10, each simplified to its own resolution and gzipped, the browser fetches only the
few tiles it shows (MapLibre overzooms beyond the last level). Tiles carry one layer,
:data:`LAYER`, with the region ``code`` per feature; the map colours features through
their code (feature state), so one tile set serves every indicator.

Encoding uses ``mapbox-vector-tile`` (tilezen); clipping and simplification shapely.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import mapbox_vector_tile
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

LAYER = "areas"
EXTENT = 4096
MIN_ZOOM = 5
MAX_ZOOM = 10
#: Tile units of overlap around each tile, so that outlines do not show tile seams.
BUFFER = 64
_R = 6378137.0
_WORLD = 2 * math.pi * _R


@dataclass(frozen=True)
class TileSet:
    """Gzipped tiles (columns ``z, x, y, tile``) and what a map style needs to use them."""

    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]  # lon/lat west, south, east, north
    tiles: pd.DataFrame


def _mercator(coords: np.ndarray) -> np.ndarray:
    x = np.radians(coords[:, 0]) * _R
    y = np.log(np.tan(np.pi / 4 + np.radians(coords[:, 1]) / 2)) * _R
    return np.column_stack([x, y])


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    """The (multi)polygon part of a clipped geometry; None when nothing is left."""
    if geometry.is_empty:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type.endswith("Polygon")]
    return shapely.union_all(parts) if parts else None


def _tiles_of_zoom(
    codes: Sequence[str], projected: np.ndarray, tree: shapely.STRtree, zoom: int
) -> Iterator[tuple[int, int, bytes]]:
    size = _WORLD / 2**zoom
    # Simplify to a quarter of a tile unit: invisible at this zoom, far fewer vertices.
    simplified = shapely.simplify(projected, size / EXTENT / 4, preserve_topology=True)
    west, south, east, north = shapely.total_bounds(projected)
    half = _WORLD / 2
    margin = size * BUFFER / EXTENT
    for tx in range(int((west + half) // size), int((east + half) // size) + 1):
        for ty in range(int((half - north) // size), int((half - south) // size) + 1):
            left, top = -half + tx * size, half - ty * size
            rect = (left - margin, top - size - margin, left + size + margin, top + margin)
            hits = tree.query(shapely.box(*rect))
            if len(hits) == 0:
                continue
            features = []
            for i, clipped in zip(hits, shapely.clip_by_rect(simplified[hits], *rect), strict=True):
                shape = _polygonal(clipped)
                if shape is None:
                    continue
                local = shapely.transform(
                    shape,
                    lambda c, left=left, top=top: np.column_stack(
                        [(c[:, 0] - left) / size * EXTENT, (top - c[:, 1]) / size * EXTENT]
                    ),
                )
                features.append({"geometry": local, "properties": {"code": codes[i]}})
            if features:
                data = mapbox_vector_tile.encode(
                    [{"name": LAYER, "features": features}],
                    default_options={"y_coord_down": True, "extents": EXTENT},
                )
                yield tx, ty, gzip.compress(data, compresslevel=6, mtime=0)


def vector_tiles(
    codes: Sequence[str],
    geometries: Sequence[BaseGeometry],
    *,
    minzoom: int = MIN_ZOOM,
    maxzoom: int = MAX_ZOOM,
) -> TileSet:
    """Cut lon/lat (multi)polygons into gzipped MVT tiles from ``minzoom`` to ``maxzoom``."""
    lonlat = np.asarray(list(geometries), dtype=object)
    codes = list(codes)
    projected = shapely.transform(lonlat, _mercator)
    tree = shapely.STRtree(projected)
    rows = [
        (zoom, x, y, tile)
        for zoom in range(minzoom, maxzoom + 1)
        for x, y, tile in _tiles_of_zoom(codes, projected, tree, zoom)
    ]
    west, south, east, north = (float(v) for v in shapely.total_bounds(lonlat))
    frame = pd.DataFrame(rows, columns=["z", "x", "y", "tile"])
    return TileSet(minzoom, maxzoom, (west, south, east, north), frame)
