"""``/api/trends``: an indicator over time for a few regions and the Netherlands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.params import IndicatorParam, RegionsParam, region_codes
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.figures import TrendsOut
from buurtzicht.api.services.trends import trends as trend_service

router = APIRouter(tags=["trends"])


@router.get("/trends", response_model=TrendsOut, summary="Time series per region")
async def trends(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    indicator: IndicatorParam,
    regions: RegionsParam,
    national: Annotated[bool, Query(description="Add the Netherlands")] = True,
) -> Response:
    codes = region_codes(regions, least=1)
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(
            lambda cur: trend_service(
                snapshot,
                cur,
                indicator_id=indicator,
                codes=codes,
                lang=lang,
                with_national=national,
            )
        ),
    )
