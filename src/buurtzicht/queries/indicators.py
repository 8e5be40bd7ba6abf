"""The read layer of the catalog's indicators: the catalog a build stored, which of its
indicators have figures, the measures it holds, and the figures (``indicator_values``)
of some regions, of a level, of the children of a parent.

The catalog comes back as the model it was stored from
(:class:`~buurtzicht.indicators.themes.Catalog`), a region's figures as
:class:`IndicatorFigure` records. Every query of figures expects ``indicator_values`` to
be queryable on the connection: the engine makes sure of that first
(:func:`buurtzicht.analysis.connection.with_figures` computes it for a build that did
not store it).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from buurtzicht.indicators.themes import Catalog
from buurtzicht.regions.codes import NEDERLAND

#: The catalog the figures of a build were computed with (written by
#: :func:`buurtzicht.analysis.materialise.materialise`, read by the server).
CATALOG_TABLE = "indicator_catalog"
#: The child level of a parent level.
CHILD_LEVEL = {"gemeente": "wijk", "wijk": "buurt"}


def stored_catalog(conn: duckdb.DuckDBPyConnection) -> Catalog | None:
    """The catalog the build stored with its figures, validated as from YAML; None for a
    build without it (made before the catalog was stored, or a test warehouse whose
    figures are computed when opened)."""
    try:
        rows = conn.execute(
            f"SELECT theme, document FROM {CATALOG_TABLE} ORDER BY position"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return Catalog.from_documents((str(theme), str(document)) for theme, document in rows)


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


@dataclass(frozen=True, slots=True)
class IndicatorFigure:
    """One row of ``indicator_values``: a figure of an indicator for a region and period
    (``value`` None when there is none, ``status`` says why), with its reliability and
    rank among the regions of its level."""

    indicator: str
    region: str
    level: str
    period: str
    indeling: int
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str
    method: str | None
    ci_low: float | None
    ci_high: float | None
    eb_value: float | None
    reliability: str | None
    rank: float | None
    n_ranked: float | None
    percentile: float | None


_FIGURE_COLUMNS = ", ".join(IndicatorFigure.__dataclass_fields__)


def _records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def values_for(
    conn: duckdb.DuckDBPyConnection,
    regions: list[str],
    indicators: list[str] | None = None,
) -> pd.DataFrame:
    """Indicator rows of some regions, one per (indicator, region, period).

    Where a period exists on several indelingen the newest wins: a figure harmonised
    onto the current boundaries beats the one as published on the old boundaries.
    """
    if not regions:
        return pd.DataFrame(columns=["indicator", "region", "period", "indeling", "value"])
    sql = "SELECT * FROM indicator_values WHERE region IN (SELECT unnest(?::VARCHAR[]))"
    params: list[object] = [regions]
    if indicators is not None:
        sql += " AND indicator IN (SELECT unnest(?::VARCHAR[]))"
        params.append(indicators)
    rows = conn.execute(sql, params).df()
    rows = rows.sort_values("indeling").drop_duplicates(
        ["indicator", "region", "period"], keep="last"
    )
    return rows.reset_index(drop=True)


def region_figures(conn: duckdb.DuckDBPyConnection, regions: list[str]) -> list[IndicatorFigure]:
    """The figures of some regions, newest indeling per (indicator, region, period), by
    period (like :func:`values_for`; a profile runs many small queries: no DataFrame)."""
    if not regions:
        return []
    rows = conn.execute(
        f"SELECT {_FIGURE_COLUMNS} FROM indicator_values "
        "WHERE region IN (SELECT unnest(?::VARCHAR[])) "
        "QUALIFY row_number() OVER (PARTITION BY indicator, region, period "
        "ORDER BY indeling DESC) = 1 ORDER BY period",
        [regions],
    ).fetchall()
    return [IndicatorFigure(*row) for row in rows]


def pooled_sums(conn: duckdb.DuckDBPyConnection, members: list[str]) -> list[dict[str, object]]:
    """Per (indicator, period) with a figure among ``members`` (newest indeling per
    region): the denominator-weighted sum, the summed denominator, the mean, the figures
    counted, whether every figure has a denominator, and the suppressed figures."""
    return _records(
        conn.execute(
            """
            WITH v AS (
                SELECT * FROM indicator_values WHERE region IN (SELECT unnest(?::VARCHAR[]))
                QUALIFY row_number() OVER (
                    PARTITION BY indicator, region, period ORDER BY indeling DESC) = 1
            )
            SELECT indicator, period,
                   sum(value * denominator) FILTER (WHERE value IS NOT NULL) AS weighted,
                   sum(denominator) FILTER (WHERE value IS NOT NULL) AS den,
                   avg(value) AS mean, count(value) AS n,
                   count(denominator) FILTER (WHERE value IS NOT NULL) = count(value)
                       AS complete,
                   count(*) FILTER (WHERE value IS NULL AND status = 'suppressed')
                       AS suppressed
            FROM v GROUP BY indicator, period HAVING count(value) > 0
            """,
            [members],
        )
    )


def populations(conn: duckdb.DuckDBPyConnection, level: str, indeling: int) -> pd.DataFrame:
    """Per ordinary region of a level: ``code``, ``stedelijkheid`` and its newest
    ``population`` (indicator ``inwoners``; NULL without one)."""
    return conn.execute(
        """
        SELECT r.code, r.stedelijkheid, p.value AS population
        FROM regions r
        LEFT JOIN (
            SELECT region, arg_max(value, period) AS value FROM indicator_values
            WHERE indicator = 'inwoners' AND indeling = ? AND value IS NOT NULL
            GROUP BY region
        ) p ON p.region = r.code
        WHERE r.level = ? AND r.indeling = ? AND r.special IS NULL
        """,
        [indeling, level, indeling],
    ).df()


def newest_up_to(
    conn: duckdb.DuckDBPyConnection, ids: list[str], level: str, indeling: int, period: str
) -> pd.DataFrame:
    """(indicator, region, value): each indicator's newest figure up to ``period`` of
    every ordinary region of a level and indeling."""
    return conn.execute(
        """
        SELECT iv.indicator, iv.region, arg_max(iv.value, iv.period) AS value
        FROM indicator_values iv JOIN regions r ON r.code = iv.region AND r.indeling = iv.indeling
        WHERE iv.indicator IN (SELECT unnest(?::VARCHAR[])) AND iv.level = ?
          AND iv.indeling = ? AND iv.period <= ? AND iv.value IS NOT NULL
          AND r.special IS NULL
        GROUP BY iv.indicator, iv.region
        """,
        [ids, level, indeling, period],
    ).df()


def level_and_nl(
    conn: duckdb.DuckDBPyConnection, ids: list[str], level: str, period: str | None = None
) -> pd.DataFrame:
    """(indicator, region, level, period, indeling, value) of ``ids`` for every region of
    ``level`` and for NL (in ``period``, or all periods), figures only."""
    return conn.execute(
        "SELECT indicator, region, level, period, indeling, value FROM indicator_values "
        "WHERE indicator IN (SELECT unnest(?::VARCHAR[])) AND value IS NOT NULL "
        "AND (level = ? OR region = ?) AND (? IS NULL OR period = ?)",
        [ids, level, NEDERLAND, period, period],
    ).df()


def level_figures(
    conn: duckdb.DuckDBPyConnection, indicator: str, level: str, parent: str | None = None
) -> pd.DataFrame:
    """(region, period, indeling, value, eb_value) of every ordinary region of ``level``
    (within gemeente or wijk ``parent``) with a figure of ``indicator``."""
    return conn.execute(
        "SELECT iv.region, iv.period, iv.indeling, iv.value, iv.eb_value "
        "FROM indicator_values iv LEFT JOIN regions r "
        "ON r.code = iv.region AND r.indeling = iv.indeling "
        "WHERE iv.indicator = ? AND iv.level = ? AND iv.value IS NOT NULL "
        "AND r.special IS NULL AND (?::VARCHAR IS NULL OR r.gemeente = ? OR r.wijk = ?)",
        [indicator, level, parent, parent, parent],
    ).df()


def children_figures(
    conn: duckdb.DuckDBPyConnection, code: str, level: str, indeling: int, ids: list[str]
) -> pd.DataFrame:
    """Newest figure per (child, indicator) of the children of ``code`` (a region of
    ``level``) in ``indeling``, with NL of the same period."""
    parent_column = "gemeente" if level == "gemeente" else "wijk"
    return conn.execute(
        f"""
        WITH children AS (
            SELECT code, name FROM regions
            WHERE {parent_column} = $code AND level = $child AND special IS NULL
              AND indeling = $indeling
        ), figures AS (
            SELECT iv.indicator, iv.region, iv.period, iv.value, iv.status, iv.ci_low,
                   iv.ci_high, iv.eb_value, iv.reliability, c.name
            FROM indicator_values iv JOIN children c ON c.code = iv.region
            WHERE iv.indeling = $indeling AND list_contains($ids, iv.indicator)
        ), newest AS (
            SELECT indicator, max(period) AS period FROM figures
            WHERE value IS NOT NULL GROUP BY indicator
        ), nl AS (
            SELECT indicator, period, arg_max(value, indeling) AS nl_value
            FROM indicator_values WHERE region = $nl AND list_contains($ids, indicator)
            GROUP BY indicator, period
        )
        SELECT f.indicator, f.region AS code, f.name, f.period, f.value, f.status,
               f.ci_low, f.ci_high, f.eb_value, f.reliability, nl.nl_value
        FROM figures f JOIN newest USING (indicator, period)
        LEFT JOIN nl USING (indicator, period)
        ORDER BY f.indicator, f.region
        """,
        {
            "code": code,
            "child": CHILD_LEVEL[level],
            "indeling": indeling,
            "ids": ids,
            "nl": NEDERLAND,
        },
    ).df()


def all_children_figures(
    conn: duckdb.DuckDBPyConnection, level: str, ids: list[str]
) -> pd.DataFrame:
    """Per parent of ``level`` (newest indeling), the newest figure per (child,
    indicator) with NL of the same period: :func:`children_figures` for all parents."""
    parent_column = "gemeente" if level == "gemeente" else "wijk"
    return conn.execute(
        f"""
        WITH parents AS (
            SELECT code AS parent, max(indeling) AS indeling FROM regions
            WHERE level = $level GROUP BY code
        ), children AS (
            SELECT p.parent, r.code, r.name, r.indeling FROM regions r
            JOIN parents p ON r.{parent_column} = p.parent AND r.indeling = p.indeling
            WHERE r.level = $child AND r.special IS NULL
        ), figures AS (
            SELECT c.parent, iv.indicator, iv.region, iv.period, iv.value, iv.status,
                   iv.ci_low, iv.ci_high, iv.eb_value, iv.reliability, c.name
            FROM indicator_values iv
            JOIN children c ON c.code = iv.region AND iv.indeling = c.indeling
            WHERE list_contains($ids, iv.indicator)
        ), newest AS (
            SELECT parent, indicator, max(period) AS period FROM figures
            WHERE value IS NOT NULL GROUP BY parent, indicator
        ), nl AS (
            SELECT indicator, period, arg_max(value, indeling) AS nl_value
            FROM indicator_values WHERE region = $nl AND list_contains($ids, indicator)
            GROUP BY indicator, period
        )
        SELECT f.parent, f.indicator, f.region AS code, f.name, f.period, f.value,
               f.status, f.ci_low, f.ci_high, f.eb_value, f.reliability, nl.nl_value
        FROM figures f JOIN newest USING (parent, indicator, period)
        LEFT JOIN nl USING (indicator, period)
        ORDER BY f.parent, f.indicator, f.region
        """,
        {"level": level, "child": CHILD_LEVEL[level], "ids": ids, "nl": NEDERLAND},
    ).df()
