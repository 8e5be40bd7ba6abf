"""Profile, ranking and hotspots on real regions, figures and geometry from the mirror."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from mirror_warehouse import mirror_warehouse

from buurtzicht.analysis.hotspot_map import hotspot_map
from buurtzicht.analysis.profile import RegionProfile, profile
from buurtzicht.indicators.materialise import materialise


@pytest.fixture(scope="module")
def real(raw: Path) -> duckdb.DuckDBPyConnection:
    conn = mirror_warehouse(raw)
    materialise(conn)
    return conn


@pytest.fixture(scope="module")
def amsterdam(real: duckdb.DuckDBPyConnection) -> RegionProfile:
    return profile(real, "GM0363", "2024")


def _ind(p: RegionProfile, ident: str):  # type: ignore[no-untyped-def]
    return next(i for i in p.indicators if i.id == ident)


def test_amsterdam_crime_rate_matches_cbs(amsterdam: RegionProfile) -> None:
    crime = _ind(amsterdam, "misdrijven_per_1000")
    assert crime.value == pytest.approx(83_290 / 931_298 * 1000)
    assert round(crime.value, 1) == 89.4  # CBS 83648NED publishes 89.4
    # NL built from all 342 gemeenten (sum over sum); CBS publishes 45.2 for NL.
    assert round(crime.nl_value, 1) == 45.2  # type: ignore[arg-type]
    assert crime.index == pytest.approx(100 * crime.value / crime.nl_value)  # type: ignore[operator]
    assert crime.rank == 1 and crime.n_ranked == 342
    assert crime.provincie is not None and crime.provincie.code == "PV27"
    assert crime.politie_eenheid is not None and crime.politie_eenheid.code == "RE05"
    assert crime.reliability.flag == "betrouwbaar"
    assert crime.trend is not None and crime.trend.first_period == "2018JJ00"
    assert crime.trend.harmonised is False  # figures on the indeling of their own year


def test_amsterdam_burglary_and_context(amsterdam: RegionProfile) -> None:
    burglary = _ind(amsterdam, "woninginbraak_per_1000")
    assert burglary.value is not None and 1.0 < burglary.value < 3.0
    density = _ind(amsterdam, "bevolkingsdichtheid")
    assert round(density.value) == 4951  # type: ignore[arg-type]  # CBS publishes 4,950
    assert amsterdam.peer_group.size_label == ">= 250.000"
    assert amsterdam.peer_group.stedelijkheid == 1
    assert {s.code for s in amsterdam.similar_regions}  # nearest on density


def test_gemeente_hotspots_are_reproducible(real: duckdb.DuckDBPyConnection) -> None:
    first = hotspot_map(real, "misdrijven_per_1000", "gemeente", "2024", seed=7)
    again = hotspot_map(real, "misdrijven_per_1000", "gemeente", "2024", seed=7)
    assert len(first.result.ids) == 342
    assert first.result.labels == again.result.labels
    significant = sum(first.result.significant)
    assert significant < 342 * 0.1  # a few clusters at most, not noise everywhere


def test_wijk_density_hotspots_are_in_the_cities(real: duckdb.DuckDBPyConnection) -> None:
    result = hotspot_map(real, "bevolkingsdichtheid", "wijk", "2024", permutations=999)
    table = result.table()
    hot = table[table["class"] == "hot"]
    cold = table[table["class"] == "cold"]
    assert len(table) > 3_300
    assert (hot["region"].str[:6] == "WK0363").sum() >= 10  # Amsterdam
    assert hot["value"].median() > 10 * cold["value"].median()
