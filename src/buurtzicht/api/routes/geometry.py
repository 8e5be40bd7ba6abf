"""``/api/geometry/{level}/{year}``: simplified GeoJSON, gzipped, with cache headers."""

from __future__ import annotations

import gzip
from typing import Annotated

import duckdb
from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from buurtzicht.api.deps import SnapshotDep
from buurtzicht.api.problems import InvalidParameterError, NotFoundError
from buurtzicht.api.queries import geometry as geometry_queries
from buurtzicht.api.queries import regions as region_queries
from buurtzicht.api.queries.geometry import GeometryPayload
from buurtzicht.regions.codes import normalise_code

router = APIRouter(tags=["geometry"])
LEVELS = ("gemeente", "wijk", "buurt")


@router.get(
    "/geometry/{level}/{year}",
    summary="Boundaries of a level and year as a simplified GeoJSON FeatureCollection",
    responses={200: {"content": {"application/geo+json": {}}}, 304: {}},
)
async def geometry(
    request: Request,
    snapshot: SnapshotDep,
    level: str,
    year: int,
    parent: Annotated[
        str | None, Query(description="Only features within this gemeente or wijk")
    ] = None,
) -> Response:
    if level not in LEVELS:
        raise InvalidParameterError("level must be gemeente, wijk or buurt", parameter="level")
    parent_code = normalise_code(parent) if parent else None

    def compute(cursor: duckdb.DuckDBPyConnection) -> GeometryPayload | None:
        if parent_code:
            region_queries.region(cursor, parent_code)  # UnknownRegionError -> 404
        return geometry_queries.payload(
            cursor, snapshot.build_id, level=level, year=year, parent=parent_code
        )

    payload: GeometryPayload | None = await snapshot.cached_async(
        ("geometry", level, year, parent_code), lambda: snapshot.read(compute)
    )
    if payload is None:
        available = await run_in_threadpool(snapshot.read, geometry_queries.available)
        have = ", ".join(f"{lv} {y}" for lv, y, _ in available)
        raise NotFoundError(f"no {level} boundaries for {year} in this build; available: {have}")
    headers = {
        "ETag": payload.etag,
        "Cache-Control": "public, max-age=3600, must-revalidate",
        "Vary": "Accept-Encoding",
        "X-Features": str(payload.features),
    }
    if payload.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            payload.gzipped,
            media_type="application/geo+json",
            headers={**headers, "Content-Encoding": "gzip"},
        )
    return Response(
        gzip.decompress(payload.gzipped), media_type="application/geo+json", headers=headers
    )
