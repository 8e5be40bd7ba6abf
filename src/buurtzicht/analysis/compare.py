"""Side-by-side comparison of several regions on every indicator."""

from __future__ import annotations

import duckdb
import pandas as pd

from buurtzicht.analysis.store import region_info, region_names, region_records
from buurtzicht.indicators.loader import Catalog, default_catalog
from buurtzicht.regions.codes import NEDERLAND


def compare(
    conn: duckdb.DuckDBPyConnection,
    codes: list[str],
    period: str | None = None,
    *,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """One row per indicator, one column per region (plus Nederland), newest figure up to
    ``period``, with the index against NL (NL = 100) per region.

    Columns: ``indicator``, ``theme``, ``title``, ``unit``, ``period``, then ``<code>``
    and ``<code> index`` for each region and ``NL01``.
    """
    catalog = catalog or default_catalog()
    infos = [region_info(conn, c) for c in codes]
    wanted = [i.code for i in infos] + [NEDERLAND]
    if period is not None and len(period) == 4:
        period = f"{period}JJ00"
    values: dict[tuple[str, str], tuple[str, float]] = {}
    for r in region_records(conn, wanted):
        if r["value"] is None or (period is not None and str(r["period"]) > period):
            continue
        values[(str(r["indicator"]), str(r["region"]))] = (str(r["period"]), float(r["value"]))  # type: ignore[arg-type]
    rows = []
    for ind in catalog.indicators:
        row: dict[str, object] = {
            "indicator": ind.id,
            "theme": ind.theme,
            "title": ind.title.nl,
            "unit": ind.unit.nl,
        }
        nl = values.get((ind.id, NEDERLAND))
        periods = {values[(ind.id, c)][0] for c in wanted if (ind.id, c) in values}
        row["period"] = max(periods) if periods else None
        for code in wanted:
            hit = values.get((ind.id, code))
            row[code] = None if hit is None else hit[1]
            if code != NEDERLAND:
                row[f"{code} index"] = (
                    100.0 * hit[1] / nl[1] if hit and nl and nl[1] and hit[0] == nl[0] else None
                )
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["names"] = region_names(conn, wanted)
    return frame
