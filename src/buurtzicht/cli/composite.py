"""``buurtzicht composite``: a composite index with its weight-sensitivity report."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from buurtzicht.cli.analysis import JsonOption, _console, _fmt
from buurtzicht.cli.app import app
from buurtzicht.cli.options import (
    LevelOption,
    PeriodOption,
    SeedOption,
    WarehouseOption,
    open_warehouse,
)


@app.command("composite")
def composite_command(
    composite_id: str,
    level: LevelOption = "gemeente",
    period: PeriodOption = None,
    draws: Annotated[
        int,
        typer.Option(
            help="Random weight draws of the sensitivity report.",
            min=1,
            max=100_000,
        ),
    ] = 500,
    seed: SeedOption = 12345,
    as_json: JsonOption = False,
    warehouse: WarehouseOption = None,
) -> None:
    """A composite index (NL = 100) with its weight-sensitivity report."""
    import pandas as pd

    from buurtzicht.analysis.composite import composite_index, report_rows, sensitivity
    from buurtzicht.indicators.loader import default_catalog

    conn = open_warehouse(warehouse)
    result = composite_index(conn, composite_id, level, period)
    comp = default_catalog().composite(composite_id)
    weights = {c.indicator: c.weight for c in comp.components}
    report = sensitivity(result.indices, pd.Series(weights), draws=draws, seed=seed)
    rows = [asdict(r) for r in report_rows(result, report)]
    if as_json:
        print(
            json.dumps(
                {
                    "composite": composite_id,
                    "period": result.period,
                    "level": level,
                    "weights": weights,
                    "mean_spearman": report.mean_spearman,
                    "drop_one_spearman": report.drop_one_spearman,
                    "regions": rows,
                },
                indent=2,
            )
        )
        return
    console = _console()
    console.print(
        f"{comp.title.nl} ({level}, {result.period}); {len(rows)} regio's; "
        f"gemiddelde Spearman bij gevarieerde gewichten {report.mean_spearman:.3f}"
    )
    table = Table()
    for column in ("regio", "index", "rang", "rang 5-95%", "max. verschuiving"):
        table.add_column(column)
    for r in rows[:25]:
        table.add_row(
            str(r["region"]),
            _fmt(float(r["index"]), 1),
            str(r["rank"]),
            f"{r['rank_p05']:.0f}-{r['rank_p95']:.0f}",
            f"{r['max_shift']:.0f}",
        )
    console.print(table)
