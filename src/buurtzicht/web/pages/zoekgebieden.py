"""Zoekgebieden: ``/zoekgebieden?thema=&niveau=&jaar=&binnen=`` (+ ``.json``).

A map of the risk classes of one theme per gemeente, wijk or buurt (the map code of
``/kaart``: the same GeoJSON and vector tiles, coloured per class), the explanation of
an area on hover and click, the model card and the validation table with the baselines.
Only what the build holds after disclosure control is shown
(:mod:`buurtzicht.api.services.zoekgebieden`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.services import zoekgebieden as service
from buurtzicht.api.services.values import LEVELS
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.queries import secure_zoekgebieden as zoek_queries
from buurtzicht.warehouse.current import CURRENT_INDELING
from buurtzicht.web.contexts import TilesRef
from buurtzicht.web.contexts_models import (
    ClassValidationRow,
    ModelCard,
    ThemeChoice,
    ValidationRow,
    ZoekgebiedenPage,
)
from buurtzicht.web.i18n import translator
from buurtzicht.web.pages.map import tiles_ref
from buurtzicht.web.render import cached_page, page_meta

router = APIRouter()


@dataclass(frozen=True)
class ZoekQuery:
    thema: str
    niveau: str | None
    jaar: str | None
    binnen: str | None


def zoek_query(
    thema: Annotated[str, Query()] = "hennep",
    niveau: Annotated[str | None, Query()] = None,
    jaar: Annotated[str | None, Query()] = None,
    binnen: Annotated[str | None, Query()] = None,
) -> ZoekQuery:
    return ZoekQuery(thema or "hennep", niveau or None, jaar or None, binnen or None)


ZoekQueryDep = Annotated[ZoekQuery, Depends(zoek_query)]


def _level(cursor: duckdb.DuckDBPyConnection, theme: str, asked: str | None) -> str:
    """The asked level, else the finest level with published classes (wijk before gemeente)."""
    if asked:
        return asked
    for level in ("wijk", "gemeente", "buurt"):
        if zoek_queries.periods(cursor, theme, level):
            return level
    return "gemeente"


def _page(request: Request, snapshot: Snapshot, lang: str, as_json: bool, q: ZoekQuery) -> Response:
    if q.thema not in service.THEMES:
        raise InvalidParameterError(
            f"thema must be one of {', '.join(service.THEMES)}", parameter="thema"
        )
    if q.niveau is not None and q.niveau not in LEVELS:
        raise InvalidParameterError(f"level must be one of {', '.join(LEVELS)}", parameter="niveau")

    def build(cursor: duckdb.DuckDBPyConnection) -> ZoekgebiedenPage:
        t = translator(lang)
        page = page_meta(request, t["nav_zoekgebieden"], lang, build_id=snapshot.build_id)
        if not zoek_queries.has_models(cursor):
            return ZoekgebiedenPage(
                page=page, available=False, themes=[], theme=q.thema,
                level=q.niveau or "gemeente", levels=list(LEVELS),
                notices=[t["zg_no_models"]],
            )  # fmt: skip
        doc = service.document(snapshot, cursor)
        level = _level(cursor, q.thema, q.niveau)
        notices: list[str] = []
        result = None
        if zoek_queries.periods(cursor, q.thema, level):
            result = service.zoekgebieden(
                snapshot, cursor, theme=q.thema, level=level, period=q.jaar, lang=lang,
                parent=q.binnen,
            )  # fmt: skip
        else:
            notices.append(t["zg_no_level"].format(level=t[f"level_{level}"]))
        zoek = doc["models"]["zoekgebieden"]
        youth = doc["models"]["jonge_aanwas"]
        return ZoekgebiedenPage(
            page=page,
            available=True,
            themes=[ThemeChoice(id=c["theme"], title=c[lang]) for c in zoek["themes"]],
            theme=q.thema,
            level=level,
            levels=list(LEVELS),
            result=result,
            geometry_url=_geometry_url(cursor, level, result),
            tiles=_tiles(cursor, level, result),
            notices=notices,
            card=_card(zoek, service.theme_card(doc, q.thema)["coefficients"], lang, classes=True),
            validation=_validation(doc["validation"]["zoekgebieden"], q.thema, lang),
            class_validation=_class_validation(
                doc["validation"].get("zoekgebieden_klassen", []), q.thema, lang
            ),
            youth_card=_card(youth, youth["coefficients"], lang),
            youth_validation=_validation(doc["validation"]["jonge_aanwas"], None, lang),
            synthetic=bool(doc.get("synthetic", True)),
        )

    return cached_page(
        request, snapshot, lang, as_json=as_json, template="zoekgebieden.html", build=build
    )


def _has_geometry(cursor: duckdb.DuckDBPyConnection, level: str) -> bool:
    return any(
        lv == level and year == CURRENT_INDELING
        for lv, year, _n in geometry_queries.available(cursor)
    )


def _geometry_url(cursor: duckdb.DuckDBPyConnection, level: str, result: Any) -> str | None:
    if result is None or not _has_geometry(cursor, level):
        return None
    if result.parent:
        return f"/api/geometry/{level}/{CURRENT_INDELING}?parent={result.parent.code}"
    return None if level == "buurt" else f"/api/geometry/{level}/{CURRENT_INDELING}"


def _tiles(cursor: duckdb.DuckDBPyConnection, level: str, result: Any) -> TilesRef | None:
    if result is None or result.parent or level != "buurt":
        return None
    return tiles_ref(cursor, level, CURRENT_INDELING)


def _card(
    model: dict[str, Any], coefficients: list[dict[str, Any]], lang: str, *, classes: bool = False
) -> ModelCard:
    features = [
        {"feature": c["feature"], "label": c[lang], "coef": c["coef"],
         "ratio_per_sd": c["ratio_per_sd"]}
        for c in sorted(coefficients, key=lambda c: -abs(float(c["coef"])))
    ]  # fmt: skip
    return ModelCard(
        title=model["title"][lang],
        purpose=model["purpose"][lang],
        method=model["method"],
        features=features,
        classes=[
            {"klasse": k, "label": service.LABELS[lang][k],
             "description": service.RULES[lang][k], "colour": service.COLOURS[k]}
            for k in service.CLASSES
        ] if classes else [],
        intended_use=model["intended_use"][lang],
        limits=list(model["limits"][lang]),
    )  # fmt: skip


def _validation(records: list[dict[str, Any]], theme: str | None, lang: str) -> list[ValidationRow]:
    """The validation rows of a theme (or of jonge aanwas): model first, then the baselines."""
    t = translator(lang)
    rows = [r for r in records if theme is None or r.get("theme") == theme]
    return [
        ValidationRow(
            design=t.get(f"zg_design_{r['design']}", r["design"]),
            method=t.get(f"zg_method_{r['method']}", r["method"]),
            found=_num(r.get("gevonden_top10")),
            recall=_num(r.get("recall_top10")),
            precision=_num(r.get("precisie_top10")),
            auc=_num(r.get("auc")),
            is_model=r["method"] == "model",
        )
        for r in rows
    ]


def _class_validation(
    records: list[dict[str, Any]], theme: str, lang: str
) -> list[ClassValidationRow]:
    """Hidden cases per buurt per class of a theme: the published rule, then the former."""
    t = translator(lang)
    rows = [r for r in records if r.get("theme") == theme]
    order = {k: i for i, k in enumerate(service.CLASSES)}
    rows.sort(key=lambda r: (r["design"], r["method"] != "model", order[r["klasse"]]))
    return [
        ClassValidationRow(
            design=t.get(f"zg_design_{r['design']}", r["design"]),
            rule=t.get(f"zg_method_{r['method']}", r["method"]),
            klasse=r["klasse"],
            label=service.LABELS[lang][r["klasse"]],
            buurten=int(r["buurten"]),
            hidden_per_buurt=_num(r.get("verborgen_per_buurt")),
            is_model=r["method"] == "model",
        )
        for r in rows
    ]


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@router.get("/zoekgebieden")
def zoekgebieden_page(
    request: Request, snapshot: SnapshotDep, lang: LangDep, q: ZoekQueryDep
) -> Response:
    return _page(request, snapshot, lang, False, q)


@router.get("/zoekgebieden.json")
def zoekgebieden_json(
    request: Request, snapshot: SnapshotDep, lang: LangDep, q: ZoekQueryDep
) -> Response:
    return _page(request, snapshot, lang, True, q)
