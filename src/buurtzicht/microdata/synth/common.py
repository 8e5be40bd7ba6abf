"""Small vectorised helpers shared by the generator stages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from buurtzicht.microdata.schema import ENTITIES

EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    """Days since 1970-01-01 (Arrow ``date32``).

    >>> day(date(1970, 1, 2))
    1
    """
    return (d - EPOCH).days


def year_start(year: int) -> int:
    return day(date(year, 1, 1))


def years_of(days: np.ndarray) -> np.ndarray:
    """Calendar years of day numbers (vectorised through numpy datetime64)."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round down or up at random so that the expected value is ``x``.

    >>> rng = np.random.default_rng(0)
    >>> stochastic_round(np.array([2.0, 0.0]), rng).tolist()
    [2, 0]
    """
    x = np.nan_to_num(np.asarray(x, dtype="float64"), nan=0.0).clip(min=0)
    base = np.floor(x)
    return (base + (rng.random(x.shape) < (x - base))).astype(np.int64)


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Exclusive prefix sums: where each group starts in a flat array."""
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def pick_in_groups(
    rng: np.random.Generator, groups: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """For each entry of ``groups``, a uniform random index within that group's range.

    Returns -1 where the group is empty.
    """
    n = counts[groups]
    offset = np.floor(rng.random(len(groups)) * np.maximum(n, 1)).astype(np.int64)
    return np.where(n > 0, starts[groups] + offset, -1)


def weighted_in_groups(
    rng: np.random.Generator,
    groups: np.ndarray,
    cumulative: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Weighted draws restricted to each group's range of a cumulative weight array.

    ``cumulative`` is ``np.cumsum(weights)`` over items sorted by group; a group with
    zero total weight gives -1.
    """
    lo = np.where(starts[groups] > 0, cumulative[np.maximum(starts[groups] - 1, 0)], 0.0)
    hi = np.where(ends[groups] > 0, cumulative[np.maximum(ends[groups] - 1, 0)], 0.0)
    u = lo + rng.random(len(groups)) * (hi - lo)
    idx = np.searchsorted(cumulative, u, side="right")
    return np.where(hi > lo, np.minimum(idx, len(cumulative) - 1), -1)


def random_days(
    rng: np.random.Generator, lo: int | np.ndarray, hi: int | np.ndarray, n: int
) -> np.ndarray:
    """Uniform day numbers in ``[lo, hi]``."""
    return (
        np.asarray(lo) + np.floor(rng.random(n) * (np.asarray(hi) - np.asarray(lo) + 1))
    ).astype(np.int32)


class Ids:
    """Running id counters per entity, so that ids are unique across chunks."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, entity: str, n: int) -> int:
        first = self.next.get(entity, 1)
        self.next[entity] = first + int(n)
        return first


class PartWriter:
    """Writes one Parquet part per entity and chunk, typed by :mod:`schema`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows: dict[str, int] = {}
        self._parts: dict[str, int] = {}

    def write(self, entity: str, columns: Mapping[str, Any]) -> None:
        spec = ENTITIES[entity]
        arrays = []
        for name, typ in spec.columns.items():
            values = columns[name]
            if isinstance(values, pa.Array | pa.ChunkedArray):
                arrays.append(values.cast(typ))
            elif typ == pa.date32():
                values = np.asarray(values)
                mask = values < -(10**6) if values.dtype.kind in "iu" else None
                arrays.append(
                    pa.array(values.astype(np.int32), type=pa.int32(), mask=mask).cast(typ)
                )
            else:
                arrays.append(_to_arrow(values, typ))
        table = pa.Table.from_arrays(arrays, schema=spec.schema)
        if table.num_rows == 0:
            return
        part = self._parts.get(entity, 0)
        folder = self.root / entity
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"part-{part:04d}.parquet", compression="snappy")
        self._parts[entity] = part + 1
        self.rows[entity] = self.rows.get(entity, 0) + table.num_rows


#: Marker for a NULL in integer id and date columns.
NULL = np.iinfo(np.int64).min


def _to_arrow(values: object, typ: pa.DataType) -> pa.Array:
    arr = np.asarray(values)
    if arr.dtype.kind in "iu" and pa.types.is_integer(typ):
        mask = arr == NULL
        return pa.array(
            np.where(mask, 0, arr).astype(typ.to_pandas_dtype()),
            type=typ,
            mask=mask if mask.any() else None,
        )
    if arr.dtype.kind == "f" and pa.types.is_integer(typ):
        mask = np.isnan(arr)
        return pa.array(
            np.where(mask, 0, np.round(arr)).astype(typ.to_pandas_dtype()),
            type=typ,
            mask=mask if mask.any() else None,
        )
    if arr.dtype == object:
        return pa.array(arr, type=typ, from_pandas=True)
    return pa.array(arr, type=typ)
