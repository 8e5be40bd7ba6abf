"""Region profile pages: ``/gemeente/GM0363``, ``/wijk/WK036300``, ``/buurt/...`` (+ .json)."""

from __future__ import annotations

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.schemas.common import RegionRef
from buurtzicht.api.services import profile as profile_service
from buurtzicht.api.services import zoekgebieden as zoekgebieden_service
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import regions as region_queries
from buurtzicht.regions.codes import level_of, normalise_code
from buurtzicht.web.contexts import Context, MapLink, RegionPage
from buurtzicht.web.i18n import translator
from buurtzicht.web.own_figures import Shown, personal_page
from buurtzicht.web.render import page_meta, split_json

router = APIRouter()


def _region(request: Request, snapshot: Snapshot, lang: str, level: str, name: str) -> Response:
    raw, as_json = split_json(name)
    code = normalise_code(raw)
    actual = level_of(code).value
    if actual != level:
        if actual not in ("gemeente", "wijk", "buurt"):
            raise NotFoundError(
                f"{code} is a {actual}; profiles exist for gemeenten, wijken and buurten"
            )
        return RedirectResponse(f"/{actual}/{code}{'.json' if as_json else ''}", status_code=308)

    def build(cursor: duckdb.DuckDBPyConnection) -> RegionPage:
        profile = profile_service.profile(snapshot, cursor, code, lang)
        region = profile.region
        return RegionPage(
            page=page_meta(
                request, f"{region.name} ({region.code})", lang, build_id=snapshot.build_id
            ),
            profile=profile,
            map_links=map_links(level, region.code, region.parents, lang),
            risks=zoekgebieden_service.region_risks(snapshot, cursor, region.code, lang),
        )

    return personal_page(
        request,
        snapshot,
        lang,
        as_json=as_json,
        template="region.html",
        build=build,
        shown=_shown,
        via="profiel",
    )


def _shown(context: Context) -> Shown:
    """A profile shows its region and lists its children."""
    assert isinstance(context, RegionPage)
    region = context.profile.region
    names = {region.code: region.name} | {c.code: c.name for c in region.children}
    return Shown(names=names)


def map_links(level: str, code: str, parents: list[RegionRef], lang: str) -> list[MapLink]:
    """Links from a profile down (and across) to maps that show figures: the wijken and
    buurten of a gemeente, the buurten of a wijk, the buurten around a buurt."""
    t = translator(lang)
    wijk = next((p.code for p in parents if p.level == "wijk"), None)
    if level == "gemeente":
        return [
            MapLink(label=t["drill_down"], url=f"/kaart?niveau=wijk&binnen={code}"),
            MapLink(label=t["map_of_gemeente_buurten"], url=f"/kaart?niveau=buurt&binnen={code}"),
            MapLink(label=t["ranking_wijken"], url=f"/ranglijst?niveau=wijk&binnen={code}"),
        ]
    if level == "wijk":
        return [
            MapLink(label=t["map_of_wijk"], url=f"/kaart?niveau=buurt&binnen={code}"),
            MapLink(label=t["ranking_buurten"], url=f"/ranglijst?niveau=buurt&binnen={code}"),
        ]
    if level == "buurt" and wijk:
        return [MapLink(label=t["nav_map"], url=f"/kaart?niveau=buurt&binnen={wijk}")]
    return []


@router.get("/gemeente/{name}")
def gemeente(request: Request, snapshot: SnapshotDep, lang: LangDep, name: str) -> Response:
    return _region(request, snapshot, lang, "gemeente", name)


@router.get("/wijk/{name}")
def wijk(request: Request, snapshot: SnapshotDep, lang: LangDep, name: str) -> Response:
    return _region(request, snapshot, lang, "wijk", name)


@router.get("/buurt/{name}")
def buurt(request: Request, snapshot: SnapshotDep, lang: LangDep, name: str) -> Response:
    return _region(request, snapshot, lang, "buurt", name)


@router.get("/regio/{name}")
def any_region(cursor: CursorDep, name: str) -> Response:
    code, as_json = split_json(name)
    record = region_queries.region(cursor, code)
    if record["level"] not in ("gemeente", "wijk", "buurt"):
        raise NotFoundError(
            f"{record['code']} is a {record['level']}; profiles exist for gemeenten, wijken and buurten"
        )
    return RedirectResponse(
        f"/{record['level']}/{record['code']}{'.json' if as_json else ''}", status_code=307
    )
