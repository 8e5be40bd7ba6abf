"""``buurtzicht fetch``: download the remote CBS tables and PDOK boundaries into the
cache, or (``--mirror``) check the offline mirror without touching the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from buurtzicht.cli.app import app
from buurtzicht.config import get_settings
from buurtzicht.errors import ConfigurationError
from buurtzicht.sources.fetch import (
    DEFAULT_GEOMETRY,
    DEFAULT_TABLES,
    MirrorFolder,
    check_mirror,
    fetch_geometry,
    fetch_table_results,
)
from buurtzicht.sources.page_cache import write_atomic
from buurtzicht.sources.pdok import LAYERS


def _layer(text: str) -> tuple[int, str]:
    year, _, level = text.partition(":")
    if not year.isdigit() or level not in LAYERS:
        raise ConfigurationError(
            f"--geometry {text!r}: expected YEAR:LEVEL with LEVEL one of {', '.join(LAYERS)}, "
            "e.g. 2024:buurt"
        )
    return int(year), level


@app.command("fetch")
def fetch(
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            "-t",
            help="Table id to fetch (repeatable). Default: " + ", ".join(DEFAULT_TABLES) + ".",
        ),
    ] = None,
    geometry: Annotated[
        list[str] | None,
        typer.Option(
            "--geometry",
            "-g",
            help="Boundary layer YEAR:LEVEL (gemeente, wijk, "
            "buurt), repeatable. Default: 2024 gemeente, wijk and buurt.",
        ),
    ] = None,
    no_geometry: Annotated[
        bool, typer.Option("--no-geometry", help="Fetch tables only, no boundaries.")
    ] = False,
    periods: Annotated[
        int | None,
        typer.Option(
            "--periods",
            help="Most recent periods of the large police table (47018NED, default 5); 0 = all.",
        ),
    ] = None,
    mirror: Annotated[
        Path | None,
        typer.Option(
            "--mirror",
            help="Offline: check this mirror folder (raw/*/SOURCE.md, "
            "sha256 of every file) and report what is there. No network.",
        ),
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")
    ] = True,
) -> None:
    """Download CBS OData tables and PDOK boundaries into the cache (BUURTZICHT_HOME/cache).

    A table whose CBS 'Modified' date is unchanged is read from the cache (one request).
    An interrupted download resumes at the first missing page.
    Settings: BUURTZICHT_CBS_ODATA_V3_URL, _V3_POLICE_URL, _V4_URL, _PDOK_WFS_URL,
    _HTTP_RETRIES, _HTTP_BACKOFF (see docs/sources-online.md).
    """
    console = Console()
    settings = get_settings()
    layers = [_layer(g) for g in geometry] if geometry else list(DEFAULT_GEOMETRY)
    if periods is not None and periods < 0:
        raise typer.BadParameter(
            f"{periods} is negative; give 0 (all) or more", param_hint="'--periods'"
        )
    if mirror is not None:
        folders = check_mirror(mirror)
        _print_mirror(console, folders)
        changed = _record_checksums(settings.cache_dir / "mirror-sha256.json", folders)
        if changed:
            console.print(f"[yellow]changed since the last check:[/] {', '.join(changed)}")
        if any(f.missing for f in folders):
            raise typer.Exit(1)
        return
    results = fetch_table_results(
        settings, table or DEFAULT_TABLES, progress=progress, recent_periods=periods
    )
    summary = Table("table", "Modified", "pages (fetched)", "rows", "observations", "measures")
    for r in results:
        summary.add_row(
            r.batch.files[0].table,
            r.version,
            f"{r.pages} ({r.pages_fetched})",
            f"{r.rows:,}",
            f"{len(r.batch.observations):,}",
            str(len(r.batch.measures)),
        )
    console.print(summary)
    if no_geometry:
        return
    files = Table("year", "level", "features", Column("file", overflow="fold"))
    for g in fetch_geometry(settings, layers, progress=progress):
        files.add_row(str(g.year), g.level, f"{g.features:,}", str(g.path))
    console.print(files)


def _record_checksums(record: Path, folders: list[MirrorFolder]) -> list[str]:
    """Store the files' sha256 and return those that differ from the previous check."""
    try:
        previous = json.loads(record.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        previous = {}
    current = {f"{f.name}/{n}": sha for f in folders for n, sha in f.files.items()}
    write_atomic(record, json.dumps(current, indent=1, sort_keys=True).encode("utf-8"))
    return sorted(k for k, sha in current.items() if k in previous and previous[k] != sha)


def _print_mirror(console: Console, folders: list[MirrorFolder]) -> None:
    table = Table("files", "MB", "tables", "named in SOURCE.md but missing", "not named")
    table.columns.insert(0, Column("folder", overflow="fold"))
    for f in folders:
        table.add_row(
            f.name,
            str(len(f.files)),
            f"{sum(f.sizes.values()) / 1e6:.1f}",
            ", ".join(f.tables),
            ", ".join(f.missing) or "-",
            str(len(f.unnamed)),
        )
    console.print(table)
    offline = {t for f in folders for t in f.tables}
    online_only = [t for t in DEFAULT_TABLES if t not in offline]
    console.print(
        f"{sum(len(f.files) for f in folders)} files checked (sha256). Registry tables with "
        f"offline data: {', '.join(sorted(offline)) or 'none'}; online only: "
        f"{', '.join(online_only) or 'none'}. The mirror's buurt boundaries are the 2019 layer "
        "and Amsterdam's; the 2024 layer comes online (buurtzicht fetch -g 2024:buurt)."
    )
