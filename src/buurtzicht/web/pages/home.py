"""Home: search, themes, what the data is and its date."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from buurtzicht.api import present
from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.schemas import ThemeOut
from buurtzicht.api.services.build import build_summary
from buurtzicht.api.services.catalog import catalog
from buurtzicht.web.contexts import HomePage
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import page_meta, render

router = APIRouter()


def themes(snapshot: SnapshotDep, cursor: CursorDep, lang: str) -> list[ThemeOut]:
    return [
        ThemeOut(
            id=theme.id,
            title=theme.title(lang),
            indicators=[present.indicator_out(i, lang) for i in theme.indicators],
        )
        for theme in catalog(snapshot, cursor).themes
    ]


def _home(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: str, as_json: bool
) -> Response:
    build = build_summary(snapshot, cursor, lang)
    context = HomePage(
        page=page_meta(request, translator(lang)["tagline"], lang, build_id=snapshot.build_id),
        build=build,
        themes=themes(snapshot, cursor, lang),
    )
    return render(request, "home.html", context, as_json=as_json)


@router.get("/")
def home(request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep) -> Response:
    return _home(request, snapshot, cursor, lang, as_json=False)


@router.get("/index.json")
def home_json(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep
) -> Response:
    return _home(request, snapshot, cursor, lang, as_json=True)


@router.get("/zoek")
def search(cursor: CursorDep, q: str = "") -> Response:
    """The search form without JavaScript: go to the best match."""
    from fastapi.responses import RedirectResponse

    from buurtzicht.api.problems import NotFoundError
    from buurtzicht.api.services.regions import search as search_regions

    hits = search_regions(cursor, q, levels=("gemeente", "wijk", "buurt"), limit=1) if q else []
    if not hits:
        raise NotFoundError(
            f"no gemeente, wijk or buurt matches {q!r}; try a name or a code like GM0363"
        )
    return RedirectResponse(hits[0].url, status_code=303)
