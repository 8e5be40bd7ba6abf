"""Analysis commands: indicators list|show|schema, profile, compare, hotspots, composite."""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.app import MARKUP, app
from buurtzicht.cli.options import (
    CodeArgument,
    LevelOption,
    PeriodOption,
    SeedOption,
    WarehouseOption,
    check_code,
    check_compare_codes,
    check_fraction,
    one_of,
    open_warehouse,
)

indicators_app = typer.Typer(
    help="The indicator catalog: list, show, schema.", no_args_is_help=True, rich_markup_mode=MARKUP
)
app.add_typer(indicators_app, name="indicators")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _console() -> Console:
    return Console(width=160)


def _fmt(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


@indicators_app.command("list")
def indicators_list(
    theme: Annotated[str | None, typer.Option(help="Only this theme.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the indicators of the catalog with theme, unit and levels."""
    from buurtzicht.indicators.loader import default_catalog

    catalog = default_catalog()
    chosen = [i for i in catalog if theme is None or i.theme == theme]
    if as_json:
        print(
            json.dumps(
                [
                    i.model_dump(
                        mode="json",
                        include={"id", "theme", "title", "unit", "direction", "levels", "periods"},
                    )
                    for i in chosen
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table(title=f"{len(chosen)} indicatoren in {len({i.theme for i in chosen})} thema's")
    for column in ("id", "thema", "titel", "eenheid", "niveaus", "jaren"):
        table.add_column(column)
    for i in chosen:
        table.add_row(
            i.id,
            i.theme,
            i.title.nl,
            i.unit.nl,
            ", ".join(lv.value for lv in i.levels),
            f"{i.periods.first}-{i.periods.last}",
        )
    _console().print(table)


@indicators_app.command("show")
def indicators_show(indicator_id: str, as_json: JsonOption = False) -> None:
    """Show one indicator: definition, formula, sources and methodology."""
    from buurtzicht.indicators.loader import default_catalog

    ind = default_catalog().get(indicator_id)
    if as_json:
        print(ind.model_dump_json(indent=2))
        return
    f = ind.formula
    console = _console()
    console.print(f"[bold]{ind.title.nl}[/] ({ind.id}, thema {ind.theme})")
    console.print(ind.description.nl)
    console.print(
        f"Eenheid: {ind.unit.nl}; richting: {ind.direction.value}; "
        f"betrouwbaarheid: {ind.uncertainty.value}; "
        f"onthullingsregel: {ind.disclosure_rule}"
    )
    console.print(
        f"Formule: {f.scale:g} x som({' + '.join(f.numerator)})"
        + (f" / som({' + '.join(f.denominator)})" if f.denominator else "")
        + f"  [{f.published_as.value}]"
    )
    console.print(
        "Bronnen: "
        + "; ".join(f"{s.table} {s.title} ({s.publisher}, {s.licence})" for s in ind.sources)
    )
    console.print(f"\n[bold]Methode[/]\n{ind.methodology.nl}")


@indicators_app.command("schema")
def indicators_schema(
    write: Annotated[bool, typer.Option("--write", help="Regenerate the schema file.")] = False,
) -> None:
    """Print (or regenerate) the JSON Schema of catalog theme files."""
    from buurtzicht.indicators.schema import schema_text, write_schema

    if write:
        print(write_schema())
    else:
        print(schema_text(), end="")


@indicators_app.command("docs")
def indicators_docs(
    write: Annotated[bool, typer.Option("--write", help="Regenerate docs/indicators.")] = False,
) -> None:
    """Print the names of (or regenerate) the methodology pages in docs/indicators/."""
    from buurtzicht.indicators.docs import render, write_docs
    from buurtzicht.indicators.loader import default_catalog

    if write:
        for path in write_docs(default_catalog()):
            print(path)
    else:
        for name in render(default_catalog()):
            print(name)


@app.command("profile")
def profile_command(
    code: CodeArgument,
    period: PeriodOption = None,
    as_json: JsonOption = False,
    k: Annotated[
        int,
        typer.Option("--k", help="Number of similar regions.", min=1, max=50),
    ] = 5,
    warehouse: WarehouseOption = None,
) -> None:
    """All indicators of a region with NL, peers, similar regions, trend and reliability."""
    from buurtzicht.analysis.region_profile import profile

    result = profile(open_warehouse(warehouse), code, period, k=k)
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    console = _console()
    console.print(f"[bold]{result.name}[/] ({result.code}, {result.level}), tot {result.period}")
    similar = ", ".join(f"{s.name} ({s.distance:.2f})" for s in result.similar_regions)
    console.print(f"Vergelijkbare regio's: {similar or '-'}")
    table = Table()
    for column in (
        "thema",
        "indicator",
        "jaar",
        "waarde",
        "NL",
        "index",
        "peers",
        "rang",
        "trend",
        "betrouwbaarheid",
    ):
        table.add_column(column)
    for i in result.indicators:
        if i.value is None:
            continue
        t = i.trend
        trend = (
            "-"
            if t is None
            else ("+" if t.change >= 0 else "")
            + _fmt(t.change, i.decimals)
            + (" *" if t.significant else "")
        )
        table.add_row(
            i.theme,
            i.title.nl,
            (i.period or "")[:4],
            _fmt(i.value, i.decimals),
            _fmt(i.nl_value, i.decimals),
            _fmt(i.index, 0),
            _fmt(i.peers.value if i.peers else None, i.decimals),
            f"{i.rank}/{i.n_ranked}" if i.rank else "-",
            trend,
            i.reliability.flag or "-",
        )
    console.print(table)


@app.command("compare")
def compare_command(
    codes: Annotated[
        list[str],
        typer.Argument(help="Two to eight region codes.", callback=check_compare_codes),
    ],
    period: PeriodOption = None,
    as_json: JsonOption = False,
    warehouse: WarehouseOption = None,
) -> None:
    """Compare regions side by side on every indicator (with NL and index NL = 100)."""
    from buurtzicht.analysis.compare import compare

    frame = compare(open_warehouse(warehouse), codes, period)
    region_cols = [
        c
        for c in frame.columns
        if c.startswith(("GM", "WK", "BU", "NL")) and not c.endswith(("index", "period"))
    ]
    frame = frame.dropna(subset=region_cols, how="all")
    if as_json:
        print(frame.to_json(orient="records", force_ascii=False, indent=2))
        return
    names = frame.attrs.get("names", {})
    table = Table()
    for column in ("indicator", "jaar", *(f"{names.get(c, c)}" for c in region_cols)):
        table.add_column(column)
    for row in frame.to_dict("records"):
        table.add_row(
            str(row["title"]), str(row["period"])[:4], *(_fmt(row[c], 1) for c in region_cols)
        )
    _console().print(table)


@app.command("hotspots")
def hotspots_command(
    indicator: str,
    level: LevelOption = "gemeente",
    period: PeriodOption = None,
    method: Annotated[
        str,
        typer.Option(help="gi_star or local_moran.", callback=one_of("gi_star", "local_moran")),
    ] = "gi_star",
    permutations: Annotated[
        int | None,
        typer.Option(
            help="Permutations (default 9,999; 999 for buurten).",
            min=1,
            max=99_999,
        ),
    ] = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            help="Only the wijken or buurten of this gemeente (or wijk).",
            callback=check_code,
        ),
    ] = None,
    contiguity: Annotated[
        str, typer.Option(help="queen or rook.", callback=one_of("queen", "rook"))
    ] = "queen",
    seed: SeedOption = 12345,
    alpha: Annotated[
        float,
        typer.Option(
            help="Significance level after FDR correction, between 0 and 1.",
            callback=check_fraction,
        ),
    ] = 0.05,
    as_json: JsonOption = False,
    warehouse: WarehouseOption = None,
) -> None:
    """Getis-Ord Gi* / Local Moran hotspots with FDR-corrected p-values.

    Buurten: contiguity with a 10 m tolerance (mixed boundary layers), Gi* tested
    analytically (normal z), Local Moran with 999 permutations.
    """
    from buurtzicht.analysis.hotspot_map import hotspot_map

    result = hotspot_map(
        open_warehouse(warehouse),
        indicator,
        level,
        period,
        method=method,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        parent=within,
        contiguity=contiguity,
    )
    table = result.table()
    if as_json:
        print(
            json.dumps(
                {
                    "indicator": result.indicator,
                    "level": result.level,
                    "period": result.period,
                    "method": result.result.method,
                    "smoothed": result.smoothed,
                    "seed": seed,
                    "alpha": alpha,
                    "permutations": result.result.permutations,
                    "inference": result.result.inference,
                    "within": within,
                    "regions": json.loads(table.to_json(orient="records")),
                },
                indent=2,
            )
        )
        return
    counts = table["class"].value_counts().to_dict()
    _console().print(
        f"{indicator} ({level}, {result.period}, {result.result.method}, "
        f"{'EB-gesmoothed' if result.smoothed else 'ruwe waarden'}): {counts}"
    )
    shown = Table()
    for column in ("regio", "waarde", "z", "p", "klasse"):
        shown.add_column(column)
    for row in table[table["significant"]].sort_values("z", ascending=False).to_dict("records"):
        shown.add_row(
            row["region"],
            _fmt(row["value"], 2),
            f"{row['z']:.2f}",
            f"{row['p_sim']:.3f}",
            row["class"],
        )
    _console().print(shown)
