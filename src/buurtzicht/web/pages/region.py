"""Region profile pages: ``/gemeente/GM0363``, ``/wijk/WK036300``, ``/buurt/...`` (+ .json)."""

from __future__ import annotations

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.queries import regions as region_queries
from buurtzicht.api.services import profile as profile_service
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.regions.codes import level_of, normalise_code
from buurtzicht.web.contexts import RegionPage
from buurtzicht.web.render import cached_page, page_meta, split_json

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
        map_url = None
        if level == "gemeente":
            map_url = f"/kaart?niveau=wijk&binnen={region.code}"
        elif level == "wijk":
            gemeente = next((p.code for p in region.parents if p.level == "gemeente"), None)
            map_url = f"/kaart?niveau=wijk&binnen={gemeente}" if gemeente else None
        return RegionPage(
            page=page_meta(
                request, f"{region.name} ({region.code})", lang, build_id=snapshot.build_id
            ),
            profile=profile,
            map_url=map_url,
        )

    return cached_page(
        request, snapshot, lang, as_json=as_json, template="region.html", build=build
    )


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
