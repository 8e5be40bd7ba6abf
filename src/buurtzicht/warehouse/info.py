"""Summaries of a build for ``buurtzicht info`` and the API."""

from __future__ import annotations

from typing import Any

import duckdb


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
        "observations": int(observations),
        "measures": int(measures),
    }
