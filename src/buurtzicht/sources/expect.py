"""Sources are checked, not trusted: what a source file must hold before a build uses it.

An :class:`Expectation` says how many records a file has at least, which columns (or
feature properties) it must have, how many distinct region codes of each level it
covers (in total, or in every period) and which periods it must contain, and, where the
publisher gives one, its sha256. :func:`check_file` reads the file on its own (CSV,
GeoJSON, TopoJSON or JSON, gzipped or not), independently of the loaders, and raises a
:class:`SourceCoverageError` that names the file and everything it lacks. A file cut at
a line boundary parses cleanly; only counting what it covers shows that it is short.

Counts are minimums: a newer file with more regions passes, a file that lost some
fails.

>>> import pandas as pd
>>> frame = pd.DataFrame({"Code": ["GM0014", "GM0034"], "Jaar": ["2023", "2024"]})
>>> shortfalls(frame, Expectation(rows=2, coverage=(Coverage("Code", "GM", 3),)))
['2 of 3 gemeenten (distinct GM codes in column Code): 1 missing']
>>> shortfalls(frame, Expectation(rows=2, periods=Periods("Jaar", ("2022", "2023"))))
['periods missing in column Jaar: 2022']
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.statline_csv import open_text, read_table

#: What the distinct codes of a level are called in messages.
LEVEL_NAMES: dict[str, str] = {
    "GM": "gemeenten",
    "WK": "wijken",
    "BU": "buurten",
    "PV": "provincies",
    "RE": "politie-eenheden",
}


class SourceCoverageError(SourceFormatError):
    """A source file parses but holds less than it must: rows, columns, regions, periods."""


@dataclass(frozen=True)
class Coverage:
    """At least ``count`` distinct codes starting with ``prefix`` in ``column``; with
    ``per``, in every value of that column (every period)."""

    column: str
    prefix: str
    count: int
    per: str | None = None
    #: What the values are called in messages; by default the level of ``prefix``.
    label: str = ""

    @property
    def what(self) -> str:
        return self.label or LEVEL_NAMES.get(self.prefix, f"{self.prefix or 'distinct'} values")


@dataclass(frozen=True)
class Periods:
    """Every one of ``values`` occurs in ``column`` (text compared after stripping)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Expectation:
    """What one source file must hold.

    ``rows``: data rows of a CSV, features of a GeoJSON or of a TopoJSON's objects,
    entries of a JSON list or object. ``sha256``: as the source's SOURCE.md gives it,
    in full or shortened to ``first…last``; ``sha256_of="content"`` hashes the file
    after gunzipping.
    """

    rows: int
    columns: tuple[str, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    periods: Periods | None = None
    sha256: str | None = None
    sha256_of: str = "file"


def records(path: Path) -> pd.DataFrame:
    """One row per record of a source file, columns as text (see :class:`Expectation`)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return read_table(path)
    document = _json(path)
    if name.endswith(".topojson"):
        objects = document.get("objects") if isinstance(document, dict) else None
        if not isinstance(objects, dict):
            raise SourceFormatError(path, "not a TopoJSON topology", expected='"objects"')
        return _frame(
            [g.get("properties") or {} for o in objects.values() for g in o.get("geometries", [])]
        )
    if isinstance(document, dict) and isinstance(document.get("features"), list):
        return _frame([f.get("properties") or {} for f in document["features"]])
    if isinstance(document, list):
        return _frame([r if isinstance(r, dict) else {"value": r} for r in document])
    if isinstance(document, dict):
        return pd.DataFrame({"key": list(document)}, dtype="string")
    raise SourceFormatError(path, "neither a JSON list nor an object", expected="records")


def _json(path: Path) -> Any:
    try:
        return json.loads(open_text(path))
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            path, f"malformed or truncated JSON ({exc.msg})", line=exc.lineno, expected="JSON"
        ) from exc


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return frame.astype("string") if len(frame.columns) else frame


def shortfalls(frame: pd.DataFrame, expected: Expectation) -> list[str]:
    """What ``frame`` (from :func:`records`) lacks against ``expected``; empty if nothing."""
    found: list[str] = []
    if len(frame) < expected.rows:
        found.append(f"{len(frame):,} of at least {expected.rows:,} records")
    absent = [c for c in expected.columns if c not in frame.columns]
    if absent:
        found.append(f"columns {absent} are missing")
    for coverage in expected.coverage:
        found.extend(_coverage(frame, coverage))
    if expected.periods is not None:
        found.extend(_periods(frame, expected.periods))
    return found


def _codes(values: pd.Series, prefix: str) -> set[str]:
    text = values.dropna().astype("string").str.strip().str.upper()
    return set(text[text.str.startswith(prefix)].tolist())


def _coverage(frame: pd.DataFrame, coverage: Coverage) -> list[str]:
    columns = [coverage.column, *([coverage.per] if coverage.per else [])]
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        return [f"columns {absent} are missing (coverage of {coverage.what})"]
    codes = f"{coverage.prefix} codes" if coverage.prefix else "values"
    where = f"distinct {codes} in column {coverage.column}"
    if coverage.per is None:
        n = len(_codes(frame[coverage.column], coverage.prefix))
        if n >= coverage.count:
            return []
        return [
            f"{n:,} of {coverage.count:,} {coverage.what} ({where}): {coverage.count - n:,} missing"
        ]
    short = []
    groups = frame.groupby(frame[coverage.per].astype("string").str.strip(), sort=True)
    for period, group in groups:
        n = len(_codes(group[coverage.column], coverage.prefix))
        if n < coverage.count:
            short.append(f"{period}: {n:,}")
    if not short:
        return []
    return [
        f"fewer than {coverage.count:,} {coverage.what} ({where}) in "
        f"{coverage.per} {', '.join(short[:6])}{' …' if len(short) > 6 else ''}"
    ]


def _periods(frame: pd.DataFrame, periods: Periods) -> list[str]:
    if periods.column not in frame.columns:
        return [f"column {periods.column} (periods) is missing"]
    present = set(frame[periods.column].dropna().astype("string").str.strip().tolist())
    missing = [p for p in periods.values if p not in present]
    return [f"periods missing in column {periods.column}: {', '.join(missing)}"] if missing else []


def sha256_matches(digest: str, expected: str) -> bool:
    """Compare a digest with a full one or one shortened to ``first…last``.

    >>> sha256_matches("bf73df2b00d8b9ed88", "bf73df2b…d8b9ed88")
    True
    """
    if "…" in expected:
        first, last = expected.split("…", 1)
        return digest.startswith(first) and digest.endswith(last)
    return digest == expected


def _digest(path: Path, of: str) -> str:
    raw = path.read_bytes()
    if of == "content" and raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return hashlib.sha256(raw).hexdigest()


def check_file(path: Path, expected: Expectation) -> None:
    """Raise :class:`SourceCoverageError` naming ``path`` and all it lacks.

    Checked once per file version (path, size, modification time) in a process.
    """
    stat = path.stat()
    _checked(str(path), stat.st_size, stat.st_mtime_ns, expected)


@lru_cache(maxsize=256)
def _checked(path: str, size: int, mtime_ns: int, expected: Expectation) -> None:
    source = Path(path)
    problems = []
    if expected.sha256 and not sha256_matches(_digest(source, expected.sha256_of), expected.sha256):
        problems.append(f"sha256 differs from {expected.sha256} (SOURCE.md)")
    problems.extend(shortfalls(records(source), expected))
    if problems:
        raise SourceCoverageError(
            source,
            "the file is not what it must be: " + "; ".join(problems),
            expected="the file as the mirror's SOURCE.md describes it; restore it, then rebuild",
        )
