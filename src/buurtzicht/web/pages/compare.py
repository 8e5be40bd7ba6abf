"""Compare: several regions side by side, as a table and a chart."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.routes.profile import parse_codes
from buurtzicht.api.schemas import CompareOut
from buurtzicht.api.services import profile as profile_service
from buurtzicht.api.services.trends import trends
from buurtzicht.web.contexts import ComparePage
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import page_meta, render

router = APIRouter()

Regio = Annotated[list[str] | None, Query(description="Region codes, repeated or comma-separated")]


def _compare(
    request: Request,
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: str,
    as_json: bool,
    regio: list[str] | None,
    indicator: str | None,
) -> Response:
    codes = parse_codes(regio or [])
    compared = (
        profile_service.compare(snapshot, cursor, codes, lang)
        if codes
        else CompareOut(regions=[], rows=[])
    )
    chosen = indicator or (compared.rows[0].indicator.id if compared.rows else None)
    series = (
        trends(snapshot, cursor, indicator_id=chosen, codes=codes, lang=lang)
        if chosen and codes
        else None
    )
    context = ComparePage(
        page=page_meta(
            request, translator(lang)["compare_title"], lang, build_id=snapshot.build_id
        ),
        compare=compared,
        indicator=chosen,
        trends=series,
    )
    return render(request, "compare.html", context, as_json=as_json)


@router.get("/vergelijk")
def compare_page(
    request: Request,
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    regio: Regio = None,
    indicator: str | None = None,
) -> Response:
    return _compare(request, snapshot, cursor, lang, False, regio, indicator)


@router.get("/vergelijk.json")
def compare_json(
    request: Request,
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    regio: Regio = None,
    indicator: str | None = None,
) -> Response:
    return _compare(request, snapshot, cursor, lang, True, regio, indicator)
