"""Methodology and sources: every indicator's definition, source and licence."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.services.build import build_summary
from buurtzicht.web.contexts import MethodologyPage
from buurtzicht.web.i18n import translator
from buurtzicht.web.pages.home import themes
from buurtzicht.web.render import page_meta, render

router = APIRouter()


def _methodology(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: str, as_json: bool
) -> Response:
    context = MethodologyPage(
        page=page_meta(request, translator(lang)["method_title"], lang, build_id=snapshot.build_id),
        themes=themes(snapshot, cursor, lang),
        build=build_summary(snapshot, cursor, lang),
    )
    return render(request, "methodology.html", context, as_json=as_json)


@router.get("/methodologie")
def methodology(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep
) -> Response:
    return _methodology(request, snapshot, cursor, lang, False)


@router.get("/methodologie.json")
def methodology_json(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep
) -> Response:
    return _methodology(request, snapshot, cursor, lang, True)
