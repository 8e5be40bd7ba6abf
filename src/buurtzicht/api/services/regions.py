"""Region search and a region with its parents and children."""

from __future__ import annotations

import duckdb

from buurtzicht.api.queries import regions as region_queries
from buurtzicht.api.schemas import RegionDetail, RegionHit, RegionRef


def region_url(code: str, level: str) -> str:
    return f"/{level}/{code}" if level in ("gemeente", "wijk", "buurt") else f"/regio/{code}"


def search(
    cursor: duckdb.DuckDBPyConnection, query: str, *, levels: tuple[str, ...], limit: int
) -> list[RegionHit]:
    hits = region_queries.search(cursor, query, levels=levels, limit=limit)
    out = []
    for hit in hits:
        label = hit["name"] or hit["code"]
        if hit["level"] != "gemeente" and hit["gemeente_name"]:
            label = f"{label} ({hit['gemeente_name']})"
        out.append(
            RegionHit(
                code=hit["code"],
                level=hit["level"],
                name=hit["name"],
                gemeente=hit["gemeente"],
                gemeente_name=hit["gemeente_name"],
                label=label,
                url=region_url(hit["code"], hit["level"]),
            )
        )
    return out


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
