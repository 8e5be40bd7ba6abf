"""Side-by-side comparison of several regions on every indicator."""

from __future__ import annotations

import duckdb
import pandas as pd

from buurtzicht.analysis.connection import figures_catalog, with_figures
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.indicators import region_figures
from buurtzicht.queries.regions import newest_names, region_info
from buurtzicht.regions.codes import NEDERLAND


def compare(
    conn: duckdb.DuckDBPyConnection,
    codes: list[str],
    period: str | None = None,
    *,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """One row per indicator, one column per region (plus Nederland), with the index
    against NL (NL = 100) per region for rates and shares (not for counts).

    Figures are aligned on one period per indicator: the newest period, up to
    ``period``, in which every compared region with figures has one. Where there is no
    such period each region shows its newest figure and ``<code> period`` says which.

    Columns: ``indicator``, ``theme``, ``title``, ``unit``, ``period``, then ``<code>``,
    ``<code> period`` and ``<code> index`` for each region and ``NL01``.
    """
    catalog = catalog or figures_catalog(conn)
    infos = [region_info(conn, c) for c in codes]
    regions = [i.code for i in infos]
    wanted = [*regions, NEDERLAND]
    if period is not None and len(period) == 4:
        period = f"{period}JJ00"
    series: dict[tuple[str, str], dict[str, float]] = {}
    for r in region_figures(with_figures(conn), wanted):
        if r.value is None or (period is not None and r.period > period):
            continue
        number = float(r.value)
        if number != number:  # NaN
            continue
        series.setdefault((r.indicator, r.region), {})[r.period] = number
    rows = []
    for ind in catalog.indicators:
        row: dict[str, object] = {
            "indicator": ind.id,
            "theme": ind.theme,
            "title": ind.title.nl,
            "unit": ind.unit.nl,
        }
        own = {code: series.get((ind.id, code), {}) for code in wanted}
        chosen = aligned_periods(own, regions)
        row["period"] = max((p for p in chosen.values() if p), default=None)
        nl = own[NEDERLAND]
        for code in wanted:
            at = chosen.get(code)
            value = own[code].get(at) if at else None
            row[code] = value
            row[f"{code} period"] = at
            if code != NEDERLAND:
                nl_value = nl.get(at) if at else None
                row[f"{code} index"] = (
                    100.0 * value / nl_value
                    if value is not None and nl_value and not ind.is_count
                    else None
                )
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["names"] = newest_names(conn, wanted)
    return frame


def aligned_periods(own: dict[str, dict[str, float]], regions: list[str]) -> dict[str, str | None]:
    """Per region (and NL) the period whose figure is shown: the newest period that
    every region with figures has, else each region's newest.

    >>> aligned_periods({"A": {"2023": 1.0, "2024": 2.0}, "B": {"2023": 3.0},
    ...                  "NL01": {"2023": 1.0, "2024": 1.0}}, ["A", "B"])
    {'A': '2023', 'B': '2023', 'NL01': '2023'}
    >>> aligned_periods({"A": {"2024": 2.0}, "B": {"2023": 3.0}, "NL01": {}}, ["A", "B"])
    {'A': '2024', 'B': '2023', 'NL01': None}
    """
    having = [set(own[c]) for c in regions if own.get(c)]
    common = set.intersection(*having) if having else set()
    out: dict[str, str | None] = {}
    for code, periods in own.items():
        if common:
            out[code] = max(common) if max(common) in periods else None
        else:
            out[code] = max(periods) if periods else None
    if not common and having:
        newest = max(max(p) for p in having)
        nl = own.get(NEDERLAND, {})
        out[NEDERLAND] = newest if newest in nl else (max(nl) if nl else None)
    return out
