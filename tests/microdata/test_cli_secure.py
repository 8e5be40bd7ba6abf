"""``buurtzicht synth`` and ``buurtzicht secure ...`` from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import buurtzicht.cli.secure  # noqa: F401  (registers the commands)
from buurtzicht.cli import app, main


def test_synth_then_link(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUURTZICHT_MIRROR", str(mirror))
    runner = CliRunner()
    home = tmp_path / "var"
    result = runner.invoke(app, ["synth", "--scale", "0.0005", "--seed", "9", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "persons" in result.output
    result = runner.invoke(app, ["secure", "link", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    meta = json.loads((home / "secure" / "aggregates.json").read_text())
    assert meta["synthetic"] is True and meta["source"] == "synthetic:9:0.0005"
    result = runner.invoke(app, ["secure", "info", "--home", str(home)])
    assert "synthetic:9:0.0005" in result.output


def test_bad_input_is_a_readable_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setattr(
        sys, "argv", ["buurtzicht", "secure", "validate", "--input", str(tmp_path / "empty")]
    )
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "table 'persons'" in err and "no Parquet files" in err and "Traceback" not in err
