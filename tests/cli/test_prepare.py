"""``buurtzicht prepare`` (what ``make run`` calls) on a home where everything is up to
date: every step says so and nothing is written, in one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from buurtzicht.cli import app
from buurtzicht.config import Settings


def _state(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.endswith((".wal", ".log"))
    }


def test_prepare_does_nothing_when_everything_is_up_to_date(
    built: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "var"
    shutil.copytree(built.home, home)
    monkeypatch.setenv("BUURTZICHT_HOME", str(home))
    monkeypatch.setenv("BUURTZICHT_MIRROR", str(built.mirror))
    before = _state(home)
    # The world of the `built` fixture: synth --scale 0.01 --seed 7, released down to wijk.
    result = CliRunner().invoke(
        app, ["prepare", "--scale", "0.01", "--seed", "7", "--levels", "gemeente,wijk"]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    for step in (
        "Warehouse build",  # build --if-missing
        "synthetic world (scale 0.01, seed 7) is present",
        "secure aggregates belong to the present world",
        "the aggregates hold the models of the present world",
        "the published release matches the aggregates",
        "the current build holds the published release",
    ):
        assert step in said, (step, said)
    assert said.count("nothing to do") == 6, said
    assert _state(home) == before


def test_prepare_redoes_the_release_for_other_levels(
    built: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking for fewer levels than the release holds publishes anew (and loads it)."""
    home = tmp_path / "var"
    shutil.copytree(built.home, home)
    monkeypatch.setenv("BUURTZICHT_HOME", str(home))
    monkeypatch.setenv("BUURTZICHT_MIRROR", str(built.mirror))
    result = CliRunner().invoke(
        app, ["prepare", "--scale", "0.01", "--seed", "7", "--levels", "gemeente"]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert said.count("nothing to do") == 4, said  # build, synth, link, models
    assert "cells published" in said and "is current" in said


def test_prepare_renders_only_the_build_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    """The open build is followed at once by the build holding the release: pre-rendering
    the open one (about a minute at scale 1.0) would be thrown away."""
    from buurtzicht.cli import prepare as prepare_module

    calls: list[tuple[str, dict[str, object]]] = []
    for name in ("build", "synth", "link_world", "models", "publish_release", "load"):
        monkeypatch.setattr(prepare_module, name, lambda _n=name, **kw: calls.append((_n, kw)))
    result = CliRunner().invoke(app, ["prepare", "--scale", "0.01", "--levels", "gemeente"])
    assert result.exit_code == 0, result.output
    assert [name for name, _ in calls] == [
        "build", "synth", "link_world", "models", "publish_release", "load"
    ]  # fmt: skip
    assert calls[0][1] == {"mirror": None, "if_missing": True, "prerender": False}
    assert calls[-1][1] == {"if_stale": True}  # load renders its build (build_shown)
