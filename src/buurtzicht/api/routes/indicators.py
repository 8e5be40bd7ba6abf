"""``/api/indicators`` and ``/api/themes``: the catalog with methodology and sources."""

from __future__ import annotations

from fastapi import APIRouter

from buurtzicht.api import present
from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.schemas import CatalogOut, IndicatorOut, ThemeOut
from buurtzicht.api.services.catalog import catalog

router = APIRouter(tags=["indicators"])


@router.get("/themes", response_model=CatalogOut, summary="Themes with their indicators")
def themes(snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep) -> CatalogOut:
    return CatalogOut(
        themes=[
            ThemeOut(
                id=theme.id,
                title=theme.title(lang),
                indicators=[present.indicator_out(i, lang) for i in theme.indicators],
            )
            for theme in catalog(snapshot, cursor).themes
        ]
    )


@router.get("/indicators", response_model=list[IndicatorOut], summary="Every indicator")
def indicators(snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep) -> list[IndicatorOut]:
    return [present.indicator_out(i, lang) for i in catalog(snapshot, cursor).indicators]


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorOut,
    summary="One indicator: definition, unit, source, licence, methodology",
)
def indicator(
    snapshot: SnapshotDep, cursor: CursorDep, lang: LangDep, indicator_id: str
) -> IndicatorOut:
    return present.indicator_out(catalog(snapshot, cursor).get(indicator_id), lang)
