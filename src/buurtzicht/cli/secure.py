"""Secure-side commands: ``synth`` and ``secure validate | link | info``.

Everything these commands write stays under ``<home>/secure``; only the aggregates
file is meant to leave it, and only through disclosure control.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.app import app
from buurtzicht.config import Settings

secure_app = typer.Typer(
    help="Secure side: validate microdata, run linkage and theme analyses (aggregates only).",
    no_args_is_help=True,
)
app.add_typer(secure_app, name="secure")
console = Console()

Home = Annotated[
    Path | None, typer.Option(help="Working folder (default BUURTZICHT_HOME or var/).")
]
Input = Annotated[
    Path | None,
    typer.Option(
        "--input",
        help="Folder with one sub-folder of Parquet files per table "
        "(default <home>/secure/microdata).",
    ),
]


def _settings(home: Path | None) -> Settings:
    return Settings(home=home) if home else Settings()


@app.command()
def synth(
    scale: Annotated[
        float,
        typer.Option(
            min=0.0001,
            max=1.0,
            help="Fraction of the population: 1.0 = whole country, 0.01 = test world.",
        ),
    ] = 0.01,
    seed: Annotated[
        int, typer.Option(help="Seed of every random draw (same seed, same world).")
    ] = 42,
    home: Home = None,
) -> None:
    """Generate the SYNTHETIC national microdata, calibrated per buurt on the real mirror."""
    from buurtzicht.microdata.synth.world import generate_world

    with console.status(f"generating synthetic world (scale {scale:g}, seed {seed})"):
        summary = generate_world(scale, seed, settings=_settings(home))
    table = Table("table", "rows", title=f"SYNTHETIC world written to {summary.path}")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(
        "seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.seconds.items())
    )
    console.print(
        f"planted patterns (truth in {summary.path.parent / 'planted'}): {summary.planted}"
    )


@secure_app.command("validate")
def validate(folder: Input = None, home: Home = None) -> None:
    """Check microdata: tables, columns, duplicate ids, dangling keys, dates, codes."""
    from buurtzicht.microdata.store import microdata_dir
    from buurtzicht.microdata.validate import validate_microdata

    rows = validate_microdata(folder or microdata_dir(_settings(home)))
    console.print("microdata valid: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))


@secure_app.command("link")
def link(
    folder: Input = None,
    engine: Annotated[
        str, typer.Option(help="duckdb (default) or spark (PySpark local mode).")
    ] = "duckdb",
    output: Annotated[
        Path | None,
        typer.Option(help="Aggregates file (default <home>/secure/aggregates.parquet)."),
    ] = None,
    home: Home = None,
) -> None:
    """Run linkage and all theme analyses; write secure aggregates (input of disclosure control)."""
    from buurtzicht.microdata.pipeline.run import run_linkage

    settings = _settings(home)
    with console.status(f"linking on {engine}"):
        result = run_linkage(settings=settings, folder=folder, engine=engine, output=output)
    meta = result.metadata
    label = " [bold yellow]SYNTHETISCH / SYNTHETIC[/]" if meta["synthetic"] else ""
    cells, measures = len(result.aggregates), result.aggregates["measure"].nunique()
    console.print(f"{cells:,} cells, {measures} measures, source {meta['source']}{label}")
    console.print(
        "seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    )


@secure_app.command("info")
def info(home: Home = None) -> None:
    """Show what the secure folder holds: world, aggregates, synthetic label."""
    from buurtzicht.microdata.store import aggregates_path, microdata_dir

    settings = _settings(home)
    world = microdata_dir(settings) / "world.json"
    if world.is_file():
        meta = json.loads(world.read_text(encoding="utf-8"))
        console.print(f"world: {meta['source']} rows {meta['rows']}")
    else:
        console.print("no synthetic world (run `buurtzicht synth`)")
    agg = aggregates_path(settings).with_suffix(".json")
    if agg.is_file():
        meta = json.loads(agg.read_text(encoding="utf-8"))
        console.print(
            f"aggregates: {meta['source']} synthetic={meta['synthetic']} periods {meta['periods']}"
        )
