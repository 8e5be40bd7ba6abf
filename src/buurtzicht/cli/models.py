"""``buurtzicht secure models``: train, validate and score the risk models (issue 17)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.secure import Home, _settings, secure_app

console = Console()


@secure_app.command("models")
def models(
    if_stale: Annotated[
        bool,
        typer.Option("--if-stale", help="Do nothing when the aggregates already hold the models."),
    ] = False,
    show: Annotated[
        bool, typer.Option("--show", help="Only print the validation of the last run.")
    ] = False,
    home: Home = None,
) -> None:
    """Train, validate and score *kansrijke zoekgebieden* and *jonge aanwas*.

    Reads the linked aggregates and the microdata (run `buurtzicht secure link` first);
    adds the expected counts per region to the aggregates, so that `buurtzicht secure
    publish` protects them with the rest, and writes `<home>/secure/models/`
    (`release.json`: model cards, validation, explanations; `areas.parquet`: secure
    side only). Person-level scores are never written. See docs/models.md.
    """
    from buurtzicht.secure.models.run import models_current, release_path, run_models, write_run

    settings = _settings(home)
    if show:
        _report(json.loads(release_path(settings).read_text(encoding="utf-8")))
        return
    if if_stale and models_current(settings):
        console.print("the aggregates hold the models of the present world; nothing to do.")
        return
    with console.status("risk models") as status:
        run = run_models(settings, say=lambda text: status.update(text))
    folder = write_run(run, settings)
    _report(run.release)
    console.print("seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in run.seconds.items()))
    console.print(f"written: {folder} and the model cells in the aggregates")


def _report(release: dict[str, Any]) -> None:
    table = Table(title="Zoekgebieden: verborgen gevallen in de top 10 % van de buurten")
    for column in ("thema", "ontwerp", "methode", "gevonden", "recall", "precisie", "AUC"):
        table.add_column(column)
    for row in release["validation"]["zoekgebieden"]:
        table.add_row(
            row["theme"], row["design"], row["method"], f"{row['gevonden_top10']:.1f}",
            _num(row["recall_top10"]), _num(row["precisie_top10"]), _num(row["auc"]),
        )  # fmt: skip
    console.print(table)
    youth = Table(title="Jonge aanwas: AUC (95 % DeLong-interval)")
    for column in ("ontwerp", "methode", "AUC", "interval", "recall top 10 %", "gevallen"):
        youth.add_column(column)
    for row in release["validation"]["jonge_aanwas"]:
        youth.add_row(
            row["design"], row["method"], _num(row["auc"]),
            f"{_num(row['auc_low'])}-{_num(row['auc_high'])}", _num(row["recall_top10"]),
            str(row["gevallen"]),
        )  # fmt: skip
    console.print(youth)
    label = "SYNTHETISCH / SYNTHETIC" if release.get("synthetic") else ""
    console.print(f"source {release['source']} {label}")


def _num(value: object) -> str:
    return "-" if value is None else f"{float(str(value)):.3f}"
