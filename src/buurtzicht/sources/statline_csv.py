"""StatLine CSV dumps: ``;``-separated, UTF-8 with BOM, padded strings.

Dimension columns hold labels (``RegioS = "Aa en Hunze"``); codes live in
``Codering_3`` / ``Code_1``. We read everything as text (codes like ``GM0014`` must keep
their zeros) and convert measures ourselves, so that a decimal comma or an odd value
gives an error that names the file, the line and the column.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_DUTCH_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?")
#: Texts CBS writes for "no figure": never read as zero.
MISSING_MARKERS = {"", ".", "x", "-", "?", "NA", "nan"}


def open_text(path: Path) -> str:
    """Read a (possibly gzipped) UTF-8 text file, BOM removed; clear error otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceFormatError(path, "file not found") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceFormatError(path, f"gzip stream is truncated or corrupt ({exc})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            path, f"not valid UTF-8 at byte {exc.start}", line=line, expected="UTF-8 (with BOM)"
        ) from exc


def sniff_delimiter(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") else ","


def read_table(
    path: Path, *, required: Sequence[str] = (), delimiter: str | None = None
) -> pd.DataFrame:
    """Read a CSV dump as text columns, stripped of padding.

    Checks that every row has as many fields as the header (a truncated or shifted
    file names its line) and that the ``required`` columns are present (a table whose
    schema changed says which columns it lacks).
    """
    text = open_text(path)
    if not text.strip():
        raise SourceFormatError(path, "file is empty", expected="a header line and data rows")
    first_line = text.split("\n", 1)[0]
    sep = delimiter or sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = [h.strip() for h in next(reader)]
        rows: list[list[str]] = []
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise SourceFormatError(
                    path,
                    f"row has {len(row)} fields, header has {len(header)}",
                    line=reader.line_num,
                    expected=f"{len(header)} fields separated by {sep!r}",
                )
            rows.append([v.strip() for v in row])
    except csv.Error as exc:
        raise SourceFormatError(path, f"malformed CSV ({exc})", line=reader.line_num) from exc
    absent = [c for c in required if c not in header]
    if absent:
        raise SourceFormatError(
            path,
            f"columns {absent} are missing; the table's schema changed",
            expected=f"columns {list(required)}",
        )
    return pd.DataFrame(rows, columns=header, dtype="string")


def parse_number(text: object, *, path: Path | str, line: int, column: str) -> float | None:
    """A measure value from a dump: ``None`` for CBS's missing markers, else a float.

    Accepts ``1234.5`` and the Dutch ``1.234,5``; anything else is an error naming
    the file, line and column.
    """
    if text is None or text is pd.NA:
        return None
    value = str(text).strip()
    if value in MISSING_MARKERS:
        return None
    if _NUMBER.fullmatch(value):
        return float(value)
    if _DUTCH_NUMBER.fullmatch(value):
        return float(value.replace(".", "").replace(",", "."))
    raise SourceFormatError(
        path, f"column {column}: {value!r} is not a number", line=line, expected="a number or '.'"
    )


def numeric_column(frame: pd.DataFrame, column: str, *, path: Path | str) -> pd.Series:
    """Convert one text column to float64 with NaN for missing markers.

    Fast path through pandas; falls back to :func:`parse_number` row by row only to
    find and name the first bad value. Line numbers count the header as line 1.
    """
    series = frame[column].astype("string").str.strip()
    as_missing = series.isna() | series.isin(list(MISSING_MARKERS))
    numbers = pd.to_numeric(series.mask(as_missing), errors="coerce")
    bad = numbers.isna() & ~as_missing
    if bad.any():
        values = [
            parse_number(v, path=path, line=int(i) + 2, column=column) if flag else n
            for i, (v, n, flag) in enumerate(zip(series, numbers, bad, strict=True))
        ]
        return pd.Series(values, index=frame.index, dtype="float64")
    return numbers.astype("float64")
