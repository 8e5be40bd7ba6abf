"""Region profile pages: ``/gemeente/GM0363``, ``/wijk/WK036300``, ``/buurt/...`` (+ .json)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.queries import regions as region_queries
from buurtzicht.api.services import profile as profile_service
from buurtzicht.web.contexts import RegionPage
from buurtzicht.web.render import page_meta, render, split_json

router = APIRouter()


def _region(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: str, level: str, name: str
) -> Response:
    code, as_json = split_json(name)
    record = region_queries.region(cursor, code)
    if record["level"] != level:
        suffix = ".json" if as_json else ""
        return RedirectResponse(f"/{record['level']}/{record['code']}{suffix}", status_code=308)
    profile = profile_service.profile(snapshot, cursor, record["code"], lang)
    map_url = None
    if level == "gemeente":
        map_url = f"/kaart?niveau=wijk&binnen={record['code']}"
    elif level == "wijk":
        map_url = f"/kaart?niveau=wijk&binnen={record['gemeente']}"
    context = RegionPage(
        page=page_meta(
            request, f"{record['name']} ({record['code']})", lang, build_id=snapshot.build_id
        ),
        profile=profile,
        map_url=map_url,
    )
    return render(request, "region.html", context, as_json=as_json)


@router.get("/gemeente/{name}")
def gemeente(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep, name: str
) -> Response:
    return _region(request, snapshot, cursor, lang, "gemeente", name)


@router.get("/wijk/{name}")
def wijk(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep, name: str
) -> Response:
    return _region(request, snapshot, cursor, lang, "wijk", name)


@router.get("/buurt/{name}")
def buurt(
    request: Request, snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep, name: str
) -> Response:
    return _region(request, snapshot, cursor, lang, "buurt", name)


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
