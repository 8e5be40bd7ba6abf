"""``/api/geometry/{level}/{year}``: simplified GeoJSON, gzipped, with cache headers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from buurtzicht.api.deps import CursorDep, SnapshotDep
from buurtzicht.api.problems import InvalidParameterError, NotFoundError
from buurtzicht.api.queries import geometry as geometry_queries
from buurtzicht.api.queries import regions as region_queries
from buurtzicht.api.queries.geometry import GeometryPayload

router = APIRouter(tags=["geometry"])
LEVELS = ("gemeente", "wijk", "buurt")


@router.get(
    "/geometry/{level}/{year}",
    summary="Boundaries of a level and year as a simplified GeoJSON FeatureCollection",
    responses={200: {"content": {"application/geo+json": {}}}, 304: {}},
)
def geometry(
    request: Request,
    snapshot: SnapshotDep,
    cursor: CursorDep,
    level: str,
    year: int,
    parent: Annotated[
        str | None, Query(description="Only features within this gemeente or wijk")
    ] = None,
) -> Response:
    if level not in LEVELS:
        raise InvalidParameterError("level must be gemeente, wijk or buurt", parameter="level")
    parent_code = region_queries.region(cursor, parent)["code"] if parent else None
    payload: GeometryPayload | None = snapshot.cached(
        ("geometry", level, year, parent_code),
        lambda: geometry_queries.payload(
            cursor, snapshot.build_id, level=level, year=year, parent=parent_code
        ),
    )
    if payload is None:
        have = ", ".join(f"{lv} {y}" for lv, y, _ in geometry_queries.available(cursor))
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
    import gzip

    return Response(
        gzip.decompress(payload.gzipped), media_type="application/geo+json", headers=headers
    )
