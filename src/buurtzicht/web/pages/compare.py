"""Compare: several regions side by side, as a table and a chart."""

from __future__ import annotations

from typing import Annotated

import duckdb
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.routes.profile import parse_codes
from buurtzicht.api.schemas.region_page import CompareOut
from buurtzicht.api.services import profile as profile_service
from buurtzicht.api.services.trends import trends
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import ComparePage, Context
from buurtzicht.web.i18n import translator
from buurtzicht.web.own_figures import Shown, personal_page
from buurtzicht.web.pages.map import DEFAULT_INDICATORS
from buurtzicht.web.render import page_meta
from buurtzicht.web.yearly import trend_chart

router = APIRouter()

Regio = Annotated[list[str] | None, Query(description="Region codes, repeated or comma-separated")]


def _compare(
    request: Request,
    snapshot: Snapshot,
    lang: str,
    as_json: bool,
    regio: list[str] | None,
    indicator: str | None,
) -> Response:
    codes = parse_codes(regio or [])

    def build(cursor: duckdb.DuckDBPyConnection) -> ComparePage:
        compared = (
            profile_service.compare(snapshot, cursor, codes, lang)
            if codes
            else CompareOut(regions=[], rows=[])
        )
        shown = [row.indicator.id for row in compared.rows]
        preferred = [i for i in DEFAULT_INDICATORS if i in shown]
        chosen = indicator or next(iter(preferred + shown), None)
        series = (
            trends(snapshot, cursor, indicator_id=chosen, codes=codes, lang=lang)
            if chosen and codes
            else None
        )
        t = translator(lang)
        return ComparePage(
            page=page_meta(request, t["compare_title"], lang, build_id=snapshot.build_id),
            compare=compared,
            indicator=chosen,
            trends=series,
            chart=trend_chart(series, t["chart_no_figure"]) if series else None,
        )

    return personal_page(
        request,
        snapshot,
        lang,
        as_json=as_json,
        template="compare.html",
        build=build,
        shown=_shown,
        via="vergelijk",
    )


def _shown(context: Context) -> Shown:
    assert isinstance(context, ComparePage)
    return Shown(names={r.code: r.name for r in context.compare.regions})


@router.get("/vergelijk")
def compare_page(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    regio: Regio = None,
    indicator: str | None = None,
) -> Response:
    return _compare(request, snapshot, lang, False, regio, indicator)


@router.get("/vergelijk.json")
def compare_json(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    regio: Regio = None,
    indicator: str | None = None,
) -> Response:
    return _compare(request, snapshot, lang, True, regio, indicator)
