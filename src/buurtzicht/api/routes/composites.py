"""``/api/composites/{composite}``: a composite index at one level with its
weight-sensitivity report (the JSON of ``buurtzicht composite --json``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.params import INDICATOR_PATTERN, LevelParam, PeriodParam
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.region_page import CompositeReportOut
from buurtzicht.api.services.composites import composite_report

router = APIRouter(tags=["composites"])

CompositePath = Annotated[
    str,
    Path(
        pattern=INDICATOR_PATTERN,
        description="Composite index id, e.g. veiligheidsindex (see /api/indicators, "
        "theme samengestelde_indexen)",
    ),
]


@router.get(
    "/composites/{composite}",
    response_model=CompositeReportOut,
    summary="A composite index per region (NL = 100) with how its ranks move when the weights vary",
)
async def composite(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    composite: CompositePath,
    level: LevelParam = "gemeente",
    period: PeriodParam = None,
) -> Response:
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(
            lambda cur: composite_report(snapshot, cur, composite, level, period, lang)
        ),
    )
