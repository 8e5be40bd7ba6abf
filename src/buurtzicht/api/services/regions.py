"""A region with its parents and children (search: :mod:`buurtzicht.api.services.search`)."""

from __future__ import annotations

import duckdb

from buurtzicht.api.schemas.common import RegionDetail, RegionRef
from buurtzicht.queries import regions as region_queries


def region_url(code: str, level: str) -> str:
    return f"/{level}/{code}" if level in ("gemeente", "wijk", "buurt") else f"/regio/{code}"


def detail(cursor: duckdb.DuckDBPyConnection, code: str) -> RegionDetail:
    record = region_queries.region(cursor, code)
    kids = region_queries.children(cursor, record)
    return RegionDetail(
        code=record["code"],
        level=record["level"],
        name=record["name"],
        indeling=record["indeling"],
        stedelijkheid=record.get("stedelijkheid"),
        parents=[RegionRef(**p) for p in record["parents"]],
        children=[RegionRef(**c) for c in kids],
        children_level=region_queries.CHILD_LEVEL.get(record["level"]),
        url=region_url(record["code"], record["level"]),
    )
