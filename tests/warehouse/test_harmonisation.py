"""Harmonisation onto the 2024 indeling, checked on real mergers from the mirror."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from shapely.geometry import box

from buurtzicht.sources.boundary_changes import boundary_changes_source
from buurtzicht.warehouse.harmonisation import (
    RateRule,
    harmonise,
    matrix_weights,
    overlay_weights,
    weights_for_year,
)

SLICE = "raw/cbs_statline_dumps_dertje/83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv"
TOTAL = "misdrijven.TotaalGeregistreerdeMisdrijven"
PER_1000 = "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"


def crime_2018(mirror: Path) -> pd.DataFrame:
    """83648NED 2018 gemeente rows, read independently of the loaders."""
    rows = []
    with (mirror / SLICE).open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["region_level"] == "GM" and r["Perioden"] == "2018" and r["gm_code"]:
                for column, measure in (
                    ("TotaalGeregistreerdeMisdrijven_1", TOTAL),
                    ("GeregistreerdeMisdrijvenPer1000Inw_3", PER_1000),
                ):
                    if r[column]:
                        rows.append(
                            (measure, r["gm_code"], "2018JJ00", 2018, float(r[column]), "ok")
                        )
    return pd.DataFrame(
        rows, columns=["measure", "region", "period", "indeling", "value", "status"]
    )


@pytest.fixture(scope="module")
def weights_2018(mirror: Path) -> pd.DataFrame:
    matrix, _ = boundary_changes_source(mirror)
    return matrix_weights(matrix)


def test_groningen_merger_sums_the_three_old_gemeenten(
    mirror: Path, weights_2018: pd.DataFrame
) -> None:
    crime = crime_2018(mirror)
    codes = set(crime["region"])
    current = {"GM0014", "GM0788", "GM0757", "GM0824", "GM0855", "GM0865", *codes}
    weights = weights_for_year(
        2018, codes, current - {"GM0009", "GM0017", "GM0788"}, weights_2018, None
    )
    out = harmonise(crime, weights, counts=[TOTAL]).set_index(["measure", "region"])["value"]
    old = crime[crime["measure"] == TOTAL].set_index("region")["value"]
    # Groningen (GM0014) absorbed Haren (GM0017) and Ten Boer (GM0009) on 2019-01-01.
    assert out[(TOTAL, "GM0014")] == pytest.approx(old["GM0014"] + old["GM0017"] + old["GM0009"])
    assert "GM0017" not in out.index.get_level_values("region")
    # Counts are conserved exactly.
    assert out.xs(TOTAL).sum() == pytest.approx(old.sum())


def test_split_gemeente_is_spread_by_addresses(mirror: Path, weights_2018: pd.DataFrame) -> None:
    # Haaren (GM0788) was split over four gemeenten on 2021-01-01.
    crime = crime_2018(mirror)
    haaren = crime[(crime["region"] == "GM0788") & (crime["measure"] == TOTAL)]
    weights = weights_2018[
        (weights_2018["year"] == 2018) & (weights_2018["source_code"] == "GM0788")
    ]
    out = harmonise(haaren, weights, counts=[TOTAL]).set_index("region")
    addresses = {"GM0757": 839, "GM0824": 2345, "GM0855": 465, "GM0865": 1877}
    total_addresses = sum(addresses.values())
    for code, n in addresses.items():
        assert out.loc[code, "value"] == pytest.approx(
            haaren["value"].iloc[0] * n / total_addresses
        )
        assert out.loc[code, "status"] == "estimated"


def test_rates_are_recomputed_from_converted_counts() -> None:
    # Two old gemeenten merge: A has 100 crimes at 10 per 1,000 (10,000 inhabitants),
    # B has 30 crimes at 15 per 1,000 (2,000 inhabitants): 130 / 12,000 * 1,000 = 10.833.
    obs = pd.DataFrame(
        [
            (TOTAL, "GM0001", "2015JJ00", 2015, 100.0, "ok"),
            (PER_1000, "GM0001", "2015JJ00", 2015, 10.0, "ok"),
            (TOTAL, "GM0002", "2015JJ00", 2015, 30.0, "ok"),
            (PER_1000, "GM0002", "2015JJ00", 2015, 15.0, "ok"),
        ],
        columns=["measure", "region", "period", "indeling", "value", "status"],
    )
    weights = pd.DataFrame(
        {
            "year": 2015,
            "source_code": ["GM0001", "GM0002"],
            "target_code": "GM0001",
            "weight": 1.0,
            "method": "test",
        }
    )
    out = harmonise(
        obs, weights, counts=[TOTAL], rates=[RateRule(PER_1000, TOTAL, "implied", 1000.0)]
    )
    values = out.set_index("measure")["value"]
    assert values[TOTAL] == 130.0
    assert_allclose(values[PER_1000], 130 / 12_000 * 1000)
    assert set(out["indeling"]) == {2024}


def test_overlay_places_population_in_the_old_gemeente() -> None:
    # Old gemeente X covers two 2024 wijken of two different new gemeenten.
    old = pd.DataFrame(
        {"code": ["GM0001", "GM0002"], "geometry": [box(4, 52, 5, 53), box(5, 52, 6, 53)]}
    )
    wijken = pd.DataFrame(
        {
            "code": ["WK000101", "WK000301", "WK000201"],
            "gemeente": ["GM0001", "GM0003", "GM0002"],
            "population": [3000.0, 1000.0, 500.0],
            "geometry": [
                box(4.1, 52.1, 4.4, 52.4),
                box(4.6, 52.6, 4.9, 52.9),
                box(5.2, 52.2, 5.8, 52.8),
            ],
        }
    )
    weights = overlay_weights(2013, old, wijken, current_codes={"GM0001", "GM0002", "GM0003"})
    table = weights.set_index(["source_code", "target_code"])["weight"]
    assert table[("GM0001", "GM0001")] == pytest.approx(0.75)
    assert table[("GM0001", "GM0003")] == pytest.approx(0.25)
    assert table[("GM0002", "GM0002")] == 1.0
    assert weights.set_index("source_code").loc["GM0002", "method"] == "ongewijzigd"


def test_missing_weights_raise() -> None:
    obs = pd.DataFrame(
        [(TOTAL, "GM0001", "2015JJ00", 2015, 1.0, "ok")],
        columns=["measure", "region", "period", "indeling", "value", "status"],
    )
    empty = pd.DataFrame(columns=["year", "source_code", "target_code", "weight", "method"])
    with pytest.raises(ValueError, match="no harmonisation weights for GM0001 in 2015"):
        harmonise(obs, empty, counts=[TOTAL])
