"""The k regions most similar to a region on standardised context indicators.

Context indicators are the catalog entries marked ``context: true`` (density, age,
households, income, WOZ, housing, address density). Each is standardised over the
regions of the level (z-scores, after a log for strongly skewed positive figures such as
density), and regions are compared by the root mean squared difference over the
indicators the region has. For each similar region the indicators on which it is
closest are listed, so a user can see *why* it is similar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from buurtzicht.analysis.connection import cached, figures_catalog, with_figures
from buurtzicht.analysis.peers import region_classes
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import newest_up_to

#: A positive indicator with skewness above this is compared on a log scale.
LOG_SKEW = 2.0
MIN_DIMENSIONS = 3
#: (stedelijkheid classes either side, population factor) tried in turn until ``k``
#: candidates remain; (None, None) is no bound at all.
WIDENING: tuple[tuple[int | None, float | None], ...] = (
    (1, 2.0),
    (1, 3.0),
    (1, 5.0),
    (2, 10.0),
    (None, None),
)


@dataclass(frozen=True)
class SimilarRegion:
    """One neighbour in context space."""

    code: str
    distance: float
    closest_on: tuple[str, ...]


@dataclass(frozen=True)
class SimilarSet:
    """The similar regions of a region and how they were chosen.

    Attributes
    ----------
    regions : nearest first
    features : context indicators the distance was measured on
    stedelijkheid : lowest and highest stedelijkheid class allowed (None: any)
    population : lowest and highest population allowed (None: any)
    """

    regions: tuple[SimilarRegion, ...]
    features: tuple[str, ...]
    stedelijkheid: tuple[int, int] | None
    population: tuple[float, float] | None


def standardise(matrix: pd.DataFrame) -> pd.DataFrame:
    """Z-scores per column; skewed positive columns are logged first. Input unchanged.

    >>> m = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    >>> standardise(m)["a"].round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    out = {}
    for column in matrix.columns:
        x = pd.Series(matrix[column].to_numpy(dtype=float), index=matrix.index)
        if (x.dropna() > 0).all() and float(x.skew()) > LOG_SKEW:  # type: ignore[arg-type]
            x = pd.Series(np.log(x.to_numpy()), index=matrix.index)
        sd = x.std(ddof=0)
        out[column] = (x - x.mean()) / sd if sd > 0 else x * 0.0
    return pd.DataFrame(out, index=matrix.index)


def nearest(z: pd.DataFrame, code: str, k: int = 5, *, explain: int = 3) -> list[SimilarRegion]:
    """The ``k`` rows of ``z`` closest to row ``code`` (RMS difference over its columns).

    Only columns where ``code`` has a value count; candidates need all of them.

    >>> z = pd.DataFrame({"a": [0.0, 0.1, 2.0], "b": [0.0, 1.0, 0.0]}, index=["X", "Y", "Z"])
    >>> [(s.code, round(s.distance, 3), s.closest_on) for s in nearest(z, "X", 2, explain=1)]
    [('Y', 0.711, ('a',)), ('Z', 1.414, ('b',))]
    """
    target = z.loc[code]
    dims = [c for c in z.columns if pd.notna(target[c])]
    if len(dims) < min(MIN_DIMENSIONS, z.shape[1]):
        return []
    others = z.drop(index=code)[dims].dropna()
    diff: NDArray[np.float64] = (others.to_numpy() - target[dims].to_numpy(dtype=float)) ** 2
    distance = np.sqrt(diff.mean(axis=1))
    order = np.argsort(distance, kind="stable")[:k]
    out = []
    for i in order:
        closest = np.argsort(diff[i], kind="stable")[:explain]
        out.append(
            SimilarRegion(str(others.index[i]), float(distance[i]), tuple(dims[j] for j in closest))
        )
    return out


def context_matrix(
    conn: duckdb.DuckDBPyConnection,
    level: str,
    indeling: int,
    period: str,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Regions x context indicators: each indicator's newest value up to ``period``."""
    catalog = catalog or figures_catalog(conn)
    ids = [i.id for i in catalog.context_indicators()]
    rows = newest_up_to(with_figures(conn), ids, level, indeling, period)
    if rows.empty:
        return pd.DataFrame(columns=ids)
    return rows.pivot(index="region", columns="indicator", values="value")


def similar_regions(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    level: str,
    indeling: int,
    period: str,
    *,
    k: int = 5,
) -> list[SimilarRegion]:
    """The ``k`` comparable regions of the same level most like ``code`` in context."""
    return list(similar_set(conn, code, level, indeling, period, k=k).regions)


def similar_set(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    level: str,
    indeling: int,
    period: str,
    *,
    k: int = 5,
) -> SimilarSet:
    """:func:`similar_regions` with the features and the size and urbanity bounds used."""
    z = cached(
        conn,
        ("context", level, indeling, period),
        lambda: standardise(context_matrix(conn, level, indeling, period)),
    )
    if code not in z.index:
        return SimilarSet((), (), None, None)
    target = z.loc[code]
    features = tuple(str(c) for c in z.columns if pd.notna(target[c]))
    classes = cached(
        conn, ("classes", level, indeling), lambda: region_classes(conn, level, indeling)
    ).set_index("code")
    found: list[SimilarRegion] = []
    for steps, factor in WIDENING:
        allowed, sted, population = comparable(classes, code, steps, factor)
        found = nearest(z[z.index.isin(allowed) | (z.index == code)], code, k)
        if len(found) >= k or (sted is None and population is None):
            return SimilarSet(tuple(found), features, sted, population)
    return SimilarSet(tuple(found), features, None, None)  # pragma: no cover


def comparable(
    classes: pd.DataFrame, code: str, steps: int | None, factor: float | None
) -> tuple[set[str], tuple[int, int] | None, tuple[float, float] | None]:
    """Regions within ``steps`` stedelijkheid classes and a population ``factor`` of
    ``code`` (``classes``: :func:`~buurtzicht.analysis.peers.region_classes` by code).
    A bound the region itself has no figure for is not applied."""
    keep = pd.Series(True, index=classes.index)
    sted_range = population_range = None
    own = classes.loc[classes.index == code, ["stedelijkheid", "population"]]
    sted, people = own.to_numpy(dtype=float)[0] if len(own) else (math.nan, math.nan)
    if steps is not None and not math.isnan(sted):
        s = int(sted)
        sted_range = (max(1, s - steps), min(5, s + steps))
        keep &= classes["stedelijkheid"].between(*sted_range)
    if factor is not None and not math.isnan(people):
        p = people
        population_range = (p / factor, p * factor)
        keep &= classes["population"].between(*population_range)
    return set(classes.index[keep]), sted_range, population_range
