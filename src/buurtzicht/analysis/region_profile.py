"""Region profile: every indicator of a region with its comparisons, trend and reliability.

:func:`profile` returns a :class:`RegionProfile`, a typed model that the API and the web
pages render as JSON and as HTML alike. It reads the precomputed ``indicator_values``
(a handful of indexed queries), so a profile takes tens of milliseconds.
"""

from __future__ import annotations

import math

import duckdb
from pydantic import BaseModel, ConfigDict

from buurtzicht.analysis.connection import cached, figures_catalog, with_figures
from buurtzicht.analysis.deviations import ThemeDeviations, deviating_children
from buurtzicht.analysis.deviations_table import precomputed
from buurtzicht.analysis.profile_comparisons import (
    Comparisons,
    GroupValues,
    K,
    PeerGroupOut,
    PeerValue,
    Record,
    SimilarBasis,
    SimilarRegionOut,
    TrendOut,
    by_indicator,
    comparisons,
    default_period,
    number,
)
from buurtzicht.analysis.profile_comparisons_table import stored_comparisons
from buurtzicht.indicators.formula import Localised
from buurtzicht.indicators.model import Indicator, SourceCitation
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import region_figures
from buurtzicht.queries.regions import RegionInfo, newest_names, region_info
from buurtzicht.regions.codes import NEDERLAND

__all__ = [
    "AreaValue",
    "IndicatorProfile",
    "PeerGroupOut",
    "PeerValue",
    "RegionProfile",
    "ReliabilityOut",
    "SimilarBasis",
    "SimilarRegionOut",
    "TrendOut",
    "profile",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class AreaValue(_Model):
    code: str
    name: str
    value: float | None = None


class ReliabilityOut(_Model):
    flag: str | None
    ci_low: float | None
    ci_high: float | None
    eb_value: float | None


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


_num = number


def _int(value: object) -> int | None:
    f = _num(value)
    return None if f is None else int(f)


def _pick(rows: list[Record], period: str) -> Record | None:
    """The row of the newest period up to ``period`` with a value (else with a status)."""
    usable = [r for r in rows if r.period <= period]
    with_value = [r for r in usable if _num(r.value) is not None]
    chosen = with_value or usable
    return chosen[-1] if chosen else None


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


def _reliability(row: Record | None) -> ReliabilityOut:
    if row is None:
        return ReliabilityOut(flag=None, ci_low=None, ci_high=None, eb_value=None)
    flag = row.reliability
    return ReliabilityOut(
        flag=None if flag is None or (isinstance(flag, float) and math.isnan(flag)) else str(flag),
        ci_low=_num(row.ci_low),
        ci_high=_num(row.ci_high),
        eb_value=_num(row.eb_value),
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
    trend: TrendOut | None,
) -> IndicatorProfile:
    row = _pick(own, period)
    chosen = None if row is None else row.period
    value = None if row is None else _num(row.value)
    nl = area_values.get((ind.id, NEDERLAND, chosen or ""))
    status = "missing" if row is None else str(row.status)
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
        rank=None if row is None else _int(row.rank),
        n_ranked=None if row is None else _int(row.n_ranked),
        percentile=None if row is None else _num(row.percentile),
        trend=trend,
        reliability=_reliability(row),
        sources=ind.sources,
        disclosure_rule=ind.disclosure_rule,
        synthetic=ind.synthetic,
    )


def _built_with(conn: duckdb.DuckDBPyConnection, catalog: Catalog) -> bool:
    """True when the tables precomputed at build time hold this catalog's figures: the
    catalog the build stored, or the packaged one that a build without it was made with
    (:func:`~buurtzicht.analysis.connection.figures_catalog`)."""
    return catalog.from_build or catalog is figures_catalog(conn)


def _deviating(
    conn: duckdb.DuckDBPyConnection, code: str, catalog: Catalog
) -> list[ThemeDeviations]:
    """Stored at build time (a few rows) for the build's catalog; computed otherwise."""
    if _built_with(conn, catalog):
        stored = precomputed(conn, code)
        if stored is not None:
            return stored
    return deviating_children(conn, code, catalog=catalog)


def _area_records(conn: duckdb.DuckDBPyConnection, code: str) -> list[Record]:
    """The figures of NL, a provincie or a politie-eenheid: the same for every profile
    that shows them, so read once per connection (a few dozen areas at most)."""
    return cached(conn, ("area-records", code), lambda: region_figures(with_figures(conn), [code]))


def _area_names(conn: duckdb.DuckDBPyConnection, areas: list[str]) -> dict[str, str]:
    return cached(conn, ("area-names", *areas), lambda: newest_names(conn, areas))


def _comparisons(
    conn: duckdb.DuckDBPyConnection,
    info: RegionInfo,
    rows: list[Record],
    period: str,
    k: int,
    catalog: Catalog,
) -> Comparisons:
    """Stored at build time for the default period, k and catalog; computed otherwise."""
    if k == K and _built_with(conn, catalog):
        found = stored_comparisons(conn, info.code)
        if found is not None and found.period == period:
            return found
    return comparisons(conn, info, rows, period, k=k, catalog=catalog)


def profile(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    period: str | None = None,
    *,
    k: int = K,
    catalog: Catalog | None = None,
) -> RegionProfile:
    """All indicators of a region with NL, areas, peers, similar regions, trend, reliability.

    ``period`` is a CBS period code or a year (``2024``); per indicator the newest figure
    up to that period is shown (default: the newest the region has). ``catalog``:
    default the one the build's figures were computed with
    (:func:`~buurtzicht.analysis.connection.figures_catalog`).
    """
    catalog = catalog or figures_catalog(conn)
    info = region_info(conn, code)
    rows = region_figures(with_figures(conn), [info.code])
    if period is None:
        period = default_period(rows)
    elif len(period) == 4:
        period = f"{period}JJ00"
    areas = [c for c in (NEDERLAND, info.provincie, info.politie_eenheid) if c]
    area_values = {
        (r.indicator, r.region, r.period): float(r.value)
        for area in areas
        for r in _area_records(conn, area)
        if r.value is not None and _num(r.value) is not None
    }
    names = _area_names(conn, areas)
    found = _comparisons(conn, info, rows, period, k, catalog)
    peers = found.peer_values()
    similar_values = found.similar_values()
    own = by_indicator(rows)
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
        peer_group=found.peer_group,
        similar_regions=found.similar_regions,
        similar_basis=found.similar_basis,
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
                found.trends.get(ind.id),
            )
            for ind in catalog.indicators
        ],
        deviating_children=_deviating(conn, info.code, catalog),
    )
