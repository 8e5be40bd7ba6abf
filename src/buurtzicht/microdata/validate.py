"""Check microdata (synthetic or real) before any linkage runs.

Missing tables or columns, NULLs in required columns, duplicate ids, dangling keys
(an owner id not in persons), dates outside ``[1900-01-01, reference date]``, end
before start, unknown category values and malformed buurt codes each raise a
:class:`~buurtzicht.microdata.errors.MicrodataError` that names the table, the key
and an example value. Validation only reads the data; on success it leaves a stamp
(``.validated.json``: a fingerprint of the files) so that linkage can skip a second
validation of unchanged files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from buurtzicht.microdata.errors import MicrodataError, MicrodataMissingError
from buurtzicht.microdata.schema import CATEGORIES, DATE_MIN, ENTITIES, WORLD_DATE, Entity

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


def _counts(con: duckdb.DuckDBPyConnection, table: str, conditions: list[str]) -> list[int]:
    """Rows meeting each condition, in one scan of ``table``."""
    if not conditions:
        return []
    filters = ", ".join(f"count(*) FILTER (WHERE {c})" for c in conditions)
    row = con.execute(f"SELECT {filters} FROM {table}").fetchone()
    return [int(v) for v in row] if row else [0] * len(conditions)


def _keys(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    nulls = _counts(con, entity.name, [f"{c} IS NULL" for c in entity.not_null])
    for column, bad in zip(entity.not_null, nulls, strict=True):
        if bad:
            raise MicrodataError(
                entity.name,
                f"{bad} rows have no {column}",
                key=column,
                hint="this column is required",
            )
    dup = _first(
        con, f"SELECT {entity.key} FROM {entity.name} GROUP BY 1 HAVING count(*) > 1 LIMIT 1"
    )
    if dup is not None:
        raise MicrodataError(
            entity.name, f"duplicate id {dup!r}", key=entity.key, hint="ids must be unique"
        )
    for fk in entity.foreign_keys:
        target = ENTITIES[fk.target]
        dangling = _first(
            con,
            f"SELECT c.{fk.column} FROM {entity.name} c ANTI JOIN {fk.target} t "
            f"ON c.{fk.column} = t.{target.key} WHERE c.{fk.column} IS NOT NULL LIMIT 1",
        )
        if dangling is not None:
            raise MicrodataError(
                entity.name,
                f"{fk.column} {dangling!r} does not exist in {fk.target}.{target.key}",
                key=fk.column,
                hint="every reference must point at an existing row (dangling key)",
            )


def _values(con: duckdb.DuckDBPyConnection, entity: Entity, reference: date) -> None:
    out_of_range = [f"{c} < DATE '{DATE_MIN}' OR {c} > DATE '{reference}'" for c in entity.dates]
    for column, count in zip(entity.dates, _counts(con, entity.name, out_of_range), strict=True):
        if not count:
            continue
        bad = _first(
            con,
            f"SELECT {column} FROM {entity.name} WHERE {column} < DATE '{DATE_MIN}' "
            f"OR {column} > DATE '{reference}' LIMIT 1",
        )
        if bad is not None:
            raise MicrodataError(
                entity.name,
                f"{column} {bad} is out of range",
                key=column,
                hint=f"dates must lie between {DATE_MIN} and the reference date {reference}",
            )
    if "start_date" in entity.columns and "end_date" in entity.columns:
        bad = _first(
            con, f"SELECT {entity.key} FROM {entity.name} WHERE end_date < start_date LIMIT 1"
        )
        if bad is not None:
            raise MicrodataError(entity.name, f"row {bad!r} ends before it starts", key="end_date")
    for (table, column), allowed in CATEGORIES.items():
        if table != entity.name:
            continue
        listed = ", ".join(f"'{v}'" for v in sorted(allowed))
        bad = _first(con, f"SELECT {column} FROM {table} WHERE {column} NOT IN ({listed}) LIMIT 1")
        if bad is not None:
            raise MicrodataError(
                table,
                f"{column} {bad!r} is not a known value",
                key=column,
                hint=f"allowed: {sorted(allowed)}",
            )
    buurt_column = BUURT_COLUMNS.get(entity.name)
    if buurt_column:
        bad = _first(
            con,
            f"SELECT {buurt_column} FROM {entity.name} "
            f"WHERE NOT regexp_full_match({buurt_column}, '{BUURT_PATTERN}') LIMIT 1",
        )
        if bad is not None:
            raise MicrodataError(
                entity.name,
                f"{buurt_column} {bad!r} is not a buurt code",
                key=buurt_column,
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
        rows = {}
        for entity in ENTITIES.values():
            _columns(con, entity)
            _keys(con, entity)
            _values(con, entity, reference_date)
            count = con.execute(f"SELECT count(*) FROM {entity.name}").fetchone()
            rows[entity.name] = int(count[0]) if count else 0
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
