"""Hotspots: Getis-Ord Gi* and Local Moran's I with permutation p-values and FDR.

Both statistics come from PySAL esda; this module fixes the choices the dashboard
depends on (binary weights with the region itself for Gi*, row-standardised weights for
Moran, a seed, Benjamini-Hochberg over the
folded permutation p-values) and turns the result into classes a map can show:
``hot``, ``cold``, ``high-low``, ``low-high`` or ``not significant``.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from enum import StrEnum

import esda
import numpy as np
from libpysal.weights import W
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


class HotspotClass(StrEnum):
    HOT = "hot"
    COLD = "cold"
    HIGH_LOW = "high-low"
    LOW_HIGH = "low-high"
    NOT_SIGNIFICANT = "not significant"


@dataclass(frozen=True)
class HotspotResult:
    """Result of :func:`getis_ord` or :func:`local_moran`.

    Attributes
    ----------
    ids : region codes in the order of the input
    statistic : Gi* or local I per region
    z : standardised statistic (analytical for Gi*, against permutations for Moran)
    p_sim : one-sided p-value tested with FDR: the pseudo p-value from the
        permutations, or the normal p-value of ``z`` when ``inference`` is analytical
    significant : rejected after Benjamini-Hochberg at ``alpha``
    labels : :class:`HotspotClass` value per region
    method, alpha, permutations, seed, inference : how it was computed
    """

    ids: tuple[str, ...]
    statistic: FloatArray
    z: FloatArray
    p_sim: FloatArray
    significant: NDArray[np.bool_]
    labels: tuple[str, ...]
    method: str
    alpha: float
    permutations: int
    seed: int
    inference: str = "permutation"

    def count(self, label: HotspotClass | str) -> int:
        return sum(1 for lab in self.labels if lab == str(label))


def benjamini_hochberg(p_values: ArrayLike, alpha: float = 0.05) -> NDArray[np.bool_]:
    """Which hypotheses are rejected at false discovery rate ``alpha``.

    References
    ----------
    Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57.

    Examples
    --------
    >>> benjamini_hochberg([0.001, 0.01, 0.03, 0.04, 0.5], alpha=0.05).tolist()
    [True, True, True, True, False]
    >>> benjamini_hochberg([0.04, 0.5], alpha=0.05).tolist()
    [False, False]
    """
    p = np.asarray(p_values, dtype=float)
    n = p.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p)
    passed = p[order] <= alpha * np.arange(1, n + 1) / n
    reject = np.zeros(n, dtype=bool)
    if passed.any():
        k = int(np.nonzero(passed)[0].max())
        reject[order[: k + 1]] = True
    return reject


def _prepared(y: ArrayLike, w: W) -> tuple[FloatArray, W]:
    values = np.asarray(y, dtype=float)
    if values.shape != (w.n,):
        raise ValueError(f"y has {values.size} values, weights have {w.n} regions")
    if not np.isfinite(values).all():
        raise ValueError("y has missing values; drop those regions from y and w first")
    w = copy.deepcopy(w)  # esda row-standardises in place; never touch the caller's W
    return values, w


def getis_ord(
    y: ArrayLike,
    w: W,
    *,
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
    inference: str = "permutation",
) -> HotspotResult:
    """Getis-Ord Gi* (the region itself included) with FDR-controlled classes.

    A region is ``hot`` when the weighted sum of it and its neighbours is significantly
    high, ``cold`` when significantly low. ``inference="analytical"`` tests the z-score
    against the normal distribution (Ord & Getis 1995) instead of permutations: with
    thousands of buurten, Benjamini-Hochberg needs p-values far below the smallest that
    999 permutations can give (1/1000), and Gi* is asymptotically normal.

    References
    ----------
    Getis, A., Ord, J.K. (1992). The analysis of spatial association by use of distance
    statistics. Geographical Analysis 24(3). Ord, J.K., Getis, A. (1995). Local spatial
    autocorrelation statistics. Geographical Analysis 27(4).

    Examples
    --------
    >>> from libpysal.weights import lat2W
    >>> y = np.random.default_rng(0).normal(10, 1, (10, 10))
    >>> y[:3, :3] += 4  # a planted cluster in one corner
    >>> res = getis_ord(y.ravel(), lat2W(10, 10), seed=1)
    >>> res.labels[11], res.labels[99], res.count("hot")
    ('hot', 'not significant', 5)
    """
    if inference not in ("permutation", "analytical"):
        raise ValueError(f"inference must be 'permutation' or 'analytical', not {inference!r}")
    analytical = inference == "analytical"
    values, w = _prepared(y, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # esda's future default notice
        g = esda.G_Local(
            values,
            w,
            transform="B",
            permutations=0 if analytical else permutations,
            star=True,
            seed=seed,
            n_jobs=1,
            keep_simulations=False,
        )
    p_values = np.asarray(g.p_norm if analytical else g.p_sim, dtype=float)
    significant = benjamini_hochberg(p_values, alpha)
    labels = np.where(
        significant,
        np.where(g.Zs > 0, HotspotClass.HOT, HotspotClass.COLD),
        HotspotClass.NOT_SIGNIFICANT,
    )
    return HotspotResult(
        tuple(w.id_order),
        np.asarray(g.Gs, dtype=float),
        np.asarray(g.Zs, dtype=float),
        p_values,
        significant,
        tuple(str(x) for x in labels),
        "getis_ord_gi_star",
        alpha,
        0 if analytical else permutations,
        seed,
        inference,
    )


_QUADRANT = {
    1: HotspotClass.HOT,
    2: HotspotClass.LOW_HIGH,
    3: HotspotClass.COLD,
    4: HotspotClass.HIGH_LOW,
}


def local_moran(
    y: ArrayLike, w: W, *, permutations: int = 999, seed: int = 12345, alpha: float = 0.05
) -> HotspotResult:
    """Local Moran's I with FDR-controlled cluster and outlier classes.

    Quadrants: high value among high neighbours -> ``hot``, low among low -> ``cold``,
    high among low -> ``high-low`` (outlier), low among high -> ``low-high``.

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association - LISA. Geographical
    Analysis 27(2).

    Examples
    --------
    >>> from libpysal.weights import lat2W
    >>> w = lat2W(5, 5)
    >>> y = np.ones(25); y[12] = 10.0
    >>> res = local_moran(y, w, permutations=199, seed=1)
    >>> res.labels[12] in ("high-low", "not significant")
    True
    """
    values, w = _prepared(y, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lisa = esda.Moran_Local(
            values,
            w,
            transformation="r",
            permutations=permutations,
            seed=seed,
            n_jobs=1,
            keep_simulations=False,
        )
    significant = benjamini_hochberg(lisa.p_sim, alpha)
    labels = [
        str(_QUADRANT[int(q)]) if s else str(HotspotClass.NOT_SIGNIFICANT)
        for q, s in zip(lisa.q, significant, strict=True)
    ]
    return HotspotResult(
        tuple(w.id_order),
        np.asarray(lisa.Is, dtype=float),
        np.asarray(lisa.z_sim, dtype=float),
        np.asarray(lisa.p_sim, dtype=float),
        significant,
        tuple(labels),
        "local_moran",
        alpha,
        permutations,
        seed,
    )


def gi_star_z(y: ArrayLike, w: W) -> FloatArray:
    """Analytical Gi* z-scores with binary weights including the region itself.

    ``z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n W2_i - W_i^2) / (n - 1)))`` with
    ``W_i = sum_j w_ij``, ``W2_i = sum_j w_ij^2`` and ``S`` the population standard
    deviation (Ord & Getis 1995, eq. 14-15). Used as a hand-checkable reference.

    Examples
    --------
    >>> from libpysal.weights import lat2W
    >>> y = np.arange(9.0)
    >>> round(float(gi_star_z(y, lat2W(3, 3))[8]), 4)
    2.0656
    """
    x = np.asarray(y, dtype=float)
    n = x.size
    full, _ = w.full()
    binary = (np.asarray(full) > 0).astype(float) + np.eye(n)
    wi = binary.sum(axis=1)
    w2 = (binary**2).sum(axis=1)
    s = x.std()
    return (binary @ x - x.mean() * wi) / (s * np.sqrt((n * w2 - wi**2) / (n - 1)))
