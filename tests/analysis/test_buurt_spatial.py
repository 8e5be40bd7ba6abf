"""Spatial analysis at buurt level: contiguity (queen/rook, mixed layers, islands),
Gi* / Local Moran hotspots with FDR on a planted cluster, similar buurten on buurt
features. Hand-made buurten on a grid; expected values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from shapely.geometry import box

from buurtzicht.analysis.hotspot_map import hotspot_map
from buurtzicht.analysis.materialise import materialise
from buurtzicht.analysis.similar import similar_regions
from buurtzicht.analysis.stats.hotspots import gi_star_z
from buurtzicht.analysis.stats.spatial_weights import contiguity_weights
from tests.memory_warehouse import make_warehouse, region_rows

SIDE = 10
CELL = 0.01  # degrees
CLUSTER = {(x, y) for x in range(3) for y in range(3)}  # south-west corner
SUSPECTS = "secure.drugs.verdachten"
PEOPLE = "secure.basis.inwoners"


def cells(shift: float = 0.0) -> list:
    return [
        box(5 + x * CELL + shift, 52 + y * CELL, 5 + (x + 1) * CELL, 52 + (y + 1) * CELL)
        for y in range(3)
        for x in range(3)
    ]


def test_queen_and_rook_on_a_grid() -> None:
    ids = [f"B{i}" for i in range(9)]
    queen = contiguity_weights(cells(), ids)
    rook = contiguity_weights(cells(), ids, kind="rook")
    assert len(queen.neighbors["B4"]) == 8 and len(rook.neighbors["B4"]) == 4
    assert sorted(rook.neighbors["B0"]) == ["B1", "B3"]


def test_tolerance_joins_layers_whose_borders_do_not_share_vertices() -> None:
    # The right column comes from another layer: 2 m apart and with other vertices.
    left = [box(5.0, 52.0, 5.01, 52.01), box(5.0, 52.01, 5.01, 52.02)]
    right = [box(5.01003, 52.0, 5.02, 52.015), box(5.01003, 52.015, 5.02, 52.02)]
    ids = ["L0", "L1", "R0", "R1"]
    exact = contiguity_weights([*left, *right], ids, island_k=1)
    fuzzy = contiguity_weights([*left, *right], ids, tolerance=1e-4)
    assert sorted(fuzzy.neighbors["L1"]) == ["L0", "R0", "R1"]
    assert sorted(fuzzy.neighbors["R0"]) == ["L0", "L1", "R1"]
    # Exactly, the right layer is a separate world: only the island rule links it.
    assert len(exact.neighbors["R0"]) < len(fuzzy.neighbors["R0"])
    rook = contiguity_weights([*left, *right], ids, kind="rook", tolerance=1e-4)
    assert sorted(rook.neighbors["L0"]) == ["L1", "R0"]  # a corner is not a border


def _world() -> object:
    """One gemeente, two wijken (west, east half), 100 buurten of 2,000 inhabitants; 60
    drug suspects in each buurt of the south-west 3 x 3 corner, 4 elsewhere."""
    rows = [{"code": "NL01", "name": "Nederland"}, {"code": "GM0001", "gemeente": "GM0001"}]
    rows += [{"code": w, "gemeente": "GM0001", "wijk": w} for w in ("WK000100", "WK000101")]
    observations, shapes = [], []
    for y in range(SIDE):
        for x in range(SIDE):
            code = f"BU0001{x // 5:02d}{y * SIDE + x:02d}"
            wijk = f"WK00010{x // 5}"
            rows.append({"code": code, "gemeente": "GM0001", "wijk": wijk})
            suspects = 60.0 if (x, y) in CLUSTER else 4.0
            observations += [(SUSPECTS, code, suspects), (PEOPLE, code, 2000.0)]
            observations += _context(code, x, y)
            shapes.append((code, "buurt", 2024, box(x, y, x + 1, y + 1).wkb))
    observations += [(SUSPECTS, "NL01", 4.0 * 91 + 60.0 * 9), (PEOPLE, "NL01", 200_000.0)]
    frame = pd.DataFrame(observations, columns=["measure", "region", "value"]).assign(
        period="2024JJ00", indeling=2024, status="ok", source="test"
    )
    boundaries = pd.DataFrame(shapes, columns=["code", "level", "year", "geometry"])
    conn = make_warehouse(region_rows(rows, indeling=2024), frame, boundaries)
    materialise(conn)
    return conn


def _context(code: str, x: int, y: int) -> list[tuple[str, str, float]]:
    """Buurt features: the share of young people rises to the east, of the old to the north."""
    people = 2000.0
    return [
        ("kwb.AantalInwoners", code, people),
        ("kwb.k_0Tot15Jaar", code, people * (0.10 + 0.01 * x)),
        ("kwb.k_15Tot25Jaar", code, people * 0.12),
        ("kwb.k_65JaarOfOuder", code, people * (0.10 + 0.02 * y)),
    ]


@pytest.fixture(scope="module")
def world():
    return _world()


def test_gi_star_finds_the_planted_buurt_cluster_with_fdr(world) -> None:
    result = hotspot_map(world, "drugs_verdachten_per_10000", "buurt", smoothed=False)
    table = result.table().set_index("region")
    assert result.result.inference == "analytical" and result.result.permutations == 0
    hot = set(table.index[table["class"] == "hot"])
    corner = {f"BU0001{x // 5:02d}{y * SIDE + x:02d}" for x, y in CLUSTER}
    assert "BU00010011" in hot and hot <= corner | {  # the centre of the corner, and
        f"BU0001{x // 5:02d}{y * SIDE + x:02d}" for x in range(4) for y in range(4)
    }  # nothing beyond the cluster's ring of neighbours
    # The z of Gi* is the hand formula (binary weights with the buurt itself).
    order = list(table.index)
    rates = table["value"].to_numpy()
    from buurtzicht.analysis.stats.spatial_weights import geometries_from_wkb

    shapes = (
        world.execute("SELECT code, geometry FROM boundaries WHERE level = 'buurt'")
        .df()
        .set_index("code")
        .loc[order]
    )
    w = contiguity_weights(geometries_from_wkb(list(shapes["geometry"])), order, tolerance=1e-4)
    assert_allclose(table["z"].to_numpy(), gi_star_z(rates, w), rtol=1e-6)
    # One-sided normal p-values, then Benjamini-Hochberg.
    p = table.loc["BU00010011", "p_sim"]
    assert p == pytest.approx(0.5 * math.erfc(table.loc["BU00010011", "z"] / math.sqrt(2)))


def test_hotspots_within_one_wijk_and_local_moran(world) -> None:
    west = hotspot_map(
        world, "drugs_verdachten_per_10000", "buurt", parent="WK000100", smoothed=False
    )
    assert len(west.result.ids) == 50 and all(c[6:8] == "00" for c in west.result.ids)
    moran = hotspot_map(
        world, "drugs_verdachten_per_10000", "buurt", method="local_moran", smoothed=False
    )
    labels = dict(zip(moran.result.ids, moran.result.labels, strict=True))
    assert moran.result.permutations == 999 and moran.result.inference == "permutation"
    # High among high in the corner, low among low far from it, low beside it.
    near = {f"BU0001{x // 5:02d}{y * SIDE + x:02d}" for x in range(4) for y in range(4)}
    assert labels["BU00010011"] == "hot" and labels["BU00010003"] == "low-high"
    cold = {c for c, label in labels.items() if label == "cold"}
    assert cold and not cold & near and "high-low" not in labels.values()


def test_similar_buurten_on_buurt_features(world) -> None:
    # BU00010044 lies at x=4, y=4: its nearest in (young, old) shares are x=3..5 of
    # the same row and the same x in rows 3 and 5 (one step in one feature).
    similar = similar_regions(world, "BU00010044", "buurt", 2024, "2024JJ00", k=4)
    assert all(s.code.startswith("BU") for s in similar)
    codes = {s.code for s in similar}
    assert codes == {"BU00010043", "BU00010145", "BU00010034", "BU00010054"}
    distances = [s.distance for s in similar]
    assert distances == sorted(distances) and np.ptp(distances) < 1e-9
