"""The per-build cache of the server, bounded in bytes rather than entries.

An entry count says nothing about memory: one cached wijk boundary set weighs 3 MB,
one profile 180 kB, one search answer 2 kB. :class:`ByteCache` weighs every value it
keeps (:func:`weigh`) and evicts the least recently used entries until the total is
within the budget (``BUURTZICHT_CACHE_MB`` per worker process), so that no sequence
of requests, cache-busting ones included, grows the process beyond it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

#: What :meth:`ByteCache.lookup` answers for a key it does not hold.
MISSING: Any = object()
MAX_DEPTH = 8
#: Bookkeeping per entry (key tuple, dictionary slot, list links), a rough figure.
ENTRY_OVERHEAD = 200


def weigh(value: object, depth: int = 0) -> int:
    """Approximate bytes held by ``value``: exact for bytes and text, the JSON length
    for pydantic models, summed over containers, ``nbytes`` for arrays and frames.

    Objects nested deeper than :data:`MAX_DEPTH` count as a flat 64 bytes (guards
    against cycles; the big parts of a cached value sit near the top)."""
    if value is None or isinstance(value, bool | int | float):
        return 16
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value) + 33
    if isinstance(value, str):
        return len(value) + 49
    if depth >= MAX_DEPTH:
        return 64
    if isinstance(value, BaseModel):
        return len(value.model_dump_json()) * 2 + 64
    if isinstance(value, Mapping):
        return 64 + sum(weigh(k, depth + 1) + weigh(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 56 + sum(weigh(item, depth + 1) for item in value)
    memory = getattr(value, "memory_usage", None)  # pandas frames (per column) and series
    if callable(memory):
        used = memory(deep=True)
        return int(used.sum() if hasattr(used, "sum") else used)
    nbytes = getattr(value, "nbytes", None)  # numpy arrays
    if isinstance(nbytes, int):
        return nbytes
    fields = getattr(value, "__dict__", None) or {
        name: getattr(value, name, None) for name in getattr(value, "__slots__", ())
    }
    return 64 + sum(weigh(v, depth + 1) for v in fields.values())


class ByteCache:
    """A thread-safe LRU map whose values together weigh at most ``max_bytes``.

    A value heavier than a quarter of the budget is handed back but not kept (one giant
    answer must not flush everything else). Values are computed outside the lock, so
    two threads may compute the same missing value once each; the second result wins.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[object, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: object) -> Any:
        """The cached value (marked as recently used), or None."""
        found = self.lookup(key)
        return None if found is MISSING else found

    def lookup(self, key: object) -> Any:
        """The cached value (None included), or :data:`MISSING`."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return MISSING
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: object, value: Any, weight: int | None = None) -> None:
        size = (weigh(value) if weight is None else weight) + weigh(key) + ENTRY_OVERHEAD
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes // 4:
                return
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def get_or_compute(self, key: object, compute: Callable[[], Any]) -> Any:
        hit = self.lookup(key)
        if hit is not MISSING:
            return hit
        value = compute()
        self.put(key, value)
        return value
