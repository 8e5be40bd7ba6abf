"""The analysis commands on a warehouse file: list, show, profile, compare, hotspots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic_warehouse import synthetic_warehouse
from typer.testing import CliRunner

import buurtzicht.cli.analysis  # noqa: F401  (registers the commands)
from buurtzicht.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    conn = synthetic_warehouse()
    conn.execute(f"ATTACH '{path}' AS f")
    for table in ("regions", "observations", "measures", "boundaries", "indicator_values"):
        conn.execute(f"CREATE TABLE f.{table} AS SELECT * FROM {table}")
    conn.execute("DETACH f")
    return path


def test_indicators_list_shows_the_catalog() -> None:
    result = runner.invoke(app, ["indicators", "list", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert len(items) >= 40 and len({i["theme"] for i in items}) >= 5
    themes = {i["theme"] for i in items}
    assert {"veiligheid", "vastgoed", "drugs"} <= themes  # open data and secure side
    table = runner.invoke(app, ["indicators", "list"])
    assert f"{len(items)} indicatoren in {len(themes)} thema's" in table.output


def test_indicators_show_has_methodology() -> None:
    result = runner.invoke(app, ["indicators", "show", "misdrijven_per_1000"])
    assert result.exit_code == 0 and "Methode" in result.output and "83648NED" in result.output
    missing = runner.invoke(app, ["indicators", "show", "geen_indicator"])
    assert missing.exit_code != 0


def test_profile_json(warehouse_file: Path) -> None:
    result = runner.invoke(app, ["profile", "GM0100", "--json", "--warehouse", str(warehouse_file)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    burglary = next(i for i in data["indicators"] if i["id"] == "woninginbraak_per_1000")
    for key in ("value", "nl_value", "index", "peers", "similar", "trend", "reliability"):
        assert key in burglary
    assert burglary["value"] == 12.0 and data["similar_regions"]


def test_compare_and_hotspots(warehouse_file: Path) -> None:
    result = runner.invoke(
        app, ["compare", "GM0100", "GM0110", "--json", "--warehouse", str(warehouse_file)]
    )
    assert result.exit_code == 0, result.output
    hot = runner.invoke(
        app,
        [
            "hotspots",
            "woninginbraak_per_1000",
            "--level",
            "gemeente",
            "--json",
            "--warehouse",
            str(warehouse_file),
        ],
    )
    assert hot.exit_code == 0, hot.output
    classes = {r["region"]: r["class"] for r in json.loads(hot.output)["regions"]}
    assert [c for c, k in sorted(classes.items()) if k == "hot"] == [
        "GM0100",
        "GM0101",
        "GM0104",
        "GM0105",
    ]
