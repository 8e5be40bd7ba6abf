"""The analysis engine's hold on a warehouse connection: figures made queryable, the
catalog they were computed with, and level-wide results kept per connection.

The build materialises ``indicator_values`` once, and beside it the catalog it computed
them with (:func:`buurtzicht.analysis.materialise.materialise`). On a warehouse without
them (an older build, a test database) the figures are computed once with the packaged
catalog and registered on the connection as a view of the same name, so every analysis
runs the same named queries (:mod:`buurtzicht.queries`) either way, and
:func:`figures_catalog` is the catalog of those figures in both cases.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

import duckdb

from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.themes import Catalog
from buurtzicht.queries.build_tables import queryable
from buurtzicht.queries.indicators import stored_catalog

T = TypeVar("T")
VIEW = "indicator_values"
#: Connections already checked (weak: closing a connection forgets it).
_READY: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
#: Per-connection results of level-wide queries. A build is immutable once current and
#: every build is opened on a new connection, so nothing here can go stale.
_CACHE: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[tuple[object, ...], object]] = (
    weakref.WeakKeyDictionary()
)


def cached(conn: duckdb.DuckDBPyConnection, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per connection and key (level-wide tables used by every profile)."""
    store = _CACHE.setdefault(conn, {})
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[return-value]


def ensure_indicator_values(conn: duckdb.DuckDBPyConnection) -> None:
    """Make ``indicator_values`` queryable on ``conn`` (computing it if the build did not)."""
    if conn in _READY:
        return
    _READY.add(conn)
    if queryable(conn, VIEW):
        return
    from buurtzicht.analysis.materialise import indicator_values_frame

    conn.register(VIEW, indicator_values_frame(conn))


def with_figures(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``conn``, with ``indicator_values`` queryable on it: what a query of
    :mod:`buurtzicht.queries.indicators` is handed."""
    ensure_indicator_values(conn)
    return conn


def figures_catalog(conn: duckdb.DuckDBPyConnection) -> Catalog:
    """The catalog the figures on ``conn`` were computed with: the one the build stored
    (read once per connection), or for a build without it the packaged one, which
    :func:`ensure_indicator_values` computes them with.

    Every analysis that is not handed a catalog uses this one, so that a build made with
    another catalog is analysed and served with its own indicators.
    """
    found = _CACHE.get(conn, {}).get(("figures-catalog",))
    if isinstance(found, Catalog):
        return found
    stored = stored_catalog(conn)
    if stored is None:  # not kept: a build writing its catalog may store it later
        return default_catalog()
    return cached(conn, ("figures-catalog",), lambda: stored)
