"""Compute indicator values from warehouse observations, in DuckDB SQL.

For every region, period and indeling where the inputs exist, an indicator is
``scale x numerator / denominator``. Larger areas (provincie, politie-eenheid,
veiligheidsregio, landsdeel, corop, Nederland) take the figure the source publishes for
them; where the source publishes none they are built from their gemeenten as
``sum(numerator) / sum(denominator)``, never as a mean of ratios, and only when every
gemeente of the area has a figure (a partial sum would be biased, so it is left out).
A missing input gives no value, never a zero.

The SQL runs inside DuckDB, so a national warehouse (millions of observations) is
processed in seconds without pulling observations into Python.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from buurtzicht.indicators.formula import Formula, PublishedAs, is_measure_id
from buurtzicht.indicators.model import Indicator
from buurtzicht.regions.codes import LEVEL_PREFIX, NEDERLAND, Level

VALUE_COLUMNS = [
    "indicator",
    "region",
    "level",
    "period",
    "indeling",
    "value",
    "numerator",
    "denominator",
    "status",
    "method",
]
#: Parent columns of the ``regions`` table and the level each one names.
PARENTS: dict[str, Level] = {
    "provincie": Level.PROVINCIE,
    "politie_eenheid": Level.POLITIE_EENHEID,
    "veiligheidsregio": Level.VEILIGHEIDSREGIO,
    "landsdeel": Level.LANDSDEEL,
    "corop": Level.COROP,
}


def _lit(text: str) -> str:
    """A SQL string literal of a catalog-validated identifier (no quotes possible)."""
    if not (is_measure_id(text) or text.replace("_", "").replace("-", "").isalnum()):
        raise ValueError(f"{text!r} is not a safe identifier")
    return "'" + text + "'"


def _sum_sql(measures: Sequence[str], cols: dict[str, str]) -> str:
    # SQL '+' is NULL when any term is NULL: a sum exists only if every measure has a figure.
    return "(" + " + ".join(cols[m] for m in measures) + ")"


def _formula_sql(formula: Formula, n: int) -> str:
    """SELECT of one formula over the pivoted inputs (numerator, denominator, value)."""
    cols = {m: f"m{i}" for i, m in enumerate(formula.measures)}
    pivot = ", ".join(
        f"max(value) FILTER (WHERE measure = {_lit(m)}) AS {c}" for m, c in cols.items()
    )
    num = _sum_sql(formula.numerator, cols)
    den = "NULL::DOUBLE"
    if formula.denominator:
        options = [_sum_sql(formula.denominator, cols)]
        options += [cols[a] for a in formula.denominator_alternatives]
        den = f"coalesce({', '.join(options)})"
    scale = repr(float(formula.scale))
    if formula.published_as is PublishedAs.PERCENTAGE:
        # Shown as published; the count is rebuilt (share x base) only to add regions up.
        numerator, value = f"{num} / 100.0 * den", f"{scale} / 100.0 * {num}"
    elif formula.published_as is PublishedAs.MEAN:
        numerator, value = f"{num} * den", f"{scale} * {num}"
    elif formula.denominator:
        numerator, value = num, f"{scale} * {num} / den"
    else:
        numerator, value = num, f"{scale} * {num}"
    measures = ", ".join(_lit(m) for m in formula.measures)
    return f"""
        SELECT region, period, indeling, {n} AS formula,
               {numerator} AS numerator, den AS denominator,
               CASE WHEN den IS NULL AND {formula.denominator is not None} THEN NULL
                    ELSE {value} END AS value,
               flags
        FROM (
            SELECT *, nullif(greatest({den}, 0), 0) AS den FROM (
                SELECT region, period, indeling, {pivot},
                       list_distinct(list(status)) AS flags
                FROM observations WHERE measure IN ({measures})
                GROUP BY region, period, indeling
            )
        )"""


_STATUS_SQL = """
    CASE WHEN value IS NULL AND list_contains(flags, 'suppressed') THEN 'suppressed'
         WHEN value IS NULL AND list_contains(flags, 'secret') THEN 'secret'
         WHEN value IS NULL THEN 'missing'
         WHEN list_contains(flags, 'provisional') THEN 'provisional'
         WHEN list_contains(flags, 'estimated') THEN 'estimated'
         ELSE 'ok' END"""


def _level_sql() -> str:
    cases = " ".join(f"WHEN '{p}' THEN '{lvl.value}'" for lvl, p in LEVEL_PREFIX.items())
    return f"coalesce(r.level, CASE substr(d.region, 1, 2) {cases} END)"


def _parents_sql(region_columns: set[str]) -> str:
    parts = [
        f"SELECT code, indeling, {col} AS parent, '{lvl.value}' AS plevel FROM members "
        f"WHERE {col} IS NOT NULL"
        for col, lvl in PARENTS.items()
        if col in region_columns
    ]
    parts.append(f"SELECT code, indeling, '{NEDERLAND}' AS parent, 'land' AS plevel FROM members")
    return " UNION ALL ".join(parts)


def indicator_sql(indicator: Indicator, region_columns: set[str]) -> str:
    """The full query of one indicator: direct figures, then areas from gemeenten."""
    formulas = " UNION ALL ".join(_formula_sql(f, n) for n, f in enumerate(indicator.formulas))
    needs_den = indicator.formula.denominator is not None
    aggregate = indicator.formula.aggregates
    scale = repr(float(indicator.formula.scale))
    agg_value = f"{scale} * numerator / denominator" if needs_den else f"{scale} * numerator"
    formula_is_count = indicator.formula.published_as is PublishedAs.COUNT
    return f"""
    WITH candidates AS ({formulas}),
    chosen AS (
        SELECT * FROM candidates
        QUALIFY row_number() OVER (
            PARTITION BY region, period, indeling ORDER BY value IS NULL, formula) = 1
    ),
    direct AS (
        SELECT d.region, {_level_sql()} AS level, d.period, d.indeling, d.value,
               d.numerator, d.denominator, {_STATUS_SQL} AS status,
               CASE WHEN d.formula = 0 THEN 'direct'
                    ELSE 'alternative_' || d.formula END AS method
        FROM chosen d LEFT JOIN regions r ON r.code = d.region AND r.indeling = d.indeling
    ),
    members AS (
        SELECT * FROM regions WHERE level = 'gemeente' AND special IS NULL
    ),
    parents AS ({_parents_sql(region_columns)}),
    expected AS (
        -- An area level is only built for an indeling where every gemeente names its
        -- parent of that level: with gaps the membership (and so the sum) is incomplete.
        SELECT parent, plevel, indeling, expected FROM (
            SELECT p.parent, p.plevel, p.indeling, count(*) AS expected,
                   sum(count(*)) OVER (PARTITION BY p.plevel, p.indeling) AS covered,
                   any_value(m.n) AS n
            FROM parents p
            JOIN (SELECT indeling, count(*) AS n FROM members GROUP BY indeling) m
              ON m.indeling = p.indeling
            GROUP BY p.parent, p.plevel, p.indeling
        ) WHERE covered = n
    ),
    summed AS (
        SELECT p.parent AS region, p.plevel AS level, d.period, d.indeling,
               sum(d.numerator) AS numerator, sum(d.denominator) AS denominator,
               count(*) AS n,
               CASE WHEN bool_or(d.status = 'provisional') THEN 'provisional'
                    WHEN bool_or(d.status = 'estimated') THEN 'estimated'
                    ELSE 'ok' END AS status
        FROM direct d JOIN parents p ON p.code = d.region AND p.indeling = d.indeling
        WHERE {aggregate} AND d.numerator IS NOT NULL
              AND (d.denominator IS NOT NULL OR NOT {needs_den})
        GROUP BY ALL
    ),
    aggregated AS (
        SELECT s.region, s.level, s.period, s.indeling, {agg_value} AS value,
               s.numerator, s.denominator, s.status, 'aggregated' AS method
        FROM summed s JOIN expected e
          ON e.parent = s.region AND e.plevel = s.level AND e.indeling = s.indeling
        WHERE s.n = e.expected AND (s.denominator > 0 OR NOT {needs_den})
          AND NOT EXISTS (
              SELECT 1 FROM direct x WHERE x.region = s.region AND x.period = s.period
                AND x.indeling = s.indeling AND (x.value IS NOT NULL OR x.numerator IS NOT NULL))
    ),
    den_summed AS (
        SELECT p.parent AS region, p.plevel AS level, d.period, d.indeling,
               sum(d.denominator) AS denominator, count(*) AS n,
               CASE WHEN bool_or(d.status = 'provisional') THEN 'provisional'
                    WHEN bool_or(d.status = 'estimated') THEN 'estimated'
                    ELSE 'ok' END AS status
        FROM direct d JOIN parents p ON p.code = d.region AND p.indeling = d.indeling
        WHERE d.denominator IS NOT NULL
        GROUP BY ALL
    ),
    published_numerator AS (
        -- The source publishes the area's count (Nederland's crimes include those no
        -- gemeente could be given; some series are national only) but not its
        -- denominator: divide the published count by the summed denominator of the
        -- area's complete set of gemeenten. Where the gemeenten have counts too, they
        -- must add up to (nearly) the published count, which checks that the membership
        -- is the one the source used.
        SELECT x.region, x.level, x.period, x.indeling,
               {scale} * x.numerator / ds.denominator AS value,
               x.numerator, ds.denominator, ds.status,
               'direct_over_summed_denominator' AS method
        FROM direct x
        JOIN den_summed ds ON ds.region = x.region AND ds.period = x.period
                          AND ds.indeling = x.indeling
        JOIN expected e
          ON e.parent = ds.region AND e.plevel = ds.level AND e.indeling = ds.indeling
        LEFT JOIN summed s ON s.region = x.region AND s.period = x.period
                          AND s.indeling = x.indeling
        WHERE {needs_den} AND {formula_is_count} AND x.value IS NULL
          AND x.numerator IS NOT NULL AND ds.n = e.expected AND ds.denominator > 0
          AND ((s.n = e.expected
                AND s.numerator BETWEEN 0.9 * x.numerator AND 1.005 * x.numerator)
               OR (s.region IS NULL AND ds.level = 'land'))
    )
    SELECT {_lit(indicator.id)} AS indicator, region, level, period, indeling, value,
           numerator, denominator, status, method
    FROM (
        SELECT * FROM direct
        WHERE value IS NOT NULL OR status IN ('suppressed', 'secret')
        UNION ALL SELECT * FROM aggregated
        UNION ALL SELECT * FROM published_numerator
    )
    ORDER BY level, region, period, indeling
    """


def region_columns(conn: duckdb.DuckDBPyConnection) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'regions'"
    ).fetchall()
    return {str(r[0]) for r in rows}


def compute_indicator_values(
    conn: duckdb.DuckDBPyConnection, indicators: Sequence[Indicator]
) -> pd.DataFrame:
    """Figures of several indicators for every region, period and indeling in the warehouse."""
    columns = region_columns(conn)
    frames = [conn.execute(indicator_sql(ind, columns)).df() for ind in indicators]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["indeling"] = out["indeling"].astype("int32")
    return out[VALUE_COLUMNS]


def read_observations(conn: duckdb.DuckDBPyConnection, measures: Sequence[str]) -> pd.DataFrame:
    """Observations of the given measures, in the long shape of docs/data-model.md."""
    return conn.execute(
        "SELECT measure, region, period, indeling, value, status FROM observations "
        "WHERE measure IN (SELECT unnest(?::VARCHAR[]))",
        [list(measures)],
    ).df()
