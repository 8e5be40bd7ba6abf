"""Options shared by the commands, checked before a command does any work.

Every check turns bad input into one line that names the option and the form it takes
(``--period: '2024QQ99' is not a period; use a year (2024) or a CBS period code
(2024JJ00)``), exit code 2, before anything is read or written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import typer

from buurtzicht.errors import NoBuildError, RegionCodeError, SourceFormatError
from buurtzicht.regions.codes import normalise_code
from buurtzicht.sources.observations import normalise_period

#: The first bytes of every DuckDB database file hold ``DUCK`` at offset 8.
_DUCKDB_MAGIC = b"DUCK"
LEVELS = ("gemeente", "wijk", "buurt")


def one_of(*choices: str) -> Callable[[str | None], str | None]:
    """A callback that takes only ``choices``."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def check_fraction(value: float) -> float:
    """A number strictly between 0 and 1 (a significance level)."""
    if not 0 < value < 1:
        raise typer.BadParameter(f"{value:g} is not between 0 and 1 (e.g. 0.05)")
    return value


def check_period(value: str | None) -> str | None:
    """``--period``: a year or a CBS period code (normalised)."""
    if value is None:
        return None
    try:
        return normalise_period(value, where="--period")[0]
    except SourceFormatError:
        raise typer.BadParameter(
            f"{value!r} is not a period; use a year (2024) or a CBS period code "
            "(2024JJ00, 2024KW01, 2024MM01)"
        ) from None


def check_code(value: str | None) -> str | None:
    """A region code (normalised)."""
    if value is None:
        return None
    try:
        return normalise_code(value)
    except RegionCodeError:
        raise typer.BadParameter(
            f"{value!r} is not a region code; use e.g. GM0363, WK036300 or BU03630000"
        ) from None


def check_codes(values: list[str]) -> list[str]:
    codes = [check_code(value) for value in values]
    return list(dict.fromkeys(code for code in codes if code))


def check_compare_codes(values: list[str]) -> list[str]:
    codes = check_codes(values)
    if len(codes) < 2:
        raise typer.BadParameter(
            f"give two to eight different region codes (got {len(codes)}), e.g. GM0363 GM0599"
        )
    if len(codes) > 8:
        raise typer.BadParameter(f"give at most eight region codes (got {len(codes)})")
    return codes


def check_warehouse_file(value: Path | None) -> Path | None:
    """``--warehouse``: an existing DuckDB warehouse file."""
    if value is None:
        return None
    if not value.exists():
        raise typer.BadParameter(f"{value} does not exist; give a build's .duckdb file")
    if not value.is_file():
        raise typer.BadParameter(f"{value} is not a file; give a build's .duckdb file")
    if not is_duckdb_file(value):
        raise typer.BadParameter(f"{value} is not a DuckDB warehouse file (.duckdb of a build)")
    return value


def is_duckdb_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except OSError:
        return False
    return head[8:12] == _DUCKDB_MAGIC


def check_input_file(value: Path | None) -> Path | None:
    """An existing, readable, non-empty file."""
    if value is None:
        return None
    if not value.is_file():
        raise typer.BadParameter(f"{value} does not exist or is not a file")
    if not os.access(value, os.R_OK):
        raise typer.BadParameter(f"{value} cannot be read (permissions)")
    if value.stat().st_size == 0:
        raise typer.BadParameter(f"{value} is empty")
    return value


def check_output_file(value: Path | None) -> Path | None:
    """A file we can write: not a folder, in a folder that exists or can be made."""
    if value is None:
        return None
    if value.is_dir():
        raise typer.BadParameter(f"{value} is a folder; give a file name")
    folder = value.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"cannot write {value}: {folder} is not a writable folder")
    if value.exists() and not os.access(value, os.W_OK):
        raise typer.BadParameter(f"cannot write {value} (permissions)")
    return value


def open_warehouse(path: Path | None) -> duckdb.DuckDBPyConnection:
    """The given DuckDB file (checked by ``--warehouse``), or the current build,
    read-only."""
    if path is not None:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            raise NoBuildError(f"cannot open warehouse {path}: {exc}") from exc
    from buurtzicht.config import get_settings
    from buurtzicht.warehouse.current import open_current

    conn: duckdb.DuckDBPyConnection = open_current(get_settings())
    return conn


WarehouseOption = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="A DuckDB warehouse file (default: the current build).",
        callback=check_warehouse_file,
    ),
]
PeriodOption = Annotated[
    str | None,
    typer.Option("--period", help="Year or CBS period (2024 or 2024JJ00).", callback=check_period),
]
CodeArgument = Annotated[
    str,
    typer.Argument(help="Region code, e.g. GM0363, WK036300, BU0363AD03.", callback=check_code),
]
LevelOption = Annotated[
    str, typer.Option(help="gemeente, wijk or buurt.", callback=one_of(*LEVELS))
]
SeedOption = Annotated[int, typer.Option(help="Seed of the random draws.", min=0)]


def read_table_file(path: Path) -> pd.DataFrame:
    """A Parquet (or CSV) table with at least one row, or :class:`typer.BadParameter`
    saying what is wrong with the file."""
    check_table_file(path)
    try:
        return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException, pd.errors.ParserError) as exc:
        raise _unreadable(path, exc) from None


def check_table_file(value: Path | None) -> Path | None:
    """An input table: exists, not empty, readable as Parquet (or CSV), has rows.

    Reads only the Parquet footer (or the first CSV lines), so checking a large file
    costs nothing."""
    if value is None:
        return None
    check_input_file(value)
    try:
        if value.suffix == ".csv":
            rows = len(pd.read_csv(value, nrows=1))
        else:
            rows = pq.ParquetFile(value).metadata.num_rows
    except (OSError, ValueError, pa.ArrowException, pd.errors.ParserError) as exc:
        raise _unreadable(value, exc) from None
    if rows == 0:
        raise typer.BadParameter(f"{value} has no rows; expected one row per cell")
    return value


def _unreadable(path: Path, exc: Exception) -> typer.BadParameter:
    kind = "CSV" if path.suffix == ".csv" else "Parquet"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return typer.BadParameter(
        f"{path} is not a readable {kind} file (truncated or another format?): {first}"
    )
