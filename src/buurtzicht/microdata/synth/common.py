"""Small vectorised helpers shared by the generator stages."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
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


def weighted_choice(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """``rng.choice(len(p), size=size, p=p)``, the same draws, with the uniforms sorted.

    numpy looks every uniform up in the cumulative weights in random order; over
    millions of weights that is a cache miss per draw. Looking them up in sorted order
    and putting the results back gives identical indices in a fraction of the time.

    >>> p = np.array([0.2, 0.5, 0.3])
    >>> a = weighted_choice(np.random.default_rng(1), p, 5)
    >>> bool((a == np.random.default_rng(1).choice(3, size=5, p=p)).all())
    True
    """
    p = np.asarray(p, dtype=np.float64)
    if len(p) == 0 or p.min() < 0 or not np.isclose(p.sum(), 1.0):
        raise ValueError("probabilities must be non-negative and sum to 1")
    cdf = p.cumsum()
    cdf /= cdf[-1]
    uniform = rng.random(size)
    order = np.argsort(uniform)
    index = np.empty(size, dtype=np.int64)
    index[order] = cdf.searchsorted(uniform[order], side="right")
    return index


def sort_by(*keys: np.ndarray) -> np.ndarray:
    """``np.lexsort(keys)`` (last key primary) for integer keys, as one stable sort.

    The keys are packed into one integer (each shifted to start at 0), so numpy sorts
    once instead of once per key; with a small packed range it uses a radix sort.
    Ties keep their original order, as in ``np.lexsort``.

    >>> sort_by(np.array([3, 1, 2, 1]), np.array([1, 1, 0, 0])).tolist()
    [3, 2, 1, 0]
    """
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for key in keys:
        key = np.asarray(key, dtype=np.int64)
        low = int(key.min()) if len(key) else 0
        width = (int(key.max()) - low + 1) if len(key) else 1
        if span * width >= 2**62:
            return np.lexsort(keys)
        packed += (key - low) * span
        span *= width
    if span <= 2**16:
        return np.argsort(packed.astype(np.uint16), kind="stable")
    return np.argsort(packed, kind="stable")


def members_of(groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of every group as (order, starts): group g is ``order[starts[g]:starts[g + 1]]``.

    Rows keep their original order within a group.
    """
    order = np.argsort(groups, kind="stable")
    starts = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=n_groups), out=starts[1:])
    return order, starts


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
    """Writes one Parquet part per entity and chunk, typed by :mod:`schema`.

    Encoding and compressing a part (pyarrow, without the GIL) runs on a background
    thread while the generator draws the next chunk; :meth:`close` waits for the
    last part and re-raises any error of a write.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows: dict[str, int] = {}
        self._parts: dict[str, int] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet")
        self._pending: list[Future[None]] = []

    def close(self) -> None:
        """Wait for every part to be written."""
        pending, self._pending = self._pending, []
        try:
            for future in pending:
                future.result()
        finally:
            self._pool.shutdown(wait=True)

    def _check(self) -> None:
        """Forget finished writes, raising the error of a failed one now."""
        pending = []
        for future in self._pending:
            if future.done():
                future.result()
            else:
                pending.append(future)
        self._pending = pending

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        # Dictionary pages only for text (codes, categories): for ids and amounts they
        # are built, found too large and thrown away, which costs most of the write.
        text = [f.name for f in spec.schema if pa.types.is_string(f.type)]
        self._pending.append(
            self._pool.submit(
                pq.write_table,
                table,
                folder / f"part-{part:04d}.parquet",
                compression="snappy",
                use_dictionary=text or False,
            )
        )
        self._check()
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
