"""Disclosure commands: ``buurtzicht disclosure protect | audit | rules``.

The secure side writes its aggregates to ``<home>/secure/aggregates.parquet`` (true
values, never published); ``protect`` writes what may leave to
``<home>/secure/published.parquet`` (and the certificates of what it proved beside
the aggregates); ``audit`` checks the second against the first, using the certificates
it finds valid, or (``--warehouse``) every secure table of a warehouse build.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
import yaml
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.app import MARKUP, app
from buurtzicht.cli.options import (
    check_input_file,
    check_output_file,
    check_table_file,
    is_duckdb_file,
    read_table_file,
)
from buurtzicht.config import Settings
from buurtzicht.errors import ConfigurationError

if TYPE_CHECKING:  # the engine (scipy, HiGHS) is imported only when a command runs
    from buurtzicht.disclosure import AuditReport, DisclosureSpec

disclosure_app = typer.Typer(
    name="disclosure",
    help="Statistical disclosure control of secure-side aggregates: protect, audit, rules.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP,
)
app.add_typer(disclosure_app, name="disclosure")

AggregatesOption = Annotated[
    Path | None,
    typer.Option(
        help="Secure aggregates with true values [default: `<home>/secure/aggregates.parquet`].",
        callback=check_table_file,
    ),
]
PublishedOption = Annotated[
    Path | None,
    typer.Option(
        help="Protected table [default: `<home>/secure/published.parquet`].",
        callback=check_table_file,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        help="Protected output [default: `<home>/secure/published.parquet`].",
        callback=check_output_file,
    ),
]
SpecOption = Annotated[
    Path | None,
    typer.Option(
        help="YAML with the table specs (totals, components, rule set per table).",
        callback=check_input_file,
    ),
]
PopulationOption = Annotated[
    Path | None,
    typer.Option(
        help="CSV or Parquet with columns region, population (minimum-population rule).",
        callback=check_table_file,
    ),
]


def _secure(path: Path | None, name: str) -> Path:
    return path if path is not None else Settings().home / "secure" / name


def _read(path: Path) -> pd.DataFrame:
    """A default input file (options are checked by :func:`check_table_file`)."""
    try:
        return read_table_file(path)
    except typer.BadParameter as exc:
        raise ConfigurationError(
            f"{exc.message}; pass the file with the option in --help"
        ) from None


def _spec(path: Path | None) -> DisclosureSpec:
    from buurtzicht.disclosure import DisclosureSpec

    if path is None:
        return DisclosureSpec()
    try:
        return DisclosureSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: not a valid disclosure spec: {exc}") from exc


def _population(path: Path | None) -> dict[str, float] | None:
    if path is None:
        return None
    frame = _read(path)
    missing = {"region", "population"} - set(frame.columns)
    if missing:
        raise typer.BadParameter(
            f"{path} lacks the column(s) {', '.join(sorted(missing))}; it needs region, population",
            param_hint="'--population'",
        )
    return dict(zip(frame["region"].astype(str), frame["population"].astype(float), strict=True))


@disclosure_app.command()
def protect(
    aggregates: AggregatesOption = None,
    output: OutputOption = None,
    spec: SpecOption = None,
    population: PopulationOption = None,
) -> None:
    """Suppress, complement and round secure aggregates; write what may be published."""
    from buurtzicht.disclosure import protect as run_protect

    source = _secure(aggregates, "aggregates.parquet")
    target = _secure(output, "published.parquet")
    result = run_protect(_read(source), _spec(spec), population=_population(population))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    result.published.to_parquet(partial, index=False)
    partial.replace(target)  # a reader never sees half a file
    # What secondary suppression proved, for the audit: beside the secure aggregates
    # (never published), whatever the output.
    proofs = source.parent / "certificates.parquet"
    partial = proofs.with_name(f".{proofs.name}.partial")
    result.certificates.to_parquet(partial, index=False)
    partial.replace(proofs)
    _print_tables(result.report, f"Protected {source} -> {target}")
    if result.limited:
        Console().print(
            f"[yellow]{len(result.limited)} cell(s) could not reach their full protection "
            "level; run `buurtzicht disclosure audit` before publishing.[/]"
        )


@disclosure_app.command()
def audit(
    aggregates: AggregatesOption = None,
    published: PublishedOption = None,
    spec: SpecOption = None,
    population: PopulationOption = None,
    warehouse: Annotated[
        bool,
        typer.Option(
            "--warehouse",
            help="Audit every secure table of a warehouse build (PATH: a build's .duckdb "
            "or a warehouse folder; default the current build) against `<home>/secure`.",
        ),
    ] = False,
    path: Annotated[
        Path | None,
        typer.Argument(help="With --warehouse: the build to audit.", show_default=False),
    ] = None,
    intervals: Annotated[
        Path | None,
        typer.Option(
            help="Write every audited cell's interval to this CSV.", callback=check_output_file
        ),
    ] = None,
    certificates: Annotated[
        Path | None,
        typer.Option(
            help="Certificates of the protection to check and use [default: "
            "certificates.parquet beside the aggregates, when present].",
            callback=check_input_file,
        ),
    ] = None,
    no_certificates: Annotated[
        bool,
        typer.Option(
            "--no-certificates",
            help="Ignore the certificates of the protection: prove every cell with the "
            "audit's own linear programs (the fully independent check).",
        ),
    ] = False,
) -> None:
    """Prove that no suppressed cell can be narrowed down from what is published.

    Solves, for every suppressed cell, the linear programs for its smallest and largest
    value given everything published, and checks the interval against the cell's
    protection level. With `--warehouse` the published cells are those the build
    serves (what the API can show) and the release settings come from the protection
    report of `buurtzicht secure publish`. The certificates protection wrote beside the
    secure aggregates are checked by the audit itself and spare the programs of the
    cells they prove; `--no-certificates` proves every cell with the audit's own
    programs. Exits with code 1 when any cell is unprotected.
    """
    if warehouse:
        if certificates is not None:
            raise typer.BadParameter(
                "with --warehouse the certificates are those of `secure publish`",
                param_hint="'--certificates'",
            )
        _audit_warehouse(_warehouse_path(path), intervals, not no_certificates)
        return
    if path is not None:
        raise typer.BadParameter("PATH is only taken with --warehouse", param_hint="PATH")
    from buurtzicht.disclosure import audit as run_audit

    source = _secure(aggregates, "aggregates.parquet")
    proofs = certificates or source.parent / "certificates.parquet"
    report = run_audit(
        _read(_secure(published, "published.parquet")),
        _read(source),
        _spec(spec),
        population=_population(population),
        certificates=None if no_certificates or not proofs.is_file() else _proofs_of(proofs),
    )
    if intervals is not None:
        report.intervals.to_csv(intervals, index=False)
    _print_tables(report.tables, f"Disclosure audit ({report.programs:,} linear programs)")
    _proofs(report)
    _verdict(report.unprotected, report.public_hidden, report.zeros_given_away)


def _proofs_of(path: Path) -> pd.DataFrame:
    """The certificates in ``path`` (none at all is fine: a table without complements)."""
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{path}: not a certificates file: {exc}") from exc


def _proofs(report: AuditReport) -> None:
    """How the sensitive cells were proven, and what became of the certificates."""
    check = report.certificates
    given = (
        f"{check.given:,} certificates checked ({check.rejected:,} rejected"
        + "".join(f"; {n:,} {why}" for why, n in check.why.items())
        + f", {check.seconds:.1f} s); "
        if check is not None
        else "no certificates used; "
    )
    Console().print(
        f"{given}{report.proven_by_certificates:,} cells proven by certificates, "
        f"{report.proven_by_programs:,} by the audit's own views, "
        f"{report.programs:,} linear programs, {report.seconds:.1f} s"
    )


def _warehouse_path(path: Path | None) -> Path | None:
    """``audit --warehouse PATH``: a build's .duckdb file or a warehouse folder."""
    if path is None:
        return None
    if not path.exists():
        raise typer.BadParameter(
            f"{path} does not exist; give a build's .duckdb file or a warehouse folder",
            param_hint="PATH",
        )
    if path.is_file() and not is_duckdb_file(path):
        raise typer.BadParameter(
            f"{path} is not a DuckDB warehouse file (.duckdb of a build)", param_hint="PATH"
        )
    return path


