"""``/api/geometry/{level}/{year}``: simplified GeoJSON, gzipped, with cache headers;
``/api/tiles/{level}/{year}/{z}/{x}/{y}.mvt``: vector tiles of the buurt sets."""

from __future__ import annotations

import gzip
from typing import Annotated

import duckdb
from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from buurtzicht.api.deps import SnapshotDep
from buurtzicht.api.params import Level, ParentParam, YearPath
from buurtzicht.api.problems import NotFoundError
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.queries import regions as region_queries
from buurtzicht.queries.boundaries import GeometryPayload
from buurtzicht.regions.codes import normalise_code

router = APIRouter(tags=["geometry"])


@router.get(
    "/geometry/{level}/{year}",
    summary="Boundaries of a level and year as a simplified GeoJSON FeatureCollection",
    responses={200: {"content": {"application/geo+json": {}}}, 304: {}},
)
async def geometry(
    request: Request,
    snapshot: SnapshotDep,
    level: Level,
    year: YearPath,
    parent: ParentParam = None,
) -> Response:
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


TILE_TYPE = "application/vnd.mapbox-vector-tile"


@router.get(
    "/tiles/{level}/{year}.json",
    summary="TileJSON of the vector tiles of a level and year (buurten)",
)
async def tilejson(
    request: Request, snapshot: SnapshotDep, level: Level, year: YearPath
) -> dict[str, object]:
    info = await run_in_threadpool(
        snapshot.read, lambda cur: geometry_queries.tile_set(cur, level, year)
    )
    if info is None:
        raise NotFoundError(f"no vector tiles for {level} {year} in this build")
    base = str(request.base_url).rstrip("/")
    return {
        "tilejson": "3.0.0",
        "name": f"buurtzicht {level} {year}",
        "attribution": "CBS, Kadaster (PDOK); Gemeente Amsterdam",
        "tiles": [f"{base}/api/tiles/{level}/{year}/{{z}}/{{x}}/{{y}}.mvt"],
        "minzoom": info.minzoom,
        "maxzoom": info.maxzoom,
        "bounds": list(info.bounds),
        "vector_layers": [{"id": "areas", "fields": {"code": "String"}}],
    }


@router.get(
    "/tiles/{level}/{year}/{z}/{x}/{y}.mvt",
    summary="One Mapbox vector tile (layer 'areas', property 'code'); 204 where empty",
    responses={200: {"content": {TILE_TYPE: {}}}, 204: {}, 304: {}},
)
async def vector_tile(
    request: Request,
    snapshot: SnapshotDep,
    level: Level,
    year: YearPath,
    z: Annotated[int, Path(ge=0, le=24, description="Zoom level")],
    x: Annotated[int, Path(ge=0, description="Tile column")],
    y: Annotated[int, Path(ge=0, description="Tile row")],
) -> Response:
    data: bytes | None = await snapshot.cached_async(
        ("tile", level, year, z, x, y),
        lambda: snapshot.read(lambda cur: geometry_queries.tile(cur, level, year, z, x, y)),
    )
    etag = f'"{snapshot.build_id[-16:]}-{level}-{year}-{z}-{x}-{y}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600, must-revalidate"}
    if data is None:
        return Response(status_code=204, headers=headers)
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(data, media_type=TILE_TYPE, headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(data), media_type=TILE_TYPE, headers=headers)
