"""Page routes; each module renders one typed context as HTML or ``.json``."""

from __future__ import annotations

from fastapi import APIRouter

from buurtzicht.web.pages import (
    api_docs,
    compare,
    home,
    map,
    methodology,
    rankings,
    region,
    summary,
)

router = APIRouter(include_in_schema=False)
for module in (home, map, rankings, region, summary, compare, methodology, api_docs):
    router.include_router(module.router, include_in_schema=False)
