"""``/api/trends``: an indicator over time for a few regions and the Netherlands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.schemas import TrendsOut
from buurtzicht.api.services.trends import trends as trend_service

router = APIRouter(tags=["trends"])


@router.get("/trends", response_model=TrendsOut, summary="Time series per region")
def trends(
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    indicator: Annotated[str, Query(description="Indicator id")],
    regions: Annotated[list[str], Query(description="Region codes (repeat or comma-separate)")],
    national: Annotated[bool, Query(description="Add the Netherlands")] = True,
) -> TrendsOut:
    codes = [c for raw in regions for c in raw.split(",") if c.strip()]
    return trend_service(
        snapshot, cursor, indicator_id=indicator, codes=codes, lang=lang, with_national=national
    )
