"""The children of a region (wijken of a gemeente, buurten of a wijk) that deviate most
from the Netherlands, per theme, with their reliability taken into account.

A buurt of 40 inhabitants with 3 burglaries has a rate far above any city; that is
chance, not a finding. So a child's deviation is measured conservatively:

* figures flagged ``onbetrouwbaar`` are left out, and so are ``indicatief`` figures
  without an interval (register figures on a tiny base);
* where a figure has a 95% interval (Poisson counts, survey margins), the deviation is
  the distance from NL to the *nearest* end of the interval, zero when the interval
  holds NL: a tiny buurt with a huge interval cannot top the list;
* otherwise the Empirical Bayes rate is used where there is one, else the figure.

Deviations are compared across indicators as ``|ln(conservative / NL)|`` (a factor 2
above and a factor 2 below NL weigh the same). Counts (inhabitants) are not compared
with NL. Per theme the ``limit`` children with the largest deviation are listed, each
with the indicator on which it deviates most.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from buurtzicht.analysis.connection import figures_catalog, with_figures
from buurtzicht.indicators.formula import PublishedAs
from buurtzicht.indicators.model import Indicator
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import CHILD_LEVEL, children_figures
from buurtzicht.queries.regions import region_info


class DeviatingChild(BaseModel):
    """One child and the indicator on which it deviates most from NL within a theme."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    level: str
    indicator: str
    period: str
    value: float
    nl_value: float
    index: float  # 100 * value / NL
    ci_low: float | None
    ci_high: float | None
    reliability: str | None
    deviation: float  # |ln(conservative / NL)|, see the module docstring
    direction: str  # "above" or "below" NL
    suppressed_children: int  # children of the theme's indicators without a figure


class ThemeDeviations(BaseModel):
    """Per theme, the children that deviate most from NL (largest first)."""

    model_config = ConfigDict(frozen=True)

    theme: str
    children: list[DeviatingChild]


def comparable(indicator: Indicator) -> bool:
    """True for rates, shares and means; counts are not compared with NL."""
    formula = indicator.formula
    return formula.denominator is not None or formula.published_as is not PublishedAs.COUNT


def conservative(
    value: np.ndarray, nl: np.ndarray, low: np.ndarray, high: np.ndarray, eb: np.ndarray
) -> np.ndarray:
    """The figure as near to NL as its uncertainty allows (NL itself when the interval
    holds it); the Empirical Bayes rate without an interval, else the figure.

    >>> nan = float("nan")
    >>> conservative(np.array([30.0, 30.0, 5.0, 30.0]), np.array([10.0] * 4),
    ...              np.array([20.0, 5.0, 2.0, nan]), np.array([45.0, 80.0, 8.0, nan]),
    ...              np.array([nan, nan, nan, 25.0])).tolist()
    [20.0, 10.0, 8.0, 25.0]
    """
    has_interval = ~np.isnan(low) & ~np.isnan(high)
    point = np.where(np.isnan(eb), value, eb)
    bounded = np.where(low > nl, low, np.where(high < nl, high, nl))
    return np.where(has_interval, bounded, point)


def _children_values(
    conn: duckdb.DuckDBPyConnection, code: str, level: str, indeling: int, ids: list[str]
) -> pd.DataFrame:
    """Newest figure per (child, indicator) with NL of the same period."""
    return children_figures(with_figures(conn), code, level, indeling, ids)


def deviating_children(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    *,
    limit: int = 3,
    catalog: Catalog | None = None,
) -> list[ThemeDeviations]:
    """Per theme (catalog order), the ``limit`` children deviating most from NL.

    Empty for regions without children (buurten) or without children's figures. A
    build stores the answer for every region
    (:mod:`buurtzicht.analysis.deviations_table`); profiles read it from there.
    """
    catalog = catalog or figures_catalog(conn)
    info = region_info(conn, code)
    if info.level not in CHILD_LEVEL:
        return []
    indicators = {i.id: i for i in catalog.indicators if comparable(i)}
    rows = _children_values(conn, info.code, info.level, info.indeling, list(indicators))
    if rows.empty:
        return []
    out = []
    for loaded in catalog.themes:
        ids = {i.id for i in loaded.theme.indicators}
        children = _top(rows[rows["indicator"].isin(ids)], CHILD_LEVEL[info.level], limit)
        if children:
            out.append(ThemeDeviations(theme=loaded.theme.theme, children=children))
    return out


def scored(rows: pd.DataFrame) -> pd.DataFrame:
    """The children's rows that can stand out, each with its ``deviation`` from NL.

    Usable are figures above 0 against an NL value above 0 that are not unreliable;
    the deviation is the absolute log ratio to NL of the value nearest to NL that the
    interval (or the EB estimate) still allows, so that a child only counts as far as
    its reliability carries it. Rows whose deviation is 0 are left out.
    """
    no_interval = rows["ci_low"].isna() | rows["ci_high"].isna()
    usable = rows[
        rows["value"].notna()
        & (rows["nl_value"] > 0)
        & (rows["value"] > 0)
        & rows["reliability"].ne("onbetrouwbaar")
        # Without an interval, "indicatief" means a tiny base (a port wijk with a handful
        # of inhabitants): nothing to narrow it down with, so it is left out.
        & ~(no_interval & rows["reliability"].eq("indicatief"))
    ].copy()
    if usable.empty:
        return usable.assign(deviation=pd.Series(dtype=float))
    floats = {
        c: usable[c].astype(float).to_numpy()
        for c in ("value", "nl_value", "ci_low", "ci_high", "eb_value")
    }
    near = conservative(
        floats["value"], floats["nl_value"], floats["ci_low"], floats["ci_high"], floats["eb_value"]
    )
    usable["deviation"] = np.abs(np.log(np.maximum(near, 1e-12) / floats["nl_value"]))
    return usable[usable["deviation"] > 0]


def _top(rows: pd.DataFrame, level: str, limit: int) -> list[DeviatingChild]:
    usable = scored(rows)
    if usable.empty:
        return []
    missing = rows[rows["value"].isna()].groupby("indicator")["code"].nunique()
    best = usable.sort_values(["deviation", "code"], ascending=[False, True])
    best = best.drop_duplicates("code").head(limit)
    return [
        DeviatingChild(
            code=str(r["code"]),
            name=str(r["name"]),
            level=level,
            indicator=str(r["indicator"]),
            period=str(r["period"]),
            value=float(r["value"]),
            nl_value=float(r["nl_value"]),
            index=100.0 * float(r["value"]) / float(r["nl_value"]),
            ci_low=_number(r["ci_low"]),
            ci_high=_number(r["ci_high"]),
            reliability=None if pd.isna(r["reliability"]) else str(r["reliability"]),
            deviation=float(r["deviation"]),
            direction="above" if r["value"] > r["nl_value"] else "below",
            suppressed_children=int(missing.get(r["indicator"], 0)),
        )
        for r in best.to_dict("records")
    ]


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
