"""The indicator catalog of the current build, cached per build."""

from __future__ import annotations

import duckdb

from buurtzicht.api.queries import catalog as catalog_queries
from buurtzicht.api.queries.catalog import Catalog
from buurtzicht.api.warehouse import Snapshot


def catalog(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> Catalog:
    result: Catalog = snapshot.cached(("catalog",), lambda: catalog_queries.load(cursor))
    return result
