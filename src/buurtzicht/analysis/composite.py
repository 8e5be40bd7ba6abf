"""Composite index per theme (NL = 100) and how its ranking reacts to the weights.

Normalisation, following the Rotterdam Wijkprofiel / WODC approach: each component
becomes an index against the Netherlands, ``100 x value / NL value``; for components
where higher is better the index is mirrored around 100 (``200 - index``) so that above
100 always means worse than the country. The composite is the weighted mean of the
component indices with the catalog weights. The sensitivity report draws random weights
around the catalog weights and reports how far each region's rank moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from buurtzicht.analysis.store import query
from buurtzicht.indicators.loader import Catalog, default_catalog
from buurtzicht.indicators.model import Composite, Direction
from buurtzicht.regions.codes import NEDERLAND


def oriented_index(values: pd.Series, nl_value: float, direction: Direction) -> pd.Series:
    """Index with NL = 100, mirrored for higher-is-better so that > 100 is worse.

    >>> oriented_index(pd.Series([50.0, 150.0]), 100.0, Direction.HIGHER_IS_BETTER).tolist()
    [150.0, 50.0]
    """
    index = 100.0 * values / nl_value
    return 200.0 - index if direction is Direction.HIGHER_IS_BETTER else index


def composite_scores(indices: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Weighted mean of component indices per region; NaN where a component is missing.

    >>> idx = pd.DataFrame({"a": [100.0, 200.0], "b": [100.0, None]}, index=["X", "Y"])
    >>> composite_scores(idx, pd.Series({"a": 3.0, "b": 1.0})).tolist()
    [100.0, nan]
    """
    w = weights.reindex(indices.columns).astype(float)
    complete = indices.notna().all(axis=1)
    scores = (indices * w).sum(axis=1) / w.sum()
    return scores.where(complete)


@dataclass(frozen=True)
class CompositeResult:
    """Composite index of one level and period.

    Attributes
    ----------
    composite : catalog id
    period : CBS period code of the components
    indices : regions x components, oriented indices (NL = 100)
    scores : composite index per region
    ranks : 1 = highest index (worst)
    """

    composite: str
    period: str
    indices: pd.DataFrame
    scores: pd.Series
    ranks: pd.Series


@dataclass(frozen=True)
class SensitivityReport:
    """How ranks move when weights vary.

    Attributes
    ----------
    base_rank : rank with the catalog weights
    median_rank, p05_rank, p95_rank : over the random weight draws
    max_shift : largest absolute rank change over the draws
    mean_spearman : mean rank correlation of a draw with the base ranking
    drop_one_spearman : rank correlation with the base when a component is left out
    draws, spread, seed : how the weights were drawn
    """

    base_rank: pd.Series
    median_rank: pd.Series
    p05_rank: pd.Series
    p95_rank: pd.Series
    max_shift: pd.Series
    mean_spearman: float
    drop_one_spearman: dict[str, float]
    draws: int
    spread: float
    seed: int


def _ranks(scores: pd.Series) -> pd.Series:
    return scores.rank(ascending=False, method="min")


def sensitivity(
    indices: pd.DataFrame,
    weights: pd.Series,
    *,
    draws: int = 500,
    spread: float = 0.5,
    seed: int = 12345,
) -> SensitivityReport:
    """Rank stability under weights multiplied by independent U(1 - spread, 1 + spread).

    Only regions with all components are ranked. Inputs are not modified.

    Examples
    --------
    >>> idx = pd.DataFrame({"a": [300.0, 100.0, 50.0], "b": [290.0, 110.0, 60.0]},
    ...                    index=["X", "Y", "Z"])
    >>> rep = sensitivity(idx, pd.Series({"a": 1.0, "b": 1.0}), draws=50, seed=1)
    >>> rep.max_shift.tolist(), rep.mean_spearman
    ([0.0, 0.0, 0.0], 1.0)
    """
    complete = indices.dropna()
    w = weights.reindex(complete.columns).astype(float)
    base = _ranks(composite_scores(complete, w))
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(draws, len(w)))
    rank_draws: NDArray[np.float64] = np.empty((draws, len(complete)))
    rhos = []
    for n in range(draws):
        ranks = _ranks(composite_scores(complete, w * factors[n]))
        rank_draws[n] = ranks.to_numpy()
        rhos.append(_spearman(base, ranks))
    drop_one = {}
    for column in complete.columns:
        rest = complete.drop(columns=column)
        drop_one[column] = _spearman(base, _ranks(composite_scores(rest, w.drop(column))))
    shift = np.abs(rank_draws - base.to_numpy()).max(axis=0)
    as_series = lambda a: pd.Series(a, index=complete.index)  # noqa: E731
    return SensitivityReport(
        base,
        as_series(np.median(rank_draws, axis=0)),
        as_series(np.percentile(rank_draws, 5, axis=0)),
        as_series(np.percentile(rank_draws, 95, axis=0)),
        as_series(shift),
        float(np.mean(rhos)),
        drop_one,
        draws,
        spread,
        seed,
    )


def _spearman(a: pd.Series, b: pd.Series) -> float:
    if len(a) < 3:
        return 1.0
    rho = stats.spearmanr(a.to_numpy(), b.reindex(a.index).to_numpy()).statistic
    return float(rho) if np.isfinite(rho) else 1.0


def composite_index(
    conn: duckdb.DuckDBPyConnection,
    composite_id: str,
    level: str,
    period: str | None = None,
    *,
    catalog: Catalog | None = None,
) -> CompositeResult:
    """The composite for every region of ``level`` (newest common period by default)."""
    catalog = catalog or default_catalog()
    comp: Composite = catalog.composite(composite_id)
    ids = [c.indicator for c in comp.components]
    rows = query(
        conn,
        "SELECT indicator, region, level, period, indeling, value FROM indicator_values "
        "WHERE indicator IN (SELECT unnest(?::VARCHAR[])) AND value IS NOT NULL "
        "AND (level = ? OR region = ?)",
        [ids, level, NEDERLAND],
    )
    if period is not None and len(period) == 4:
        period = f"{period}JJ00"
    if period is None:
        common = rows.groupby("indicator")["period"].apply(set)
        shared = set.intersection(*common) if len(common) == len(ids) else set()
        period = max(shared) if shared else str(rows["period"].max())
    rows = rows[rows["period"] == period]
    rows = rows[rows["indeling"] == rows["indeling"].max()] if len(rows) else rows
    wide = rows[rows["level"] == level].pivot(index="region", columns="indicator", values="value")
    nl = rows[rows["region"] == NEDERLAND].set_index("indicator")["value"]
    indices = pd.DataFrame(index=wide.index)
    for ind_id in ids:
        if ind_id in wide and ind_id in nl and nl[ind_id]:
            direction = catalog.get(ind_id).direction
            indices[ind_id] = oriented_index(wide[ind_id], float(nl[ind_id]), direction)
        else:
            indices[ind_id] = np.nan
    weights = pd.Series({c.indicator: c.weight for c in comp.components})
    scores = composite_scores(indices, weights)
    return CompositeResult(comp.id, str(period), indices, scores, _ranks(scores.dropna()))
