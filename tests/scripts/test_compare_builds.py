"""scripts/compare_builds.py: identical builds compare equal, a changed cell is found."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from buurtzicht.config import Settings
from buurtzicht.warehouse.build import run_build
from buurtzicht.warehouse.layout import BuildLayout
from tests.api.smallbuild import small_inputs

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "compare_builds.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_builds", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> tuple[Path, Path]:
    """The same small build made twice, in two homes (different build ids and times)."""
    homes = []
    for name in ("a", "b"):
        home = tmp_path_factory.mktemp(name) / "var"
        run_build(Settings(home=home, mirror=mirror), lambda _say: small_inputs(mirror))
        homes.append(home)
    return homes[0], homes[1]


def test_two_builds_of_the_same_sources_are_identical(
    two_builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two_builds
    assert BuildLayout(a / "warehouse").current_id() != BuildLayout(b / "warehouse").current_id()
    assert _script().main([str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "tables: 0 difference(s)" in out
    assert "server answers: 0 difference(s)" in out
    assert out.rstrip().endswith("identical")


def test_a_changed_value_and_a_missing_row_are_found(
    two_builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two_builds
    changed = tmp_path / "var"
    shutil.copytree(b, changed)
    database = BuildLayout(changed / "warehouse").current_database()
    with duckdb.connect(str(database)) as conn:
        conn.execute(
            "UPDATE observations SET value = value + 1 WHERE rowid = "
            "(SELECT min(rowid) FROM observations WHERE value IS NOT NULL)"
        )
        conn.execute("DELETE FROM regions WHERE rowid = (SELECT max(rowid) FROM regions)")
    assert _script().main([str(a), str(changed), "--tables-only"]) == 1
    out = capsys.readouterr().out
    assert "observations: 1 rows only in build a" in out
    assert "observations: 1 rows only in build b" in out
    assert "regions: 1 rows only in build a" in out
    assert out.rstrip().endswith("DIFFERENT")


def test_a_home_without_a_build_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no warehouse build in"):
        _script().main([str(tmp_path), str(tmp_path)])


def test_saved_answers_compare_two_versions_of_the_code(
    two_builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--save-answers`` then ``--answers-against`` on one build: identical, and a
    changed saved body or header is found."""
    a, _ = two_builds
    saved = tmp_path / "before.json"
    assert _script().main([str(a), "--save-answers", str(saved)]) == 0
    answers = json.loads(saved.read_text(encoding="utf-8"))
    statuses = {status for status, _, _ in answers.values()}
    assert {200, 404, 405, 422} <= statuses
    assert _script().main([str(a), "--answers-against", str(saved)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("identical")
    answers["/api/themes"][2] += " "
    answers["/bestaat-niet?lang=en"][1].append(["x-extra", "1"])
    saved.write_text(json.dumps(answers), encoding="utf-8")
    assert _script().main([str(a), "--answers-against", str(saved)]) == 1
    out = capsys.readouterr().out
    assert "/api/themes: bodies differ from character" in out
    assert "/bestaat-niet?lang=en: headers differ: [('x-extra', '1')]" in out


def test_doubles_are_compared_to_twelve_digits_unless_exact(
    two_builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last bits of a parallel sum differ between two builds of the same code: a
    change in the 16th digit is no difference by default, one with ``--exact``; a change
    in the 7th digit is one either way."""
    a, b = two_builds
    noisy = tmp_path / "noisy"
    shutil.copytree(b, noisy)
    with duckdb.connect(str(BuildLayout(noisy / "warehouse").current_database())) as conn:
        conn.execute(
            "UPDATE observations SET value = value * (1 + 4e-16) WHERE rowid = "
            "(SELECT min(rowid) FROM observations WHERE value > 1000)"
        )
    assert _script().main([str(a), str(noisy), "--tables-only"]) == 0
    assert _script().main([str(a), str(noisy), "--tables-only", "--exact"]) == 1
    assert "observations: 1 rows only in build a" in capsys.readouterr().out
    with duckdb.connect(str(BuildLayout(noisy / "warehouse").current_database())) as conn:
        conn.execute("UPDATE observations SET value = value * (1 + 1e-6) WHERE value > 1000")
    assert _script().main([str(a), str(noisy), "--tables-only"]) == 1


def test_doubles_inside_json_text_are_compared_like_columns(
    two_builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stored JSON documents (profile_comparisons) hold doubles too: 207 of 345 documents
    differed between two builds of the same sources in their last bits."""
    a, b = two_builds
    docs = {}
    for side, scale in (("a", 1.0), ("b", 1 + 4e-16), ("c", 1 + 1e-6)):
        home = tmp_path / side
        shutil.copytree(b if side != "a" else a, home)
        docs[side] = home
        with duckdb.connect(str(BuildLayout(home / "warehouse").current_database())) as conn:
            document = json.dumps({"peers": [{"value": 1234.5678 * scale, "code": "GM0363"}]})
            conn.execute("CREATE TABLE stored_docs AS SELECT ? AS doc", [document])
    assert _script().main([str(docs["a"]), str(docs["b"]), "--tables-only"]) == 0
    assert _script().main([str(docs["a"]), str(docs["c"]), "--tables-only"]) == 1
    assert "stored_docs: 1 rows only in build a" in capsys.readouterr().out
