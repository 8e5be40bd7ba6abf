"""Spatial weights from region geometry: queen or rook contiguity, islands joined by nearest.

Exact contiguity (libpysal) needs neighbours to share vertices, as the regions of one
topologically clean layer do. Buurt boundaries come from several layers (the CBS 2019
layer, Amsterdam's own, quantised TopoJSON), whose common borders do not share vertices;
with a ``tolerance`` (degrees) regions are neighbours when they come within that distance
of each other (queen), or share a stretch of border longer than twice that distance
(rook).

Wadden islands, enclaves and regions cut off by water have no contiguous neighbour;
a local statistic on an island is undefined, and a group of islands that only touch each
other would be a separate world. Every region outside the largest connected part is
linked to its k nearest regions of that part (by centroid, symmetrised). The caller's
geometries are never modified.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from libpysal.weights import Queen, Rook, W
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely import wkb
from shapely.geometry.base import BaseGeometry


def geometries_from_wkb(blobs: Sequence[bytes]) -> list[BaseGeometry]:
    """Shapely geometries from WKB (the ``boundaries.geometry`` column)."""
    return [wkb.loads(bytes(b)) for b in blobs]


def contiguity_weights(
    geometries: Sequence[BaseGeometry],
    ids: Sequence[str],
    *,
    kind: str = "queen",
    tolerance: float = 0.0,
    island_k: int = 2,
) -> W:
    """Queen or rook contiguity weights, with islands linked to their ``island_k``
    nearest regions.

    Parameters
    ----------
    geometries : sequence of shapely geometries (WGS84 lon/lat is fine for contiguity)
    ids : region codes in the same order
    kind : ``queen`` (a shared point suffices) or ``rook`` (a shared stretch of border)
    tolerance : 0 for exact contiguity (shared vertices), else the gap in degrees that
        still counts as touching (1e-4, about 10 m, for mixed buurt layers)
    island_k : neighbours given to a region outside the largest connected part

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
    if kind not in ("queen", "rook"):
        raise ValueError(f"kind must be 'queen' or 'rook', not {kind!r}")
    if tolerance > 0:
        neighbours = _within_tolerance(geometries, ids, kind, tolerance)
    else:
        exact = (Queen if kind == "queen" else Rook).from_iterable(
            list(geometries), ids=ids, silence_warnings=True
        )
        neighbours = {i: list(exact.neighbors[i]) for i in ids}
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


def _within_tolerance(
    geometries: Sequence[BaseGeometry], ids: list[str], kind: str, tolerance: float
) -> dict[str, list[str]]:
    """Neighbours within ``tolerance`` of each other (queen), sharing more than
    ``2 * tolerance`` of border (rook).

    >>> from shapely.geometry import box
    >>> cells = [box(0, 0, 1, 1), box(1.00001, 0, 2, 1), box(2, 1.00001, 3, 2)]
    >>> _within_tolerance(cells, ["A", "B", "C"], "queen", 1e-4)
    {'A': ['B'], 'B': ['A', 'C'], 'C': ['B']}
    >>> _within_tolerance(cells, ["A", "B", "C"], "rook", 1e-4)
    {'A': ['B'], 'B': ['A'], 'C': []}
    """
    shapes = np.asarray(list(geometries), dtype=object)
    first, second = shapely.STRtree(shapes).query(shapes, predicate="dwithin", distance=tolerance)
    keep = first < second
    first, second = first[keep], second[keep]
    if kind == "rook" and len(first):
        band = shapely.buffer(shapely.boundary(shapes[second]), tolerance)
        shared = shapely.length(shapely.intersection(shapely.boundary(shapes[first]), band))
        touching = shared > 2 * tolerance
        first, second = first[touching], second[touching]
    neighbours: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        neighbours[ids[a]].append(ids[b])
        neighbours[ids[b]].append(ids[a])
    return {i: sorted(n) for i, n in neighbours.items()}


def _detached(neighbours: dict[str, list[str]], ids: list[str]) -> set[str]:
    """Regions outside the largest connected component of the contiguity graph."""
    position = {code: n for n, code in enumerate(ids)}
    rows = [position[i] for i in ids for _ in neighbours[i]]
    cols = [position[j] for i in ids for j in neighbours[i]]
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    largest = np.bincount(labels).argmax()
    return {ids[n] for n in range(len(ids)) if labels[n] != largest}
