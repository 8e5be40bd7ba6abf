"""``/api/build``: what the data is, its sources and its date."""

from __future__ import annotations

from fastapi import APIRouter

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.schemas.figures import BuildOut
from buurtzicht.api.services.build import build_summary

router = APIRouter(tags=["build"])


@router.get("/build", response_model=BuildOut, summary="The warehouse build being served")
def build(snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep) -> BuildOut:
    return build_summary(snapshot, cursor, lang)
