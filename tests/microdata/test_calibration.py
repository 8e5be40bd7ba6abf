"""Calibration targets come from the real mirror; missing stays missing, then falls back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from buurtzicht.microdata.calibration import load_calibration
from buurtzicht.microdata.national import load_national, official_codes
from buurtzicht.sources.statline_csv import read_table


@pytest.fixture(scope="module")
def calibration(mirror: Path):  # type: ignore[no-untyped-def]
    return load_calibration(mirror)


def test_every_2024_buurt_with_its_real_population(calibration, raw: Path) -> None:  # type: ignore[no-untyped-def]
    b = calibration.buurten
    assert len(b) == 14_574
    assert b["buurt"].is_unique
    assert b["inhabitants"].sum() == 17_942_915
    # Independent check of one buurt against the source file.
    pop = read_table(raw / "politie_47018NED_bernasco/population_Population85984_2024.csv")
    first = pop.iloc[0]
    assert b.set_index("buurt").loc[first["nhood_id"], "inhabitants"] == float(first["population"])
    assert (b["wijk"].str[2:8] == b["buurt"].str[2:8]).all()
    assert (b["gemeente"].str[2:6] == b["buurt"].str[2:6]).all()
    assert b["gemeente"].nunique() == 342


def test_no_field_is_left_missing_and_fallbacks_are_recorded(calibration) -> None:  # type: ignore[no-untyped-def]
    b, log = calibration.buurten, calibration.fallbacks
    assert not b.isna().any().any()
    for field, levels in log.items():
        assert sum(levels.values()) == len(b), field
    # WOZ: 85984NED has buurt figures for the 172 gemeenten it covers, the rest fall back.
    assert log["woz"]["buurt (KWB 85984NED)"] > 6000
    assert log["woz"]["gemeente (PDOK 2023)"] > 6000


def test_missing_buurt_woz_falls_back_to_its_gemeente_not_zero(calibration, raw: Path) -> None:  # type: ignore[no-untyped-def]
    path = raw / "cbs_statline_dumps_dertje/85984NED_kwb2024_TRUNCATED_first10000rows.csv.gz"
    kwb = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
    codes = kwb["Codering_3"].str.strip()
    woz = pd.Series(
        pd.to_numeric(
            kwb["GemiddeldeWOZWaardeVanWoningen_39"].str.strip(), errors="coerce"
        ).to_numpy(),
        index=codes,
    )
    missing = [
        c
        for c in woz.index
        if c.startswith("BU") and pd.isna(woz[c]) and not pd.isna(woz["GM" + c[2:6]])
    ]
    assert missing, "the truncated KWB has buurten without WOZ"
    b = calibration.buurten.set_index("buurt")
    for code in missing[:20]:
        assert b.loc[code, "woz"] == woz["GM" + code[2:6]] * 1000
    assert (calibration.buurten["woz"] > 0).all()


def test_age_shares_sum_to_one(calibration) -> None:  # type: ignore[no-untyped-def]
    shares = calibration.buurten[[f"age_{i}" for i in range(5)]].sum(axis=1)
    populated = calibration.buurten["inhabitants"] > 0
    assert np.allclose(shares[populated], 1.0)


def test_national_volumes_are_the_real_series(mirror: Path, raw: Path) -> None:
    volumes = load_national(mirror)
    crime = pd.read_csv(raw / "politie_47018NED_nationaal_bernasco_staat/NL_Crime.csv")
    total_2023 = crime[
        (crime["incident_type_code"] == "Totaal misdrijven") & (crime["year"] == 2023)
    ]["incident_count"].item()
    assert volumes.crimes_in(2023).sum() == total_2023 == 802_043
    assert volumes.crimes_in(2024).equals(volumes.crimes_in(2023))  # last published year
    assert set(volumes.crimes["code"]) <= official_codes(mirror)
    assert volumes.suspects_in(2022)["TotaalVerdachtenVanMisdrijven"] == 158_290
    assert volumes.suspects_in(2022)["VerdachtenVanDrugsmisdrijven"] == 12_880
    drugs = volumes.suspect_profile[
        volumes.suspect_profile["group"] == "VerdachtenVanDrugsmisdrijven"
    ]
    assert drugs["count"].sum() <= 12_880
