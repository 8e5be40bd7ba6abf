"""Methodology and sources: every indicator's definition, source and licence."""

from __future__ import annotations

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.services.build import build_summary
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import MethodologyPage
from buurtzicht.web.i18n import translator
from buurtzicht.web.pages.home import themes
from buurtzicht.web.render import cached_page, page_meta

router = APIRouter()


def _methodology(request: Request, snapshot: Snapshot, lang: str, as_json: bool) -> Response:
    def build(cursor: duckdb.DuckDBPyConnection) -> MethodologyPage:
        return MethodologyPage(
            page=page_meta(
                request, translator(lang)["method_title"], lang, build_id=snapshot.build_id
            ),
            themes=themes(snapshot, cursor, lang),
            build=build_summary(snapshot, cursor, lang),
        )

    return cached_page(
        request, snapshot, lang, as_json=as_json, template="methodology.html", build=build
    )


@router.get("/methodologie")
def methodology(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    return _methodology(request, snapshot, lang, False)


@router.get("/methodologie.json")
def methodology_json(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    return _methodology(request, snapshot, lang, True)
