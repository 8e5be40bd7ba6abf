"""Region profile: every indicator of a region with its comparisons, trend and reliability.

:func:`profile` returns a :class:`RegionProfile`, a typed model that the API and the web
pages render as JSON and as HTML alike. It reads the precomputed ``indicator_values``
(a handful of indexed queries), so a profile takes tens of milliseconds.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict

from buurtzicht.analysis.deviations import ThemeDeviations, deviating_children
from buurtzicht.analysis.deviations_table import precomputed
from buurtzicht.analysis.peers import PeerGroup, peer_group, pooled_values
from buurtzicht.analysis.similar import similar_set
from buurtzicht.analysis.store import RegionInfo, region_info, region_names, region_records
from buurtzicht.analysis.trends import TrendResult, trend
from buurtzicht.indicators.loader import Catalog, default_catalog
from buurtzicht.indicators.model import Indicator, Localised, SourceCitation
from buurtzicht.regions.codes import NEDERLAND


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class AreaValue(_Model):
    code: str
    name: str
    value: float | None = None


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


class ReliabilityOut(_Model):
    flag: str | None
    ci_low: float | None
    ci_high: float | None
    eb_value: float | None


class TrendOut(_Model):
    first_period: str
    last_period: str
    first_value: float
    last_value: float
    change: float
    change_pct: float | None
    slope: float | None
    n_points: int
    p_value: float | None
    test: str
    significant: bool | None
    harmonised: bool


class IndicatorProfile(_Model):
    id: str
    theme: str
    title: Localised
    unit: Localised
    direction: str
    decimals: int
    period: str | None
    value: float | None
    status: str
    suppressed: bool
    nl_value: float | None
    index: float | None
    provincie: AreaValue | None
    politie_eenheid: AreaValue | None
    peers: PeerValue | None
    similar: PeerValue | None
    rank: int | None
    n_ranked: int | None
    percentile: float | None
    trend: TrendOut | None
    reliability: ReliabilityOut
    sources: list[SourceCitation]
    disclosure_rule: str
    synthetic: bool


class PeerGroupOut(_Model):
    stedelijkheid: int | None
    size_class: int | None
    size_label: str
    n: int


class RegionProfile(_Model):
    code: str
    name: str
    level: str
    indeling: int
    period: str
    provincie: AreaValue | None
    politie_eenheid: AreaValue | None
    peer_group: PeerGroupOut
    similar_regions: list[SimilarRegionOut]
    similar_basis: SimilarBasis | None = None
    indicators: list[IndicatorProfile]
    #: Per theme, the children (wijken of a gemeente, buurten of a wijk) that deviate most
    #: from NL, reliability taken into account (:mod:`buurtzicht.analysis.deviations`).
    deviating_children: list[ThemeDeviations] = []


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(value: object) -> int | None:
    f = _num(value)
    return None if f is None else int(f)


Record = dict[str, object]
GroupValues = dict[tuple[str, str], PeerValue]


def _by_indicator(rows: list[Record]) -> dict[str, list[Record]]:
    """Rows per indicator (already sorted by period)."""
    out: dict[str, list[Record]] = {}
    for record in rows:
        out.setdefault(str(record["indicator"]), []).append(record)
    return out


def _pick(rows: list[Record], period: str) -> Record | None:
    """The row of the newest period up to ``period`` with a value (else with a status)."""
    usable = [r for r in rows if str(r["period"]) <= period]
    with_value = [r for r in usable if _num(r["value"]) is not None]
    chosen = with_value or usable
    return chosen[-1] if chosen else None


def _trend(rows: list[Record], ind: Indicator, newest: int) -> TrendOut | None:
    series = [r for r in rows if _num(r["value"]) is not None and str(r["period"]).endswith("JJ00")]
    result: TrendResult | None = trend(
        [str(r["period"]) for r in series],
        [float(r["value"]) for r in series],  # type: ignore[arg-type]
        uncertainty=ind.uncertainty,
        numerators=[_num(r["numerator"]) for r in series],  # type: ignore[misc]
        denominators=[_num(r["denominator"]) for r in series],  # type: ignore[misc]
        ci_low=[_num(r["ci_low"]) for r in series],  # type: ignore[misc]
        ci_high=[_num(r["ci_high"]) for r in series],  # type: ignore[misc]
    )
    if result is None:
        return None
    harmonised = all(int(r["indeling"]) == newest for r in series)  # type: ignore[call-overload]
    return TrendOut(**result.__dict__, harmonised=harmonised)


def _area(
    code: str | None,
    names: dict[str, str],
    values: dict[tuple[str, str, str], float],
    ind: str,
    period: str | None,
) -> AreaValue | None:
    if code is None:
        return None
    value = values.get((ind, code, period or ""))
    return AreaValue(code=code, name=names.get(code, code), value=value)


def _group_values(table: pd.DataFrame) -> GroupValues:
    return {
        (str(r["indicator"]), str(r["period"])): PeerValue(
            value=float(r["value"]), n=int(r["n"]), pooled=bool(r["pooled"])
        )
        for r in table.to_dict("records")
    }


def _reliability(row: Record | None) -> ReliabilityOut:
    if row is None:
        return ReliabilityOut(flag=None, ci_low=None, ci_high=None, eb_value=None)
    flag = row["reliability"]
    return ReliabilityOut(
        flag=None if flag is None or (isinstance(flag, float) and math.isnan(flag)) else str(flag),
        ci_low=_num(row["ci_low"]),
        ci_high=_num(row["ci_high"]),
        eb_value=_num(row["eb_value"]),
    )


def _indicator_profile(
    ind: Indicator,
    own: list[Record],
    period: str,
    info: RegionInfo,
    area_values: dict[tuple[str, str, str], float],
    names: dict[str, str],
    peers: GroupValues,
    similar: GroupValues,
) -> IndicatorProfile:
    row = _pick(own, period)
    chosen = None if row is None else str(row["period"])
    value = None if row is None else _num(row["value"])
    nl = area_values.get((ind.id, NEDERLAND, chosen or ""))
    status = "missing" if row is None else str(row["status"])
    return IndicatorProfile(
        id=ind.id,
        theme=ind.theme,
        title=ind.title,
        unit=ind.unit,
        direction=ind.direction.value,
        decimals=ind.decimals,
        period=chosen,
        value=value,
        status=status,
        suppressed=status in ("suppressed", "secret"),
        nl_value=nl,
        index=None if value is None or not nl or ind.is_count else 100.0 * value / nl,
        provincie=_area(info.provincie, names, area_values, ind.id, chosen),
        politie_eenheid=_area(info.politie_eenheid, names, area_values, ind.id, chosen),
        peers=peers.get((ind.id, chosen or "")),
        similar=similar.get((ind.id, chosen or "")),
        rank=None if row is None else _int(row["rank"]),
        n_ranked=None if row is None else _int(row["n_ranked"]),
        percentile=None if row is None else _num(row["percentile"]),
        trend=_trend(own, ind, info.indeling),
        reliability=_reliability(row),
        sources=ind.sources,
        disclosure_rule=ind.disclosure_rule,
        synthetic=ind.synthetic,
    )


def _deviating(
    conn: duckdb.DuckDBPyConnection, code: str, catalog: Catalog
) -> list[ThemeDeviations]:
    """Stored at build time for the packaged catalog (a few rows); computed otherwise."""
    if catalog is default_catalog():
        stored = precomputed(conn, code)
        if stored is not None:
            return stored
    return deviating_children(conn, code, catalog=catalog)


def profile(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    period: str | None = None,
    *,
    k: int = 5,
    catalog: Catalog | None = None,
) -> RegionProfile:
    """All indicators of a region with NL, areas, peers, similar regions, trend, reliability.

    ``period`` is a CBS period code or a year (``2024``); per indicator the newest figure
    up to that period is shown (default: the newest the region has).
    """
    catalog = catalog or default_catalog()
    info = region_info(conn, code)
    rows = region_records(conn, [info.code])
    if period is None:
        periods = [str(r["period"]) for r in rows if _num(r["value"]) is not None]
        period = max(periods) if periods else "9999JJ00"
    elif len(period) == 4:
        period = f"{period}JJ00"
    areas = [c for c in (NEDERLAND, info.provincie, info.politie_eenheid) if c]
    area_values = {
        (str(r["indicator"]), str(r["region"]), str(r["period"])): float(r["value"])  # type: ignore[arg-type]
        for r in region_records(conn, areas)
        if _num(r["value"]) is not None
    }
    group: PeerGroup = peer_group(conn, info)
    chosen = similar_set(conn, info.code, info.level, info.indeling, period, k=k)
    similar = chosen.regions
    names = region_names(conn, [*areas, *(s.code for s in similar)])
    peers = _group_values(pooled_values(conn, group.members))
    similar_values = _group_values(pooled_values(conn, tuple(s.code for s in similar)))
    own = _by_indicator(rows)
    return RegionProfile(
        code=info.code,
        name=info.name,
        level=info.level,
        indeling=info.indeling,
        period=period,
        provincie=AreaValue(code=info.provincie, name=names.get(info.provincie, ""))
        if info.provincie
        else None,
        politie_eenheid=AreaValue(
            code=info.politie_eenheid, name=names.get(info.politie_eenheid, "")
        )
        if info.politie_eenheid
        else None,
        peer_group=PeerGroupOut(
            stedelijkheid=group.stedelijkheid,
            size_class=group.size_class,
            size_label=group.size_label,
            n=len(group.members),
        ),
        similar_regions=[
            SimilarRegionOut(
                code=s.code,
                name=names.get(s.code, s.code),
                distance=s.distance,
                closest_on=list(s.closest_on),
            )
            for s in similar
        ],
        similar_basis=SimilarBasis(
            features=list(chosen.features),
            stedelijkheid=chosen.stedelijkheid,
            population=chosen.population,
        ),
        indicators=[
            _indicator_profile(
                ind,
                own.get(ind.id, []),
                period,
                info,
                area_values,
                names,
                peers,
                similar_values,
            )
            for ind in catalog.indicators
        ],
        deviating_children=_deviating(conn, info.code, catalog),
    )
