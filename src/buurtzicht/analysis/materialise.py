"""Materialise ``indicator_values``: every figure with its interval, EB rate, flag and rank.

The warehouse build calls :func:`materialise` once per build on its writable
connection, so that a region profile only reads a few precomputed rows (tens of
milliseconds). Read-only callers that find no table get the same frame in memory from
:func:`indicator_values_frame`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from buurtzicht.analysis.stats.ranks import add_ranks
from buurtzicht.analysis.stats.reliability import (
    grouped_empirical_bayes,
    margin_reliability,
    poisson_ci,
    poisson_reliability,
    register_reliability,
)
from buurtzicht.indicators.compute import (
    VALUE_COLUMNS,
    compute_indicator_values,
    read_observations,
)
from buurtzicht.indicators.formula import Uncertainty
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.model import Indicator
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import CATALOG_TABLE

TABLE = "indicator_values"
COLUMNS = [
    *VALUE_COLUMNS,
    "ci_low",
    "ci_high",
    "eb_value",
    "reliability",
    "rank",
    "n_ranked",
    "percentile",
]


def _poisson(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    scale = indicator.formula.scale
    ok = frame["numerator"].notna() & frame["denominator"].notna()
    low, high = poisson_ci(frame.loc[ok, "numerator"].clip(lower=0))
    frame.loc[ok, "ci_low"] = scale * low / frame.loc[ok, "denominator"]
    frame.loc[ok, "ci_high"] = scale * high / frame.loc[ok, "denominator"]
    frame.loc[ok, "reliability"] = poisson_reliability(frame.loc[ok, "numerator"].clip(lower=0))
    sub = frame[ok]
    frame.loc[ok, "eb_value"] = scale * grouped_empirical_bayes(
        sub["numerator"].clip(lower=0),
        sub["denominator"],
        [sub["level"], sub["period"], sub["indeling"]],
    )
    return frame


def _margins(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    stem = ind.formula.numerator[0]
    obs = read_observations(conn, [f"{stem}.ondergrens", f"{stem}.bovengrens"])
    if obs.empty:
        return frame
    key = ["region", "period", "indeling"]
    wide = obs.pivot_table(index=key, columns="measure", values="value")
    wide = wide.reindex(columns=[f"{stem}.ondergrens", f"{stem}.bovengrens"])
    wide.columns = pd.Index(["ci_low", "ci_high"])
    merged = frame.drop(columns=["ci_low", "ci_high"]).merge(
        wide.reset_index(), on=["region", "period", "indeling"], how="left"
    )
    merged["reliability"] = margin_reliability(merged["ci_low"], merged["ci_high"])
    return merged


def add_reliability(
    conn: duckdb.DuckDBPyConnection, values: pd.DataFrame, catalog: Catalog
) -> pd.DataFrame:
    """Intervals, Empirical Bayes rates and the reliability flag per indicator."""
    frames = []
    for indicator_id, frame in values.groupby("indicator", sort=False):
        ind = catalog.get(str(indicator_id))
        frame = frame.copy()
        frame[["ci_low", "ci_high", "eb_value"]] = np.nan
        frame["reliability"] = None
        if ind.uncertainty is Uncertainty.POISSON:
            frame = _poisson(frame, ind)
        elif ind.uncertainty is Uncertainty.MARGINS:
            frame = _margins(conn, frame, ind)
        else:
            base = frame["denominator"].fillna(np.inf)
            frame["reliability"] = register_reliability(base)
        frame.loc[frame["value"].isna(), "reliability"] = None
        frames.append(frame)
    if not frames:
        return values.reindex(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def indicator_values_frame(
    conn: duckdb.DuckDBPyConnection,
    catalog: Catalog | None = None,
    indicators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """All indicator figures with reliability and ranks, as a frame (nothing written)."""
    catalog = catalog or default_catalog()
    chosen = [catalog.get(i) for i in indicators] if indicators else catalog.indicators
    values = compute_indicator_values(conn, chosen)
    values = add_reliability(conn, values, catalog)
    special = conn.execute(
        "SELECT code AS region, indeling, special FROM regions WHERE special IS NOT NULL"
    ).df()
    flagged = values.merge(special, on=["region", "indeling"], how="left")["special"].notna()
    return add_ranks(values, exclude=flagged).reindex(columns=COLUMNS)


def materialise(conn: duckdb.DuckDBPyConnection, catalog: Catalog | None = None) -> int:
    """(Re)create the ``indicator_values`` table on a writable connection, and beside it
    ``indicator_catalog``, the catalog the figures were computed with (one JSON document
    per theme, :meth:`~buurtzicht.indicators.themes.Catalog.documents`), which the server
    reads instead of the YAML files; returns the rows of figures.

    Call this from the warehouse build after observations and regions are loaded.
    """
    catalog = catalog or default_catalog()
    frame = indicator_values_frame(conn, catalog)
    conn.execute(
        f"CREATE OR REPLACE TABLE {CATALOG_TABLE} "
        "(position INTEGER PRIMARY KEY, theme VARCHAR NOT NULL, document VARCHAR NOT NULL)"
    )
    conn.executemany(
        f"INSERT INTO {CATALOG_TABLE} VALUES (?, ?, ?)",
        [(n, theme, doc) for n, (theme, doc) in enumerate(catalog.documents())],
    )
    conn.register("_indicator_values", frame)
    try:
        # Sorted by region so that a profile's lookups touch few row groups.
        conn.execute(
            f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM _indicator_values "
            "ORDER BY region, indicator, period"
        )
        conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_region ON {TABLE} (region, indicator)")
    finally:
        conn.unregister("_indicator_values")
    return len(frame)
