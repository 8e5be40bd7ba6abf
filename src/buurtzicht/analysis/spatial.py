"""Spatial weights from region geometry: Queen contiguity, islands joined by nearest.

Wadden islands, enclaves and regions cut off by water have no contiguous neighbour;
a local statistic on an island is undefined, so each island is linked to its k nearest
regions (by centroid, symmetrised). The caller's geometries are never modified.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from libpysal.weights import Queen, W
from shapely import wkb
from shapely.geometry.base import BaseGeometry


def geometries_from_wkb(blobs: Sequence[bytes]) -> list[BaseGeometry]:
    """Shapely geometries from WKB (the ``boundaries.geometry`` column)."""
    return [wkb.loads(bytes(b)) for b in blobs]


def contiguity_weights(
    geometries: Sequence[BaseGeometry], ids: Sequence[str], *, island_k: int = 2
) -> W:
    """Queen contiguity weights, with islands linked to their ``island_k`` nearest regions.

    Parameters
    ----------
    geometries : sequence of shapely geometries (WGS84 lon/lat is fine for contiguity)
    ids : region codes in the same order
    island_k : neighbours given to a region that touches no other

    Returns
    -------
    libpysal.weights.W
        Binary weights (not yet row-standardised); ``w.id_order`` equals ``ids``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> w = contiguity_weights([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)],
    ...                        ["A", "B", "ISLAND"], island_k=1)
    >>> sorted(w.neighbors["A"]), w.neighbors["ISLAND"], w.islands
    (['B'], ['B'], [])
    """
    ids = list(ids)
    queen = Queen.from_iterable(list(geometries), ids=ids, silence_warnings=True)
    neighbours = {i: list(queen.neighbors[i]) for i in ids}
    islands = [i for i in ids if not neighbours[i]]
    if islands and len(ids) > 1:
        centroids = np.array([[g.centroid.x, g.centroid.y] for g in geometries])
        position = {code: n for n, code in enumerate(ids)}
        for island in islands:
            d = np.hypot(*(centroids - centroids[position[island]]).T)
            d[position[island]] = np.inf
            for j in np.argsort(d)[: min(island_k, len(ids) - 1)]:
                other = ids[int(j)]
                # Symmetric links keep the weights a proper undirected graph.
                if other not in neighbours[island]:
                    neighbours[island].append(other)
                if island not in neighbours[other]:
                    neighbours[other].append(island)
    return W(neighbours, id_order=ids, silence_warnings=True)
