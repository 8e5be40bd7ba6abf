"""Trends: exact Poisson test, margins test, slope; harmonised series in the profile."""

from __future__ import annotations

from numpy.testing import assert_allclose
from scipy import stats

from buurtzicht.analysis.stats.trends import (
    margins_z_test,
    poisson_rate_test,
    slope_per_year,
    trend,
)
from buurtzicht.indicators.formula import Uncertainty


def test_poisson_rate_test_is_the_conditional_binomial() -> None:
    # 30 events on 10,000 then 50 on 12,000: under H0 the 50 of 80 are Bin(80, 12/22).
    p = poisson_rate_test(30, 10_000, 50, 12_000)
    upper = sum(stats.binom.pmf(k, 80, 12 / 22) for k in range(50, 81))
    assert_allclose(p, 2 * upper)  # doubled upper tail, 50 is above the expected 43.6
    assert 0.05 < p < 0.5  # a rise from 3.0 to 4.2 per 1,000 on these counts is chance


def test_large_change_is_significant_small_is_not() -> None:
    assert poisson_rate_test(1000, 1e6, 1200, 1e6) < 1e-4
    assert poisson_rate_test(3, 1000, 5, 1000) > 0.3


def test_margins_z_by_hand() -> None:
    # se = 2 / 1.96 each; z = 4 / (sqrt(2) * 2 / 1.96) = 2.7719; p = 0.00557
    assert_allclose(margins_z_test(40, 38, 42, 44, 42, 46), 2 * stats.norm.sf(2.7719), rtol=1e-3)


def test_trend_summary() -> None:
    t = trend(
        ["2018JJ00", "2020JJ00", "2024JJ00"],
        [10.0, 12.0, 16.0],
        uncertainty=Uncertainty.POISSON,
        numerators=[100, 120, 160],
        denominators=[10_000, 10_000, 10_000],
    )
    assert t is not None
    assert (t.change, t.change_pct) == (6.0, 60.0)
    assert_allclose(t.slope, slope_per_year([2018, 2020, 2024], [10, 12, 16]))
    assert_allclose(t.slope, 1.0)  # exactly on the line 10 + (year - 2018)
    assert t.test == "poisson_exact" and t.significant is True


def test_register_figures_are_not_tested_and_single_points_give_none() -> None:
    t = trend(["2022JJ00", "2024JJ00"], [50.0, 52.0], uncertainty=Uncertainty.REGISTER)
    assert t is not None and t.test == "none" and t.significant is None
    assert trend(["2024JJ00"], [1.0], uncertainty=Uncertainty.POISSON) is None
