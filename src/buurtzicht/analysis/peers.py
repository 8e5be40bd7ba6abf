"""Peer groups: regions of the same level, stedelijkheid class and size class.

Size classes for gemeenten are CBS's gemeentegrootteklassen; wijken and buurten get
classes of their own. The peer value of an indicator is pooled over the peers
(sum of numerators / sum of denominators), the region itself left out.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import duckdb
import pandas as pd

from buurtzicht.analysis.connection import cached, with_figures
from buurtzicht.queries.indicators import pooled_sums, populations
from buurtzicht.queries.regions import RegionInfo

#: Upper bounds (exclusive) of CBS gemeentegrootteklassen 1..8.
GEMEENTE_SIZE_BOUNDS = (5_000, 10_000, 20_000, 50_000, 100_000, 150_000, 250_000)
GEMEENTE_SIZE_LABELS = (
    "< 5.000",
    "5.000-10.000",
    "10.000-20.000",
    "20.000-50.000",
    "50.000-100.000",
    "100.000-150.000",
    "150.000-250.000",
    ">= 250.000",
)
SMALL_AREA_SIZE_BOUNDS = (500, 1_000, 2_500, 5_000, 10_000)
SMALL_AREA_SIZE_LABELS = (
    "< 500",
    "500-1.000",
    "1.000-2.500",
    "2.500-5.000",
    "5.000-10.000",
    ">= 10.000",
)


def size_class(population: float, level: str) -> int:
    """Size class (1 = smallest) of a region with this population.

    >>> size_class(931_298, "gemeente"), size_class(25_845, "gemeente"), size_class(800, "buurt")
    (8, 4, 2)
    """
    bounds = GEMEENTE_SIZE_BOUNDS if level == "gemeente" else SMALL_AREA_SIZE_BOUNDS
    return bisect.bisect_right(bounds, population) + 1


def size_label(cls: int, level: str) -> str:
    labels = GEMEENTE_SIZE_LABELS if level == "gemeente" else SMALL_AREA_SIZE_LABELS
    return labels[cls - 1]


@dataclass(frozen=True)
class PeerGroup:
    """The peers of a region and what defines them."""

    level: str
    stedelijkheid: int | None
    size_class: int | None
    size_label: str
    members: tuple[str, ...]


def region_classes(conn: duckdb.DuckDBPyConnection, level: str, indeling: int) -> pd.DataFrame:
    """Per region of a level: newest population, size class and stedelijkheid."""
    frame = populations(with_figures(conn), level, indeling)
    frame["size_class"] = [
        size_class(p, level) if pd.notna(p) else None for p in frame["population"]
    ]
    return frame


def peer_group(conn: duckdb.DuckDBPyConnection, region: RegionInfo) -> PeerGroup:
    """Regions of the same level, stedelijkheid and size class (the region excluded)."""
    classes = cached(
        conn,
        ("classes", region.level, region.indeling),
        lambda: region_classes(conn, region.level, region.indeling),
    )
    own = classes[classes["code"] == region.code]
    if own.empty or pd.isna(own["size_class"].iloc[0]):
        return PeerGroup(region.level, region.stedelijkheid, None, "onbekend", ())
    cls = int(own["size_class"].iloc[0])
    sted = own["stedelijkheid"].iloc[0]
    same = classes["size_class"] == cls
    same &= classes["stedelijkheid"].isna() if pd.isna(sted) else classes["stedelijkheid"] == sted
    members = tuple(sorted(c for c in classes.loc[same, "code"] if c != region.code))
    return PeerGroup(
        region.level,
        None if pd.isna(sted) else int(sted),
        cls,
        size_label(cls, region.level),
        members,
    )


def pool(rows: pd.DataFrame, scale: float) -> tuple[float, bool]:
    """Value of a group of regions: sum(numerator) / sum(denominator) x scale.

    Falls back to the plain mean of the values (``pooled = False``) for figures without
    a denominator or without numerators (survey values, plain counts).

    >>> rows = pd.DataFrame({"value": [3.0, 8.0], "numerator": [12.0, 8.0],
    ...                      "denominator": [4000.0, 1000.0]})
    >>> pool(rows, 1000)
    (4.0, True)
    """
    complete = rows["numerator"].notna().all() and rows["denominator"].notna().all()
    if complete and rows["denominator"].sum() > 0:
        return float(scale * rows["numerator"].sum() / rows["denominator"].sum()), True
    return float(rows["value"].mean()), False


#: A group value needs at least four in five of its members' figures published.
MAX_SUPPRESSED_SHARE = 0.2


def pooled_values(conn: duckdb.DuckDBPyConnection, members: tuple[str, ...]) -> pd.DataFrame:
    """Per indicator and period: the value of the group ``members`` (as :func:`pool`).

    Pooled as sum(value x denominator) / sum(denominator): the same as scale x
    sum(numerator) / sum(denominator) when every member's figure comes from one formula,
    and still in the indicator's unit when some come from an alternative formula with
    another numerator and scale (Wmo clients counted, or published per 1,000). Summed
    inside DuckDB; per (indicator, region, period) the newest indeling counts.

    No value where more than :data:`MAX_SUPPRESSED_SHARE` of the members' figures are
    suppressed: suppression depends on the figure (exact zeros are published, small
    counts are not), so the published members alone are no estimate of the group; a
    group of buurten whose figures with cases are all suppressed would show 0,0.
    """
    columns = ["indicator", "period", "value", "n", "pooled"]
    if not members:
        return pd.DataFrame(columns=columns)
    sums = pooled_sums(with_figures(conn), list(members))
    out = []
    for r in sums:
        if int(r["suppressed"]) > MAX_SUPPRESSED_SHARE * (int(r["n"]) + int(r["suppressed"])):  # type: ignore[call-overload]
            continue  # the published members alone would not be the group (see above)
        den = r["den"]
        pooled = bool(r["complete"]) and isinstance(den, float) and den > 0
        value = r["weighted"] / den if pooled else r["mean"]  # type: ignore[operator]
        out.append((r["indicator"], r["period"], float(value), int(r["n"]), pooled))  # type: ignore[arg-type, call-overload]
    return pd.DataFrame(out, columns=columns)
