"""Rank and percentile of a region within its level.

Rankings use the Empirical Bayes rate where there is one, so that a small buurt with a
handful of incidents cannot top a list on chance alone; the crude value stays what the
dashboard shows as the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GROUP = ["indicator", "level", "period", "indeling"]

#: No rank where a region shares its figure with at least this share of the regions
#: ranked: "rank 1 of 12,570" for a 0 that every published buurt has (the buurten with
#: cases being suppressed) says nothing about the region and reads as "the highest".
TIED_SHARE = 0.5
#: Figures are ranked to this many significant digits: DuckDB sums in parallel, so two
#: builds of the same sources can differ in the last bits (1e-15) and equal figures would
#: otherwise swap ranks from one build to the next.
RANK_DIGITS = 12


def settled(values: pd.Series, digits: int = RANK_DIGITS) -> pd.Series:
    """``values`` to ``digits`` significant digits, so that summation noise ties.

    >>> settled(pd.Series([0.1 + 0.2, 0.3, 1234.5678901234567, 0.0, None])).tolist()
    [0.3, 0.3, 1234.56789012, 0.0, nan]
    """
    x = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(x)))
    exponent = np.where(np.isfinite(exponent), exponent, 0.0)
    scale = 10.0 ** (digits - 1 - exponent)
    return pd.Series(np.round(x * scale) / scale, index=values.index)


def rank_within(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rank (1 = highest), number ranked and percentile (0 lowest .. 100 highest).

    Ties share the best rank. NaN values are not ranked.

    >>> r, n, p = rank_within(pd.Series([10.0, 30.0, 20.0, None]))
    >>> r.tolist()[:3], int(n.iloc[0]), p.tolist()[:3]
    ([3.0, 1.0, 2.0], 3, [0.0, 100.0, 50.0])
    """
    n = int(values.notna().sum())
    values = settled(values)
    rank = values.rank(ascending=False, method="min")
    below = values.rank(ascending=True, method="min") - 1
    percentile = 100.0 * below / (n - 1) if n > 1 else pd.Series(np.nan, index=values.index)
    return rank, pd.Series(n, index=values.index), percentile


def add_ranks(frame: pd.DataFrame, *, exclude: pd.Series | None = None) -> pd.DataFrame:
    """Add ``rank``, ``n_ranked`` and ``percentile`` per indicator, level, period, indeling.

    Ranks ``eb_value`` where present, else ``value``. Rows flagged in ``exclude``
    (buitenland, onbekend, water) get no rank, nor do regions whose figure at least
    :data:`TIED_SHARE` of the ranked regions share. Returns a new frame.
    """
    out = frame.copy()
    key = settled(out["eb_value"].where(out["eb_value"].notna(), out["value"]))
    if exclude is not None:
        key = key.mask(exclude.to_numpy())
    groups = [out[c] for c in GROUP]
    grouped = key.groupby(groups, dropna=False)
    n = grouped.transform("count")
    tied = key.groupby([*groups, key], dropna=False).transform("size").where(key.notna())
    informative = ~((n > 1) & (tied >= TIED_SHARE * n))
    rank = grouped.rank(ascending=False, method="min")
    below = grouped.rank(ascending=True, method="min") - 1
    out["rank"] = rank.where(informative)
    out["n_ranked"] = n.where(out["rank"].notna())
    out["percentile"] = (100.0 * below / (n - 1)).where((n > 1) & informative)
    return out
