"""Profile, hotspots and composite on the real warehouse built from the whole mirror."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import buurtzicht.cli.analysis  # noqa: F401  (registers the commands)
from buurtzicht.analysis.composite import composite_index, sensitivity
from buurtzicht.analysis.hotspot_map import hotspot_map
from buurtzicht.analysis.materialise import materialise
from buurtzicht.analysis.region_profile import RegionProfile, profile
from buurtzicht.cli.app import app
from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.warehouse.current import current_path


@pytest.fixture(scope="module")
def warehouse(mirror_build: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real build with ``indicator_values`` materialised, as the build will."""
    path = tmp_path_factory.mktemp("real") / "warehouse.duckdb"
    shutil.copy(current_path(mirror_build), path)
    with duckdb.connect(str(path)) as conn:
        assert materialise(conn) > 400_000
    return path


@pytest.fixture(scope="module")
def conn(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True)


@pytest.fixture(scope="module")
def amsterdam(conn: duckdb.DuckDBPyConnection) -> RegionProfile:
    return profile(conn, "GM0363", "2024")


def _ind(p: RegionProfile, ident: str):  # type: ignore[no-untyped-def]
    return next(i for i in p.indicators if i.id == ident)


def test_amsterdam_crime_against_cbs(amsterdam: RegionProfile) -> None:
    crime = _ind(amsterdam, "misdrijven_per_1000")
    assert crime.value == pytest.approx(83_290 / 931_298 * 1000)
    assert round(crime.value, 1) == 89.4  # 83648NED
    assert round(crime.nl_value, 1) == 45.2  # type: ignore[arg-type]  # 83648NED, Nederland
    assert crime.index == pytest.approx(100 * crime.value / crime.nl_value)  # type: ignore[operator]
    assert crime.rank == 1 and crime.n_ranked == 342
    assert crime.provincie is not None and crime.provincie.code == "PV27"
    assert crime.politie_eenheid is not None and crime.politie_eenheid.code == "RE05"
    assert crime.reliability.flag == "betrouwbaar"
    assert crime.trend is not None and crime.trend.harmonised  # series on the 2024 indeling
    assert crime.trend.first_period == "2012JJ00" and crime.trend.significant


def test_profile_has_every_part_for_gm0363(amsterdam: RegionProfile) -> None:
    with_value = [i for i in amsterdam.indicators if i.value is not None]
    assert len(with_value) >= 50
    for ind in with_value:
        assert ind.sources and ind.reliability.flag is not None, ind.id
    crime = _ind(amsterdam, "misdrijven_per_1000")
    assert crime.peers is not None and crime.peers.n >= 2  # the other G4 gemeenten
    assert crime.similar is not None
    assert len(amsterdam.similar_regions) == 5
    assert all(s.closest_on for s in amsterdam.similar_regions)
    assert amsterdam.peer_group.size_label == ">= 250.000"


