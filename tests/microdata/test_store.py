"""All-or-nothing writes of the secure side's multi-file outputs (``microdata.store``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from buurtzicht.microdata.store import write_all


def test_write_all_replaces_every_target(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    a.write_text("old a", encoding="utf-8")
    write_all(
        {
            a: lambda p: p.write_text("new a", encoding="utf-8"),
            b: lambda p: p.write_text("new b", encoding="utf-8"),
        }
    )
    assert a.read_text(encoding="utf-8") == "new a"
    assert b.read_text(encoding="utf-8") == "new b"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.txt", "b.txt"]


def test_write_all_changes_nothing_when_a_writer_fails(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a", encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_all({a: lambda p: p.write_text("new a", encoding="utf-8"), b: broken})
    assert a.read_text(encoding="utf-8") == "old a"
    assert not b.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
