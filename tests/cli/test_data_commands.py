"""The data commands on a small hand-made build, through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buurtzicht.config import Settings
from buurtzicht.warehouse.build import BuildInputs, run_build
from tests.tiny import tiny_batch


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BUURTZICHT_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", "from buurtzicht.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def built(home: Settings, inputs: BuildInputs) -> Path:
    run_build(home, lambda _say: inputs)
    return home.home


def test_region_json_has_parents_and_values(built: Path) -> None:
    result = cli(built, "region", "BU00010000", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["region"]["name"] == "Kern"
    assert [p["name"] for p in document["region"]["parents"]] == ["Centrum", "Eerstedorp"]
    gemeente = json.loads(cli(built, "region", "GM0001", "--period", "2024", "--json").stdout)
    assert gemeente["observations"][0]["value"] == 10.0


def test_unknown_region_is_a_message_not_a_traceback(built: Path) -> None:
    result = cli(built, "region", "GM9999")
    assert result.returncode == 2
    assert "GM9999 is not in the warehouse" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_code_and_period(built: Path) -> None:
    bad_code = cli(built, "region", "GM363")
    assert bad_code.returncode == 2 and "not a region code" in bad_code.stderr
    bad_period = cli(built, "region", "GM0001", "--period", "vorig jaar")
    assert bad_period.returncode == 2 and "is not a period" in bad_period.stderr


def test_info_json_and_rollback(built: Path, home: Settings, inputs: BuildInputs) -> None:
    import dataclasses

    first = json.loads(cli(built, "info", "--json").stdout)
    assert {"level": "gemeente", "indeling": 2024, "regions": 2, "special": 0} in first["regions"]
    assert first["sources"][0]["table_id"] == "TEST"
    run_build(home, lambda _say: dataclasses.replace(inputs, batches=[tiny_batch(99.0)]))
    result = cli(built, "rollback")
    assert result.returncode == 0 and first["build"]["build_id"] in result.stdout
    assert json.loads(cli(built, "info", "--json").stdout)["build"] == first["build"]


def test_no_build_yet(tmp_path: Path) -> None:
    result = cli(tmp_path / "empty", "info")
    assert result.returncode == 2 and "run 'buurtzicht build'" in result.stderr


def test_every_command_has_help() -> None:
    from typer.main import get_command

    from buurtzicht.cli import app

    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help and len(command.help) > 20, f"command {name} lacks --help text"