def _audit_warehouse(path: Path | None, intervals: Path | None, certificates: bool) -> None:
    from buurtzicht.secure.audit import audit_warehouse
    from buurtzicht.warehouse.layout import BuildLayout

    database = BuildLayout(path).current_database() if path and path.is_dir() else path
    with Console().status("disclosure audit of the warehouse"):
        result = audit_warehouse(Settings(), database=database, certificates=certificates)
    if intervals is not None:
        result.intervals.to_csv(intervals, index=False)
    _print_tables(result.tables, f"Disclosure audit of build {result.build_id}")
    proofs = result.certificates
    Console().print(
        f"{result.observations:,} secure observations ({result.zero_cells:,} empty cells "
        f"checked to be 0), {result.programs:,} linear programs, {result.seconds:.1f} s"
    )
    Console().print(
        "no certificates used"
        if proofs is None
        else f"{proofs['certificates_checked']:,} certificates checked "
        f"({proofs['certificates_rejected']:,} rejected, "
        f"{proofs['certificate_check_seconds']} s); {proofs['proven_by_certificates']:,} "
        f"cells proven by certificates, {proofs['proven_by_programs']:,} by the audit's "
        "own views"
    )
    _verdict(result.unprotected, result.public_hidden, result.zeros_given_away)


def _verdict(unprotected: pd.DataFrame, public_hidden: int = 0, zeros_given_away: int = 0) -> None:
    console = Console()
    found = [
        (public_hidden, "public margin cell(s) suppressed (they must always be shown)", "red"),
        (zeros_given_away, "suppressed cell(s) that a published 0 above gives away", "yellow"),
    ]
    for count, what, colour in found:
        if count:
            console.print(f"[bold {colour}]{count:,} {what}[/]")
    if len(unprotected):
        console.print(f"[bold red]{len(unprotected)} unprotected cell(s):[/]")
        console.print(unprotected.head(20).to_string(index=False))
    if len(unprotected) or public_hidden:
        raise typer.Exit(code=1)
    console.print(
        f"[bold green]0 unprotected cells[/], every public margin shown, {_zeros(zeros_given_away)}"
    )


