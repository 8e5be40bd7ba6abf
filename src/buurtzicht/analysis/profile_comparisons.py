"""What a region profile compares a region with: its peer group with the pooled peer
value, the similar regions with why they are similar and their pooled value, and the
trend of every indicator.

None of it depends on the visitor: the build stores it for every current gemeente
(:mod:`buurtzicht.analysis.profile_comparisons_table`), and
:func:`~buurtzicht.analysis.region_profile.profile` reads it there. :func:`comparisons` is
the one computation, used by the build and, for other regions, periods or catalogs, by
the profile itself, so the stored and the computed answer are the same.
"""

from __future__ import annotations

import json
import math

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass

from buurtzicht.analysis.peers import peer_group, pooled_values
from buurtzicht.analysis.similar import similar_set
from buurtzicht.analysis.stats.trends import TrendResult, trend
from buurtzicht.indicators.model import Indicator
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import IndicatorFigure
from buurtzicht.queries.regions import RegionInfo, newest_names

#: Similar regions per profile (``profile(k=...)``'s default).
K = 5

Record = IndicatorFigure


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PeerValue(_Model):
    value: float
    n: int
    pooled: bool


class SimilarRegionOut(_Model):
    code: str
    name: str
    distance: float
    closest_on: list[str]


class SimilarBasis(_Model):
    """How the similar regions were chosen (:func:`~buurtzicht.analysis.similar.similar_set`)."""

    features: list[str]
    stedelijkheid: tuple[int, int] | None
    population: tuple[float, float] | None


@pydantic_dataclass(frozen=True)
class TrendOut(TrendResult):
    """A region's :class:`~buurtzicht.analysis.stats.trends.TrendResult` for one indicator, and
    whether every figure of it is on the region's own indeling (not harmonised onto it)."""

    harmonised: bool


class PeerGroupOut(_Model):
    stedelijkheid: int | None
    size_class: int | None
    size_label: str
    n: int


class GroupValue(_Model):
    """The pooled value of a group of regions for one indicator and period."""

    indicator: str
    period: str
    value: PeerValue


GroupValues = dict[tuple[str, str], PeerValue]


class Comparisons(_Model):
    """Everything a profile compares with, for one region and period.

    ``period`` is the period the similar regions were chosen for; ``trends`` holds the
    indicators with a trend (two figures or more).
    """

    period: str
    peer_group: PeerGroupOut
    peers: list[GroupValue]
    similar_regions: list[SimilarRegionOut]
    similar_basis: SimilarBasis
    similar: list[GroupValue]
    trends: dict[str, TrendOut]

    def to_json(self) -> str:
        """A JSON document that :meth:`from_json` reads back exactly (floats as ``repr``;
        NaN and infinities kept, where pydantic's own JSON would turn them into null)."""
        return json.dumps(self.model_dump(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Comparisons:
        return cls.model_validate(json.loads(text))

    def peer_values(self) -> GroupValues:
        return {(g.indicator, g.period): g.value for g in self.peers}

    def similar_values(self) -> GroupValues:
        return {(g.indicator, g.period): g.value for g in self.similar}


def number(value: object) -> float | None:
    """A finite-or-NaN figure as float; None for NULL, NaN and non-numbers."""
    if value is None:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def by_indicator(rows: list[Record]) -> dict[str, list[Record]]:
    """Rows per indicator (already sorted by period)."""
    out: dict[str, list[Record]] = {}
    for record in rows:
        out.setdefault(record.indicator, []).append(record)
    return out


def default_period(rows: list[Record]) -> str:
    """The newest period with a figure among a region's rows (the profile's default)."""
    periods = [r.period for r in rows if number(r.value) is not None]
    return max(periods) if periods else "9999JJ00"


def indicator_trend(rows: list[Record], ind: Indicator, newest: int) -> TrendOut | None:
    """The trend of one indicator's yearly figures of a region (``newest``: its indeling)."""
    series = [r for r in rows if number(r.value) is not None and r.period.endswith("JJ00")]
    result: TrendResult | None = trend(
        [r.period for r in series],
        [float(r.value) for r in series],  # type: ignore[arg-type]
        uncertainty=ind.uncertainty,
        numerators=[number(r.numerator) for r in series],  # type: ignore[misc]
        denominators=[number(r.denominator) for r in series],  # type: ignore[misc]
        ci_low=[number(r.ci_low) for r in series],  # type: ignore[misc]
        ci_high=[number(r.ci_high) for r in series],  # type: ignore[misc]
    )
    if result is None:
        return None
    harmonised = all(r.indeling == newest for r in series)
    return TrendOut(**result.__dict__, harmonised=harmonised)


def _group_values(table: pd.DataFrame) -> list[GroupValue]:
    """Sorted by indicator and period (DuckDB's GROUP BY has no order of its own)."""
    values = [
        GroupValue(
            indicator=str(r["indicator"]),
            period=str(r["period"]),
            value=PeerValue(value=float(r["value"]), n=int(r["n"]), pooled=bool(r["pooled"])),
        )
        for r in table.to_dict("records")
    ]
    return sorted(values, key=lambda g: (g.indicator, g.period))


def comparisons(
    conn: duckdb.DuckDBPyConnection,
    info: RegionInfo,
    rows: list[Record],
    period: str,
    *,
    catalog: Catalog,
    k: int = K,
) -> Comparisons:
    """Peers, the ``k`` similar regions for ``period`` and the trends of ``info``'s
    indicators (``rows``: its figures, :func:`~buurtzicht.queries.indicators.region_figures`)."""
    group = peer_group(conn, info)
    chosen = similar_set(conn, info.code, info.level, info.indeling, period, k=k)
    names = newest_names(conn, [s.code for s in chosen.regions])
    own = by_indicator(rows)
    trends = {
        ind.id: found
        for ind in catalog.indicators
        if (found := indicator_trend(own.get(ind.id, []), ind, info.indeling)) is not None
    }
    return Comparisons(
        period=period,
        peer_group=PeerGroupOut(
            stedelijkheid=group.stedelijkheid,
            size_class=group.size_class,
            size_label=group.size_label,
            n=len(group.members),
        ),
        peers=_group_values(pooled_values(conn, group.members)),
        similar_regions=[
            SimilarRegionOut(
                code=s.code,
                name=names.get(s.code, s.code),
                distance=s.distance,
                closest_on=list(s.closest_on),
            )
            for s in chosen.regions
        ],
        similar_basis=SimilarBasis(
            features=list(chosen.features),
            stedelijkheid=chosen.stedelijkheid,
            population=chosen.population,
        ),
        similar=_group_values(pooled_values(conn, tuple(s.code for s in chosen.regions))),
        trends=trends,
    )
