"""The deviating children of every gemeente and wijk, computed once per build.

:func:`~buurtzicht.analysis.deviations.deviating_children` for one region reads all
figures of its children and ranks them per theme: about 40 % of the cost of an uncached
profile. The answer depends only on the build, so the warehouse build computes it for
every parent at once (:func:`materialise_deviations`: one query per level and a grouped
ranking, seconds) into the table ``deviating_children``; a profile then reads a few
rows. The result is the same as the per-region computation, which stays the fallback
for builds without the table (tests compare the two).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from buurtzicht.analysis.connection import cached, ensure_indicator_values, figures_catalog
from buurtzicht.analysis.deviations import (
    CHILD_LEVEL,
    DeviatingChild,
    ThemeDeviations,
    comparable,
    scored,
)
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries import profile_tables
from buurtzicht.queries.build_tables import has_table
from buurtzicht.queries.indicators import all_children_figures

TABLE = profile_tables.DEVIATIONS_TABLE
#: Children listed per theme (``deviating_children(limit=...)``'s default).
LIMIT = 3
_FIELDS = list(DeviatingChild.model_fields)


def _ranked(rows: pd.DataFrame, level: str, limit: int) -> pd.DataFrame:
    """``deviations._top`` for every parent at once (same filters, same order)."""
    usable = scored(rows)
    if usable.empty:
        return usable
    missing = (
        rows[rows["value"].isna()]
        .groupby(["parent", "indicator"])["code"]
        .nunique()
        .rename("suppressed_children")
    )
    best = usable.sort_values(
        ["parent", "deviation", "code"], ascending=[True, False, True], kind="stable"
    )
    best = best.drop_duplicates(["parent", "code"]).groupby("parent").head(limit)
    best = best.join(missing, on=["parent", "indicator"])
    best["suppressed_children"] = best["suppressed_children"].fillna(0).astype(int)
    best["level"] = level
    best["index"] = 100.0 * best["value"].astype(float) / best["nl_value"].astype(float)
    best["direction"] = np.where(best["value"] > best["nl_value"], "above", "below")
    best["position"] = best.groupby("parent").cumcount()
    return best


def deviations_frame(
    conn: duckdb.DuckDBPyConnection, catalog: Catalog | None = None, limit: int = LIMIT
) -> pd.DataFrame:
    """The rows of :data:`TABLE`: parent, theme (and its catalog position), position,
    and the fields of :class:`DeviatingChild`."""
    catalog = catalog or figures_catalog(conn)
    ensure_indicator_values(conn)
    comparable_ids = {i.id for i in catalog.indicators if comparable(i)}
    frames = []
    for level, child in CHILD_LEVEL.items():
        rows = all_children_figures(conn, level, sorted(comparable_ids))
        if rows.empty:
            continue
        for order, loaded in enumerate(catalog.themes):
            ids = {i.id for i in loaded.theme.indicators} & comparable_ids
            ranked = _ranked(rows[rows["indicator"].isin(ids)], child, limit)
            if ranked.empty:
                continue
            ranked["theme"] = loaded.theme.theme
            ranked["theme_order"] = order
            frames.append(ranked)
    columns = ["parent", "theme_order", "theme", "position", *_FIELDS]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    for column in ("ci_low", "ci_high", "value", "nl_value", "index", "deviation"):
        out[column] = out[column].astype(float)
    out["reliability"] = out["reliability"].astype(object).where(out["reliability"].notna(), None)
    return out.sort_values(["parent", "theme_order", "position"], kind="stable")


def materialise_deviations(conn: duckdb.DuckDBPyConnection) -> int:
    """(Re)create :data:`TABLE` on a writable build connection; returns its rows."""
    frame = deviations_frame(conn)
    conn.register("_deviating_children", frame)
    try:
        conn.execute(
            f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM _deviating_children "
            "ORDER BY parent, theme_order, position"
        )
    finally:
        conn.unregister("_deviating_children")
    return len(frame)


def precomputed(conn: duckdb.DuckDBPyConnection, code: str) -> list[ThemeDeviations] | None:
    """The stored deviating children of ``code``; None when the build has no table."""
    if not cached(conn, ("has", TABLE), lambda: has_table(conn, TABLE)):
        return None
    themes: dict[str, list[DeviatingChild]] = {}
    for record in profile_tables.deviating_children(conn, code, _FIELDS):
        theme = str(record.pop("theme"))
        themes.setdefault(theme, []).append(DeviatingChild.model_validate(_clean(record)))
    return [ThemeDeviations(theme=theme, children=children) for theme, children in themes.items()]


def _clean(record: dict[str, object]) -> dict[str, object]:
    return {k: None if isinstance(v, float) and np.isnan(v) else v for k, v in record.items()}
