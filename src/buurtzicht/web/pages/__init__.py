"""Page routes; each module renders one typed context as HTML or ``.json``."""

from __future__ import annotations

from fastapi import APIRouter

from buurtzicht.web.pages import (
    account,
    api_docs,
    beheer,
    compare,
    home,
    map,
    methodology,
    oidc,
    own_data,
    rankings,
    region,
    summary,
    workspace,
    zoekgebieden,
)

router = APIRouter(include_in_schema=False)
for module in (home, map, rankings, region, summary, compare, methodology, api_docs, zoekgebieden):
    router.include_router(module.router, include_in_schema=False)
# The workspace (login, beheer, own data): private pages, never cached.
for module in (account, oidc, beheer, workspace, own_data):
    router.include_router(module.router, include_in_schema=False)
