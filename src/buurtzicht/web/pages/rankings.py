"""Rankings: ``/ranglijst?indicator=&niveau=&binnen=&jaar=`` (+ ``.json``): the
gemeenten of the country, or the wijken or buurten of a gemeente or wijk, ranked on one
catalog indicator; sortable by value, index, change and reliability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

import duckdb
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.services import map_choice
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.rankings import rankings
from buurtzicht.api.services.values import LEVELS
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import Context, RankingsPage
from buurtzicht.web.i18n import translator
from buurtzicht.web.map_notes import map_notices
from buurtzicht.web.own_figures import Shown, personal_page
from buurtzicht.web.pages.home import themes
from buurtzicht.web.pages.map import default_indicator
from buurtzicht.web.render import page_meta

router = APIRouter()


@dataclass(frozen=True)
class RankingQuery:
    indicator: str | None
    niveau: str | None
    jaar: str | None
    binnen: str | None


def ranking_query(
    indicator: Annotated[str | None, Query()] = None,
    niveau: Annotated[str | None, Query()] = None,
    jaar: Annotated[str | None, Query()] = None,
    binnen: Annotated[str | None, Query()] = None,
) -> RankingQuery:
    return RankingQuery(indicator or None, niveau or None, jaar or None, binnen or None)


RankingQueryDep = Annotated[RankingQuery, Depends(ranking_query)]


def _default(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, level: str) -> str:
    return default_indicator(
        [i for i in catalog(snapshot, cursor).indicators if i.is_catalog], level
    )


def _page(
    request: Request, snapshot: Snapshot, lang: str, as_json: bool, q: RankingQuery
) -> Response:
    level = q.niveau or ("wijk" if q.binnen else "gemeente")
    if level not in LEVELS:
        raise InvalidParameterError(f"level must be one of {', '.join(LEVELS)}", parameter="niveau")

    def build(cursor: duckdb.DuckDBPyConnection) -> RankingsPage:
        asked = q.indicator or _default(snapshot, cursor, level)
        choice = map_choice.choose(
            snapshot, cursor, indicator_id=asked, level=level, period=q.jaar, parent=q.binnen
        )
        result = None
        if choice.changed != "nothing":
            result = rankings(
                snapshot,
                cursor,
                indicator_id=choice.indicator,
                level=level,
                period=choice.period,
                parent=choice.parent,
                lang=lang,
            )
        known = catalog(snapshot, cursor)
        t = translator(lang)
        query = {"indicator": choice.indicator, "level": level, "lang": lang}
        if result is not None:
            query["period"] = result.period
        if choice.parent:
            query["parent"] = choice.parent
        map_query = {"indicator": choice.indicator, "niveau": level}
        if choice.parent:
            map_query["binnen"] = choice.parent
        title = known.get(choice.indicator).title(lang)
        return RankingsPage(
            page=page_meta(
                request, f"{t['nav_rankings']}: {title}", lang, build_id=snapshot.build_id
            ),
            themes=[th for th in themes(snapshot, cursor, lang) if th.indicators[0].catalog],
            indicator=choice.indicator,
            level=level,
            ranking=result,
            notices=map_notices(choice, level, None, known, lang, cursor),
            csv_url="/api/exports/rankings.csv?" + urlencode(query),
            xlsx_url="/api/exports/rankings.xlsx?" + urlencode(query),
            map_url="/kaart?" + urlencode(map_query),
        )

    return personal_page(
        request,
        snapshot,
        lang,
        as_json=as_json,
        template="rankings.html",
        build=build,
        shown=_shown,
        via="ranglijst",
    )


def _shown(context: Context) -> Shown:
    assert isinstance(context, RankingsPage)
    rows = context.ranking.rows if context.ranking else []
    return Shown(names={r.region.code: r.region.name for r in rows}, level=context.level)


@router.get("/ranglijst")
def rankings_page(
    request: Request, snapshot: SnapshotDep, lang: LangDep, q: RankingQueryDep
) -> Response:
    return _page(request, snapshot, lang, False, q)


@router.get("/ranglijst.json")
def rankings_json(
    request: Request, snapshot: SnapshotDep, lang: LangDep, q: RankingQueryDep
) -> Response:
    return _page(request, snapshot, lang, True, q)
