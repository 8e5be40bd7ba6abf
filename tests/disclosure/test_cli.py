"""``buurtzicht disclosure protect | audit | rules`` on real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import buurtzicht.cli.disclosure  # noqa: F401  (registers the sub-app until the lead wires it)
from buurtzicht.cli.app import app
from buurtzicht.config import Settings
from tests.disclosure.tables import wijk_table

runner = CliRunner()


def _write_secure(home: Path) -> Path:
    secure = home / "secure"
    secure.mkdir(parents=True)
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    table.to_parquet(secure / "aggregates.parquet", index=False)
    return secure


def test_protect_then_audit_under_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BUURTZICHT_HOME", str(tmp_path / "var"))
    secure = _write_secure(Settings().home)
    result = runner.invoke(app, ["disclosure", "protect"])
    assert result.exit_code == 0, result.output
    published = pd.read_parquet(secure / "published.parquet")
    assert published["status"].eq("suppressed").sum() >= 1
    result = runner.invoke(app, ["disclosure", "audit", "--intervals", str(tmp_path / "i.csv")])
    assert result.exit_code == 0, result.output
    assert "0 unprotected cells" in result.output
    assert (tmp_path / "i.csv").is_file()
    # protect left its certificates beside the aggregates (a wijk needs none: a tree)
    assert (secure / "certificates.parquet").is_file()
    assert "certificates checked (0 rejected" in " ".join(result.output.split())
    result = runner.invoke(app, ["disclosure", "audit", "--no-certificates"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "no certificates used; 0 cells proven by certificates, 1 by the audit's own" in said


def test_audit_fails_with_exit_code_1_on_a_leaky_publication(tmp_path: Path) -> None:
    secure = _write_secure(tmp_path)
    table = pd.read_parquet(secure / "aggregates.parquet")
    leaky = table[["measure", "region", "period", "value"]].assign(
        indeling=2024, status="ok", source="secure", reason=None
    )
    leaky.loc[leaky["region"] == "BU03630000", ["value", "status", "reason"]] = [
        None, "suppressed", "min_units",
    ]  # fmt: skip
    leaky.to_parquet(secure / "published.parquet", index=False)
    result = runner.invoke(
        app,
        ["disclosure", "audit", "--aggregates", str(secure / "aggregates.parquet"),
         "--published", str(secure / "published.parquet")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "1 unprotected cell" in result.output


def test_rules_shows_the_rule_sets() -> None:
    result = runner.invoke(app, ["disclosure", "rules"])
    assert result.exit_code == 0
    for name in ("default", "amounts", "strict"):
        assert name in result.output
    result = runner.invoke(app, ["disclosure", "rules", "nope"])
    assert result.exit_code != 0


def test_every_command_has_help() -> None:
    for command in ("protect", "audit", "rules"):
        result = runner.invoke(app, ["disclosure", command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_the_verdict_agrees_with_the_zeros_it_reports(capsys) -> None:
    from buurtzicht.cli.disclosure import _verdict

    none = pd.DataFrame()
    _verdict(none, 0, 0)
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert "no suppressed cell given away by a published 0" in out
    _verdict(none, 0, 166)
    out = " ".join(capsys.readouterr().out.split())
    assert "166 suppressed cell(s) that a published 0 above gives away" in out
    assert "no suppressed cell given away" not in out  # the count and the words agree
    assert "166 suppressed cell(s) given away by a published 0 (reported, not blocking" in out
