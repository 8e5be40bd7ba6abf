"""Rankings of catalog indicators in public form (``/api/rankings``, ``/ranglijst``)."""

from __future__ import annotations

import duckdb

from buurtzicht.analysis.level_ranking import ranking as analysis_ranking
from buurtzicht.api.problems import InvalidParameterError, PeriodNotAvailableError
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.card import Figure
from buurtzicht.api.schemas.common import RegionRef
from buurtzicht.api.schemas.figures import RankingOut, RankingRowOut
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.periods import parse_period
from buurtzicht.api.services.values import LEVELS, parent_ref
from buurtzicht.api.warehouse import Snapshot

RANK_ORDER = {"nl": "1 = hoogste", "en": "1 = highest"}


def rankings(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    *,
    indicator_id: str,
    level: str,
    period: str | None,
    parent: str | None,
    lang: str,
) -> RankingOut:
    """The ranking of a catalog indicator, cached per build and request."""
    key = ("rankings", indicator_id, level, period, parent, lang)
    result: RankingOut = snapshot.cached(
        key, lambda: _rankings(snapshot, cursor, indicator_id, level, period, parent, lang)
    )
    return result


def _rankings(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    indicator_id: str,
    level: str,
    raw_period: str | None,
    raw_parent: str | None,
    lang: str,
) -> RankingOut:
    if level not in LEVELS:
        raise InvalidParameterError(f"level must be one of {', '.join(LEVELS)}", parameter="level")
    indicator = catalog(snapshot, cursor).get(indicator_id)
    if not indicator.is_catalog:
        raise InvalidParameterError(
            f"{indicator_id} is a source variable; rankings are made for catalog indicators "
            "(see /api/indicators)",
            parameter="indicator",
        )
    parent = parent_ref(cursor, raw_parent, level)
    period = parse_period(raw_period) if raw_period else None
    result = snapshot.analysis(
        lambda conn: analysis_ranking(
            conn, indicator_id, level, parent=parent.code if parent else None, period=period
        )
    )
    where = f" within {parent.code}" if parent else ""
    if result is None or (period is not None and result.period != period):
        raise PeriodNotAvailableError(
            f"no figures for {indicator_id} at {level} level{where}"
            + (f" in {period}" if period else "")
        )
    d = indicator.decimals

    def fig(value: float | None, status: str = "ok") -> Figure:
        return present.figure(value, status if value is not None else "missing", d, lang)

    return RankingOut(
        indicator=present.indicator_out(indicator, lang),
        level=level,
        parent=parent,
        period=result.period,
        previous_period=result.previous_period,
        national=fig(result.nl_value),
        rank_order=RANK_ORDER.get(lang, RANK_ORDER["nl"]),
        rows=[
            RankingRowOut(
                rank=row.rank,
                region=RegionRef(code=row.code, level=level, name=row.name),
                figure=present.figure(row.value, row.status, d, lang),
                index=row.index,
                previous=fig(row.previous) if result.previous_period else None,
                change=fig(row.change) if row.change is not None else None,
                change_pct=row.change_pct,
                reliability=row.reliability,
                ci_low=row.ci_low,
                ci_high=row.ci_high,
            )
            for row in result.rows
        ],
    )
