"""Trends on harmonised series: change, fitted slope and whether it is beyond chance.

Series use figures on one indeling (normally the newest: earlier years converted to the
2024 boundaries by the warehouse's harmonisation), so that a herindeling is not read as
a change. For counts the first and last year are compared with the exact conditional
test for two Poisson rates; for survey figures with published margins a z-test on the
margins; register figures (full counts without sampling) are not tested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from buurtzicht.indicators.formula import Uncertainty


@dataclass(frozen=True)
class TrendResult:
    """Change between the first and last period of a series.

    Attributes
    ----------
    first_period, last_period : CBS period codes
    first_value, last_value : the figures
    change : last - first (in the indicator's unit)
    change_pct : relative change in percent (None when first is 0)
    slope : least-squares slope per year over all points
    n_points : number of periods in the series
    p_value : of the test, None when not tested
    test : ``poisson_exact``, ``margins_z`` or ``none``
    significant : p_value < alpha (None when not tested)
    """

    first_period: str
    last_period: str
    first_value: float
    last_value: float
    change: float
    change_pct: float | None
    slope: float | None
    n_points: int
    p_value: float | None
    test: str
    significant: bool | None


def poisson_rate_test(count1: float, base1: float, count2: float, base2: float) -> float:
    """Two-sided exact p-value that two Poisson rates are equal.

    Conditional on the total ``n = k1 + k2``, ``k2`` is binomial with
    ``p = b2 / (b1 + b2)`` under equal rates (Przyborowski & Wilenski 1940). The
    two-sided p-value doubles the smaller exact tail (capped at 1), which stays fast for
    the hundreds of thousands of crimes of a large gemeente.

    References
    ----------
    Przyborowski, J., Wilenski, H. (1940). Homogeneity of results in testing samples
    from Poisson series. Biometrika 31. Gu, K. et al. (2008). Testing the ratio of two
    Poisson rates. Biometrical Journal 50(2).

    Examples
    --------
    >>> round(poisson_rate_test(100, 10_000, 100, 10_000), 3)
    1.0
    >>> poisson_rate_test(100, 10_000, 160, 10_000) < 0.001
    True
    """
    k1, k2 = round(count1), round(count2)
    if k1 + k2 == 0:
        return 1.0
    n, p = k1 + k2, base2 / (base1 + base2)
    tail = min(stats.binom.cdf(k2, n, p), stats.binom.sf(k2 - 1, n, p))
    return float(min(1.0, 2.0 * tail))


def margins_z_test(
    value1: float, low1: float, high1: float, value2: float, low2: float, high2: float
) -> float:
    """Two-sided p-value for a difference of two survey figures with 95% margins.

    >>> round(margins_z_test(40, 38, 42, 44, 42, 46), 4)
    0.0056
    """
    z95 = stats.norm.ppf(0.975)
    se1, se2 = (high1 - low1) / (2 * z95), (high2 - low2) / (2 * z95)
    se = math.hypot(se1, se2)
    if se == 0:
        return 0.0 if value1 != value2 else 1.0
    return float(2 * stats.norm.sf(abs(value2 - value1) / se))


def slope_per_year(years: ArrayLike, values: ArrayLike) -> float | None:
    """Ordinary least-squares slope of values on years.

    >>> slope_per_year([2020, 2021, 2022], [10.0, 12.0, 14.0])
    2.0
    """
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    if x.size < 2 or np.ptp(x) == 0:
        return None
    dx = x - x.mean()
    return float((dx * (y - y.mean())).sum() / (dx**2).sum())


def trend(
    periods: list[str],
    values: list[float],
    *,
    uncertainty: Uncertainty,
    numerators: list[float] | None = None,
    denominators: list[float] | None = None,
    ci_low: list[float] | None = None,
    ci_high: list[float] | None = None,
    alpha: float = 0.05,
) -> TrendResult | None:
    """Trend of one series (sorted by period); None with fewer than two figures.

    >>> t = trend(["2018JJ00", "2024JJ00"], [5.0, 8.0], uncertainty=Uncertainty.POISSON,
    ...           numerators=[50, 80], denominators=[10_000, 10_000])
    >>> t.change, round(t.change_pct, 1), t.test, t.significant
    (3.0, 60.0, 'poisson_exact', True)
    """
    if len(values) < 2:
        return None
    first, last = values[0], values[-1]
    p_value: float | None = None
    test = "none"
    if uncertainty is Uncertainty.POISSON and numerators and denominators:
        if None not in (numerators[0], numerators[-1], denominators[0], denominators[-1]):
            p_value = poisson_rate_test(
                numerators[0], denominators[0], numerators[-1], denominators[-1]
            )
            test = "poisson_exact"
    elif uncertainty is Uncertainty.MARGINS and ci_low and ci_high:
        bounds = (ci_low[0], ci_high[0], ci_low[-1], ci_high[-1])
        if all(b is not None and not math.isnan(b) for b in bounds):
            p_value = margins_z_test(first, bounds[0], bounds[1], last, bounds[2], bounds[3])
            test = "margins_z"
    years = [int(p[:4]) for p in periods]
    return TrendResult(
        first_period=periods[0],
        last_period=periods[-1],
        first_value=float(first),
        last_value=float(last),
        change=float(last - first),
        change_pct=None if first == 0 else float(100 * (last - first) / first),
        slope=slope_per_year(years, values),
        n_points=len(values),
        p_value=p_value,
        test=test,
        significant=None if p_value is None else bool(p_value < alpha),
    )
