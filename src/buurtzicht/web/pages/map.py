"""Map: a choropleth of any indicator at gemeente, wijk or buurt level for a year.

Never a dead end: when the indicator, period or parent cannot be shown as asked, the
map shows the closest that can (:mod:`buurtzicht.api.services.map_choice`) and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

import duckdb
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.schemas.figures import ValuesOut
from buurtzicht.api.services import map_choice
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.values import LEVELS, level_values
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.indicators.model import IndicatorMeta
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.web.contexts import Context, MapPage, TilesRef
from buurtzicht.web.i18n import translator
from buurtzicht.web.map_notes import boundary_notes, map_notices, suppression_note
from buurtzicht.web.own_figures import Shown, personal_page
from buurtzicht.web.pages.home import themes
from buurtzicht.web.render import page_meta

router = APIRouter()

#: Shown when the URL names no indicator: registered crime per 1,000 inhabitants.
DEFAULT_INDICATORS = ("misdrijven_per_1000", "misdrijven.GeregistreerdeMisdrijvenPer1000Inw")


def default_indicator(indicators: Sequence[IndicatorMeta], level: str) -> str:
    """The indicator a map, ranking or summary map of ``level`` shows when none is asked.

    Below the gemeente the police publish no crime figures (47018NED has gemeenten
    only): a wijk or buurt map shows the indicator the catalog names for it
    (``default_below_gemeente``, an ondermijning figure published for most wijken and
    buurten), else registered crime, else the first with figures.
    """
    ids = [i.id for i in indicators]
    below = [i.id for i in indicators if i.default_below_gemeente and level in ("wijk", "buurt")]
    return next((c for c in (*below, *DEFAULT_INDICATORS) if c in ids), ids[0] if ids else "")


def _default_indicator(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, level: str) -> str:
    return default_indicator(catalog(snapshot, cursor).indicators, level)


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
    if q.niveau not in LEVELS:
        raise InvalidParameterError(f"level must be one of {', '.join(LEVELS)}", parameter="niveau")

    def build(cursor: duckdb.DuckDBPyConnection) -> MapPage:
        asked = q.indicator or _default_indicator(snapshot, cursor, q.niveau)
        choice = map_choice.choose(
            snapshot, cursor, indicator_id=asked, level=q.niveau, period=q.jaar, parent=q.binnen
        )
        values = None
        if choice.changed != "nothing":
            values = level_values(
                snapshot,
                cursor,
                indicator_id=choice.indicator,
                level=q.niveau,
                period=choice.period,
                parent=choice.parent,
                scheme=q.klassen,
                k=q.k,
                lang=lang,
            )
        t = translator(lang)
        known = catalog(snapshot, cursor)
        shown = known.get(choice.indicator)
        query = {"indicator": choice.indicator, "level": q.niveau, "lang": lang}
        if values is not None:
            query["period"] = values.period
        if choice.parent:
            query["parent"] = choice.parent
        return MapPage(
            page=page_meta(
                request, f"{t['nav_map']}: {shown.title(lang)}", lang, build_id=snapshot.build_id
            ),
            themes=themes(snapshot, cursor, lang),
            indicator=choice.indicator,
            level=q.niveau,
            levels=list(LEVELS),
            period=values.period if values else None,
            scheme=q.klassen,
            k=q.k,
            values=values,
            geometry_url=_geometry_url(q.niveau, values),
            tiles=_tiles(snapshot, q.niveau, values),
            csv_url="/api/exports/values.csv?" + urlencode(query),
            xlsx_url="/api/exports/values.xlsx?" + urlencode(query),
            hotspots_url=(
                "/api/hotspots?" + urlencode(query)
                if values and values.indicator.catalog and values.geometry_year is not None
                else None
            ),
            rankings_url=(
                "/ranglijst?"
                + urlencode(
                    {"indicator": choice.indicator, "niveau": q.niveau}
                    | ({"binnen": choice.parent} if choice.parent else {})
                )
                if shown.is_catalog
                else None
            ),
            notices=map_notices(choice, q.niveau, values, known, lang, cursor)
            + suppression_note(values, lang),
            boundary_notes=boundary_notes(values, lang),
        )

    return personal_page(
        request,
        snapshot,
        lang,
        as_json=as_json,
        template="map.html",
        build=build,
        shown=_shown,
        via="kaart",
    )


def _shown(context: Context) -> Shown:
    assert isinstance(context, MapPage)
    rows = context.values.rows if context.values else []
    return Shown(names={r.code: r.name for r in rows}, level=context.level)


def _geometry_url(level: str, values: ValuesOut | None) -> str | None:
    """GeoJSON of the map's regions: per parent from the build's parts, else national
    (the national buurt map uses vector tiles instead)."""
    if values is None or values.geometry_year is None:
        return None
    if values.parent:
        return f"/api/geometry/{level}/{values.geometry_year}?parent={values.parent.code}"
    if level == "buurt":
        return None
    return f"/api/geometry/{level}/{values.geometry_year}"


def _tiles(snapshot: Snapshot, level: str, values: ValuesOut | None) -> TilesRef | None:
    if values is None or values.geometry_year is None or values.parent or level != "buurt":
        return None
    year = values.geometry_year
    return snapshot.read(lambda c: tiles_ref(c, level, year))


def tiles_ref(cursor: duckdb.DuckDBPyConnection, level: str, year: int) -> TilesRef | None:
    """The vector tiles of a level and year for a map page, or None without a tile set."""
    info = geometry_queries.tile_set(cursor, level, year)
    if info is None:
        return None
    return TilesRef(
        url=f"/api/tiles/{level}/{year}/{{z}}/{{x}}/{{y}}.mvt",
        minzoom=info.minzoom,
        maxzoom=info.maxzoom,
        bounds=info.bounds,
    )


@router.get("/kaart")
def map_page(request: Request, snapshot: SnapshotDep, lang: LangDep, q: MapQueryDep) -> Response:
    return _map(request, snapshot, lang, False, q)


@router.get("/kaart.json")
def map_json(request: Request, snapshot: SnapshotDep, lang: LangDep, q: MapQueryDep) -> Response:
    return _map(request, snapshot, lang, True, q)
