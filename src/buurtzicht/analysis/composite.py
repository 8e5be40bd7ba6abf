"""Composite index per theme (NL = 100) and how its ranking reacts to the weights.

Normalisation, following the Rotterdam Wijkprofiel / WODC approach: each component
becomes an index against the Netherlands, ``100 x value / NL value``; for components
where higher is better the index is mirrored around 100 (``200 - index``) so that above
100 always means worse than the country. The composite is the weighted mean of the
component indices with the catalog weights. The sensitivity report draws random weights
around the catalog weights and reports how far each region's rank moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from buurtzicht.analysis.connection import cached, figures_catalog, with_figures
from buurtzicht.indicators.model import Composite, Direction
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import level_and_nl
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
    values : regions x components, the components' own figures
    nl_values : the components' NL figures
    indeling : the indeling the figures are read in
    """

    composite: str
    period: str
    indices: pd.DataFrame
    scores: pd.Series
    ranks: pd.Series
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    nl_values: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    indeling: int | None = None


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


#: How the sensitivity report draws weights unless told otherwise.
DRAWS, SPREAD, SEED = 500, 0.5, 12345


def _ranks(scores: pd.Series) -> pd.Series:
    return scores.rank(ascending=False, method="min")


def sensitivity(
    indices: pd.DataFrame,
    weights: pd.Series,
    *,
    draws: int = DRAWS,
    spread: float = SPREAD,
    seed: int = SEED,
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
    # All draws at once: regions x draws scores, ranked per draw (1 = highest, ties 'min').
    drawn_weights = factors * w.to_numpy()
    scores = complete.to_numpy() @ drawn_weights.T / drawn_weights.sum(axis=1)
    rank_draws: NDArray[np.float64] = stats.rankdata(-scores, method="min", axis=0).T
    rhos = _spearman_columns(base.to_numpy(), rank_draws.T)
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
        float(np.mean(rhos)) if len(rhos) else 1.0,
        drop_one,
        draws,
        spread,
        seed,
    )


