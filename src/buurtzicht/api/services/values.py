"""Figures of one indicator for every region of a level (the map and its table)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb

from buurtzicht.analysis.stats import legend_classes as classes
from buurtzicht.api.problems import InvalidParameterError, PeriodNotAvailableError
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.card import Figure
from buurtzicht.api.schemas.common import RegionRef
from buurtzicht.api.schemas.figures import BoundaryCount, ValueRow, ValuesOut
from buurtzicht.api.services.catalog import catalog, reading
from buurtzicht.api.services.periods import choose_period
from buurtzicht.api.services.suppressions import formula_measures, reason_of
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.queries import figures as value_queries
from buurtzicht.queries import regions as region_queries
from buurtzicht.queries import suppressions as suppression_queries
from buurtzicht.regions.codes import NEDERLAND

LEVELS = ("gemeente", "wijk", "buurt")


def level_values(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    *,
    indicator_id: str,
    level: str,
    period: str | None,
    parent: str | None,
    scheme: str,
    k: int,
    lang: str,
) -> ValuesOut:
    key = ("values", indicator_id, level, period, parent, scheme, k, lang)
    result: ValuesOut = snapshot.cached(
        key,
        lambda: _level_values(
            snapshot, cursor, indicator_id, level, period, parent, scheme, k, lang
        ),
    )
    return result


def _level_values(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    indicator_id: str,
    level: str,
    raw_period: str | None,
    raw_parent: str | None,
    scheme: str,
    k: int,
    lang: str,
) -> ValuesOut:
    if level not in LEVELS:
        raise InvalidParameterError(f"level must be one of {', '.join(LEVELS)}", parameter="level")
    if scheme not in classes.SCHEMES:
        raise InvalidParameterError(
            f"scheme must be one of {', '.join(classes.SCHEMES)}", parameter="scheme"
        )
    indicator = catalog(snapshot, cursor).get(indicator_id)
    read = reading(snapshot, cursor, indicator)
    table = indicator.table
    available = read(lambda c: value_queries.periods(c, indicator.measure, level, table=table))
    what = f"{indicator.id} at {level} level"
    period = choose_period(raw_period, available, what=what)
    parent = parent_ref(cursor, raw_parent, level)
    basis = read(lambda c: value_queries.basis(c, indicator.measure, level, period, table=table))
    if basis is None:  # pragma: no cover - periods() found figures for this period
        raise PeriodNotAvailableError(f"no figures for {what} in {period}")
    rows = read(
        lambda c: value_queries.level_values(
            c,
            indicator.measure,
            level=level,
            period=period,
            indeling=basis.indeling,
            parent=parent.code if parent else None,
            table=table,
        )
    )
    national_value, national_status = read(
        lambda c: value_queries.national_value(c, indicator.measure, period, table=table)
    )
    covered = _coverage(snapshot, cursor, level, basis.geometry_year)
    values = [row["value"] for row in rows]
    # Counts are not comparable with the national total: one sequential scheme, no
    # classes "below / above NL" (rates, shares and indexes diverge around NL).
    centre = None if indicator.kind == "count" else national_value
    classification = classes.classify(values, scheme=scheme, k=k, national=centre)
    decimals = indicator.decimals
    measures = formula_measures(indicator) or [indicator.measure]
    reasons = suppression_queries.level_reasons(cursor, measures, period, basis.indeling)

    def shown(code: str, value: float | None, status: str | None) -> Figure:
        """The figure; a suppressed one says the release's own reason (as on the cards)."""
        why = reason_of(measures, lambda m: reasons.get((code, m))) if value is None else None
        if why:
            return present.figure(None, "suppressed", decimals, lang, why)
        return present.figure(value, status, decimals, lang)

    out_rows = [
        ValueRow(
            code=row["code"],
            name=row["name"],
            figure=shown(row["code"], row["value"], row["status"]),
            class_index=index,
            colour=classification.colour_of(index),
            **_boundary_fields(covered, row["code"]),
        )
        for row, index in zip(rows, classification.assignments, strict=True)
    ]
    return ValuesOut(
        indicator=present.indicator_out(indicator, lang),
        level=level,
        period=period,
        periods=available,
        indeling=basis.indeling,
        geometry_year=basis.geometry_year,
        parent=parent,
        national=shown(NEDERLAND, national_value, national_status),
        scheme=scheme,
        legend=[present.legend_class(c, decimals, lang) for c in classification.classes],
        no_data_colour=classes.NO_DATA,
        rows=out_rows,
        boundaries=_boundary_counts(out_rows) if covered else [],
    )


def parent_ref(cursor: duckdb.DuckDBPyConnection, raw: str | None, level: str) -> RegionRef | None:
    """The parent region a level's figures are limited to (422 when it cannot be)."""
    if not raw:
        return None
    record = region_queries.region(cursor, raw)
    allowed = {"wijk": ("gemeente",), "buurt": ("gemeente", "wijk")}.get(level, ())
    if record["level"] not in allowed:
        raise InvalidParameterError(
            f"{record['code']} is a {record['level']}; {level} figures can be limited to "
            + (" or ".join(allowed) if allowed else "no parent region"),
            parameter="parent",
        )
    return RegionRef(code=record["code"], level=record["level"], name=record["name"])


Coverage = dict[str, tuple[str | None, int | None, str | None]]


def _coverage(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, level: str, year: int | None
) -> Coverage:
    """Boundary source or reason per region of the map's boundary set (cached per build)."""
    if year is None:
        return {}
    result: Coverage = snapshot.cached(
        ("coverage", level, year), lambda: geometry_queries.coverage(cursor, level, year)
    )
    return result


def _boundary_fields(covered: Coverage, code: str) -> dict[str, Any]:
    if not covered:
        return {}
    source, year, reason = covered.get(code, (None, None, "no_boundary"))
    return {"boundary": source, "boundary_year": year, "no_boundary": reason}


def _boundary_counts(rows: list[ValueRow]) -> list[BoundaryCount]:
    counts = Counter((r.boundary, r.boundary_year, r.no_boundary) for r in rows)
    return [
        BoundaryCount(boundary=b, boundary_year=y, no_boundary=reason, regions=n)
        for (b, y, reason), n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
