"""Poisson intervals, Empirical Bayes and the reliability flag; small areas and rankings."""

from __future__ import annotations

import esda.smoothing
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from buurtzicht.analysis.materialise import indicator_values_frame
from buurtzicht.analysis.stats.ranks import add_ranks
from buurtzicht.analysis.stats.reliability import (
    empirical_bayes,
    grouped_empirical_bayes,
    poisson_ci,
    poisson_reliability,
)
from tests.memory_warehouse import make_warehouse, observation_rows, region_rows


def test_exact_poisson_limits_match_published_tables() -> None:
    # Garwood limits as tabulated (e.g. Ulm 1990, Am J Epidemiol 131; Sahai & Khurshid 1993).
    low, high = poisson_ci([0, 1, 5, 10, 100])
    assert_allclose(low, [0.0, 0.0253, 1.6235, 4.7954, 81.36], atol=5e-3)
    assert_allclose(high, [3.6889, 5.5716, 11.6683, 18.3904, 121.63], atol=5e-3)


def test_byar_is_close_to_exact_for_moderate_counts() -> None:
    exact = poisson_ci([20, 50, 200])
    byar = poisson_ci([20, 50, 200], method="byar")
    assert_allclose(byar, exact, rtol=0.01)


def test_poisson_ci_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        poisson_ci([-1])


def test_empirical_bayes_equals_esda_and_does_not_mutate() -> None:
    rng = np.random.default_rng(7)
    base = rng.integers(50, 5000, 60).astype(float)
    events = rng.poisson(base * 0.01 * rng.uniform(0.5, 2.0, 60)).astype(float)
    events_before = events.copy()
    ours = empirical_bayes(events, base)
    theirs = esda.smoothing.Empirical_Bayes(events, base).r.ravel()
    assert ours.variance > 0
    assert_allclose(ours.smoothed, theirs, rtol=1e-12)
    assert np.array_equal(events, events_before)
    grouped = grouped_empirical_bayes(pd.Series(events), pd.Series(base), [pd.Series(["g"] * 60)])
    assert_allclose(grouped.to_numpy(), theirs, rtol=1e-10)


def test_empirical_bayes_pure_noise_shrinks_to_the_mean() -> None:
    # Identical true rates: the moment estimate of the variance is <= 0 and is clipped,
    # so every area gets the overall rate (esda would extrapolate with a negative weight).
    eb = empirical_bayes([10, 10, 10, 11], [1000, 1000, 1000, 1000])
    assert eb.variance == 0.0
    assert_allclose(eb.smoothed, [41 / 4000] * 4)


def test_flags() -> None:
    # Half-width of the exact interval <= 50% from 18 events, <= 20% from 102 events.
    assert poisson_reliability([0, 3, 17, 18, 101, 102]).tolist() == [
        "onbetrouwbaar",
        "onbetrouwbaar",
        "onbetrouwbaar",
        "indicatief",
        "indicatief",
        "betrouwbaar",
    ]


def _buurten() -> pd.DataFrame:
    """Thirty buurten: a tiny one with 3 incidents among 20 inhabitants (150 per 1,000 by
    chance), one large genuinely high one (40 per 1,000) and 28 ordinary ones (~10)."""
    rng = np.random.default_rng(3)
    codes = [f"BU0001{n:04d}" for n in range(30)]
    pops = {c: 2000.0 for c in codes}
    counts = {c: float(rng.poisson(20)) for c in codes}
    pops[codes[0]], counts[codes[0]] = 20.0, 3.0
    pops[codes[1]], counts[codes[1]] = 3000.0, 120.0
    return pd.DataFrame({"code": codes, "pop": pops.values(), "count": counts.values()})


def test_small_buurt_does_not_top_the_ranking_on_noise() -> None:
    b = _buurten()
    regions = region_rows([{"code": c, "gemeente": "GM0001"} for c in b["code"]], indeling=2024)
    obs = observation_rows(
        {
            "politie.misdrijven.1.1.1": dict(zip(b["code"], b["count"], strict=True)),
            "kwb.AantalInwoners": dict(zip(b["code"], b["pop"], strict=True)),
        },
        period="2024JJ00",
        indeling=2024,
    )
    conn = make_warehouse(regions, obs)
    values = indicator_values_frame(conn, indicators=["woninginbraak_per_1000"])
    values = values[values["level"] == "buurt"].set_index("region")
    tiny, high = "BU00010000", "BU00010001"
    assert values["value"].idxmax() == tiny  # the crude rate is topped by chance
    assert values.loc[high, "rank"] == 1  # the ranking is not
    assert values.loc[tiny, "rank"] > 1
    assert values.loc[tiny, "eb_value"] < 0.2 * values.loc[tiny, "value"]
    assert values.loc[tiny, "reliability"] == "onbetrouwbaar"
    assert values.loc[high, "reliability"] == "betrouwbaar"
    assert values.loc[tiny, "ci_low"] < 40 < values.loc[tiny, "ci_high"]


def test_a_figure_most_regions_share_gets_no_rank() -> None:
    """Every published buurt has 0 (those with cases are suppressed, not in the ranking):
    "rank 1 of 12,570" would read as "the highest". A figure at least half the ranked
    regions share gets no rank; the few above it keep theirs."""
    codes = [f"BU0001{n:04d}" for n in range(10)]
    frame = pd.DataFrame(
        {
            "indicator": "i",
            "level": "buurt",
            "period": "2024JJ00",
            "indeling": 2024,
            "region": codes,
            "value": [0.0] * 6 + [5.0, 7.0, 7.0, np.nan],
            "eb_value": np.nan,
        }
    )
    ranked = add_ranks(frame).set_index("region")
    zeros = ranked.loc[codes[:6]]
    assert zeros["rank"].isna().all() and zeros["percentile"].isna().all()
    assert zeros["n_ranked"].isna().all()
    assert ranked.loc[codes[6:9], "rank"].tolist() == [3.0, 1.0, 1.0]  # ties share the best
    assert ranked.loc[codes[6:9], "n_ranked"].tolist() == [9.0] * 3
    assert np.isnan(ranked.loc[codes[9], "rank"])
    # Below half the ranked regions, a shared figure keeps its (shared) rank.
    fewer = frame.assign(value=[0.0] * 4 + [1.0, 2.0, 5.0, 7.0, 7.0, np.nan])
    assert add_ranks(fewer).set_index("region").loc[codes[0], "rank"] == 6.0


def test_summation_noise_does_not_swap_ranks() -> None:
    """DuckDB sums in parallel: two builds of the same sources gave one COROP 15.0 % and
    another 14.999999999999996 %, and their ranks and percentiles swapped from build to
    build. Figures equal to 12 significant digits tie."""
    frame = pd.DataFrame(
        {
            "indicator": "i",
            "level": "corop",
            "period": "2023JJ00",
            "indeling": 2023,
            "region": ["CR05", "CR11", "CR12", "CR13", "CR14"],
            "value": [15.0, 14.999999999999996, 20.0, 10.0, 5.0],
            "eb_value": np.nan,
        }
    )
    ranked = add_ranks(frame).set_index("region")
    assert ranked["rank"].tolist() == [2.0, 2.0, 1.0, 4.0, 5.0]
    assert ranked.loc["CR05", "percentile"] == ranked.loc["CR11", "percentile"] == 50.0
