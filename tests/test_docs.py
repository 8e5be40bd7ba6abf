"""The README, docs and --help are part of the product: fail when something is undocumented."""

from __future__ import annotations

from pathlib import Path

from buurtzicht.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"BUURTZICHT_{name.upper()}" in text, (
            f"setting {name} is not in docs/configuration.md"
        )
        assert field.description, f"setting {name} has no description"


def test_readme_leads_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    assert any(line.startswith("make run") for line in head)
    assert any(line.startswith("make test") for line in head)


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
