"""Hotspots: planted clusters are found, random data gives (almost) none, Gi* reference."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from libpysal.weights import lat2W
from numpy.testing import assert_allclose
from shapely.geometry import box
from synthetic_warehouse import CLUSTER, gemeente, synthetic_warehouse

from buurtzicht.analysis.hotspot_map import HotspotInputError, hotspot_map
from buurtzicht.analysis.stats.hotspots import benjamini_hochberg, getis_ord, gi_star_z, local_moran
from buurtzicht.analysis.stats.spatial_weights import contiguity_weights
from buurtzicht.errors import UnknownMeasureError

SIDE = 20


def planted(seed: int) -> np.ndarray:
    y = np.random.default_rng(seed).normal(10.0, 1.0, (SIDE, SIDE))
    y[2:6, 3:7] += 3.0  # a 4 x 4 cluster of high values
    y[12:16, 12:16] -= 3.0  # and a cold one
    return y.ravel()


def _cells(rows: range, cols: range) -> set[int]:
    return {r * SIDE + c for r in rows for c in cols}


HOT = _cells(range(2, 6), range(3, 7))
COLD = _cells(range(12, 16), range(12, 16))


@pytest.mark.parametrize("method", [getis_ord, local_moran])
def test_planted_cluster_is_found(method) -> None:  # type: ignore[no-untyped-def]
    res = method(planted(1), lat2W(SIDE, SIDE), seed=42)
    hot = {i for i, lab in enumerate(res.labels) if lab == "hot"}
    cold = {i for i, lab in enumerate(res.labels) if lab == "cold"}
    assert len(hot & HOT) >= 8  # most of the 16 planted cells
    assert len(cold & COLD) >= 8
    assert len(hot - HOT) <= 8 and len(cold - COLD) <= 8  # few false positives, near the edge


@pytest.mark.parametrize("method", [getis_ord, local_moran])
def test_random_data_gives_almost_no_clusters(method) -> None:  # type: ignore[no-untyped-def]
    w = lat2W(SIDE, SIDE)
    found = [
        int(method(np.random.default_rng(s).normal(size=SIDE**2), w, seed=s).significant.sum())
        for s in range(10)
    ]
    assert sum(found) <= 5  # 10 x 400 tests at FDR 5%


def test_same_seed_same_result_and_weights_untouched() -> None:
    w = lat2W(SIDE, SIDE)
    before = copy.deepcopy(w.transform), copy.deepcopy(w.weights)
    a = getis_ord(planted(2), w, seed=9)
    b = getis_ord(planted(2), w, seed=9)
    assert np.array_equal(a.p_sim, b.p_sim) and a.labels == b.labels
    assert (w.transform, w.weights) == before


def test_gi_star_reference_value_by_hand() -> None:
    # 3 x 3 rook lattice, y = 0..8. Cell 8 with itself and neighbours 5 and 7:
    # sum 20, W = 3, mean 4, S = sqrt(60/9); z = (20 - 12) / (S sqrt((9*3 - 9) / 8)) = 2.0656
    w = lat2W(3, 3)
    y = np.arange(9.0)
    by_hand = 8 / (np.sqrt(60 / 9) * np.sqrt(18 / 8))
    assert_allclose(gi_star_z(y, w)[8], by_hand, rtol=1e-12)
    assert_allclose(by_hand, 2.0656, atol=1e-4)
    res = getis_ord(y, w, permutations=99, seed=1)
    assert_allclose(res.z, gi_star_z(y, w), rtol=1e-10)  # esda's analytical z agrees


def test_benjamini_hochberg_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.005, 0.2]
    # sorted: .005 .01 .03 .04 .2 vs .01 .02 .03 .04 .05 -> the first four pass
    assert benjamini_hochberg(p, 0.05).tolist() == [True, True, True, True, False]


def test_islands_get_nearest_neighbours() -> None:
    # Texel and Vlieland touch each other but not the mainland A-B-C.
    shapes = [
        box(0, 0, 1, 1),
        box(1, 0, 2, 1),
        box(2, 0, 3, 1),
        box(10, 10, 11, 11),
        box(11, 10, 12, 11),
    ]
    w = contiguity_weights(shapes, ["A", "B", "C", "TEXEL", "VLIELAND"], island_k=2)
    assert sorted(w.neighbors["TEXEL"]) == ["B", "C", "VLIELAND"]
    assert sorted(w.neighbors["VLIELAND"]) == ["B", "C", "TEXEL"]
    assert "TEXEL" in w.neighbors["C"] and not w.islands and w.n_components == 1


def test_hotspot_map_on_the_warehouse() -> None:
    conn = synthetic_warehouse()
    result = hotspot_map(conn, "woninginbraak_per_1000", "gemeente", "2024")
    table = result.table().set_index("region")
    cluster = {gemeente(i) for i in CLUSTER}
    hot = set(table.index[table["class"] == "hot"])
    assert hot == cluster
    assert result.smoothed and result.geometry_year == 2024
    with pytest.raises(HotspotInputError, match="no figures at level wijk"):
        hotspot_map(conn, "woninginbraak_per_1000", "wijk")
    with pytest.raises(UnknownMeasureError):
        hotspot_map(conn, "no_such_indicator", "gemeente")
