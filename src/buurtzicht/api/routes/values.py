"""``/api/values``: an indicator for every region of a level in one period."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.params import (
    ClassesParam,
    IndicatorParam,
    LevelParam,
    ParentParam,
    PeriodParam,
    SchemeParam,
)
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.figures import ValuesOut
from buurtzicht.api.services.values import level_values

router = APIRouter(tags=["values"])


@router.get("/values", response_model=ValuesOut, summary="Indicator x level x period")
async def values(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    indicator: IndicatorParam,
    level: LevelParam = "gemeente",
    period: PeriodParam = None,
    parent: ParentParam = None,
    scheme: SchemeParam = "quantiles",
    k: ClassesParam = 5,
) -> Response:
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(
            lambda cur: level_values(
                snapshot,
                cur,
                indicator_id=indicator,
                level=level,
                period=period,
                parent=parent,
                scheme=scheme,
                k=k,
                lang=lang,
            )
        ),
    )
