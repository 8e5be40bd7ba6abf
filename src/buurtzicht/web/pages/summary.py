"""The printable summary of a profile: ``/gemeente/GM0599/samenvatting`` (+ ``.json``):
what stands out per theme, a small map of the wijken (or buurten) and the children
that stand out; meant to print on at most four A4 pages."""

from __future__ import annotations

import gzip
import json

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.schemas.figures import ValuesOut
from buurtzicht.api.services import map_choice
from buurtzicht.api.services import profile as profile_service
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.values import level_values
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.errors import BuurtzichtError
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.queries.regions import CHILD_LEVEL
from buurtzicht.regions.codes import level_of, normalise_code
from buurtzicht.web.contexts import SummaryPage
from buurtzicht.web.i18n import translator
from buurtzicht.web.minimap import minimap
from buurtzicht.web.pages.map import default_indicator
from buurtzicht.web.render import cached_page, page_meta, split_json

router = APIRouter()


def _child_map(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, code: str, level: str, lang: str
) -> tuple[str | None, ValuesOut | None]:
    """The children of ``code`` on a small map of the level's default indicator
    (:func:`~buurtzicht.web.pages.map.default_indicator`; or the closest with figures),
    with the map's legend."""
    child = CHILD_LEVEL.get(level)
    if child is None:
        return None, None
    try:
        choice = map_choice.choose(
            snapshot,
            cursor,
            indicator_id=default_indicator(catalog(snapshot, cursor).indicators, child),
            level=child,
            period=None,
            parent=code,
        )
        if choice.changed == "nothing":
            return None, None
        values = level_values(
            snapshot,
            cursor,
            indicator_id=choice.indicator,
            level=child,
            period=choice.period,
            parent=choice.parent,
            scheme="quantiles",
            k=5,
            lang=lang,
        )
    except BuurtzichtError:
        return None, None
    if values.geometry_year is None:
        return None, values
    payload = geometry_queries.payload(
        cursor, snapshot.build_id, level=child, year=values.geometry_year, parent=code
    )
    if payload is None:
        return None, values
    features = json.loads(gzip.decompress(payload.gzipped))["features"]
    colours = {row.code: row.colour for row in values.rows}
    label = f"{values.indicator.title}, {values.period[:4]}"
    return str(minimap(features, colours, label, values.no_data_colour)), values


def _summary(request: Request, snapshot: Snapshot, lang: str, level: str, name: str) -> Response:
    if level not in ("gemeente", "wijk", "buurt"):
        raise NotFoundError(
            f"/{level}/... does not exist; summaries exist for gemeente, wijk, buurt"
        )
    code, as_json = split_json(name)
    code = normalise_code(code)
    if level_of(code).value != level:
        raise NotFoundError(
            f"{code} is no {level}; try /{level_of(code).value}/{code}/samenvatting"
        )

    def build(cursor: duckdb.DuckDBPyConnection) -> SummaryPage:
        profile = profile_service.profile(snapshot, cursor, code, lang)
        svg, values = _child_map(snapshot, cursor, code, level, lang)
        t = translator(lang)
        return SummaryPage(
            page=page_meta(
                request,
                f"{t['summary_page_title']}: {profile.region.name}",
                lang,
                build_id=snapshot.build_id,
            ),
            profile=profile,
            map_svg=svg,
            map_values=values.model_copy(update={"rows": []}) if values else None,
        )

    return cached_page(
        request, snapshot, lang, as_json=as_json, template="summary.html", build=build
    )


@router.get("/{level}/{name}/samenvatting")
def summary(
    request: Request, snapshot: SnapshotDep, lang: LangDep, level: str, name: str
) -> Response:
    return _summary(request, snapshot, lang, level, name)


@router.get("/{level}/{name}/samenvatting.json")
def summary_json(
    request: Request, snapshot: SnapshotDep, lang: LangDep, level: str, name: str
) -> Response:
    return _summary(request, snapshot, lang, level, f"{name}.json")
