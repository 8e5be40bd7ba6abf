"""``/api/exports/values.csv`` and ``.xlsx``: the values table as a download."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from buurtzicht.api import exports
from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.params import (
    ClassesParam,
    IndicatorParam,
    LevelParam,
    ParentParam,
    PeriodParam,
)
from buurtzicht.api.services.values import level_values

router = APIRouter(tags=["exports"])


@router.get(
    "/exports/values.{extension}",
    summary="Download indicator x level x period as CSV (Dutch Excel) or XLSX",
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def export_values(
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    extension: Literal["csv", "xlsx"],
    indicator: IndicatorParam,
    level: LevelParam = "gemeente",
    period: PeriodParam = None,
    parent: ParentParam = None,
    k: ClassesParam = 5,
) -> Response:
    values = level_values(
        snapshot,
        cursor,
        indicator_id=indicator,
        level=level,
        period=period,
        parent=parent,
        scheme="quantiles",
        k=k,
        lang=lang,
    )
    if extension == "csv":
        export = exports.values_csv(values, lang)
    else:
        export = exports.values_xlsx(values, lang, build_id=snapshot.build_id)
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
