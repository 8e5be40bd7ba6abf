"""The server entry: one ASGI app with the JSON API and the HTML pages.

``create_app(settings)`` is what ``buurtzicht serve`` (uvicorn's factory), the tests and
the benchmarks run. It sits above both halves of the dashboard, so that neither imports
the other upwards: :mod:`buurtzicht.api` builds the API (routes, middleware, error
handlers, the warehouse connection); this module adds the pages of :mod:`buurtzicht.web`
and its ``/static`` files after the API's routes, hands the API the pages' HTML
error page for requests from a person (the API alone answers every error in JSON), and
the build's store of pre-rendered answers (:mod:`buurtzicht.server.prerender`). On
shutdown each worker closes its workspace database, which writes the audit entries it
still has queued (:func:`buurtzicht.workspace.audit.record` with ``soon``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from buurtzicht.api.answer_store import AnswerStores
from buurtzicht.api.app import create_api
from buurtzicht.api.handlers import render_html_errors_with
from buurtzicht.config import Settings, get_settings
from buurtzicht.server.answers import answers_tag
from buurtzicht.web import STATIC_DIR
from buurtzicht.web.errors import error_page
from buurtzicht.web.pages import router as pages

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, *, answers: bool = True) -> FastAPI:
    """The API with ``/static`` and the pages after its routes, errors as pages for a
    browser; with ``answers``, cache misses first look in the build's pre-rendered
    answers (:mod:`buurtzicht.server.prerender`)."""
    settings = settings or get_settings()
    app = create_api(settings)
    if answers:
        warehouse = app.state.warehouse
        warehouse.answers = AnswerStores(warehouse.layout, answers_tag(settings))
    render_html_errors_with(app, error_page)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages)
    _close_workspace_on_shutdown(app)
    return app


def _close_workspace_on_shutdown(app: FastAPI) -> None:
    """After the API's own shutdown, close the workspace database (its queued audit
    entries are written then)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        try:
            async with inner(app) as state:
                yield state
        finally:
            app.state.workspace.close()

    app.router.lifespan_context = lifespan
