"""Computation rules: sum/sum, no zeros for missing data, coverage, precedence, status."""

from __future__ import annotations

import pandas as pd
from numpy.testing import assert_allclose

from buurtzicht.indicators.compute import compute_indicator_values
from buurtzicht.indicators.loader import default_catalog
from tests.memory_warehouse import make_warehouse, observation_rows, region_rows

CAT = default_catalog()
REGIONS = region_rows(
    [
        {"code": "NL01"},
        {"code": "PV20"},
        {"code": "PV21"},
        {"code": "GM0001", "provincie": "PV20", "politie_eenheid": "RE01"},
        {"code": "GM0002", "provincie": "PV20", "politie_eenheid": "RE01"},
        {"code": "GM0003", "provincie": "PV21", "politie_eenheid": "RE01"},
        {"code": "GM0998", "special": "buitenland"},
    ],
    indeling=2024,
)


def _values(measures: dict, indicator: str, regions: pd.DataFrame = REGIONS) -> pd.DataFrame:
    obs = observation_rows(measures, period="2024JJ00", indeling=2024)
    conn = make_warehouse(regions, obs)
    return compute_indicator_values(conn, [CAT.get(indicator)]).set_index("region")


def test_area_is_sum_over_sum_not_mean_of_ratios() -> None:
    v = _values(
        {
            "politie.misdrijven.1.1.1": {"GM0001": 12, "GM0002": 8, "GM0003": 1},
            "kwb.AantalInwoners": {"GM0001": 4000, "GM0002": 1000, "GM0003": 1000},
        },
        "woninginbraak_per_1000",
    )
    assert_allclose(v.loc["PV20", "value"], 4.0)  # 20 / 5000, not (3 + 8) / 2 = 5.5
    assert_allclose(v.loc["NL01", "value"], 21 / 6000 * 1000)
    assert v.loc["NL01", "method"] == "aggregated"
    assert "GM0998" not in v.index  # buitenland has no figure and is not a member


def test_missing_input_gives_no_value_never_zero() -> None:
    v = _values(
        {
            "politie.misdrijven.1.1.1": {"GM0001": 12, "GM0002": None, "GM0003": 1},
            "kwb.AantalInwoners": {"GM0001": 4000, "GM0002": 1000, "GM0003": 1000},
        },
        "woninginbraak_per_1000",
    )
    assert "GM0002" not in v.index or pd.isna(v.loc["GM0002", "value"])
    # PV20 lacks one of its gemeenten: a partial sum would be biased, so no figure.
    assert "PV20" not in v.index
    assert "NL01" not in v.index
    assert_allclose(v.loc["PV21", "value"], 1.0)


def test_published_figure_of_an_area_wins_over_the_sum() -> None:
    v = _values(
        {
            "kwb.Koopwoningen": {"GM0001": 60, "GM0002": 20, "GM0003": 50, "NL01": 57},
            "kwb.Woningvoorraad": {"GM0001": 4000, "GM0002": 1000, "GM0003": 1000, "NL01": 8e6},
        },
        "koopwoningen_pct",
    )
    assert v.loc["NL01", "value"] == 57 and v.loc["NL01", "method"] == "direct"
    assert_allclose(v.loc["PV20", "value"], 52.0)  # (2400 + 200) / 5000


def test_denominator_alternative_and_alternative_formula() -> None:
    v = _values(
        {
            "misdrijven.TotaalGeregistreerdeMisdrijven": {"GM0001": 90, "GM0002": 10},
            "gebieden.Inwonertal": {"GM0001": 3000},
            "kwb.AantalInwoners": {"GM0001": 2999, "GM0002": 500},
        },
        "misdrijven_per_1000",
    )
    assert_allclose(v.loc["GM0001", "value"], 30.0)  # gebieden first
    assert_allclose(v.loc["GM0002", "value"], 20.0)  # then KWB
    w = _values(
        {
            "kwb.k_0Tot15Jaar": {"GM0001": 600},
            "kwb.Percentage0Tot15Jaar": {"GM0001": 99, "GM0002": 10},
            "kwb.AantalInwoners": {"GM0001": 4000, "GM0002": 1000},
        },
        "jongeren_0_15_pct",
    )
    assert_allclose(w.loc["GM0001", "value"], 15.0)  # the count wins over the percentage
    assert w.loc["GM0002", "method"] == "alternative_1"
    assert_allclose(w.loc["GM0002", ["value", "numerator"]].astype(float), [10.0, 100.0])


