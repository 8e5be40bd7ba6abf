"""Small-area reliability: Poisson intervals, Empirical Bayes smoothing, a flag.

A buurt with 40 inhabitants and 3 burglaries has 75 burglaries per 1,000 inhabitants,
far above any city; that is chance, not a hotspot. This module says how uncertain a
rate is (exact Poisson interval), gives a rate shrunk towards the overall mean in
proportion to that uncertainty (Empirical Bayes, Marshall 1991) and turns both into the
flag the dashboard shows: ``betrouwbaar``, ``indicatief`` or ``onbetrouwbaar``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]


class Reliability(StrEnum):
    """The flag the UI shows next to a figure."""

    BETROUWBAAR = "betrouwbaar"
    INDICATIEF = "indicatief"
    ONBETROUWBAAR = "onbetrouwbaar"


#: Relative half-width of the exact 95% interval up to which a rate is reliable /
#: indicative: 20% needs 102 events or more, 50% needs 18 or more.
RELIABLE_REL_HALF_WIDTH = 0.20
INDICATIVE_REL_HALF_WIDTH = 0.50
#: Survey margins (percentage points) up to which a Veiligheidsmonitor figure is
#: reliable / indicative.
RELIABLE_MARGIN_POINTS = 3.0
INDICATIVE_MARGIN_POINTS = 6.0
#: A register figure on fewer units than this (inhabitants, dwellings) is indicative.
REGISTER_MIN_BASE = 50.0


def poisson_ci(
    count: ArrayLike, *, alpha: float = 0.05, method: str = "exact"
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for the mean of a Poisson count.

    Parameters
    ----------
    count : array_like
        Observed counts (>= 0). Non-integer counts (e.g. CBS rounding) are allowed.
    alpha : float
        1 - confidence level.
    method : {"exact", "byar"}
        ``exact``: Garwood (1936) interval from the chi-square distribution.
        ``byar``: Byar's approximation (Breslow & Day 1987), close to exact for
        counts above about 10.

    Returns
    -------
    (low, high) : tuple of ndarray

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28.
    Breslow, N.E., Day, N.E. (1987). Statistical Methods in Cancer Research II. IARC.

    Examples
    --------
    >>> low, high = poisson_ci([0, 10])
    >>> [round(float(x), 3) for x in low], [round(float(x), 3) for x in high]
    ([0.0, 4.795], [3.689, 18.39])
    """
    k = np.asarray(count, dtype=float)
    if np.any(k < 0):
        raise ValueError("counts must be >= 0")
    if method == "exact":
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    elif method == "byar":
        z = stats.norm.ppf(1 - alpha / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            low = np.where(k > 0, k * (1 - 1 / (9 * k) - z / (3 * np.sqrt(k))) ** 3, 0.0)
        k1 = k + 1
        high = k1 * (1 - 1 / (9 * k1) + z / (3 * np.sqrt(k1))) ** 3
    else:
        raise ValueError(f"method must be 'exact' or 'byar', not {method!r}")
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


@dataclass(frozen=True)
class EmpiricalBayes:
    """Result of :func:`empirical_bayes`.

    Attributes
    ----------
    raw : ndarray
        Crude rates e / b.
    smoothed : ndarray
        Empirical Bayes rates, shrunk towards ``mean`` where ``b`` is small.
    weight : ndarray
        Shrinkage weight of the crude rate (1 = own rate, 0 = overall mean).
    mean : float
        Overall rate sum(e) / sum(b).
    variance : float
        Estimated between-area variance of the true rates (clipped at 0).
    """

    raw: FloatArray
    smoothed: FloatArray
    weight: FloatArray
    mean: float
    variance: float


def empirical_bayes(events: ArrayLike, base: ArrayLike) -> EmpiricalBayes:
    """Global Empirical Bayes smoothing of rates (Marshall 1991, method of moments).

    The smoothed rate is ``w r + (1 - w) m`` with ``w = A / (A + m / b)``, ``m`` the
    overall rate and ``A`` the between-area variance ``sum(b (r - m)^2) / sum(b) - m /
    mean(b)``. Equal to ``esda.smoothing.Empirical_Bayes`` when ``A > 0``; where ``A``
    is negative (all variation is chance) it is set to 0 and every area gets ``m``.
    Inputs are not modified.

    References
    ----------
    Marshall, R.J. (1991). Mapping disease and mortality rates using empirical Bayes
    estimators. Applied Statistics 40(2), 283-294.

    Examples
    --------
    >>> eb = empirical_bayes([3, 100, 50], [40, 10_000, 10_000])
    >>> round(float(eb.raw[0]), 4), round(float(eb.smoothed[0]), 4), round(eb.mean, 4)
    (0.075, 0.0123, 0.0076)
    """
    e = np.asarray(events, dtype=float)
    b = np.asarray(base, dtype=float)
    if e.shape != b.shape:
        raise ValueError("events and base must have the same shape")
    if np.any(b <= 0):
        raise ValueError("base (population at risk) must be > 0")
    r = e / b
    m = float(e.sum() / b.sum())
    variance = float((b * (r - m) ** 2).sum() / b.sum() - m / b.mean())
    variance = max(variance, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(variance > 0, variance / (variance + m / b), 0.0)
    return EmpiricalBayes(r, w * r + (1 - w) * m, w, m, variance)


def grouped_empirical_bayes(
    events: pd.Series, base: pd.Series, by: list[pd.Series], *, min_areas: int = 3
) -> pd.Series:
    """:func:`empirical_bayes` within each group at once (vectorised); NaN for groups of
    fewer than ``min_areas`` areas, where no between-area variance can be estimated.

    >>> e = pd.Series([3.0, 100.0, 50.0, 1.0]); b = pd.Series([40.0, 1e4, 1e4, 10.0])
    >>> out = grouped_empirical_bayes(e, b, [pd.Series(["a", "a", "a", "b"])])
    >>> [round(float(x), 4) for x in out[:3]], bool(np.isnan(out[3]))
    ([0.0123, 0.0099, 0.0051], True)
    """
    e = events.astype(float)
    b = base.astype(float).where(base > 0)
    groups = e.groupby(by, sort=False)
    n = groups.transform("count")
    m = groups.transform("sum") / b.groupby(by, sort=False).transform("sum")
    r = e / b
    spread = (b * (r - m) ** 2).groupby(by, sort=False).transform("sum")
    variance = spread / b.groupby(by, sort=False).transform("sum")
    variance = (variance - m / b.groupby(by, sort=False).transform("mean")).clip(lower=0)
    weight = (variance / (variance + m / b)).where(variance > 0, 0.0)
    smoothed = weight * r + (1 - weight) * m
    return smoothed.where(n >= min_areas)


def poisson_reliability(count: ArrayLike, *, alpha: float = 0.05) -> NDArray[np.str_]:
    """Flag per count from the relative half-width of its exact interval.

    >>> poisson_reliability([0, 5, 30, 400]).tolist()
    ['onbetrouwbaar', 'onbetrouwbaar', 'indicatief', 'betrouwbaar']
    """
    k = np.asarray(count, dtype=float)
    low, high = poisson_ci(k, alpha=alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(k > 0, (high - low) / 2 / k, np.inf)
    return _flag(rel, RELIABLE_REL_HALF_WIDTH, INDICATIVE_REL_HALF_WIDTH)


def margin_reliability(low: ArrayLike, high: ArrayLike) -> NDArray[np.str_]:
    """Flag per survey figure from its published 95% margins (percentage points).

    >>> margin_reliability([40.0, 40.0], [44.0, 54.0]).tolist()
    ['betrouwbaar', 'onbetrouwbaar']
    """
    half = (np.asarray(high, dtype=float) - np.asarray(low, dtype=float)) / 2
    half = np.where(np.isnan(half), np.inf, half)
    return _flag(half, RELIABLE_MARGIN_POINTS, INDICATIVE_MARGIN_POINTS)


def register_reliability(base: ArrayLike) -> NDArray[np.str_]:
    """Flag for full register counts: only a tiny base makes a share indicative.

    >>> register_reliability([10.0, 5000.0]).tolist()
    ['indicatief', 'betrouwbaar']
    """
    b = np.asarray(base, dtype=float)
    flags = np.where(b < REGISTER_MIN_BASE, Reliability.INDICATIEF.value, "betrouwbaar")
    return np.asarray(flags, dtype=str)


def _flag(spread: NDArray[np.float64], reliable: float, indicative: float) -> NDArray[np.str_]:
    out = np.full(spread.shape, Reliability.ONBETROUWBAAR.value, dtype=object)
    out[spread <= indicative] = Reliability.INDICATIEF.value
    out[spread <= reliable] = Reliability.BETROUWBAAR.value
    return np.asarray(out, dtype=str)
