"""``/api/regions``: search with autocomplete, one region with parents and children."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.params import Level, RegionCodePath
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.common import RegionDetail, RegionHit
from buurtzicht.api.services import regions as region_service
from buurtzicht.api.services import search as search_service
from buurtzicht.regions.codes import normalise_code

router = APIRouter(prefix="/regions", tags=["regions"])
LEVELS = ("gemeente", "wijk", "buurt")


@router.get("", response_model=list[RegionHit], summary="Search regions by name or code")
def search_regions(
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Name or code, e.g. 'Amster', 'Den Haag', 'Amsterdm' or 'GM0363'",
        ),
    ],
    level: Annotated[
        list[Level] | None, Query(description="Only these levels (gemeente, wijk, buurt)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[RegionHit]:
    levels = tuple(level or LEVELS)
    return search_service.search(snapshot, cursor, q, levels=levels, limit=limit, lang=lang)


@router.get("/{code}", response_model=RegionDetail, summary="A region with parents and children")
async def get_region(request: Request, snapshot: SnapshotDep, code: RegionCodePath) -> Response:
    code = normalise_code(code)
    return await cached_json(
        request,
        snapshot,
        None,  # the same in both languages, kept per language as every answer
        lambda: snapshot.read(lambda cur: region_service.detail(cur, code)),
    )
