"""The indicator catalog of the current build (stored in it), cached per build."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import duckdb

from buurtzicht.analysis.composite import ensure_composite_values
from buurtzicht.analysis.connection import figures_catalog
from buurtzicht.api import catalog_view
from buurtzicht.api.catalog_view import Catalog, IndicatorMeta
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.indicators.model import Catalog as ModelCatalog

T = TypeVar("T")


def model_catalog(snapshot: Snapshot) -> ModelCatalog:
    """The indicator catalog the build stored with its figures (the one the analysis
    engine reads them with), read once per build."""
    found: ModelCatalog = snapshot.cached(
        ("build-catalog",), lambda: snapshot.analysis(figures_catalog)
    )
    return found


def catalog(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> Catalog:
    model = model_catalog(snapshot)
    result: Catalog = snapshot.cached(
        ("catalog",), lambda: snapshot.analysis(lambda a: catalog_view.load(cursor, a, model))
    )
    return result


def reading(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, indicator: IndicatorMeta
) -> Callable[[Callable[[duckdb.DuckDBPyConnection], T]], T]:
    """How to read an indicator's figures: catalog indicators through the analysis
    cursor (where ``indicator_values`` is queryable), composite indexes there too (with
    ``composite_values`` registered), raw measures on ``cursor``."""
    if indicator.is_catalog:
        return snapshot.analysis
    if indicator.is_composite:

        def on_analysis(work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
            def with_composites(conn: duckdb.DuckDBPyConnection) -> T:
                ensure_composite_values(conn)
                return work(conn)

            return snapshot.analysis(with_composites)

        return on_analysis

    def on_cursor(work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        return work(cursor)

    return on_cursor
