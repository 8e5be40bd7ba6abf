"""What a build says about its indicators and measures: the catalog it stored, which
indicators have figures, the measures it holds."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

#: The catalog the figures of a build were computed with (written by
#: :func:`buurtzicht.analysis.materialise.materialise`, read by the server).
CATALOG_TABLE = "indicator_catalog"


def stored_catalog(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]] | None:
    """(theme, YAML-equivalent document) of every theme of the stored catalog, in catalog
    order; None for a build without it (made before the catalog was stored, or a test
    warehouse whose figures are computed when opened)."""
    try:
        rows = conn.execute(
            f"SELECT theme, document FROM {CATALOG_TABLE} ORDER BY position"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return [(str(theme), str(document)) for theme, document in rows]


def indicators_with_figures(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """Catalog indicators with at least one figure in ``indicator_values`` (a suppressed
    figure is a figure too: it is shown as "." with its reason)."""
    rows = conn.execute(
        "SELECT DISTINCT indicator FROM indicator_values "
        "WHERE value IS NOT NULL OR status = 'suppressed'"
    ).fetchall()
    return {indicator for (indicator,) in rows}


@dataclass(frozen=True)
class MeasureRow:
    """A row of ``measures`` for a measure with observations (blanks as "")."""

    measure: str
    title: str
    unit: str
    decimals: int
    description: str
    source_table: str
    source_version: str
    publisher: str
    licence: str
    flags: tuple[str, ...]


def observed_measures(conn: duckdb.DuckDBPyConnection) -> list[MeasureRow]:
    """Every measure with at least one observation, by id."""
    rows = conn.execute(
        """
        SELECT measure, title, coalesce(unit, ''), coalesce(decimals, 0),
               coalesce(description, ''), coalesce(source_table, ''),
               coalesce(source_version, ''), coalesce(publisher, ''), coalesce(licence, ''),
               coalesce(flags, '')
        FROM measures
        WHERE measure IN (SELECT DISTINCT measure FROM observations)
        ORDER BY measure
        """
    ).fetchall()
    return [
        MeasureRow(
            measure, title, unit, int(decimals), description, table, version, pub, lic,
            tuple(f for f in str(raw).split(",") if f),
        )
        for measure, title, unit, decimals, description, table, version, pub, lic, raw in rows
    ]  # fmt: skip
