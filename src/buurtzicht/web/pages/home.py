"""Home: search, themes, what the data is and its date."""

from __future__ import annotations

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.figures import ThemeOut
from buurtzicht.api.services.build import build_summary
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.search import search as search_regions
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import HomePage
from buurtzicht.web.errors import error_page
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import cached_page, page_meta

router = APIRouter()


def themes(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, lang: str) -> list[ThemeOut]:
    return [
        ThemeOut(
            id=theme.id,
            title=theme.title(lang),
            indicators=[present.indicator_out(i, lang) for i in theme.indicators],
        )
        for theme in catalog(snapshot, cursor).themes
    ]


def _home(request: Request, snapshot: Snapshot, lang: str, as_json: bool) -> Response:
    def build(cursor: duckdb.DuckDBPyConnection) -> HomePage:
        return HomePage(
            page=page_meta(request, translator(lang)["tagline"], lang, build_id=snapshot.build_id),
            build=build_summary(snapshot, cursor, lang),
            themes=themes(snapshot, cursor, lang),
        )

    return cached_page(request, snapshot, lang, as_json=as_json, template="home.html", build=build)


@router.get("/")
def home(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    return _home(request, snapshot, lang, as_json=False)


@router.get("/index.json")
def home_json(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    return _home(request, snapshot, lang, as_json=True)


@router.get("/zoek")
def search(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep, q: str = ""
) -> Response:
    """The search form without JavaScript: go to the best match, or say (in the page's
    language) why there is none."""
    levels = ("gemeente", "wijk", "buurt")
    hits = search_regions(snapshot, cursor, q, levels=levels, limit=1, lang=lang) if q else []
    if hits:
        return RedirectResponse(hits[0].url, status_code=303)
    t = translator(lang)
    digits = q.strip().replace(" ", "")
    detail = t["search_postcode"] if digits[:4].isdigit() else t["search_nothing"]
    return error_page(
        request,
        status=404,
        title=t["search_none"],
        detail=detail.format(q=q.strip()),
        lang=lang,
    )
