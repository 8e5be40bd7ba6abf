"""Check microdata (synthetic or real) before any linkage runs.

Missing tables or columns, NULLs in required columns, duplicate ids, dangling keys
(an owner id not in persons), dates outside ``[1900-01-01, reference date]``, end
before start, unknown category values and malformed buurt codes each raise a
:class:`~buurtzicht.microdata.errors.MicrodataError` that names the table, the key
and an example value. Validation only reads the data; on success it leaves a stamp
(``.validated.json``: a fingerprint of the files) so that linkage can skip a second
validation of unchanged files.

Each table is read once for all its row-wise checks (one ``count(*) FILTER`` per
condition); the query that finds an example value runs only when a count is not 0.
Primary keys stored in increasing order (as the generator writes them, and as
registers are usually extracted) are proved unique while reading the key column, and
references to a gap-free key are checked as a range in the same scan; keys in any
other order get the general checks (a grouping for duplicates, anti joins for
dangling references).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from buurtzicht.microdata.errors import MicrodataError, MicrodataMissingError
from buurtzicht.microdata.schema import (
    CATEGORIES,
    DATE_MIN,
    ENTITIES,
    WORLD_DATE,
    Entity,
    ForeignKey,
)

BUURT_PATTERN = r"BU\d{4}[0-9A-Z]{4}"
BUURT_COLUMNS = {"addresses": "buurt", "incidents": "buurt", "holiday_parks": "buurt"}


def dataset_glob(folder: Path, entity: str) -> str:
    return str(folder / entity / "*.parquet")


def register_views(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """A view per entity over its Parquet files; a missing dataset is an error."""
    for name in ENTITIES:
        if not any((folder / name).glob("*.parquet")):
            raise MicrodataMissingError(
                name,
                f"no Parquet files in {folder / name}",
                hint="run `buurtzicht synth` or point --input at a folder with one "
                "sub-folder of Parquet files per table",
            )
        con.execute(
            f"CREATE OR REPLACE VIEW {name} AS "
            f"SELECT * FROM read_parquet('{dataset_glob(folder, name)}')"
        )


def _columns(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    present = {row[0]: row[1] for row in con.execute(f"DESCRIBE {entity.name}").fetchall()}
    missing = [c for c in entity.columns if c not in present]
    if missing:
        raise MicrodataError(
            entity.name, f"columns {missing} are missing", hint=f"expected {list(entity.columns)}"
        )
    for column, arrow_type in entity.columns.items():
        expected = _duckdb_family(arrow_type)
        if not present[column].startswith(expected):
            raise MicrodataError(
                entity.name,
                f"column {column} has type {present[column]}",
                key=column,
                hint=f"expected {expected}",
            )


def _duckdb_family(arrow_type: pa.DataType) -> str:
    """The DuckDB type (prefix) a column of this Arrow type must have."""
    if pa.types.is_integer(arrow_type):
        return {8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT"}[arrow_type.bit_width]
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    return "VARCHAR"


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> object | None:
    row = con.execute(sql).fetchone()
    return None if row is None else row[0]


@dataclass(frozen=True)
class KeyRange:
    """The primary key of a table read in file order: strictly increasing, so unique.

    When it also has no gaps (``dense``) its values are exactly ``first..last`` and a
    reference exists if and only if it lies in that range: foreign keys are then
    checked in the table scan instead of with a hash join.
    """

    first: int
    last: int
    rows: int

    @property
    def dense(self) -> bool:
        return self.rows == self.last - self.first + 1


def key_range(folder: Path, entity: Entity) -> KeyRange | None:
    """The :class:`KeyRange` of ``entity``, or None when its ids are not in increasing order.

    Reads only the key column. Real microdata in another order falls back to the
    general checks (a grouping for duplicates, anti joins for foreign keys).
    """
    first: int | None = None
    last: int | None = None
    rows = 0
    for path in sorted((folder / entity.name).glob("*.parquet")):
        column = pq.read_table(path, columns=[entity.key]).column(0)
        if column.null_count or not pa.types.is_integer(column.type):
            return None
        values = column.to_numpy()
        if len(values) == 0:
            continue
        if (last is not None and values[0] <= last) or not np.all(values[1:] > values[:-1]):
            return None
        first = int(values[0]) if first is None else first
        last, rows = int(values[-1]), rows + len(values)
    return KeyRange(first, last, rows) if first is not None and last is not None else None


@dataclass
class Scan:
    """Per-row conditions of one table, counted in a single scan."""

    conditions: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, condition: str) -> str:
        self.conditions[name] = condition
        return name

    def run(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        filters = [f"count(*) FILTER (WHERE {c})" for c in self.conditions.values()]
        row = con.execute(f"SELECT {', '.join(['count(*)', *filters])} FROM {table}").fetchone()
        values = [int(v) for v in row] if row else [0] * (len(filters) + 1)
        self.counts = dict(zip(["rows", *self.conditions], values, strict=True))


def _scan(entity: Entity, reference: date, ranges: dict[str, KeyRange | None]) -> Scan:
    """Every row-wise check of ``entity`` as a condition of one scan."""
    scan = Scan()
    for column in entity.not_null:
        scan.add(f"null:{column}", f"{column} IS NULL")
    for fk in entity.foreign_keys:
        target = ranges.get(fk.target)
        if target is not None and target.dense:
            scan.add(f"fk:{fk.column}", _outside(fk.column, target))
    for column in entity.dates:
        scan.add(f"date:{column}", f"{column} < DATE '{DATE_MIN}' OR {column} > DATE '{reference}'")
    if "start_date" in entity.columns and "end_date" in entity.columns:
        scan.add("order", "end_date < start_date")
    for (table, column), allowed in CATEGORIES.items():
        if table == entity.name:
            listed = ", ".join(f"'{v}'" for v in sorted(allowed))
            scan.add(f"category:{column}", f"{column} NOT IN ({listed})")
    buurt_column = BUURT_COLUMNS.get(entity.name)
    if buurt_column:
        scan.add("buurt", f"NOT regexp_full_match({buurt_column}, '{BUURT_PATTERN}')")
    return scan


def _outside(column: str, target: KeyRange) -> str:
    return f"{column} IS NOT NULL AND ({column} < {target.first} OR {column} > {target.last})"


def _keys(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    scan: Scan,
    ranges: dict[str, KeyRange | None],
) -> None:
    for column in entity.not_null:
        bad = scan.counts[f"null:{column}"]
        if bad:
            raise MicrodataError(
                entity.name,
                f"{bad} rows have no {column}",
                key=column,
                hint="this column is required",
            )
    if ranges.get(entity.name) is None:
        dup = _first(
            con, f"SELECT {entity.key} FROM {entity.name} GROUP BY 1 HAVING count(*) > 1 LIMIT 1"
        )
        if dup is not None:
            raise MicrodataError(
                entity.name, f"duplicate id {dup!r}", key=entity.key, hint="ids must be unique"
            )
    for fk in entity.foreign_keys:
        _foreign_key(con, entity, fk, scan, ranges.get(fk.target))


def _foreign_key(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    fk: ForeignKey,
    scan: Scan,
    target: KeyRange | None,
) -> None:
    key = ENTITIES[fk.target].key
    if target is not None and target.dense:
        if not scan.counts[f"fk:{fk.column}"]:
            return
        sql = f"SELECT {fk.column} FROM {entity.name} WHERE {_outside(fk.column, target)} LIMIT 1"
    else:
        sql = (
            f"SELECT c.{fk.column} FROM {entity.name} c ANTI JOIN {fk.target} t "
            f"ON c.{fk.column} = t.{key} WHERE c.{fk.column} IS NOT NULL LIMIT 1"
        )
    dangling = _first(con, sql)
    if dangling is not None:
        raise MicrodataError(
            entity.name,
            f"{fk.column} {dangling!r} does not exist in {fk.target}.{key}",
            key=fk.column,
            hint="every reference must point at an existing row (dangling key)",
        )


def _values(con: duckdb.DuckDBPyConnection, entity: Entity, scan: Scan, reference: date) -> None:
    for column in entity.dates:
        if not scan.counts[f"date:{column}"]:
            continue
        bad = _first(
            con,
            f"SELECT {column} FROM {entity.name} WHERE {column} < DATE '{DATE_MIN}' "
            f"OR {column} > DATE '{reference}' LIMIT 1",
        )
        raise MicrodataError(
            entity.name,
            f"{column} {bad} is out of range",
            key=column,
            hint=f"dates must lie between {DATE_MIN} and the reference date {reference}",
        )
    if scan.counts.get("order"):
        bad = _first(
            con, f"SELECT {entity.key} FROM {entity.name} WHERE end_date < start_date LIMIT 1"
        )
        raise MicrodataError(entity.name, f"row {bad!r} ends before it starts", key="end_date")
    for (table, column), allowed in CATEGORIES.items():
        if table != entity.name or not scan.counts[f"category:{column}"]:
            continue
        condition = scan.conditions[f"category:{column}"]
        bad = _first(con, f"SELECT {column} FROM {table} WHERE {condition} LIMIT 1")
        raise MicrodataError(
            table,
            f"{column} {bad!r} is not a known value",
            key=column,
            hint=f"allowed: {sorted(allowed)}",
        )
    if scan.counts.get("buurt"):
        column = BUURT_COLUMNS[entity.name]
        bad = _first(
            con, f"SELECT {column} FROM {entity.name} WHERE {scan.conditions['buurt']} LIMIT 1"
        )
        raise MicrodataError(
            entity.name,
            f"{column} {bad!r} is not a buurt code",
            key=column,
            hint="expected e.g. BU03630000 or BU0363AD03",
        )


STAMP = ".validated.json"


def fingerprint(folder: Path) -> str:
    """A digest of every Parquet file's path, size and modification time under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.parquet")):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def is_validated(folder: Path, reference_date: date) -> bool:
    """True when ``folder`` passed validation up to ``reference_date`` and has not changed since."""
    stamp = folder / STAMP
    if not stamp.is_file():
        return False
    data = json.loads(stamp.read_text(encoding="utf-8"))
    return data.get("fingerprint") == fingerprint(folder) and data.get("reference_date", "") >= str(
        reference_date
    )


def validate_microdata(
    folder: Path, *, reference_date: date = WORLD_DATE, threads: int = 2
) -> dict[str, int]:
    """Validate every entity under ``folder``; return its row counts.

    Raises
    ------
    MicrodataError
        On the first problem found, naming table, key and an example value.
    """
    con = duckdb.connect(config={"threads": threads})
    try:
        register_views(con, folder)
        for entity in ENTITIES.values():
            _columns(con, entity)
        ranges = {name: key_range(folder, entity) for name, entity in ENTITIES.items()}
        rows = {}
        for entity in ENTITIES.values():
            scan = _scan(entity, reference_date, ranges)
            scan.run(con, entity.name)
            _keys(con, entity, scan, ranges)
            _values(con, entity, scan, reference_date)
            rows[entity.name] = scan.counts["rows"]
    finally:
        con.close()
    # Remember the result so that a second run over unchanged files can skip it; a
    # read-only folder of real microdata is simply validated again next time.
    stamp = {
        "fingerprint": fingerprint(folder),
        "reference_date": str(reference_date),
        "rows": rows,
    }
    with contextlib.suppress(OSError):
        (folder / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return rows
