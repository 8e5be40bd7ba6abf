"""``/api/zoekgebieden`` and ``/api/models``: the risk models' published results."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response

from buurtzicht.api.deps import CursorDep, LangDep, SnapshotDep
from buurtzicht.api.params import ParentParam, PeriodParam
from buurtzicht.api.response_cache import cached_json
from buurtzicht.api.schemas.risk import ModelsOut, ZoekgebiedenOut
from buurtzicht.api.services import zoekgebieden as service

router = APIRouter(tags=["zoekgebieden"])

ThemePath = Annotated[
    Literal["hennep", "doorsluiswoningen", "onverklaarbaar_bezit", "witwas"],
    Path(description="Theme of the zoekgebieden model"),
]
LevelPath = Annotated[
    Literal["gemeente", "wijk", "buurt"], Path(description="gemeente, wijk or buurt")
]


@router.get(
    "/zoekgebieden/{theme}/{level}",
    response_model=ZoekgebiedenOut,
    summary="Kansrijke zoekgebieden: risk class and explanation per area",
    description="Per area of the level the published expected and registered counts of the "
    "theme, the risk class derived from them and the factors that raise the expected "
    "count. Areas whose counts were suppressed by disclosure control are left out.",
)
async def zoekgebieden(
    request: Request,
    snapshot: SnapshotDep,
    lang: LangDep,
    theme: ThemePath,
    level: LevelPath,
    period: PeriodParam = None,
    parent: ParentParam = None,
) -> Response:
    return await cached_json(
        request,
        snapshot,
        lang,
        lambda: snapshot.read(
            lambda cur: service.zoekgebieden(
                snapshot, cur, theme=theme, level=level, period=period, lang=lang, parent=parent
            )
        ),
    )


@router.get(
    "/models",
    response_model=ModelsOut,
    summary="Model cards and validation of the risk models",
    description="Purpose, method, features with their coefficients, risk classes, intended "
    "use and limits of the zoekgebieden and jonge-aanwas models, with their temporal and "
    "spatial validation against the baselines (registered rate, composite index, random).",
)
def models(snapshot: SnapshotDep, cursor: CursorDep) -> ModelsOut:
    return service.models(snapshot, cursor)