def _zeros(given_away: int) -> str:
    """The verdict on hidden cells a published 0 pins, in agreement with the count."""
    if not given_away:
        return "no suppressed cell given away by a published 0."
    return (
        f"{given_away:,} suppressed cell(s) given away by a published 0 (reported, not "
        'blocking: such a "." hides only a 0 that the release already shows).'
    )


@disclosure_app.command()
def rules(
    name: Annotated[str | None, typer.Argument(help="Show only this rule set.")] = None,
    file: Annotated[
        Path | None, typer.Option(help="Rule sets YAML [default: the packaged rulesets.yaml].")
    ] = None,
) -> None:
    """Show the disclosure rule sets an indicator can name (disclosure: default)."""
    from buurtzicht.disclosure.rules import get_rule_set, load_rule_sets

    sets = load_rule_sets(file)
    chosen = [get_rule_set(name, sets)] if name else list(sets.values())
    table = Table(title="Disclosure rule sets")
    for column in ("name", "min units", "rounding", "dominance", "p%", "zeros", "min pop."):
        table.add_column(column)
    for rule_set in chosen:
        table.add_row(
            rule_set.name,
            str(rule_set.threshold.min_units),
            f"base {rule_set.rounding.base:g}" if rule_set.rounding else "off",
            f"n={rule_set.dominance.n}, k={rule_set.dominance.k:g}%"
            if rule_set.dominance
            else "off",
            f"p={rule_set.p_percent.p:g}" if rule_set.p_percent else "off",
            rule_set.zeros,
            str(rule_set.min_population),
        )
    console = Console()
    console.print(table)
    for rule_set in chosen:
        console.print(f"[bold]{rule_set.name}[/]: {rule_set.description}")


def _print_tables(report: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for column in report.columns:
        table.add_column(str(column), justify="left" if column == "table" else "right")
    for row in report.itertuples(index=False):
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    Console().print(table)
