"""Bad input on the command line: one clear line naming the option and the accepted
form, exit code 2, no traceback, and nothing written or changed.

Runs the real entry point in-process (``buurtzicht.cli.run``) against a home folder with
a small hand-made build, a secure folder with real-shaped aggregates and a collection of
broken files: empty, truncated, zero-row and non-Parquet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.cli import run
from buurtzicht.config import Settings, get_settings
from buurtzicht.warehouse.build import run_build
from tests.tiny import tiny_inputs

CELLS = pd.DataFrame(
    {
        "measure": "m",
        "period": "2024JJ00",
        "region": ["WK036300", "BU03630000", "BU03630001"],
        "value": [33.0, 3.0, 30.0],
        "n_units": [33, 3, 30],
        "top1": 1.0,
        "top2": 1.0,
    }
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a build and secure aggregates, plus broken files beside it."""
    root = tmp_path_factory.mktemp("bad-input")
    home = root / "var"
    run_build(Settings(home=home, mirror=None), lambda _say: tiny_inputs(root))
    secure = home / "secure"
    secure.mkdir(parents=True)
    CELLS.to_parquet(secure / "aggregates.parquet", index=False)
    files = root / "files"
    files.mkdir()
    (files / "empty.parquet").write_bytes(b"")
    whole = (secure / "aggregates.parquet").read_bytes()
    (files / "truncated.parquet").write_bytes(whole[: len(whole) // 2])
    CELLS.iloc[0:0].to_parquet(files / "zero_rows.parquet", index=False)
    (files / "not_parquet.parquet").write_text("region;value\nGM0363;1\n")
    (files / "garbage.duckdb").write_bytes(b"this is not a database\n" * 50)
    (files / "a_file").write_text("x")
    (files / "spec.yaml").write_text("tables: [unclosed\n")
    CELLS.assign(population=1)[["region", "value"]].to_parquet(
        files / "no_population_column.parquet", index=False
    )
    return root


@pytest.fixture
def cli(world: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("BUURTZICHT_HOME", str(world / "var"))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()


def _state(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.endswith((".wal", ".log"))
    }


F = "{files}"
#: (arguments, words the one-line message must hold). ``{files}`` is the broken files'
#: folder, ``{secure}`` the secure folder.
CASES: list[tuple[str, tuple[str, ...]]] = [
    # profile
    ("profile GM0001 --period 2024QQ99", ("--period", "is not a period", "2024JJ00")),
    ("profile GM0001 --k -3", ("--k", "greater than or equal to 1")),
    ("profile GM0001 --k 0", ("--k",)),
    ("profile Amsterdam", ("'code'", "'Amsterdam' is not a region code", "GM0363")),
    ("profile GM0001 --warehouse {files}/garbage.duckdb", ("--warehouse", "not a DuckDB")),
    ("profile GM0001 --warehouse {files}/nothing.duckdb", ("--warehouse", "does not exist")),
    ("profile GM0001 --warehouse {files}", ("--warehouse", "is not a file")),
    ("profile GM0001 --warehouse {files}/empty.parquet", ("--warehouse", "not a DuckDB")),
    # compare
    ("compare GM0001", ("'codes'", "two to eight")),
    ("compare GM0001 gm0001", ("'codes'", "two to eight")),
    ("compare GM0001 XX12", ("'codes'", "is not a region code")),
    ("compare " + " ".join(f"GM000{i}" for i in range(1, 10)), ("'codes'", "at most eight")),
    ("compare GM0001 GM0002 --period vorig", ("--period", "is not a period")),
    ("compare GM0001 GM0002 --warehouse {files}/garbage.duckdb", ("--warehouse",)),
    # hotspots
    ("hotspots inwoners --permutations -1", ("--permutations", "greater than or equal to 1")),
    ("hotspots inwoners --permutations 0", ("--permutations",)),
    ("hotspots inwoners --alpha 7", ("--alpha", "7")),
    ("hotspots inwoners --alpha 0", ("--alpha",)),
    ("hotspots inwoners --level provincie", ("--level", "gemeente")),
    ("hotspots inwoners --method kriging", ("--method", "gi_star")),
    ("hotspots inwoners --contiguity bishop", ("--contiguity", "queen")),
    ("hotspots inwoners --within Amsterdam", ("--within", "is not a region code")),
    ("hotspots inwoners --seed -1", ("--seed",)),
    ("hotspots inwoners --period 2024QQ99", ("--period", "is not a period")),
    ("hotspots inwoners --warehouse {files}/garbage.duckdb", ("--warehouse", "not a DuckDB")),
    # composite
    ("composite ondermijning --level land", ("--level", "gemeente")),
    ("composite ondermijning --draws 0", ("--draws",)),
    ("composite ondermijning --period 24", ("--period", "is not a period")),
    # region
    ("region GM0001 --period 1800", ("--period", "1800", "holds")),
    ("region GM0001 --period 2024QQ99", ("--period", "is not a period")),
    ("region Eerstedorp", ("'code'", "is not a region code")),
    # disclosure protect
    ("disclosure protect --aggregates {files}/empty.parquet", ("--aggregates", "is empty")),
    (
        "disclosure protect --aggregates {files}/truncated.parquet",
        ("--aggregates", "truncated.parquet", "not a readable"),
    ),
    ("disclosure protect --aggregates {files}/zero_rows.parquet", ("--aggregates", "no rows")),
    (
        "disclosure protect --aggregates {files}/not_parquet.parquet",
        ("--aggregates", "not a readable"),
    ),
    ("disclosure protect --aggregates {files}/missing.parquet", ("--aggregates", "does not exist")),
    ("disclosure protect --output {files}/a_file/out.parquet", ("--output", "cannot write")),
    ("disclosure protect --output {files}", ("--output", "is a folder")),
    ("disclosure protect --spec {files}/spec.yaml", ("spec.yaml", "not a valid disclosure spec")),
    (
        "disclosure protect --population {files}/no_population_column.parquet",
        ("--population", "population"),
    ),
    # disclosure audit
    ("disclosure audit --published {files}/empty.parquet", ("--published", "is empty")),
    ("disclosure audit --published {files}/truncated.parquet", ("--published", "not a readable")),
    ("disclosure audit --aggregates {files}/zero_rows.parquet", ("--aggregates", "no rows")),
    ("disclosure audit --intervals {files}/a_file/i.csv", ("--intervals", "cannot write")),
    ("disclosure audit --warehouse {files}/garbage.duckdb", ("PATH", "not a DuckDB")),
    ("disclosure audit --warehouse {files}/nothing", ("PATH", "does not exist")),
    ("disclosure audit {files}/garbage.duckdb", ("PATH", "only taken with --warehouse")),
    # serve, synth, fetch, secure, indicators
    ("serve --port 70000", ("--port", "less than or equal to 65535")),
    ("serve --workers 0", ("--workers",)),
    ("serve --log-level loud", ("--log-level", "info")),
    ("synth --scale 2", ("--scale", "less than or equal to 1")),
    ("prepare --scale 0", ("--scale", "greater than or equal to 0.0001")),
    ("prepare --levels buurt", ("levels", "coarser levels")),
    ("prepare --levels provincie", ("unknown region level", "provincie")),
    ("fetch --geometry 2024:provincie", ("--geometry", "YEAR:LEVEL")),
    ("fetch --periods -2", ("--periods", "negative")),
    ("secure link --engine pandas", ("--engine", "duckdb")),
    ("indicators show geen_indicator", ("geen_indicator",)),
]


@pytest.mark.parametrize(("command", "words"), CASES, ids=[c for c, _ in CASES])
def test_bad_input_is_one_clear_line(
    cli: Path, capsys: pytest.CaptureFixture[str], command: str, words: tuple[str, ...]
) -> None:
    args = command.format(files=cli / "files").split()
    before = _state(cli)
    code = run(args)
    captured = capsys.readouterr()
    message = captured.err.strip()
    assert code == 2, (code, captured.out, captured.err)
    assert "Traceback" not in captured.err + captured.out
    assert message.count("\n") == 0, message
    assert message.startswith("fout / error:"), message
    for word in words:
        assert word in message, (word, message)
    assert _state(cli) == before  # nothing written, nothing changed


def test_enough_bad_inputs() -> None:
    assert len(CASES) >= 40
    assert len({c[0].split()[0] for c in CASES}) >= 10  # spread over the commands


def test_unexpected_error_is_short_with_a_debug_hint(
    cli: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("buurtzicht.analysis.region_profile.profile", broken)
    code = run(["profile", "GM0001"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "ZeroDivisionError" in err and "--debug" in err
    with pytest.raises(ZeroDivisionError):
        run(["--debug", "profile", "GM0001"])
