"""Roll unit-level contributions up to buurt, wijk, gemeente and Nederland.

Each output cell has ``value`` (sum of contributions), ``n_units`` (contributing
units) and ``top1``/``top2`` (the two largest contributions of single units, 0 when
there is no second unit), the inputs of dominance rules in disclosure control.
Region codes follow CBS: a buurt code holds its wijk and gemeente
(``BU0363AD03`` -> ``WK0363AD`` -> ``GM0363``).

The roll-up is one ``GROUPING SETS`` aggregation over integer region ids (table
``regions``) instead of a union of the rows at every level, and the two largest
contributions come from ``MAX(v, 2)`` instead of ranking every unit with a window
sort; the region codes are joined back onto the output cells only.
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


def regions_select() -> str:
    """Every buurt code of the input with its wijk and gemeente, and integer ids per level.

    The roll-up groups units by these ids; the codes are joined back only onto the
    (few) output cells.
    """
    codes = (
        "SELECT buurt FROM addresses UNION SELECT buurt FROM incidents "
        "UNION SELECT buurt FROM holiday_parks"
    )
    return f"""
    SELECT buurt, wijk, gemeente,
           CAST(DENSE_RANK() OVER (ORDER BY buurt) AS INTEGER) AS buurt_id,
           CAST(DENSE_RANK() OVER (ORDER BY wijk) AS INTEGER) AS wijk_id,
           CAST(DENSE_RANK() OVER (ORDER BY gemeente) AS INTEGER) AS gemeente_id
    FROM (
      SELECT buurt, 'WK' || SUBSTRING(buurt, 3, 6) AS wijk, 'GM' || SUBSTRING(buurt, 3, 4) AS gemeente
      FROM ({codes}) AS c
    ) AS r
    """


def _grouping_sets(keys: str, unit: str = "") -> str:
    """Buurt, wijk, gemeente and national level of ``keys`` (and ``unit``) in one GROUP BY.

    >>> _grouping_sets("m", ", u")
    'GROUP BY GROUPING SETS ((m, r.buurt_id, u), (m, r.wijk_id, u), (m, r.gemeente_id, u), (m, u))'
    """
    levels = ("r.buurt_id", "r.wijk_id", "r.gemeente_id")
    sets = [f"({keys}, {level}{unit})" for level in levels]
    return f"GROUP BY GROUPING SETS ({', '.join(sets)}, ({keys}{unit}))"


def _region_code() -> str:
    """Joins and expression that turn the level ids of a cell back into its region code."""
    return """
    LEFT JOIN (SELECT DISTINCT buurt_id, buurt FROM regions) AS rb ON rb.buurt_id = c.buurt_id
    LEFT JOIN (SELECT DISTINCT wijk_id, wijk FROM regions) AS rw ON rw.wijk_id = c.wijk_id
    LEFT JOIN (SELECT DISTINCT gemeente_id, gemeente FROM regions) AS rg
      ON rg.gemeente_id = c.gemeente_id
    """


#: The second-largest unit contribution (0 with a single unit): ``max(v, 2)`` keeps
#: the two largest values per group without sorting the group.
TOP2 = "CASE WHEN COUNT(*) >= 2 THEN LIST_MIN(MAX(v, 2)) ELSE 0.0 END"


def buurt_counts(source: str) -> str:
    """Units per measure, year and buurt of a contributions table or query."""
    return (
        f"SELECT measure, year, buurt, COUNT(*) AS n FROM ({source}) AS s "
        "GROUP BY measure, year, buurt"
    )


def unit_counts(queries: Sequence[Query]) -> str:
    """Units per measure, year and buurt, each query counted on its own, then united.

    The same counts as ``buurt_counts(contributions(queries))``, but every query's
    rows are grouped as they come (tens of millions of person rows become some
    thousands of buurt counts) instead of being united into one stream first.
    """
    return "\nUNION ALL\n".join(buurt_counts(contributions([q])) for q in queries)


def units_cells(counts_table: str) -> str:
    """Cells of ``units`` measures from buurt counts: each unit contributes 1."""
    return f"""
    SELECT c.measure, c.year, COALESCE(rb.buurt, rw.wijk, rg.gemeente, 'NL01') AS region,
           CAST(c.n AS DOUBLE) AS value, CAST(c.n AS BIGINT) AS n_units, 1.0 AS top1,
           CASE WHEN c.n >= 2 THEN 1.0 ELSE 0.0 END AS top2
    FROM (
      SELECT b.measure, b.year, r.buurt_id, r.wijk_id, r.gemeente_id, SUM(b.n) AS n
      FROM {counts_table} AS b JOIN regions AS r ON r.buurt = b.buurt
      {_grouping_sets("b.measure, b.year")}
    ) AS c
    {_region_code()}
    """


def amount_cells(table: str) -> str:
    """Cells of ``amount`` measures, with the two largest unit contributions.

    A unit's contributions are summed per region at every level (a buyer can buy in
    two buurten of one gemeente), in one pass over the contributions. That pass groups
    millions of units four times, so it groups by a small integer per measure
    (``measure_ids``) rather than by the measure's name, which is joined back onto the
    output cells only.
    """
    return f"""
    WITH measure_ids AS (
      SELECT measure, CAST(ROW_NUMBER() OVER (ORDER BY measure) AS INTEGER) AS measure_id
      FROM (SELECT DISTINCT measure FROM {table}) AS m
    )
    SELECT m.measure, c.year, COALESCE(rb.buurt, rw.wijk, rg.gemeente, 'NL01') AS region,
           c.value, c.n_units, c.top1, c.top2
    FROM (
      SELECT measure_id, year, buurt_id, wijk_id, gemeente_id, SUM(v) AS value,
             CAST(COUNT(*) AS BIGINT) AS n_units, MAX(v) AS top1, {TOP2} AS top2
      FROM (
        SELECT i.measure_id, a.year, r.buurt_id, r.wijk_id, r.gemeente_id, a.unit_id,
               SUM(a.value) AS v
        FROM {table} AS a JOIN regions AS r ON r.buurt = a.buurt
        JOIN measure_ids AS i ON i.measure = a.measure
        {_grouping_sets("i.measure_id, a.year", ", a.unit_id")}
      ) AS u
      GROUP BY measure_id, year, buurt_id, wijk_id, gemeente_id
    ) AS c
    JOIN measure_ids AS m ON m.measure_id = c.measure_id
    {_region_code()}
    """


def flows_cells() -> str:
    """Drug-suspect registrations by gemeente of residence x gemeente of offence."""
    return f"""
    SELECT year, home_gemeente, offence_gemeente, SUM(v) AS value,
           CAST(COUNT(*) AS BIGINT) AS n_units, MAX(v) AS top1, {TOP2} AS top2
    FROM (
      SELECT year, home_gemeente, offence_gemeente, person_id, CAST(COUNT(*) AS DOUBLE) AS v
      FROM drug_registrations GROUP BY year, home_gemeente, offence_gemeente, person_id
    ) AS p
    GROUP BY year, home_gemeente, offence_gemeente
    """
