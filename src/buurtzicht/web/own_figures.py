"""Own data beside the public figures on the profile, compare, ranking and map pages.

The public pages are pure functions of the build and the URL and are cached per build
(:func:`buurtzicht.web.render.cached_page`). A signed-in member of an organisation gets
the same page with an *eigen gegevens* block of that organisation's current data sets
for the regions the page shows; that answer is built for the one request, never read
from or written to any cache (neither the page cache nor the API's URL cache), and goes
out ``Cache-Control: no-store, private``. Anonymous visitors and accounts without an
organisation get the cached public page, which never contains own data. Every view
that shows own figures is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from buurtzicht.api.auth import SESSION_COOKIE, actor, get_principal, private, workspace_of
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import Context
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import cached_page, remember_language
from buurtzicht.web.templating import TEMPLATES
from buurtzicht.workspace import audit, datasets
from buurtzicht.workspace.sessions import Principal

#: The key of the block in a page's JSON twin.
JSON_KEY = "eigen_gegevens"


class OwnFigure(BaseModel):
    code: str
    name: str | None
    level: str
    period: str
    count: int
    total: float | None


class OwnDataset(BaseModel):
    id: int
    name: str
    version: int
    value_label: str
    url: str
    rows: list[OwnFigure]


class OwnBlock(BaseModel):
    label: str = "eigen gegevens"
    organisation: str
    organisation_name: str
    datasets: list[OwnDataset]


class Shown(BaseModel):
    """The regions a page shows: code -> name, and the level when the page has one."""

    names: dict[str, str | None]
    level: str | None = None


def member_of_organisation(request: Request) -> Principal | None:
    """The signed-in user when they belong to an organisation (without a session cookie
    the workspace database is not even opened)."""
    if SESSION_COOKIE not in request.cookies:
        return None
    principal = get_principal(request)
    if principal is None or principal.organisation is None:
        return None
    return principal


def own_block(request: Request, principal: Principal, shown: Shown) -> OwnBlock:
    """The current data sets of the principal's organisation for the regions shown."""
    assert principal.organisation is not None
    found = [
        OwnDataset(
            id=info.id,
            name=info.name,
            version=info.version,
            value_label=info.value_label,
            url=f"/werkruimte/gegevens/{info.id}",
            rows=[
                OwnFigure(
                    code=v.region,
                    name=shown.names.get(v.region),
                    level=v.level,
                    period=v.period,
                    count=v.count,
                    total=v.total,
                )
                for v in rows
            ],
        )
        for info, rows in datasets.current_values(
            workspace_of(request), principal.organisation.code, shown.names, level=shown.level
        )
    ]
    return OwnBlock(
        organisation=principal.organisation.code,
        organisation_name=principal.organisation.name,
        datasets=found,
    )


def personal_page(
    request: Request,
    snapshot: Snapshot,
    lang: str,
    *,
    as_json: bool,
    template: str,
    build: Callable[[duckdb.DuckDBPyConnection], Context],
    shown: Callable[[Context], Shown],
    via: str,
) -> Response:
    """The page of :func:`cached_page`, with the *eigen gegevens* block for a member of
    an organisation (built for this request only, private), else the cached page."""
    principal = member_of_organisation(request)
    if principal is None:
        return cached_page(request, snapshot, lang, as_json=as_json, template=template, build=build)
    context = snapshot.read(build)
    block = own_block(request, principal, shown(context))
    if block.datasets:
        audit.record(
            workspace_of(request),
            actor(request, principal),
            "dataset.bekeken",
            request.url.path,
            {
                "datasets": [d.id for d in block.datasets],
                "via": via,
                "regions": sorted({r.code for d in block.datasets for r in d.rows})[:50],
            },
        )
    response: Response
    if as_json:
        body = context.model_dump(mode="json")
        body[JSON_KEY] = block.model_dump(mode="json")
        response = JSONResponse(body)
    else:
        html = TEMPLATES.get_template(template).render(
            ctx=context, t=translator(lang), lang=lang, request=request, own=block
        )
        response = Response(html.encode(), media_type="text/html; charset=utf-8")
    remember_language(request, response)
    return private(response)
