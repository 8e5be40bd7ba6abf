"""``/api/indicators`` and ``/api/themes``: the catalog with methodology and sources."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.params import INDICATOR_PATTERN
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.card import IndicatorOut
from buurtzicht.api.schemas.figures import CatalogOut, ThemeOut
from buurtzicht.api.services.catalog import catalog

router = APIRouter(tags=["indicators"])


@router.get("/themes", response_model=CatalogOut, summary="Themes with their indicators")
async def themes(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    def compute() -> CatalogOut:
        themes = snapshot.read(lambda cur: catalog(snapshot, cur)).themes
        return CatalogOut(
            themes=[
                ThemeOut(
                    id=theme.id,
                    title=theme.title(lang),
                    indicators=[present.indicator_out(i, lang) for i in theme.indicators],
                )
                for theme in themes
            ]
        )

    return await cached_json(request, snapshot, lang, compute)


@router.get("/indicators", response_model=list[IndicatorOut], summary="Every indicator")
async def indicators(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    def compute() -> list[IndicatorOut]:
        found = snapshot.read(lambda cur: catalog(snapshot, cur)).indicators
        return [present.indicator_out(i, lang) for i in found]

    return await cached_json(request, snapshot, lang, compute)


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorOut,
    summary="One indicator: definition, unit, source, licence, methodology",
)
async def indicator(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    indicator_id: Annotated[str, Path(pattern=INDICATOR_PATTERN, description="Indicator id")],
) -> Response:
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: present.indicator_out(
            snapshot.read(lambda cur: catalog(snapshot, cur)).get(indicator_id), lang
        ),
    )
