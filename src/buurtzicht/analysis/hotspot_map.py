"""Hotspots of an indicator on the map of a level, straight from the warehouse.

Reads the figures (``indicator_values``) and the geometry (``boundaries``) of one level
and period, builds contiguity weights and runs :func:`~buurtzicht.analysis.hotspots.
getis_ord` or :func:`~buurtzicht.analysis.hotspots.local_moran`. Small areas use the
Empirical Bayes rate by default, so that a hotspot is not one tiny buurt's noise.

The default of 9,999 permutations matters: the smallest pseudo p-value is
1 / (permutations + 1), and Benjamini-Hochberg over 342 gemeenten needs p-values near
0.05 / 342 = 0.00015 for the strongest cluster. With 999 permutations no gemeente can
pass unless seven or more share the minimum p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from buurtzicht.analysis.hotspots import HotspotResult, getis_ord, local_moran
from buurtzicht.analysis.spatial import contiguity_weights, geometries_from_wkb
from buurtzicht.analysis.store import query
from buurtzicht.errors import BuurtzichtError
from buurtzicht.indicators.loader import default_catalog

METHODS = {"gi_star": getis_ord, "local_moran": local_moran}


class HotspotInputError(BuurtzichtError):
    """No figures or geometry to compute hotspots on."""


@dataclass(frozen=True)
class HotspotMap:
    """Hotspot classes per region, with what was analysed."""

    indicator: str
    level: str
    period: str
    geometry_year: int
    smoothed: bool
    result: HotspotResult
    values: pd.Series

    def table(self) -> pd.DataFrame:
        r = self.result
        return pd.DataFrame(
            {
                "region": r.ids,
                "value": self.values.reindex(list(r.ids)).to_numpy(),
                "statistic": r.statistic,
                "z": r.z,
                "p_sim": r.p_sim,
                "significant": r.significant,
                "class": r.labels,
            }
        )


def _figures(
    conn: duckdb.DuckDBPyConnection, indicator: str, level: str, period: str | None
) -> tuple[pd.DataFrame, str]:
    rows = query(
        conn,
        "SELECT iv.region, iv.period, iv.indeling, iv.value, iv.eb_value "
        "FROM indicator_values iv LEFT JOIN regions r "
        "ON r.code = iv.region AND r.indeling = iv.indeling "
        "WHERE iv.indicator = ? AND iv.level = ? AND iv.value IS NOT NULL "
        "AND r.special IS NULL",
        [indicator, level],
    )
    if rows.empty:
        raise HotspotInputError(
            f"indicator {indicator} has no figures at level {level}; "
            "see `buurtzicht indicators show` for its levels"
        )
    if period is None:
        period = str(rows["period"].max())
    elif len(period) == 4:
        period = f"{period}JJ00"
    rows = rows[rows["period"] == period]
    rows = rows[rows["indeling"] == rows["indeling"].max()]
    return rows, period


def hotspot_map(
    conn: duckdb.DuckDBPyConnection,
    indicator: str,
    level: str,
    period: str | None = None,
    *,
    method: str = "gi_star",
    permutations: int = 9999,
    seed: int = 12345,
    alpha: float = 0.05,
    smoothed: bool = True,
) -> HotspotMap:
    """Hotspot classes of ``indicator`` for all regions of ``level`` with geometry."""
    default_catalog().get(indicator)  # unknown ids fail with the catalog's message
    if method not in METHODS:
        raise HotspotInputError(f"method must be one of {sorted(METHODS)}, not {method!r}")
    rows, period = _figures(conn, indicator, level, period)
    year = int(rows["indeling"].iloc[0])
    shapes = conn.execute(
        "SELECT code, geometry FROM boundaries WHERE level = ? AND year = ?", [level, year]
    ).df()
    if shapes.empty:
        raise HotspotInputError(
            f"no {level} boundaries for {year} in the warehouse; offline, buurt geometry "
            "is absent: use --level gemeente or wijk"
        )
    use_eb = smoothed and rows["eb_value"].notna().any()
    value_col = "eb_value" if use_eb else "value"
    merged = shapes.merge(rows, left_on="code", right_on="region")
    merged = merged[merged[value_col].notna()]
    w = contiguity_weights(geometries_from_wkb(list(merged["geometry"])), list(merged["code"]))
    result = METHODS[method](
        merged[value_col].to_numpy(), w, permutations=permutations, seed=seed, alpha=alpha
    )
    values = pd.Series(merged["value"].to_numpy(), index=merged["code"])
    return HotspotMap(indicator, level, period, year, bool(use_eb), result, values)
