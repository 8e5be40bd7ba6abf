"""``/api/profile/{code}`` and ``/api/compare``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.schemas import CompareOut, ProfileOut
from buurtzicht.api.services import profile as profile_service

router = APIRouter(tags=["profile"])


@router.get("/profile/{code}", response_model=ProfileOut, summary="Everything about one region")
def profile(snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep, code: str) -> ProfileOut:
    return profile_service.profile(snapshot, cursor, code, lang)


@router.get("/compare", response_model=CompareOut, summary="Several regions side by side")
def compare(
    snapshot: SnapshotDep,
    cursor: CursorDep,
    lang: LangDep,
    regions: Annotated[list[str], Query(description="Region codes (repeat or comma-separate)")],
) -> CompareOut:
    codes = parse_codes(regions)
    if len(codes) < 2:
        raise InvalidParameterError(
            "give at least two region codes to compare", parameter="regions"
        )
    return profile_service.compare(snapshot, cursor, codes, lang)


def parse_codes(raw: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in raw:
        for code in item.split(","):
            if code.strip():
                seen[code.strip().upper()] = None
    return list(seen)
