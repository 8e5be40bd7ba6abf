"""The JSON API under ``/api`` as an ASGI application.

``create_api(settings)`` builds it: routes, middleware, error handlers and one
read-only warehouse connection per process (see :mod:`buurtzicht.api.warehouse`).
:func:`buurtzicht.server.create_app` mounts the pages on it; that is the app served.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import duckdb
from fastapi import APIRouter, Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from buurtzicht import __version__
from buurtzicht.api import auth, handlers
from buurtzicht.api.overload import RequestSlots
from buurtzicht.api.params import reject_unknown_query
from buurtzicht.api.response_cache import ResponseCache
from buurtzicht.api.routes import (
    composites,
    exports,
    geometry,
    hotspots,
    indicators,
    meta,
    profile,
    rankings,
    regions,
    trends,
    values,
    workspace,
    zoekgebieden,
)
from buurtzicht.api.schemas.common import ErrorOut
from buurtzicht.api.security import HeadAsGet, SecurityHeaders
from buurtzicht.api.warehouse import Warehouse
from buurtzicht.config import Settings, get_settings
from buurtzicht.errors import BuurtzichtError, NoBuildError
from buurtzicht.queries.regions import first_region_of_level

log = logging.getLogger("buurtzicht.api")

API_DESCRIPTION = """
Published aggregates of buurtzicht: regions, indicators, values per level and period,
region profiles, comparisons, trends, hotspots, boundaries and exports.

Figures: CBS, Politie, PDOK (CC BY 4.0). Secure-side figures are labelled
*synthetisch / synthetic*. Errors are JSON: `{"error": {"status", "title", "detail"}}`.
"""


#: Answers every API operation may give besides its own (all JSON ``ErrorOut``).
COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Unknown region, indicator, period or path"},
    422: {"model": ErrorOut, "description": "A parameter is malformed, out of range or unknown"},
    503: {"model": ErrorOut, "description": "No warehouse build yet, or the server is busy"},
}


def api_router() -> APIRouter:
    router = APIRouter(
        prefix="/api",
        responses=COMMON_RESPONSES,
        dependencies=[Depends(reject_unknown_query)],
    )
    for module in (
        regions,
        indicators,
        values,
        profile,
        trends,
        hotspots,
        geometry,
        exports,
        rankings,
        meta,
        workspace,
        zoekgebieden,
        composites,
    ):
        router.include_router(module.router)
    return router


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the current build and prepare the analysis engine before serving, so the
    first visitor does not wait (a build without a materialised ``indicator_values``
    table has it computed here, once per process)."""
    warehouse: Warehouse = app.state.warehouse
    try:
        snapshot = warehouse.snapshot()
    except NoBuildError as exc:
        log.warning("%s", exc)
    else:
        started = time.perf_counter()
        await run_in_threadpool(snapshot.analysis, lambda _cursor: None)
        if app.state.settings.warm_up:
            await run_in_threadpool(snapshot.analysis, warm_up)
        log.info("analysis engine ready in %.1f s", time.perf_counter() - started)
    yield
    warehouse.close()


def warm_up(cursor: duckdb.DuckDBPyConnection) -> None:
    """Compute the level-wide tables every profile reads (peer classes, the context
    matrix of similar regions) once per process, before the first visitor: one profile
    per level. Without it the first profile of each level pays them (seconds)."""
    from buurtzicht.analysis.region_profile import profile

    for level in ("gemeente", "wijk", "buurt"):
        code = first_region_of_level(cursor, level)
        if code is None:
            continue
        try:
            profile(cursor, code)
        except BuurtzichtError as exc:  # a build without figures at this level
            log.info("warm-up of %s skipped: %s", level, exc)


def create_api(settings: Settings | None = None) -> FastAPI:
    """The API alone (errors in JSON); :func:`buurtzicht.server.create_app` adds the pages."""
    settings = settings or get_settings()
    app = FastAPI(
        title="buurtzicht API",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,  # /api/docs is a page of the web layer, without a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.warehouse = Warehouse(settings)
    # Outermost last: security headers go on every answer, cached ones included; cached
    # answers never wait for a request slot (gzip sits inside ResponseCache).
    app.add_middleware(RequestSlots, settings=settings)
    app.add_middleware(ResponseCache, warehouse=app.state.warehouse)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    handlers.install(app)
    auth.install(app, settings)
    app.include_router(api_router())
    return app