def test_suppressed_input_status_is_carried() -> None:
    obs = observation_rows(
        {"politie.misdrijven.1.1.1": {"GM0001": None}, "kwb.AantalInwoners": {"GM0001": 10}},
        period="2024JJ00",
        indeling=2024,
    )
    obs.loc[obs["measure"] == "politie.misdrijven.1.1.1", "status"] = "suppressed"
    conn = make_warehouse(REGIONS, obs)
    v = compute_indicator_values(conn, [CAT.get("woninginbraak_per_1000")]).set_index("region")
    assert v.loc["GM0001", "status"] == "suppressed" and pd.isna(v.loc["GM0001", "value"])


def test_value_kind_is_never_aggregated() -> None:
    v = _values({"vm.Drugshandel": {"GM0001": 5.0, "GM0002": 7.0}}, "drugshandel_buurt_pct")
    assert set(v.index) == {"GM0001", "GM0002"}


def test_zero_denominator_gives_no_value() -> None:
    v = _values(
        {"kwb.BedrijfsvestigingenTotaal": {"GM0001": 5}, "kwb.AantalInwoners": {"GM0001": 0}},
        "vestigingen_per_1000",
    )
    assert "GM0001" not in v.index or pd.isna(v.loc["GM0001", "value"])


def test_published_area_count_over_summed_denominator() -> None:
    # Nederland publishes 21 crimes (1 could not be placed in a gemeente) but no
    # population: 21 / (4,000 + 1,000 + 1,000) x 1,000 = 3.5, not the gemeente sum 20 / 6,000.
    v = _values(
        {
            "misdrijven.TotaalGeregistreerdeMisdrijven": {
                "GM0001": 12,
                "GM0002": 4,
                "GM0003": 4,
                "NL01": 21,
            },
            "gebieden.Inwonertal": {"GM0001": 4000, "GM0002": 1000, "GM0003": 1000},
        },
        "misdrijven_per_1000",
    )
    assert_allclose(v.loc["NL01", "value"], 3.5)
    assert v.loc["NL01", "method"] == "direct_over_summed_denominator"
    assert_allclose(v.loc["PV20", "value"], 16 / 5000 * 1000)  # no published count: summed


def test_no_area_figures_where_membership_has_gaps() -> None:
    # GM0003 names no provincie: PV21's membership is unknown, so no provincie is built.
    regions = REGIONS.copy()
    regions.loc[regions["code"] == "GM0003", "provincie"] = None
    v = _values(
        {
            "politie.misdrijven.1.1.1": {"GM0001": 12, "GM0002": 8, "GM0003": 1},
            "kwb.AantalInwoners": {"GM0001": 4000, "GM0002": 1000, "GM0003": 1000},
        },
        "woninginbraak_per_1000",
        regions,
    )
    assert "PV20" not in v.index and "PV21" not in v.index
    assert_allclose(v.loc["NL01", "value"], 21 / 6000 * 1000)  # Nederland needs no parent


def test_national_only_series_over_summed_population() -> None:
    # Drug trafficking is published for Nederland only: 12 / 6,000 inhabitants.
    v = _values(
        {
            "politie.misdrijven.3.1.1": {"NL01": 12},
            "kwb.AantalInwoners": {"GM0001": 4000, "GM0002": 1000, "GM0003": 1000},
        },
        "drugshandel_per_1000",
    )
    assert_allclose(v.loc["NL01", "value"], 2.0)
    assert set(v.index) == {"NL01"}
