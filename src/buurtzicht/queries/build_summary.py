"""Summaries of a build for ``buurtzicht info`` and the API."""

from __future__ import annotations

from typing import Any

import duckdb

from buurtzicht.queries.build_tables import has_table


def _records(conn: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def summary(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    build = dict(conn.execute("SELECT key, value FROM build_info").fetchall())
    (observations,) = conn.execute("SELECT count(*) FROM observations").fetchone() or (0,)
    (measures,) = conn.execute("SELECT count(*) FROM measures").fetchone() or (0,)
    return {
        "build": build,
        "regions": _records(
            conn,
            """
            SELECT level, indeling, count(*) FILTER (WHERE special IS NULL) AS regions,
                   count(*) FILTER (WHERE special IS NOT NULL) AS special
            FROM regions GROUP BY level, indeling ORDER BY indeling DESC,
              list_position(['land','landsdeel','provincie','politie-eenheid',
                'veiligheidsregio','corop','gemeente','wijk','buurt'], level)
            """,
        ),
        "datasets": _records(conn, "SELECT name, observations, notes FROM datasets ORDER BY name"),
        "sources": _records(
            conn,
            "SELECT table_id, version, sha256, publisher, licence, path FROM manifest ORDER BY table_id",
        ),
        "boundaries": _records(
            conn, "SELECT level, year, features FROM boundary_geojson ORDER BY level, year"
        ),
        "boundary_coverage": boundary_coverage(conn),
        "observations": int(observations),
        "measures": int(measures),
    }


def boundary_coverage(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per level and indeling: regions, how many have a boundary (per source layer) and
    how many have none (per reason). Empty for builds made before coverage was kept."""
    if not has_table(conn, "boundary_coverage"):
        return []
    totals = _records(
        conn,
        """
        SELECT level, year, count(*) AS regions, count(source) AS with_boundary,
               count(*) - count(source) AS without_boundary
        FROM boundary_coverage GROUP BY level, year
        ORDER BY list_position(['gemeente', 'wijk', 'buurt'], level), year DESC
        """,
    )
    parts = conn.execute(
        "SELECT level, year, source, source_year, reason, count(*) FROM boundary_coverage "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    for row in totals:
        mine = [p for p in parts if (p[0], p[1]) == (row["level"], row["year"])]
        row["sources"] = {
            f"{source} ({year})": int(n) for _, _, source, year, _, n in mine if source
        }
        row["reasons"] = {str(reason): int(n) for *_, reason, n in mine if reason}
    return totals
