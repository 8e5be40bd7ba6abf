"""Hotspots of an indicator (Getis-Ord Gi* or Local Moran, from the analysis engine)."""

from __future__ import annotations

import math

import duckdb

from buurtzicht.analysis.hotspot_map import HotspotInputError, hotspot_map
from buurtzicht.api.problems import InvalidParameterError, NotFoundError
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.figures import HotspotRow, HotspotsOut
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.periods import parse_period
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.regions.codes import normalise_code

METHODS = ("gi_star", "local_moran")
#: 999 permutations keep a national wijk map interactive; the CLI uses more.
PERMUTATIONS = 999


def _num(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def hotspots(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    *,
    indicator_id: str,
    level: str,
    period: str | None,
    method: str,
    lang: str,
    parent: str | None = None,
) -> HotspotsOut:
    if method not in METHODS:
        raise InvalidParameterError(
            f"method must be one of {', '.join(METHODS)}", parameter="method"
        )
    indicator = catalog(snapshot, cursor).get(indicator_id)
    if not indicator.is_catalog:
        raise InvalidParameterError(
            f"hotspots are computed for catalog indicators; {indicator_id} is a source variable",
            parameter="indicator",
        )
    code = parse_period(period) if period else None
    parent_code = normalise_code(parent) if parent else None
    try:
        result = snapshot.analysis(
            lambda conn: hotspot_map(
                conn,
                indicator_id,
                level,
                code,
                method=method,
                permutations=PERMUTATIONS,
                parent=parent_code,
            )
        )
    except HotspotInputError as exc:
        raise NotFoundError(str(exc), parameter="level") from exc
    table = result.table()
    return HotspotsOut(
        indicator=present.indicator_out(indicator, lang),
        level=level,
        period=result.period,
        geometry_year=result.geometry_year,
        method=result.result.method,
        smoothed=result.smoothed,
        permutations=result.result.permutations,
        inference=result.result.inference,
        parent=parent_code,
        alpha=result.result.alpha,
        rows=[
            HotspotRow(
                code=str(row["region"]),
                hotspot_class=str(row["class"]),
                z=_num(row["z"]),
                p_sim=_num(row["p_sim"]),
                significant=bool(row["significant"]),
            )
            for row in table.to_dict("records")
        ],
    )
