"""Time series of one indicator for a few regions (and the Netherlands)."""

from __future__ import annotations

import duckdb

from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.card import TrendPoint
from buurtzicht.api.schemas.common import RegionRef
from buurtzicht.api.schemas.figures import TrendSeries, TrendsOut
from buurtzicht.api.services.catalog import catalog, reading
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import figures as value_queries
from buurtzicht.queries import regions as region_queries
from buurtzicht.regions.codes import NEDERLAND
from buurtzicht.warehouse.current import CURRENT_INDELING

MAX_REGIONS = 12  # as buurtzicht.api.params.MAX_REGIONS


def trends(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    *,
    indicator_id: str,
    codes: list[str],
    lang: str,
    with_national: bool = True,
) -> TrendsOut:
    if not codes:
        raise InvalidParameterError("give at least one region code", parameter="regions")
    if len(codes) > MAX_REGIONS:
        raise InvalidParameterError(f"at most {MAX_REGIONS} regions at once", parameter="regions")
    indicator = catalog(snapshot, cursor).get(indicator_id)
    records = [region_queries.region(cursor, code) for code in codes]
    wanted = [r["code"] for r in records]
    if with_national and NEDERLAND not in wanted:
        wanted.append(NEDERLAND)
    names = region_queries.names(cursor, wanted, CURRENT_INDELING)
    rows = reading(snapshot, cursor, indicator)(
        lambda c: value_queries.series(c, indicator.measure, wanted, table=indicator.table)
    )
    by_code: dict[str, list[TrendPoint]] = {code: [] for code in wanted}
    for row in rows:
        by_code[row["code"]].append(
            TrendPoint(
                period=row["period"],
                year=int(row["period"][:4]),
                figure=present.figure(row["value"], row["status"], indicator.decimals, lang),
            )
        )
    levels = {r["code"]: r["level"] for r in records} | {NEDERLAND: "land"}
    series = [
        TrendSeries(
            region=RegionRef(code=code, level=levels[code], name=names.get(code)),
            points=by_code[code],
        )
        for code in wanted
        if by_code[code] or code != NEDERLAND
    ]
    return TrendsOut(indicator=present.indicator_out(indicator, lang), series=series)
