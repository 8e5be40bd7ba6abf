"""Data commands: build, info, rollback, region."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.app import app
from buurtzicht.cli.options import CodeArgument, PeriodOption
from buurtzicht.config import Settings, get_settings
from buurtzicht.queries import build_summary as warehouse_info
from buurtzicht.queries.figures import region_observations
from buurtzicht.queries.regions import region_record
from buurtzicht.warehouse.build import BuildInputs, BuildResult, Step
from buurtzicht.warehouse.current import open_current
from buurtzicht.warehouse.layout import BuildLayout

console = Console()

MirrorOption = Annotated[
    Path | None,
    typer.Option(
        "--mirror", help="Offline mirror folder (default: BUURTZICHT_MIRROR or ../shared/data)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def build_shown(
    settings: Settings, collect: Callable[[Step], BuildInputs], *, prerender: bool = True
) -> BuildResult:
    """Run a build with a live status line and say which build is now current; then
    pre-render the answers every visitor gets the same (unless ``prerender`` is False:
    when another build follows at once, as in ``prepare``, rendering this one is waste)."""
    from buurtzicht.warehouse.build import run_build

    with console.status("building") as status:
        result = run_build(settings, collect, step=lambda msg: status.update(f"building: {msg}"))
    console.print(
        f"[green]Build {result.build_id} is current[/] ({result.seconds:.1f} s): {result.path}"
    )
    if not prerender:
        return result
    from buurtzicht.server.prerender import prerender as render_answers

    with console.status("pre-rendering the answers every visitor gets the same"):
        done = render_answers(settings)
    console.print(f"  {done.answers} answers pre-rendered for the server ({done.seconds:.1f} s)")
    return result


def _settings(mirror: Path | None = None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"mirror": mirror}) if mirror else settings


@app.command()
def build(
    mirror: MirrorOption = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when a current build exists.")
    ] = False,
    prerender: Annotated[
        bool,
        typer.Option(
            "--prerender/--no-prerender",
            help="Pre-render the answers every visitor gets the same for the new build "
            "(default; `serve` renders them when they are missing).",
        ),
    ] = True,
) -> None:
    """Build a new warehouse version from the offline mirror and make it current.

    The build is written beside the current one and swapped in only when it is complete
    and validated; on any error the current build stays untouched.
    """
    from buurtzicht.assembly.from_mirror import collect_from_mirror

    settings = _settings(mirror)
    layout = BuildLayout(settings.warehouse_dir)
    if if_missing and layout.current_id() and layout.database(layout.current_id() or "").is_file():
        console.print(f"Warehouse build {layout.current_id()} is present; nothing to do.")
        return
    result = build_shown(
        settings, lambda say: collect_from_mirror(settings, say), prerender=prerender
    )
    for name, count in result.counts.items():
        console.print(f"  {name:<14} {count:>10,}")
    for warning in result.warnings:
        console.print(f"  [yellow]warning:[/] {warning}")


@app.command()
def info(as_json: JsonOption = False) -> None:
    """What is in the current build: regions per level, datasets, sources and versions."""
    settings = _settings()
    with open_current(settings) as conn:
        summary = warehouse_info.summary(conn)
    summary["history"] = BuildLayout(settings.warehouse_dir).history()
    if as_json:
        print(json.dumps(summary, indent=1, default=str))
        return
    _print_info(summary)


def _print_info(summary: dict[str, Any]) -> None:
    console.print(
        f"[bold]Build[/] {summary['build']['build_id']}  ({summary['build']['description']})"
    )
    regions = Table("level", "indeling", "regions", "special", title="Regions")
    for row in summary["regions"]:
        regions.add_row(
            row["level"], str(row["indeling"]), f"{row['regions']:,}", f"{row['special']:,}"
        )
    console.print(regions)
    datasets = Table("dataset", "observations", "notes", title="Datasets")
    for row in summary["datasets"]:
        datasets.add_row(row["name"], f"{row['observations']:,}", row["notes"] or "")
    console.print(datasets)
    sources = Table("source", "version", "sha256", "licence", title="Sources")
    for row in summary["sources"]:
        sources.add_row(
            row["table_id"], row["version"] or "", row["sha256"][:12], row["licence"] or ""
        )
    console.print(sources)
    _print_coverage(summary.get("boundary_coverage", []))
    console.print(f"{summary['observations']:,} observations of {summary['measures']:,} measures")


def _print_coverage(rows: list[dict[str, Any]]) -> None:
    """Regions with and without a boundary, per level and indeling (buurten: per layer)."""
    table = Table(
        "level", "indeling", "regions", "with boundary", "from", "without", "why not",
        title="Boundary coverage",
    )  # fmt: skip
    for row in rows:
        table.add_row(
            row["level"],
            str(row["year"]),
            f"{row['regions']:,}",
            f"{row['with_boundary']:,}",
            ", ".join(f"{k}: {v:,}" for k, v in row["sources"].items()),
            f"{row['without_boundary']:,}",
            ", ".join(f"{REASONS.get(k, k)}: {v:,}" for k, v in row["reasons"].items()),
        )
    console.print(table)


#: What the coverage reasons mean (``regions.boundary_match``).
REASONS = {
    "no_boundary": "new code, in no layer",
    "moved": "old boundary outside its wijk",
}


@app.command()
def rollback() -> None:
    """Return to the previous warehouse build."""
    previous = BuildLayout(_settings().warehouse_dir).rollback()
    console.print(f"Build {previous} is current again.")


@app.command()
def region(
    code: CodeArgument,
    period: PeriodOption = None,
    as_json: JsonOption = False,
) -> None:
    """All observations of a region, with its name and parents."""
    with open_current(_settings()) as conn:
        record = region_record(conn, code)
        observations = region_observations(conn, record["code"], period=period)
        if period and not observations:
            held = region_observations(conn, record["code"])
            years = sorted({o["period"][:4] for o in held})
            span = f"{years[0]}-{years[-1]}" if years else "no periods"
            raise typer.BadParameter(
                f"no observations of {record['code']} in {period}; the build holds {span}",
                param_hint="'--period'",
            )
    if as_json:
        print(json.dumps({"region": record, "observations": observations}, indent=1, default=str))
        return
    parents = " > ".join(f"{p['name']} ({p['code']})" for p in record["parents"])
    console.print(f"[bold]{record['name']}[/] ({record['code']}, {record['level']}) {parents}")
    table = Table("measure", "title", "period", "value", "status", "source")
    for obs in observations:
        value = "." if obs["value"] is None else f"{obs['value']:,.{obs['decimals'] or 0}f}"
        table.add_row(
            obs["measure"], obs["title"], obs["period"], value, obs["status"], obs["source"]
        )
    console.print(table)
