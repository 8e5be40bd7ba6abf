"""Peers, similar regions, compare and the composite index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from synthetic_warehouse import gemeente, population, synthetic_warehouse

from buurtzicht.analysis.compare import compare
from buurtzicht.analysis.composite import composite_index, composite_scores, sensitivity
from buurtzicht.analysis.peers import (
    MAX_SUPPRESSED_SHARE,
    peer_group,
    pooled_values,
    size_class,
)
from buurtzicht.analysis.similar import nearest, standardise
from buurtzicht.errors import UnknownRegionError
from buurtzicht.queries.regions import region_info


@pytest.fixture(scope="module")
def conn():  # type: ignore[no-untyped-def]
    return synthetic_warehouse()


def test_size_classes_follow_cbs() -> None:
    assert [size_class(p, "gemeente") for p in (4_999, 5_000, 49_999, 250_000)] == [1, 2, 4, 8]


def test_peer_group_same_stedelijkheid_and_size(conn) -> None:  # type: ignore[no-untyped-def]
    # Gemeente i: stedelijkheid 1 + i % 5, population 10,000 + 1,000 i (class 3 below
    # 20,000, class 4 from 20,000). GM0101 (sted 2, 11,000) -> GM0106 (sted 2, 16,000).
    group = peer_group(conn, region_info(conn, "GM0101"))
    assert group.members == ("GM0106",)
    assert (group.stedelijkheid, group.size_class) == (2, 3)


def test_pooled_peer_value_is_sum_over_sum(conn) -> None:  # type: ignore[no-untyped-def]
    members = ("GM0100", "GM0102")  # 8 per 1,000 x 1.5 on 10,000; 2 x 1.5 on 12,000
    pooled = pooled_values(conn, members).set_index(["indicator", "period"])
    value = pooled.loc[("woninginbraak_per_1000", "2024JJ00"), "value"]
    assert_allclose(value, (120 + 36) / 22_000 * 1000)
    assert value != (12.0 + 3.0) / 2


def test_no_group_value_when_too_many_members_are_suppressed() -> None:
    """Suppression depends on the figure: the buurten with cases are suppressed and the
    exact zeros published, so the published members alone would give the group 0,0."""
    import duckdb

    conn = duckdb.connect()
    rows = [("i", f"BU{n:08d}", "2024JJ00", 2024, 0.0, 500.0, "ok") for n in range(7)]
    rows += [("i", f"BU{n:08d}", "2024JJ00", 2024, None, None, "suppressed") for n in (7, 8, 9)]
    rows += [("j", f"BU{n:08d}", "2024JJ00", 2024, 2.0, 500.0, "ok") for n in range(9)]
    rows += [("j", "BU00000009", "2024JJ00", 2024, None, None, "suppressed")]
    conn.execute(
        "CREATE TABLE indicator_values (indicator VARCHAR, region VARCHAR, period VARCHAR, "
        "indeling INTEGER, value DOUBLE, denominator DOUBLE, status VARCHAR)"
    )
    conn.executemany("INSERT INTO indicator_values VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    members = tuple(f"BU{n:08d}" for n in range(10))
    pooled = pooled_values(conn, members).set_index("indicator")
    assert "i" not in pooled.index  # 3 of 10 suppressed: more than the share allowed
    assert pooled.loc["j", "value"] == 2.0 and pooled.loc["j", "n"] == 9  # 1 of 10 is not
    assert MAX_SUPPRESSED_SHARE == 0.2


def test_nearest_finds_a_planted_twin() -> None:
    rng = np.random.default_rng(0)
    m = pd.DataFrame(
        rng.normal(size=(50, 4)), columns=list("abcd"), index=[f"GM{i:04d}" for i in range(50)]
    )
    m.loc["GM0007"] = m.loc["GM0003"] + 0.01
    m.loc["GM0003", "d"] = np.nan  # the target lacks one indicator: compared on a, b, c
    found = nearest(standardise(m), "GM0003", k=3)
    assert found[0].code == "GM0007" and found[0].distance < 0.05
    assert set(found[0].closest_on) <= {"a", "b", "c"}


def test_profile_similar_regions_are_neighbours_in_context(conn) -> None:  # type: ignore[no-untyped-def]
    from buurtzicht.analysis.similar import similar_regions

    found = similar_regions(conn, "GM0105", "gemeente", 2024, "2024JJ00", k=2)
    # Context rises linearly with i, so i - 1 and i + 1 are the nearest in context; but
    # GM0104 has stedelijkheid 5 against GM0105's 1, so the next comparable one (GM0101,
    # stedelijkheid 2, within a factor 2 in population) takes its place.
    assert {s.code for s in found} == {gemeente(1), gemeente(6)}


def test_similar_regions_widen_the_size_bound_only_when_needed(conn) -> None:  # type: ignore[no-untyped-def]
    from buurtzicht.analysis.similar import similar_set

    found = similar_set(conn, "GM0105", "gemeente", 2024, "2024JJ00", k=2)
    assert found.stedelijkheid == (1, 2)
    assert found.population == (population(5) / 2, population(5) * 2)
    assert found.features
    many = similar_set(conn, "GM0105", "gemeente", 2024, "2024JJ00", k=12)
    assert len(many.regions) == 12 and many.stedelijkheid is None  # every bound dropped


def test_compare_has_index_against_nl(conn) -> None:  # type: ignore[no-untyped-def]
    table = compare(conn, ["GM0100", "GM0110"], "2024").set_index("indicator")
    row = table.loc["woninginbraak_per_1000"]
    nl = (
        4 * 120
        + 12 * 3 * sum(population(i) for i in range(16) if i not in {0, 1, 4, 5}) / 1000 / 12
    )
    assert row["GM0100"] == 12.0
    assert_allclose(row["GM0100 index"], 100 * 12.0 / row["NL01"])
    assert row["NL01"] > 0 and nl > 0
    with pytest.raises(UnknownRegionError, match="GM9999"):
        compare(conn, ["GM9999"])


def test_composite_weights_and_mirroring() -> None:
    idx = pd.DataFrame({"a": [100.0, 300.0], "b": [100.0, 100.0]}, index=["X", "Y"])
    assert composite_scores(idx, pd.Series({"a": 1.0, "b": 3.0})).tolist() == [100.0, 150.0]


def test_sensitivity_flags_unstable_rankings() -> None:
    # Y and Z swap places depending on the weights; X is far ahead whatever they are.
    idx = pd.DataFrame(
        {"a": [300.0, 150.0, 50.0], "b": [290.0, 50.0, 150.0]}, index=["X", "Y", "Z"]
    )
    rep = sensitivity(idx, pd.Series({"a": 1.0, "b": 1.0}), draws=200, seed=3)
    assert rep.max_shift["X"] == 0
    assert rep.max_shift["Y"] == 1 and rep.max_shift["Z"] == 1
    assert rep.mean_spearman < 1.0
    again = sensitivity(idx, pd.Series({"a": 1.0, "b": 1.0}), draws=200, seed=3)
    assert again.mean_spearman == rep.mean_spearman


def test_composite_from_the_warehouse_is_complete_only() -> None:
    conn = synthetic_warehouse()
    result = composite_index(conn, "veiligheidsindex", "gemeente")
    # The synthetic warehouse has burglaries only: no region has all five components.
    assert result.scores.isna().all()
    assert "woninginbraak_per_1000" in result.indices
