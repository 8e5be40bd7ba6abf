"""``/api/rankings``: the regions of a level (within a gemeente or wijk) ranked on one
catalog indicator, and its CSV / XLSX export."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response

from buurtzicht.api import exports
from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.params import IndicatorParam, LevelParam, ParentParam, PeriodParam
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.figures import RankingOut
from buurtzicht.api.services.rankings import rankings as ranking_service

router = APIRouter(tags=["rankings"])


@router.get(
    "/rankings",
    response_model=RankingOut,
    summary="Regions ranked on an indicator (1 = highest; regions without a figure last)",
)
async def rankings(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    indicator: IndicatorParam,
    level: LevelParam = "gemeente",
    period: PeriodParam = None,
    parent: ParentParam = None,
) -> Response:
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(
            lambda cur: ranking_service(
                snapshot,
                cur,
                indicator_id=indicator,
                level=level,
                period=period,
                parent=parent,
                lang=lang,
            )
        ),
    )


@router.get(
    "/exports/rankings.{extension}",
    summary="Download a ranking as CSV (Dutch Excel) or XLSX",
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def export_rankings(
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    extension: Literal["csv", "xlsx"],
    indicator: IndicatorParam,
    level: LevelParam = "gemeente",
    period: PeriodParam = None,
    parent: ParentParam = None,
) -> Response:
    ranking = ranking_service(
        snapshot,
        cursor,
        indicator_id=indicator,
        level=level,
        period=period,
        parent=parent,
        lang=lang,
    )
    export = exports.rankings_export(ranking, lang, extension, build_id=snapshot.build_id)
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
