"""Roll unit-level contributions up to buurt, wijk, gemeente and Nederland.

Each output cell has ``value`` (sum of contributions), ``n_units`` (contributing
units) and ``top1``/``top2`` (the two largest contributions of single units, 0 when
there is no second unit), the inputs of dominance rules in disclosure control.
Region codes follow CBS: a buurt code holds its wijk and gemeente
(``BU0363AD03`` -> ``WK0363AD`` -> ``GM0363``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlglot
from sqlglot import exp

from buurtzicht.microdata.pipeline.measures import Query

COLUMNS = ("measure", "year", "buurt", "unit_id", "value")


def aliased(sql: str, names: Sequence[str] = COLUMNS) -> str:
    """Give the select list of ``sql`` the column names ``names``, by position.

    >>> aliased("SELECT 'm', y, b, id, 1 FROM t", ["measure", "year", "buurt", "unit_id", "value"])
    "SELECT 'm' AS measure, y AS year, b AS buurt, id AS unit_id, 1 AS value FROM t"
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    if not isinstance(tree, exp.Query):
        raise ValueError(f"not a query: {sql[:80]}")
    selects = tree.selects
    if len(selects) != len(names):
        raise ValueError(f"query has {len(selects)} columns, expected {list(names)}: {sql[:80]}")
    for expression, name in zip(list(selects), names, strict=True):
        inner = expression.this if isinstance(expression, exp.Alias) else expression
        expression.replace(exp.alias_(inner.copy(), name))
    return tree.sql(dialect="duckdb")


def contributions(queries: Sequence[Query]) -> str:
    """One UNION ALL of the queries, with typed, named columns."""
    parts = [
        "SELECT CAST(measure AS VARCHAR) AS measure, CAST(year AS INTEGER) AS year, "
        "CAST(buurt AS VARCHAR) AS buurt, CAST(unit_id AS BIGINT) AS unit_id, "
        f"CAST(value AS DOUBLE) AS value FROM ({aliased(q.sql)}) AS q{i}"
        for i, q in enumerate(queries)
    ]
    return "\nUNION ALL\n".join(parts)


def _levels(source: str, columns: str) -> str:
    """The same rows at buurt, wijk, gemeente and national level."""
    return "\nUNION ALL\n".join(
        f"SELECT measure, year, {region} AS region, {columns} FROM {source}"
        for region in (
            "buurt",
            "'WK' || SUBSTRING(buurt, 3, 6)",
            "'GM' || SUBSTRING(buurt, 3, 4)",
            "'NL01'",
        )
    )


def buurt_counts(source: str) -> str:
    """Units per measure, year and buurt of a contributions table or query."""
    return (
        f"SELECT measure, year, buurt, COUNT(*) AS n FROM ({source}) AS s "
        "GROUP BY measure, year, buurt"
    )


def units_cells(counts_table: str) -> str:
    """Cells of ``units`` measures from buurt counts: each unit contributes 1."""
    counts = f"{counts_table} AS b"
    return f"""
    SELECT measure, year, region, CAST(SUM(n) AS DOUBLE) AS value,
           CAST(SUM(n) AS BIGINT) AS n_units,
           1.0 AS top1, CASE WHEN SUM(n) >= 2 THEN 1.0 ELSE 0.0 END AS top2
    FROM ({_levels(counts, "n")}) AS l
    GROUP BY measure, year, region
    """


def amount_cells(table: str) -> str:
    """Cells of ``amount`` measures, with the two largest unit contributions."""
    unit_sums = (
        f"(SELECT measure, year, buurt, unit_id, SUM(value) AS v FROM {table} "
        "GROUP BY measure, year, buurt, unit_id) AS u"
    )
    return f"""
    SELECT measure, year, region, SUM(v) AS value, CAST(COUNT(*) AS BIGINT) AS n_units,
           MAX(CASE WHEN rn = 1 THEN v END) AS top1,
           COALESCE(MAX(CASE WHEN rn = 2 THEN v END), 0.0) AS top2
    FROM (
      SELECT measure, year, region, unit_id, v,
             ROW_NUMBER() OVER (PARTITION BY measure, year, region ORDER BY v DESC, unit_id) AS rn
      FROM (
        SELECT measure, year, region, unit_id, SUM(v) AS v
        FROM ({_levels(unit_sums, "unit_id, v")}) AS l
        GROUP BY measure, year, region, unit_id
      ) AS c
    ) AS r
    GROUP BY measure, year, region
    """


def flows_cells() -> str:
    """Drug-suspect registrations by gemeente of residence x gemeente of offence."""
    return """
    SELECT year, home_gemeente, offence_gemeente, SUM(v) AS value,
           CAST(COUNT(*) AS BIGINT) AS n_units, MAX(CASE WHEN rn = 1 THEN v END) AS top1,
           COALESCE(MAX(CASE WHEN rn = 2 THEN v END), 0.0) AS top2
    FROM (
      SELECT year, home_gemeente, offence_gemeente, person_id, v,
             ROW_NUMBER() OVER (PARTITION BY year, home_gemeente, offence_gemeente
                                ORDER BY v DESC, person_id) AS rn
      FROM (
        SELECT year, home_gemeente, offence_gemeente, person_id, CAST(COUNT(*) AS DOUBLE) AS v
        FROM drug_registrations GROUP BY year, home_gemeente, offence_gemeente, person_id
      ) AS p
    ) AS r
    GROUP BY year, home_gemeente, offence_gemeente
    """
