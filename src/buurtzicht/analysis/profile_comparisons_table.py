"""What profiles compare with, stored once per build for every current gemeente.

:func:`~buurtzicht.analysis.profile_comparisons.comparisons` (peers, similar regions
with their explanation, trends) is about a third of the cost of an uncached gemeente
profile and the same for every visitor. The warehouse build computes it for each region
of the newest indeling of :data:`LEVELS` (the same function, so the same answer) into
the table ``profile_comparisons`` (one JSON document per region, read back to the same
floats); a profile reads one row. The pooled peer and similar-region values are sums in
DuckDB, whose parallel float sums are not order-stable: the same query can differ in the
last bits between runs (it did before this table too, for about a third of the gemeente
profiles between two processes), so stored and recomputed pooled values agree to about
1e-15, not always bit for bit.

Only gemeenten: the pooled peer values are sums over each region's peers without the
region itself, in DuckDB's order, so the exact answer takes one query per region
(~20-30 ms). For 342 gemeenten that is ~10 s per build; for 3,393 wijken it would be
~100 s and for 14,574 buurten ~20 min. Their profiles compute it on first request and
the server keeps the profile (bounded cache).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from buurtzicht.analysis.connection import cached, ensure_indicator_values, figures_catalog
from buurtzicht.analysis.profile_comparisons import Comparisons, comparisons, default_period
from buurtzicht.queries.indicators import region_figures
from buurtzicht.queries.profile_tables import COMPARISONS_TABLE, comparison_documents
from buurtzicht.queries.regions import newest_indeling_codes, region_info

TABLE = COMPARISONS_TABLE
LEVELS = ("gemeente",)


def comparisons_frame(
    conn: duckdb.DuckDBPyConnection, levels: tuple[str, ...] = LEVELS
) -> pd.DataFrame:
    """The rows of :data:`TABLE`: region, level, period and the JSON document."""
    ensure_indicator_values(conn)
    catalog = figures_catalog(conn)
    out = []
    for level in levels:
        for code in newest_indeling_codes(conn, level):
            info = region_info(conn, code)
            rows = region_figures(conn, [info.code])
            period = default_period(rows)
            found = comparisons(conn, info, rows, period, catalog=catalog)
            out.append((info.code, level, period, found.to_json()))
    return pd.DataFrame(out, columns=["region", "level", "period", "body"])


def materialise_comparisons(conn: duckdb.DuckDBPyConnection) -> int:
    """(Re)create :data:`TABLE` on a writable build connection; returns its rows."""
    frame = comparisons_frame(conn)
    conn.register("_profile_comparisons", frame)
    try:
        conn.execute(
            f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM _profile_comparisons ORDER BY region"
        )
    finally:
        conn.unregister("_profile_comparisons")
    return len(frame)


def stored_comparisons(conn: duckdb.DuckDBPyConnection, code: str) -> Comparisons | None:
    """The stored comparisons of ``code``; None when the build has none for it."""
    # One small table read whole: a point query scans the whole text column of its row
    # group anyway (~20 MB for 345 gemeenten), so it is read once per connection (the
    # server's analysis cursor lives as long as the build; the warm-up reads it first).
    documents = cached(conn, ("documents", TABLE), lambda: comparison_documents(conn))
    body = documents.get(code)
    return None if body is None else Comparisons.from_json(body)
