"""Secure-side commands: ``synth`` and ``secure validate | link | publish | load | info``.

Everything these commands write stays under ``<home>/secure``; only the published file
(``secure publish``: disclosure control of the aggregates) is read by the warehouse.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.app import MARKUP, app
from buurtzicht.cli.options import one_of
from buurtzicht.config import Settings

secure_app = typer.Typer(
    help="Secure side: validate microdata, link, publish through disclosure control, load.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP,
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
        "(default `<home>/secure/microdata`).",
    ),
]


class Population(StrEnum):
    AUTO = "auto"
    KWB = "kwb"
    SECURE = "secure"


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
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when this scale and seed exist.")
    ] = False,
    home: Home = None,
) -> None:
    """Generate the SYNTHETIC national microdata, calibrated per buurt on the real mirror."""
    from buurtzicht.microdata.synth.world import generate_world
    from buurtzicht.secure.freshness import world_matches

    if if_missing and world_matches(_settings(home), scale, seed):
        console.print(f"synthetic world (scale {scale:g}, seed {seed}) is present; nothing to do.")
        return
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
        str,
        typer.Option(
            help="duckdb (default) or spark (PySpark local mode).",
            callback=one_of("duckdb", "spark"),
        ),
    ] = "duckdb",
    output: Annotated[
        Path | None,
        typer.Option(help="Aggregates file (default `<home>/secure/aggregates.parquet`)."),
    ] = None,
    if_stale: Annotated[
        bool, typer.Option("--if-stale", help="Do nothing when the aggregates match the world.")
    ] = False,
    home: Home = None,
) -> None:
    """Run linkage and all theme analyses; write secure aggregates (input of disclosure control)."""
    from buurtzicht.microdata.pipeline.run import run_linkage
    from buurtzicht.secure.freshness import aggregates_current

    settings = _settings(home)
    if if_stale and output is None and folder is None and aggregates_current(settings):
        console.print("secure aggregates belong to the present world; nothing to do.")
        return
    with console.status(f"linking on {engine}"):
        result = run_linkage(settings=settings, folder=folder, engine=engine, output=output)
    meta = result.metadata
    label = " [bold yellow]SYNTHETISCH / SYNTHETIC[/]" if meta["synthetic"] else ""
    cells, measures = len(result.aggregates), result.aggregates["measure"].nunique()
    console.print(f"{cells:,} cells, {measures} measures, source {meta['source']}{label}")
    console.print(
        "seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    )


@secure_app.command("publish")
def publish_release(
    population: Annotated[
        Population,
        typer.Option(
            help="Inhabitants for the minimum-population rule: auto (KWB from the current "
            "build, else the secure count), kwb or secure."
        ),
    ] = Population.AUTO,
    levels: Annotated[
        str | None,
        typer.Option(
            help="Region levels to release, coarse to fine: gemeente, gemeente,wijk or "
            "gemeente,wijk,buurt (default: BUURTZICHT_SECURE_LEVELS, all three).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--audit", help="Audit the result before writing it (slower, stricter)."),
    ] = False,
    if_stale: Annotated[
        bool,
        typer.Option(
            "--if-stale",
            help="Do nothing when the release matches the aggregates (and was audited, "
            "with --audit).",
        ),
    ] = False,
    home: Home = None,
) -> None:
    """Protect the secure aggregates and write what may leave: published.parquet + report.

    Reads `<home>/secure/aggregates.parquet` and the table totals in aggregates.json
    (written by `buurtzicht secure link`), releases the measures the indicator catalog
    defines with the disclosure rule set each names (buurt -> wijk -> gemeente -> NL
    hierarchy, category totals, linked tables protected together), and writes
    `<home>/secure/published.parquet` with the protection report published.json beside
    it. Both are written to temporary files and renamed at the end: a run that fails
    leaves the previous release untouched. The warehouse build loads only this file.
    """
    from buurtzicht.secure.freshness import release_current
    from buurtzicht.secure.levels import parse_levels
    from buurtzicht.secure.publish import publish

    settings = _settings(home)
    chosen = parse_levels(levels if levels is not None else settings.secure_levels)
    if if_stale and release_current(settings, chosen, population.value, audited=check):
        console.print("the published release matches the aggregates; nothing to do.")
        return
    with console.status(f"disclosure control of {', '.join(chosen)} (and NL)"):
        result = publish(settings, population=population.value, levels=chosen, check=check)
    counts = result.document["published"]
    label = " [bold yellow]SYNTHETISCH / SYNTHETIC[/]" if result.document["synthetic"] else ""
    console.print(_frame_table(result.report, f"Protected -> {result.path}{label}"))
    console.print(_utility_table(result.document["utility"]))
    console.print(
        f"{counts['rows']:,} cells published ({counts['suppressed']:,} suppressed, "
        f"{counts['rounded']:,} rounded, {counts['zero_cells_after_protection']:,} empty "
        f"cells as 0) in {result.seconds:.1f} s; population: "
        f"{result.document['context']['population']}"
    )


@secure_app.command("load")
def load(
    if_stale: Annotated[
        bool,
        typer.Option("--if-stale", help="Do nothing when the current build holds this release."),
    ] = False,
    home: Home = None,
) -> None:
    """Load the published release into a new build that reuses the current open data.

    Seconds instead of the minutes of `buurtzicht build` (which reads the mirror and
    loads the published release too). The build is validated and swapped in atomically.
    """
    from buurtzicht.assembly.from_current import collect_from_build
    from buurtzicht.cli.data import build_shown
    from buurtzicht.secure.freshness import build_holds_release

    settings = _settings(home)
    if if_stale and build_holds_release(settings):
        console.print("the current build holds the published release; nothing to do.")
        return
    build_shown(settings, lambda say: collect_from_build(settings, say))


def _frame_table(frame: object, title: str) -> Table:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), justify="left" if column == "table" else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    return table


def _utility_table(records: list[dict[str, object]]) -> Table:
    """Per measure and level: share published, primary / secondary suppressions."""
    import pandas as pd

    from buurtzicht.disclosure.report import LEVELS, utility_by_level

    utility = pd.DataFrame(records)
    levels = [n for n in LEVELS.values() if n in set(utility["level"])]
    table = Table(title="Utility per measure: published % (primary / secondary suppressed)")
    table.add_column("measure")
    for level in levels:
        table.add_column(level, justify="right")
    for measure, rows in utility.groupby("measure", sort=False):
        by_level = rows.set_index("level")
        table.add_row(
            str(measure),
            *[_utility_cell(by_level.loc[n]) if n in by_level.index else "" for n in levels],
        )
    totals = utility_by_level(utility).set_index("level")
    table.add_row(
        "[bold]all measures[/]", *[_utility_cell(totals.loc[n]) for n in levels], end_section=True
    )
    return table


def _utility_cell(row: object) -> str:
    import pandas as pd

    assert isinstance(row, pd.Series)
    return f"{100 * row['published_share']:.0f}% ({row['primary']:,} / {row['secondary']:,})"


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
    report = aggregates_path(settings).parent / "published.json"
    if report.is_file():
        meta = json.loads(report.read_text(encoding="utf-8"))
        counts = meta["published"]
        console.print(
            f"published: {counts['rows']:,} cells, {counts['suppressed']:,} suppressed "
            f"({meta['generated_at']}, {meta['source']})"
        )
    else:
        console.print("nothing published (run `buurtzicht secure publish`)")
