"""``/api/hotspots``: where an indicator clusters high (or low) in space."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.params import (
    IndicatorParam,
    LevelParam,
    MethodParam,
    ParentParam,
    PeriodParam,
)
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.figures import HotspotsOut
from buurtzicht.api.services.hotspots import hotspots as hotspot_service

router = APIRouter(tags=["hotspots"])


@router.get(
    "/hotspots", response_model=HotspotsOut, summary="Hotspots and coldspots of an indicator"
)
async def hotspots(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    indicator: IndicatorParam,
    level: LevelParam = "gemeente",
    period: PeriodParam = None,
    method: MethodParam = "gi_star",
    parent: ParentParam = None,
) -> Response:
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(
            lambda cur: hotspot_service(
                snapshot,
                cur,
                indicator_id=indicator,
                level=level,
                period=period,
                method=method,
                lang=lang,
                parent=parent,
            )
        ),
    )
