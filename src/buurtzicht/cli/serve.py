"""``buurtzicht serve``: the dashboard and JSON API with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from buurtzicht.cli.app import app
from buurtzicht.cli.options import one_of
from buurtzicht.config import Settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes, each with its own read-only connection and cache "
            "(BUURTZICHT_CACHE_MB each); default one per CPU core, at most 4.",
            min=1,
            max=64,
            show_default=False,
        ),
    ] = None,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm-up/--no-warm-up",
            help="Compute the level-wide comparison tables in each worker before it "
            "takes requests (a few seconds at start; BUURTZICHT_WARM_UP).",
        ),
    ] = True,
    prerender: Annotated[
        bool,
        typer.Option(
            "--prerender/--no-prerender",
            help="Before taking requests, render the answers every visitor gets the same "
            "(gemeente profiles and pages, map values) into the build's answer store, "
            "shared by the workers, unless `buurtzicht build` did already.",
        ),
    ] = True,
    log_level: Annotated[
        str,
        typer.Option(
            help="uvicorn log level.",
            callback=one_of("critical", "error", "warning", "info", "debug"),
        ),
    ] = "info",
) -> None:
    """Serve the dashboard at http://HOST:PORT (API docs at /api/docs).

    Reads the current warehouse build (``buurtzicht build``) read-only and follows a new
    build as soon as it becomes current.
    """
    import uvicorn

    from buurtzicht.config import get_settings
    from buurtzicht.warehouse.layout import BuildLayout
    from buurtzicht.web.vendor import assets

    BuildLayout(get_settings().warehouse_dir).current_database()  # NoBuildError early
    assets()  # a missing 'make node' is reported before the server starts
    workers = workers or default_workers()
    if prerender:
        prerender_shown(get_settings(), workers)
    if warm:
        os.environ["BUURTZICHT_WARM_UP"] = "true"  # read by every worker's settings
    typer.echo(
        f"buurtzicht: http://{host}:{port}  (API: http://{host}:{port}/api/docs), "
        f"{workers} worker{'s' if workers > 1 else ''}"
    )
    uvicorn.run(
        "buurtzicht.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=False,
        # Keep-alive connections beyond this get 503 from uvicorn itself; the request
        # slots (buurtzicht.api.overload) shed load per request well before that.
        limit_concurrency=1024,
        timeout_keep_alive=15,
        # A worker is a fresh interpreter (spawn) that imports the whole package before it
        # can answer uvicorn's health check; on a busy machine that took 11 s, and with
        # uvicorn's 5 s every worker was killed and restarted without end.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


def prerender_shown(settings: Settings, processes: int) -> None:
    """Fill the current build's answer store if it is missing, saying how long it took."""
    from buurtzicht.server.prerender import ensure_prerendered

    done = ensure_prerendered(settings, processes)
    if done is not None:
        typer.echo(
            f"buurtzicht: pre-rendered {done.answers} answers of build {done.build_id} "
            f"in {done.seconds:.1f} s ({done.skipped} without an answer to keep)"
        )


#: How long a worker may take to answer uvicorn's health check (start-up included).
WORKER_HEALTHCHECK_SECONDS = 60


def default_workers() -> int:
    """One worker per core (at most 4): Python rendering holds one core per process,
    and DuckDB answers the queries of all of them in parallel."""
    return max(1, min(4, os.cpu_count() or 1))
