"""Server-rendered pages (Jinja2) with small ES modules; every page also as JSON."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).with_name("static")


def mount(app: FastAPI) -> None:
    """Add the pages and ``/static`` to ``app``."""
    from buurtzicht.web.pages import router

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