def _spearman_columns(base: NDArray[np.float64], ranks: NDArray[np.float64]) -> NDArray[np.float64]:
    """Spearman correlation of ``base`` with every column of ``ranks`` (1.0 where it is
    undefined: fewer than 3 regions or a constant ranking), as :func:`_spearman`."""
    if len(base) < 3:
        return np.ones(ranks.shape[1])
    a = stats.rankdata(base)
    b = stats.rankdata(ranks, axis=0)
    a, b = a - a.mean(), b - b.mean(axis=0)
    denominator = np.sqrt((a**2).sum() * (b**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (a @ b) / denominator
    return np.where(np.isfinite(rho), rho, 1.0)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    if len(a) < 3:
        return 1.0
    rho = stats.spearmanr(a.to_numpy(), b.reindex(a.index).to_numpy()).statistic
    return float(rho) if np.isfinite(rho) else 1.0


def _component_rows(
    conn: duckdb.DuckDBPyConnection, ids: list[str], level: str, period: str | None = None
) -> pd.DataFrame:
    return level_and_nl(with_figures(conn), ids, level, period)


def _from_rows(
    rows: pd.DataFrame, comp: Composite, period: str, catalog: Catalog
) -> CompositeResult:
    """The composite of one period from component rows of one level plus NL."""
    ids = [c.indicator for c in comp.components]
    rows = rows[rows["period"] == period]
    rows = rows[rows["indeling"] == rows["indeling"].max()] if len(rows) else rows
    level_rows = rows[rows["region"] != NEDERLAND]
    wide = level_rows.pivot(index="region", columns="indicator", values="value")
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
    indeling = int(rows["indeling"].max()) if len(rows) else None
    return CompositeResult(
        comp.id,
        str(period),
        indices,
        scores,
        _ranks(scores.dropna()),
        values=wide.reindex(columns=ids),
        nl_values=nl.reindex(ids),
        indeling=indeling,
    )


def common_periods(rows: pd.DataFrame, ids: list[str]) -> list[str]:
    """Periods in which every component has a figure for NL and for a region of the level.

    >>> rows = pd.DataFrame({"indicator": ["a", "a", "b", "b", "b"],
    ...                      "region": ["NL01", "GM1", "NL01", "GM1", "GM1"],
    ...                      "period": ["2023JJ00"] * 4 + ["2024JJ00"]})
    >>> common_periods(rows, ["a", "b"])
    ['2023JJ00']
    """
    if rows.empty:
        return []
    nl = rows["region"] == NEDERLAND
    sets = []
    for ind_id in ids:
        own = rows[rows["indicator"] == ind_id]
        sets.append(set(own.loc[~nl, "period"]) & set(own.loc[nl, "period"]))
    return sorted(set.intersection(*sets)) if sets else []


def composite_index(
    conn: duckdb.DuckDBPyConnection,
    composite_id: str,
    level: str,
    period: str | None = None,
    *,
    catalog: Catalog | None = None,
) -> CompositeResult:
    """The composite for every region of ``level`` (newest common period by default)."""
    catalog = catalog or figures_catalog(conn)
    comp: Composite = catalog.composite(composite_id)
    ids = [c.indicator for c in comp.components]
    if period is not None and len(period) == 4:
        period = f"{period}JJ00"
    rows = _component_rows(conn, ids, level, period)
    if period is None:
        shared = common_periods(rows, ids)
        period = shared[-1] if shared else str(rows["period"].max())
    return _from_rows(rows, comp, period, catalog)


#: Status of a region that has some components of a composite but not all.
INCOMPLETE = "incomplete"


def composite_values_frame(
    conn: duckdb.DuckDBPyConnection,
    levels: tuple[str, ...] = ("gemeente", "wijk", "buurt"),
    *,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Every composite of the catalog in the long shape of ``indicator_values``.

    One row per composite, region, level and period in which all components have an NL
    figure; NL itself is 100. A region with some components but not all has a NULL value
    with status ``incomplete``. What the map and the API read as the composite's figures.
    """
    catalog = catalog or figures_catalog(conn)
    frames = []
    for comp in catalog.composites:
        ids = [c.indicator for c in comp.components]
        for level in levels:
            rows = _component_rows(conn, ids, level)
            for period in common_periods(rows, ids):
                result = _from_rows(rows, comp, period, catalog)
                part = pd.DataFrame(
                    {"region": result.scores.index.astype(str), "value": result.scores.values}
                )
                part["status"] = np.where(part["value"].notna(), "ok", INCOMPLETE)
                part = pd.concat(
                    [part, pd.DataFrame({"region": [NEDERLAND], "value": [100.0], "status": "ok"})]
                )
                part["indicator"], part["level"], part["period"] = comp.id, level, period
                part["indeling"] = result.indeling
                frames.append(part)
    columns = ["indicator", "region", "level", "period", "indeling", "value", "status"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    # NL appears once per level; one row per period is enough.
    return out.drop_duplicates(["indicator", "region", "period", "indeling"])


#: Name of the relation :func:`ensure_composite_values` registers.
COMPOSITE_VIEW = "composite_values"


def ensure_composite_values(conn: duckdb.DuckDBPyConnection) -> None:
    """Make ``composite_values`` queryable on ``conn`` (computed once per connection)."""

    def register() -> bool:
        conn.register(COMPOSITE_VIEW, composite_values_frame(conn))
        return True

    cached(conn, ("composite_values",), register)


@dataclass(frozen=True)
class RegionReport:
    """One region in the sensitivity report: its index, rank and how far the rank moves."""

    region: str
    index: float
    rank: int
    rank_p05: float
    rank_p95: float
    max_shift: float


def report_rows(result: CompositeResult, report: SensitivityReport) -> list[RegionReport]:
    """Regions with an index, highest (worst) first, with their rank band over the draws."""
    scored = result.scores.dropna().sort_values(ascending=False)
    base, p05, p95 = (
        report.base_rank.to_dict(),
        report.p05_rank.to_dict(),
        report.p95_rank.to_dict(),
    )
    shift = report.max_shift.to_dict()
    return [
        RegionReport(
            str(code),
            float(score),
            int(base[code]),
            float(p05[code]),
            float(p95[code]),
            float(shift[code]),
        )
        for code, score in scored.items()
    ]