def test_cli_profile_json(warehouse: Path) -> None:
    result = CliRunner().invoke(app, ["profile", "GM0363", "--json", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [i["id"] for i in data["indicators"]] == [i.id for i in default_catalog()]


def test_profile_speed_on_the_real_build(conn: duckdb.DuckDBPyConnection) -> None:
    profile(conn, "GM0014")
    start = time.perf_counter()
    for code in ("GM0014", "GM0599", "GM1680"):
        profile(conn, code)
    per_profile = (time.perf_counter() - start) / 3
    assert per_profile < 1.0, per_profile  # measured ~0.1 s alone; CI machines vary


def test_gemeente_hotspots_are_reproducible(conn: duckdb.DuckDBPyConnection) -> None:
    first = hotspot_map(conn, "misdrijven_per_1000", "gemeente", "2024", seed=7, permutations=1999)
    again = hotspot_map(conn, "misdrijven_per_1000", "gemeente", "2024", seed=7, permutations=1999)
    assert len(first.result.ids) == 342
    assert first.result.labels == again.result.labels
    assert sum(first.result.significant) < 342 * 0.1


def test_wijk_density_hotspots_are_in_the_cities(conn: duckdb.DuckDBPyConnection) -> None:
    result = hotspot_map(conn, "bevolkingsdichtheid", "wijk", "2024", permutations=999)
    table = result.table()
    hot, cold = table[table["class"] == "hot"], table[table["class"] == "cold"]
    assert len(table) > 3_300
    assert (hot["region"].str[:6] == "WK0363").sum() >= 10  # Amsterdam
    assert hot["value"].median() > 10 * cold["value"].median()


def test_veiligheidsindex_with_sensitivity(conn: duckdb.DuckDBPyConnection) -> None:
    result = composite_index(conn, "veiligheidsindex", "gemeente", "2024")
    scores = result.scores.dropna()
    assert len(scores) == 342
    assert scores.idxmax() in {"GM0363", "GM0599", "GM0518", "GM0344"} or scores.max() > 150
    report = sensitivity(result.indices, _weights(), draws=100, seed=1)
    assert 0.9 < report.mean_spearman <= 1.0  # the ranking is robust to the weights
    assert report.max_shift.max() > 0


def _weights():  # type: ignore[no-untyped-def]
    import pandas as pd

    comp = default_catalog().composite("veiligheidsindex")
    return pd.Series({c.indicator: c.weight for c in comp.components})


def test_peer_values_stay_in_the_unit_of_the_indicator(conn: duckdb.DuckDBPyConnection) -> None:
    """Vlieland's Wmo clients: 59 per 1,000; its peers once showed 61.939 because regions
    with the published rate (per 1,000) were pooled as if they were counts."""
    vlieland = profile(conn, "GM0096")
    wmo = _ind(vlieland, "wmo_per_1000")
    assert wmo.value is not None and 40 < wmo.value < 80
    assert wmo.peers is not None and 20 < wmo.peers.value < 150, wmo.peers
    assert wmo.similar is not None and 20 < wmo.similar.value < 150, wmo.similar


def test_counts_get_no_index_against_nl(amsterdam: RegionProfile) -> None:
    inwoners = _ind(amsterdam, "inwoners")
    assert inwoners.value is not None and inwoners.nl_value is not None
    assert inwoners.index is None
    assert _ind(amsterdam, "misdrijven_per_1000").index is not None


def test_similar_regions_are_comparable_in_size_and_urbanity(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    rotterdam = profile(conn, "GM0599")
    codes = [s.code for s in rotterdam.similar_regions]
    assert len(codes) == 5 and "GM0384" not in codes  # not Diemen (30,000 inhabitants)
    basis = rotterdam.similar_basis
    assert basis is not None and basis.population is not None and basis.stedelijkheid
    low, high = basis.population
    assert low > 200_000 and high > 1_000_000
    assert "bevolkingsdichtheid" in basis.features


def test_what_stands_out_uses_reliability(conn: duckdb.DuckDBPyConnection) -> None:
    from buurtzicht.analysis.highlights import MIN_FACTOR, highlights

    rotterdam = profile(conn, "GM0599")
    found = highlights(rotterdam)
    safety = {h.indicator: h for h in found["veiligheid"]}
    assert safety["geweld_per_1000"].direction == "above"  # 7.8 against 3.7 per 1,000
    by_id = {i.id: i for i in rotterdam.indicators}
    for theme in found.values():
        assert len(theme) <= 3
        for h in theme:
            item = by_id[h.indicator]
            assert item.index is not None  # never a count
            assert item.reliability.flag != "onbetrouwbaar"
            low, high = item.reliability.ci_low, item.reliability.ci_high
            if low is not None and high is not None:  # the interval lies beyond the margin
                assert low > h.nl_value * MIN_FACTOR or high < h.nl_value / MIN_FACTOR
