"""``/api/values``: an indicator for every region of a level in one period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.responses import cached_json
from buurtzicht.api.schemas import ValuesOut
from buurtzicht.api.services.values import level_values

router = APIRouter(tags=["values"])

IndicatorParam = Annotated[str, Query(description="Indicator id (see /api/indicators)")]
LevelParam = Annotated[str, Query(description="gemeente, wijk or buurt")]
PeriodParam = Annotated[
    str | None, Query(description="Year (2024) or CBS period (2024JJ00); default: the latest")
]
ParentParam = Annotated[
    str | None, Query(description="Only regions within this gemeente or wijk, e.g. GM0363")
]
SchemeParam = Annotated[str, Query(description="quantiles, natural_breaks or equal_interval")]
ClassesParam = Annotated[int, Query(ge=2, le=7, description="Number of legend classes")]


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
    key = ("values", indicator, level, period, parent, scheme, k, lang)
    return await cached_json(
        request,
        snapshot,
        key,
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
