"""Hotspots of an indicator on the map of a level, straight from the warehouse.

Reads the figures (``indicator_values``) and the geometry (``boundaries``) of one level
and period, builds contiguity weights and runs :func:`~buurtzicht.analysis.stats.hotspots.
getis_ord` or :func:`~buurtzicht.analysis.stats.hotspots.local_moran`. Small areas use the
Empirical Bayes rate by default, so that a hotspot is not one tiny buurt's noise.

The default of 9,999 permutations matters: the smallest pseudo p-value is
1 / (permutations + 1), and Benjamini-Hochberg over 342 gemeenten needs p-values near
0.05 / 342 = 0.00015 for the strongest cluster. With 999 permutations no gemeente can
pass unless seven or more share the minimum p-value.

Buurten (thousands of them) are analysed differently (:data:`LEVEL_SETTINGS`): their
boundaries come from several layers, so contiguity allows a gap of 1e-4 degrees
(about 10 m); Gi* is tested analytically (normal z), because BH over 10,000 buurten
needs p-values of 5e-6 that no affordable number of permutations gives; Local Moran
keeps 999 permutations (only very large clusters pass BH then, which the result says
by its counts). ``parent`` limits the analysis to the buurten (or wijken) of one
gemeente (or wijk): hotspots relative to that gemeente.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from buurtzicht.analysis.connection import figures_catalog, with_figures
from buurtzicht.analysis.stats.hotspots import HotspotResult, getis_ord, local_moran
from buurtzicht.analysis.stats.spatial_weights import contiguity_weights, geometries_from_wkb
from buurtzicht.errors import BuurtzichtError
from buurtzicht.queries.boundaries import level_shapes
from buurtzicht.queries.indicators import level_figures

METHODS = {"gi_star": getis_ord, "local_moran": local_moran}
#: Per level: contiguity tolerance (degrees), Gi* inference and permutations.
LEVEL_SETTINGS: dict[str, dict[str, object]] = {
    "buurt": {"tolerance": 1e-4, "inference": "analytical", "permutations": 999},
}


#: Fewer regions than this make no sensible local statistic (and no permutation test).
MIN_REGIONS = 8


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
    conn: duckdb.DuckDBPyConnection,
    indicator: str,
    level: str,
    period: str | None,
    parent: str | None = None,
) -> tuple[pd.DataFrame, str]:
    rows = level_figures(with_figures(conn), indicator, level, parent)
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
    permutations: int | None = None,
    seed: int = 12345,
    alpha: float = 0.05,
    smoothed: bool = True,
    parent: str | None = None,
    contiguity: str = "queen",
) -> HotspotMap:
    """Hotspot classes of ``indicator`` for all regions of ``level`` with geometry
    (within gemeente or wijk ``parent``). ``permutations`` defaults to 9,999 (999 for
    buurten, see :data:`LEVEL_SETTINGS`)."""
    figures_catalog(conn).get(indicator)  # unknown ids fail with the catalog's message
    if method not in METHODS:
        raise HotspotInputError(f"method must be one of {sorted(METHODS)}, not {method!r}")
    settings = LEVEL_SETTINGS.get(level, {})
    if permutations is None:
        permutations = int(settings.get("permutations", 9999))  # type: ignore[call-overload]
    rows, period = _figures(conn, indicator, level, period, parent)
    year = int(rows["indeling"].iloc[0])
    shapes = level_shapes(conn, level, year)
    if shapes.empty:
        raise HotspotInputError(
            f"no {level} boundaries for {year} in the warehouse; offline, buurt geometry "
            "is absent: use --level gemeente or wijk"
        )
    use_eb = smoothed and rows["eb_value"].notna().any()
    value_col = "eb_value" if use_eb else "value"
    merged = shapes.merge(rows, left_on="code", right_on="region")
    merged = merged[merged[value_col].notna()]
    if len(merged) < MIN_REGIONS:
        raise HotspotInputError(
            f"only {len(merged)} regions with a figure and a boundary; a local statistic "
            f"needs at least {MIN_REGIONS}"
        )
    w = contiguity_weights(
        geometries_from_wkb(list(merged["geometry"])),
        list(merged["code"]),
        kind=contiguity,
        tolerance=float(settings.get("tolerance", 0.0)),  # type: ignore[arg-type]
    )
    y = merged[value_col].to_numpy()
    if method == "gi_star":
        inference = str(settings.get("inference", "permutation"))
        result = getis_ord(
            y, w, permutations=permutations, seed=seed, alpha=alpha, inference=inference
        )
    else:
        result = local_moran(y, w, permutations=permutations, seed=seed, alpha=alpha)
    values = pd.Series(merged["value"].to_numpy(), index=merged["code"])
    return HotspotMap(indicator, level, period, year, bool(use_eb), result, values)
