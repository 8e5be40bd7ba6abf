"""Spatial weights from region geometry: Queen contiguity, islands joined by nearest.

Wadden islands, enclaves and regions cut off by water have no contiguous neighbour;
a local statistic on an island is undefined, and a group of islands that only touch each
other would be a separate world. Every region outside the largest connected part is
linked to its k nearest regions of that part (by centroid, symmetrised). The caller's
geometries are never modified.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from libpysal.weights import Queen, W
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
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
    detached = _detached(neighbours, ids)
    if detached and len(detached) < len(ids):
        centroids = np.array([[g.centroid.x, g.centroid.y] for g in geometries])
        position = {code: n for n, code in enumerate(ids)}
        # Link to the mainland (the largest connected part), so that a group of islands
        # that touch each other (Texel, Vlieland, Terschelling) is not a world of its own.
        mainland = np.array([i not in detached for i in ids])
        for island in sorted(detached):
            d = np.hypot(*(centroids - centroids[position[island]]).T)
            d[~mainland] = np.inf
            for j in np.argsort(d)[: min(island_k, int(mainland.sum()))]:
                other = ids[int(j)]
                # Symmetric links keep the weights a proper undirected graph.
                if other not in neighbours[island]:
                    neighbours[island].append(other)
                if island not in neighbours[other]:
                    neighbours[other].append(island)
    return W(neighbours, id_order=ids, silence_warnings=True)


def _detached(neighbours: dict[str, list[str]], ids: list[str]) -> set[str]:
    """Regions outside the largest connected component of the contiguity graph."""
    position = {code: n for n, code in enumerate(ids)}
    rows = [position[i] for i in ids for _ in neighbours[i]]
    cols = [position[j] for i in ids for j in neighbours[i]]
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    largest = np.bincount(labels).argmax()
    return {ids[n] for n in range(len(ids)) if labels[n] != largest}
