"""``/api/werkruimte/...``: an organisation's own data as JSON, for its members only.

Never cached (``Cache-Control: no-store, private``); anonymous callers get 401, and a
member only ever receives data sets of their own organisation. The region endpoint
feeds the "eigen gegevens" block of the profile pages, which are public and cached, so
that block is filled in the browser and never part of a cached page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from buurtzicht.api.auth import MemberDep, WorkspaceDep, actor, private
from buurtzicht.regions.codes import is_region_code, normalise_code
from buurtzicht.workspace import audit, datasets

# Private to signed-in members and used by the dashboard's own pages: left out of the
# public OpenAPI schema (documented in docs/workspace.md).
router = APIRouter(prefix="/werkruimte", tags=["werkruimte"], include_in_schema=False)


class OwnValue(BaseModel):
    period: str
    count: int
    total: float | None


class OwnDatasetValues(BaseModel):
    id: int
    name: str
    version: int
    value_label: str
    url: str
    values: list[OwnValue]


class OwnRegionOut(BaseModel):
    region: str
    organisation: str
    label: str = "eigen gegevens"
    datasets: list[OwnDatasetValues]


@router.get("/regio/{code}", response_model=OwnRegionOut)
def own_region(
    request: Request, principal: MemberDep, database: WorkspaceDep, code: str
) -> Response:
    """The own data of the caller's organisation for one gemeente, wijk or buurt (every
    current data set, every period); empty for a region outside the organisation."""
    region = normalise_code(code) if is_region_code(code) else code[:16]
    organisation = principal.organisation
    found = [
        OwnDatasetValues(
            id=info.id,
            name=info.name,
            version=info.version,
            value_label=info.value_label,
            url=f"/werkruimte/gegevens/{info.id}",
            values=[OwnValue(period=r.period, count=r.count, total=r.total) for r in rows],
        )
        for info, rows in (
            datasets.current_values(database, organisation.code, [region])
            if organisation is not None
            else []
        )
    ]
    if found:
        audit.record(
            database,
            actor(request, principal),
            "dataset.bekeken",
            region,
            {"datasets": [d.id for d in found], "via": "profiel"},
        )
    body = OwnRegionOut(region=region, organisation=principal.organisation_code, datasets=found)
    return private(JSONResponse(body.model_dump(mode="json")))
