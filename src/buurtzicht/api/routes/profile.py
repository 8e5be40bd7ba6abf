"""``/api/profile/{code}`` and ``/api/compare``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.params import CompareRegionsParam, RegionCodePath, region_codes
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.region_page import CompareOut, ProfileOut
from buurtzicht.api.services import profile as profile_service
from buurtzicht.regions.codes import normalise_code

router = APIRouter(tags=["profile"])


@router.get("/profile/{code}", response_model=ProfileOut, summary="Everything about one region")
async def profile(
    request: Request, snapshot: SnapshotDep, lang: LangDep, code: RegionCodePath
) -> Response:
    code = normalise_code(code)
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(lambda cur: profile_service.profile(snapshot, cur, code, lang)),
    )


@router.get("/compare", response_model=CompareOut, summary="Several regions side by side")
async def compare(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    regions: CompareRegionsParam,
) -> Response:
    codes = region_codes(regions, least=2)
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(lambda cur: profile_service.compare(snapshot, cur, codes, lang)),
    )


def parse_codes(raw: list[str]) -> list[str]:
    """Codes of the compare page's ``regio`` parameter (repeated or comma-separated)."""
    seen: dict[str, None] = {}
    for item in raw:
        for code in item.split(","):
            if code.strip():
                seen[code.strip().upper()] = None
    return list(seen)
