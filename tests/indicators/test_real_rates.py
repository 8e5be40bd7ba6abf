"""Our per-1,000 crime rates against CBS's published relative figures (83648NED).

CBS publishes 'Geregistreerde misdrijven per 1 000 inwoners' per gemeente and year; it
divides by the population on 1 January. Our indicator, computed from the published count
and the population measures, must match it within rounding for every gemeente-year
whose population is in the mirror (Gebieden in Nederland 2018-2024, KWB 2012 and 2017).
CBS rounds counts to multiples of five and computes the rate from the unrounded count,
so the tolerance is half a decimal plus 2.5 crimes over the population.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from mirror_inputs import crime_observations, wijkbuurt_observations

from buurtzicht.indicators.compute import compute_indicator_values
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.testing import make_warehouse, region_rows


@pytest.fixture(scope="module")
def matched(raw: Path) -> pd.DataFrame:
    obs, published = crime_observations(raw)
    conn = make_warehouse(region_rows([], indeling=2024), obs)
    values = compute_indicator_values(conn, [default_catalog().get("misdrijven_per_1000")])
    values["year"] = values["period"].str[:4].astype(int)
    out = published.merge(values, on=["region", "year"], how="left")
    return out[out["GeregistreerdeMisdrijvenPer1000Inw_3"].notna()]


def test_every_gemeente_year_with_population_matches(matched: pd.DataFrame) -> None:
    computed = matched[matched["value"].notna()]
    diff = (computed["value"] - computed["GeregistreerdeMisdrijvenPer1000Inw_3"]).abs()
    tolerance = 0.05 + 2.5 / computed["denominator"] * 1000 + 1e-9
    bad = computed[diff > tolerance]
    assert bad.empty, bad[["region", "year", "value", "GeregistreerdeMisdrijvenPer1000Inw_3"]]
    # Typical differences are rounding-sized, not systematic.
    assert diff.median() < 0.05
    assert (computed["value"] - computed["GeregistreerdeMisdrijvenPer1000Inw_3"]).mean() < 0.01


def test_coverage_is_all_years_with_a_population(matched: pd.DataFrame) -> None:
    years = set(matched.loc[matched["value"].notna(), "year"])
    assert years == {2012, *range(2017, 2025)}
    for year in (2012, *range(2017, 2025)):
        in_year = matched[matched["year"] == year]
        assert in_year["value"].notna().mean() > 0.97, year
    assert len(matched[matched["value"].notna()]) > 3_000


def test_amsterdam_2023_by_hand(matched: pd.DataFrame) -> None:
    row = matched[(matched["region"] == "GM0363") & (matched["year"] == 2023)].iloc[0]
    assert row["numerator"] == 82_405 and row["denominator"] == 918_117
    assert round(row["value"], 1) == 89.8 == row["GeregistreerdeMisdrijvenPer1000Inw_3"]


WB_INDICATORS = {
    "misdrijven_wb.TotaalVermogenVernielingEnGeweld": "wb_vermogen_vernieling_geweld_per_1000",
    "misdrijven_wb.TotaalVermogensmisdrijven": "wb_vermogensmisdrijven_per_1000",
    "misdrijven_wb.TotaalDiefstalUitWoningSchuurED": "wb_diefstal_woning_per_1000",
    "misdrijven_wb.TotaalGeweldsEnSeksueleMisdrijven": "wb_geweld_per_1000",
}


def test_wijk_and_buurt_rates_match_cbs_relative_figures(raw: Path) -> None:
    """84468NED publishes per-1,000 figures (whole numbers) beside the counts for every
    gemeente, wijk and buurt: ours must round to them."""
    obs, published = wijkbuurt_observations(raw)
    conn = make_warehouse(region_rows([], indeling=2018), obs)
    catalog = default_catalog()
    values = compute_indicator_values(conn, [catalog.get(i) for i in WB_INDICATORS.values()])
    published["indicator"] = published["measure"].map(WB_INDICATORS)
    both = published.merge(values, on=["indicator", "region"])
    both = both[both["published"].notna()]
    assert len(both) > 4 * 8_900 and set(both["level"]) == {"gemeente", "wijk", "buurt"}
    diff = (both["value"] - both["published"]).abs()
    assert (diff <= 0.5 + 1e-9).all(), both[diff > 0.5 + 1e-9].head()
