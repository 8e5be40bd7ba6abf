"""Map: a choropleth of any indicator at gemeente, wijk (or buurt) level for a year."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Annotated
from urllib.parse import urlencode

import duckdb
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.queries import values as value_queries
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.values import LEVELS, level_values
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import MapPage
from buurtzicht.web.i18n import translator
from buurtzicht.web.pages.home import themes
from buurtzicht.web.render import cached_page, page_meta

router = APIRouter()

#: Shown when the URL names no indicator: registered crime per 1,000 inhabitants.
DEFAULT_INDICATORS = ("misdrijven_per_1000", "misdrijven.GeregistreerdeMisdrijvenPer1000Inw")


def _default_indicator(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> str:
    ids = [i.id for i in catalog(snapshot, cursor).indicators]
    for candidate in DEFAULT_INDICATORS:
        if candidate in ids:
            return candidate
    return ids[0] if ids else ""


@dataclass(frozen=True)
class MapQuery:
    """The query of a map page; empty strings count as absent."""

    indicator: str | None
    niveau: str
    jaar: str | None
    binnen: str | None
    klassen: str
    k: int


def map_query(
    indicator: Annotated[str | None, Query()] = None,
    niveau: Annotated[str, Query()] = "gemeente",
    jaar: Annotated[str | None, Query()] = None,
    binnen: Annotated[str | None, Query()] = None,
    klassen: Annotated[str, Query()] = "quantiles",
    k: Annotated[int, Query(ge=2, le=7)] = 5,
) -> MapQuery:
    return MapQuery(indicator or None, niveau, jaar or None, binnen or None, klassen, k)


MapQueryDep = Annotated[MapQuery, Depends(map_query)]


def _map(request: Request, snapshot: Snapshot, lang: str, as_json: bool, q: MapQuery) -> Response:
    indicator, niveau, jaar, binnen, klassen, k = astuple(q)

    def build(cursor: duckdb.DuckDBPyConnection) -> MapPage:
        indicator_id = indicator or _default_indicator(snapshot, cursor)
        values = level_values(
            snapshot,
            cursor,
            indicator_id=indicator_id,
            level=niveau,
            period=jaar,
            parent=binnen,
            scheme=klassen,
            k=k,
            lang=lang,
        )
        measure = catalog(snapshot, cursor).get(indicator_id).measure
        levels = [lv for lv in LEVELS if lv in value_queries.levels(cursor, measure)]
        query = {"indicator": indicator_id, "level": niveau, "period": values.period, "lang": lang}
        if values.parent:
            query["parent"] = values.parent.code
        geometry_url = None
        if values.geometry_year is not None:
            geometry_url = f"/api/geometry/{niveau}/{values.geometry_year}"
            if values.parent:
                geometry_url += f"?parent={values.parent.code}"
        t = translator(lang)
        title = f"{t['nav_map']}: {values.indicator.title}"
        context = MapPage(
            page=page_meta(request, title, lang, build_id=snapshot.build_id),
            themes=themes(snapshot, cursor, lang),
            indicator=indicator_id,
            level=niveau,
            levels=levels,
            period=values.period,
            scheme=klassen,
            k=k,
            values=values,
            geometry_url=geometry_url,
            csv_url="/api/exports/values.csv?" + urlencode(query),
            xlsx_url="/api/exports/values.xlsx?" + urlencode(query),
            hotspots_url=(
                "/api/hotspots?" + urlencode({k: v for k, v in query.items() if k != "parent"})
                if values.indicator.catalog and values.geometry_year is not None
                else None
            ),
        )
        return context

    return cached_page(request, snapshot, lang, as_json=as_json, template="map.html", build=build)


@router.get("/kaart")
def map_page(request: Request, snapshot: SnapshotDep, lang: LangDep, q: MapQueryDep) -> Response:
    return _map(request, snapshot, lang, False, q)


@router.get("/kaart.json")
def map_json(request: Request, snapshot: SnapshotDep, lang: LangDep, q: MapQueryDep) -> Response:
    return _map(request, snapshot, lang, True, q)
