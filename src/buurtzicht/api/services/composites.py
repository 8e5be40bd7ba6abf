"""Composite indexes in public form: a card per composite on a profile, and the
weight-sensitivity report of a level (what ``buurtzicht composite`` prints).

The figures come from :mod:`buurtzicht.analysis.composite` (the CLI's functions), once
per build, composite, level and period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from buurtzicht.analysis.composite import (
    CompositeResult,
    RegionReport,
    SensitivityReport,
    composite_index,
    report_rows,
    sensitivity,
)
from buurtzicht.api.problems import InvalidParameterError, PeriodNotAvailableError
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.common import RegionDetail, RegionRef
from buurtzicht.api.schemas.region_page import (
    CompositeCardOut,
    CompositeComponentOut,
    CompositeRegionOut,
    CompositeReportOut,
)
from buurtzicht.api.services.catalog import COMPOSITE_THEME, Catalog, catalog, model_catalog
from buurtzicht.api.services.periods import parse_period
from buurtzicht.api.services.values import LEVELS
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.indicators.model import IndicatorMeta
from buurtzicht.queries.regions import newest_names


@dataclass(frozen=True)
class LevelComposite:
    """A composite at one level and period with its sensitivity report (None when no
    region of the level has every component)."""

    result: CompositeResult
    report: SensitivityReport | None


def composites(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> list[IndicatorMeta]:
    """The composite indexes the build can compute (every component has figures)."""
    for theme in catalog(snapshot, cursor).themes:
        if theme.id == COMPOSITE_THEME[0]:
            return list(theme.indicators)
    return []


def level_composite(
    snapshot: Snapshot, meta: IndicatorMeta, level: str, period: str | None = None
) -> LevelComposite:
    """The composite of ``level`` (newest common period by default), cached per build."""

    def compute() -> LevelComposite:
        model = model_catalog(snapshot)
        result = snapshot.analysis(
            lambda conn: composite_index(conn, meta.id, level, period, catalog=model)
        )
        weights = pd.Series({c.indicator: c.weight for c in meta.components})
        complete = result.scores.dropna()
        report = sensitivity(result.indices, weights) if len(complete) else None
        return LevelComposite(result, report)

    found: LevelComposite = snapshot.cached(("composite", meta.id, level, period), compute)
    return found


def composite_cards(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, region: RegionDetail, lang: str
) -> list[CompositeCardOut]:
    """A card per composite for which the region has at least one component."""
    if region.level not in LEVELS:
        return []
    known = catalog(snapshot, cursor)
    cards = []
    for meta in composites(snapshot, cursor):
        found = level_composite(snapshot, meta, region.level)
        if region.code in found.result.indices.index:
            cards.append(_card(meta, found, region, known, lang))
    return cards


def gemeente_of_composites(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    region: RegionDetail,
    cards: list[CompositeCardOut],
) -> RegionRef | None:
    """For a wijk or buurt without composite cards while no composite has a figure at
    its level (the components are published per gemeente only): its gemeente, whose
    cards the profile points to. None otherwise."""
    if region.level not in ("wijk", "buurt") or cards:
        return None
    known = composites(snapshot, cursor)
    if not known or any(
        len(level_composite(snapshot, meta, region.level).result.scores) for meta in known
    ):
        return None
    return next((p for p in region.parents if p.level == "gemeente"), None)


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _card(
    meta: IndicatorMeta,
    found: LevelComposite,
    region: RegionDetail,
    known: Catalog,
    lang: str,
) -> CompositeCardOut:
    result, report = found.result, found.report
    code = region.code
    score = _number(result.scores.get(code))
    ranked = report is not None and score is not None
    total = sum(c.weight for c in meta.components)
    own = result.values.loc[code] if code in result.values.index else pd.Series(dtype=float)
    components = []
    for part in meta.components:
        indicator = known.get(part.indicator)
        d = indicator.decimals
        components.append(
            CompositeComponentOut(
                indicator=part.indicator,
                title=part.title(lang),
                unit=indicator.unit(lang),
                weight=part.weight,
                share=part.weight / total,
                figure=present.figure(_number(own.get(part.indicator)), None, d, lang),
                national=present.figure(
                    _number(result.nl_values.get(part.indicator)), None, d, lang
                ),
                index=_number(result.indices.at[code, part.indicator]),
                drop_one_spearman=report.drop_one_spearman.get(part.indicator) if report else None,
            )
        )
    figure = present.figure(score, "ok" if score is not None else "incomplete", 0, lang)
    band = report if ranked else None
    return CompositeCardOut(
        indicator=present.indicator_out(meta, lang),
        level=region.level,
        period=result.period,
        figure=figure,
        rank=int(band.base_rank[code]) if band else None,
        rank_of=len(report.base_rank) if report else None,
        rank_p05=float(band.p05_rank[code]) if band else None,
        rank_p95=float(band.p95_rank[code]) if band else None,
        max_shift=float(band.max_shift[code]) if band else None,
        mean_spearman=report.mean_spearman if report else None,
        draws=report.draws if report else 0,
        spread=report.spread if report else 0.0,
        seed=report.seed if report else 0,
        components=components,
        map_url=_map_url(meta.id, region),
    )


def _map_url(indicator_id: str, region: RegionDetail) -> str:
    url = f"/kaart?indicator={indicator_id}&niveau={region.level}"
    gemeente = next((p.code for p in region.parents if p.level == "gemeente"), None)
    return url + (f"&binnen={gemeente}" if region.level != "gemeente" and gemeente else "")


def composite_report(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    composite_id: str,
    level: str,
    period: str | None,
    lang: str,
) -> CompositeReportOut:
    """The composite of every region of ``level`` with its weight-sensitivity report."""
    if level not in LEVELS:
        raise InvalidParameterError(f"level must be one of {', '.join(LEVELS)}", parameter="level")
    meta = catalog(snapshot, cursor).get(composite_id)
    if not meta.is_composite:
        raise InvalidParameterError(
            f"{composite_id} is not a composite index; the composite indexes are listed at "
            "/api/indicators (theme samengestelde_indexen)",
            parameter="composite",
        )
    found = level_composite(snapshot, meta, level, parse_period(period) if period else None)
    report = found.report
    if report is None:
        raise PeriodNotAvailableError(
            f"no region at {level} level has every component of {composite_id}"
            + (f" in {period}" if period else "")
        )
    rows: list[RegionReport] = report_rows(found.result, report)
    names = newest_names(cursor, [r.region for r in rows])
    return CompositeReportOut(
        indicator=present.indicator_out(meta, lang),
        level=level,
        period=found.result.period,
        mean_spearman=report.mean_spearman,
        drop_one_spearman=report.drop_one_spearman,
        draws=report.draws,
        spread=report.spread,
        seed=report.seed,
        rows=[
            CompositeRegionOut(
                region=RegionRef(code=r.region, level=level, name=names.get(r.region)),
                index=r.index,
                rank=r.rank,
                rank_p05=r.rank_p05,
                rank_p95=r.rank_p95,
                max_shift=r.max_shift,
            )
            for r in rows
        ],
    )
