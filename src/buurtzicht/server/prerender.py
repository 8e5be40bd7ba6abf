"""Render the answers every visitor gets the same, once per build and code.

A worker that has just started has nothing in its memory cache, and an uncached
gemeente profile costs about 0.1 CPU-second (a dozen DuckDB queries, the models,
rendering, compression); with hundreds of such URLs arriving at once a fresh server
fell behind for its whole first minute. These answers depend only on the build, the
code and the settings, so they are rendered here once, through the served app itself
(the same routes, middleware and cache keys), into the build's answer store
(:mod:`buurtzicht.api.answer_store`), which every worker of every later ``serve``
reads. ``buurtzicht build`` calls :func:`prerender` once the new build is current;
``buurtzicht serve`` calls :func:`ensure_prerendered` before it takes requests.

What is rendered (:func:`public_urls`): the home page; for every gemeente of the
newest indeling its region details, its profile (Dutch and English) and its page
(Dutch and English); ``/api/values`` of every catalog indicator at gemeente and wijk
level (its newest period). Boundary sets are stored gzipped in the build already.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI
from starlette.types import Message

from buurtzicht.api.answer_store import AnswerWriter, answers_path
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.warehouse import Warehouse
from buurtzicht.config import Settings
from buurtzicht.queries import regions as region_queries
from buurtzicht.server import create_app
from buurtzicht.server.answers import answers_tag

log = logging.getLogger("buurtzicht.server")


@dataclass(frozen=True)
class Request:
    path: str
    query: str = ""
    lang_cookie: str | None = None


def public_urls(app: FastAPI) -> Iterator[Request]:
    """The requests whose answers go into the store (see the module's docstring)."""
    snapshot = app.state.warehouse.snapshot()
    gemeenten = snapshot.read(region_queries.gemeenten)
    indicators = [
        i.id for i in snapshot.read(lambda cur: catalog(snapshot, cur)).indicators if i.is_catalog
    ]
    yield Request("/")
    yield Request("/", lang_cookie="en")
    for code in gemeenten:
        yield Request(f"/api/regions/{code}")
        yield Request(f"/api/profile/{code}")
        yield Request(f"/api/profile/{code}", "lang=en")
        yield Request(f"/gemeente/{code}")
        yield Request(f"/gemeente/{code}", lang_cookie="en")
    for indicator in indicators:
        for level in ("gemeente", "wijk"):
            yield Request("/api/values", urlencode({"indicator": indicator, "level": level}))


async def _get(app: FastAPI, request: Request) -> int:
    headers = [(b"host", b"localhost")]
    if request.lang_cookie:
        headers.append((b"cookie", f"lang={request.lang_cookie}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": ("localhost", 80),
        "state": {},
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


@dataclass(frozen=True)
class Prerendered:
    build_id: str
    path: Path
    answers: int
    skipped: int
    seconds: float


async def _render(app: FastAPI, part: int, parts: int) -> tuple[str, int]:
    """Request this part's share of :func:`public_urls`: (build id, answers not kept)."""
    async with app.router.lifespan_context(app):
        build_id = app.state.warehouse.snapshot().build_id
        skipped = 0
        for request in list(public_urls(app))[part::parts]:
            if await _get(app, request) != 200:
                skipped += 1  # e.g. an indicator without figures at wijk level: 404
        return build_id, skipped


def _render_part(settings: Settings, target: Path, part: int, parts: int) -> tuple[str, int]:
    """One process's share, into a store of its own (``target``): (build id, skipped)."""
    app = create_app(settings, answers=False)
    writer = AnswerWriter(target)
    app.state.warehouse.recorder = writer.add
    try:
        found = asyncio.run(_render(app, part, parts))
    except BaseException:
        writer.abandon()
        raise
    writer.commit()
    return found


def default_processes() -> int:
    """One rendering process per core, at most 4 (as ``serve --workers``)."""
    return max(1, min(4, os.cpu_count() or 1))


def prerender(settings: Settings, processes: int | None = None) -> Prerendered:
    """Render :func:`public_urls` of the current build into its answer store.

    The rendering runs in ``processes`` fresh processes (each renders every n-th URL;
    the URLs of one gemeente follow each other, so its profile is computed once, but a
    gemeente may be split over two processes); the caller keeps none of their memory
    (about 1 GB each for the mirror build)."""
    started = time.perf_counter()
    settings = settings.model_copy(update={"warm_up": False})
    layout = Warehouse(settings).layout
    build_id = layout.current_id() or layout.current_database().stem
    target = answers_path(layout, build_id, answers_tag(settings))
    parts = processes or default_processes()
    pieces = [target.with_name(f"{target.name}.part{n}") for n in range(parts)]
    writer = AnswerWriter(target)
    try:
        # An executor, not a Pool: a process that dies is an error here, not a hang.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(parts, mp_context=context) as executor:
            jobs = [
                executor.submit(_render_part, settings, piece, n, parts)
                for n, piece in enumerate(pieces)
            ]
            found = [job.result() for job in jobs]
        if any(rendered != build_id for rendered, _ in found):
            writer.abandon()  # a new build became current meanwhile
            return prerender(settings, processes)
        for piece in pieces:
            writer.take(piece)
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    finally:
        for piece in pieces:
            piece.unlink(missing_ok=True)
    for stale in layout.builds.glob(f"{build_id}.answers-*.sqlite"):
        if stale != writer.path:  # rendered by other code or settings
            stale.unlink(missing_ok=True)
    skipped = sum(n for _, n in found)
    return Prerendered(build_id, target, writer.count, skipped, time.perf_counter() - started)


def ensure_prerendered(settings: Settings, processes: int | None = None) -> Prerendered | None:
    """:func:`prerender` unless the current build's store for this code exists."""
    layout = Warehouse(settings).layout
    build_id = layout.current_id() or layout.current_database().stem
    if answers_path(layout, build_id, answers_tag(settings)).is_file():
        return None
    return prerender(settings, processes)
