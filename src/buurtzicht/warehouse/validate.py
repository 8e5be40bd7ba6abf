"""Checks a build must pass before it becomes current.

Errors block the build (``BuildError`` listing what failed, with examples); warnings
are reported and stored. Checks run in SQL on the open build, so they cost seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from buurtzicht.errors import BuildError


@dataclass(frozen=True)
class SumCheck:
    """The sum over the gemeenten of an indeling must stay close to the national figure."""

    measure: str
    indeling: int
    tolerance: float = 0.01
    national: str = "NL01"
    first_year: int = 0


@dataclass(frozen=True)
class Expectations:
    """What a complete build must contain."""

    #: (level, indeling) -> minimum number of ordinary (non-special) regions
    min_regions: dict[tuple[str, int], int] = field(default_factory=dict)
    #: (level, indeling) -> exact number of ordinary regions
    exact_regions: dict[tuple[str, int], int] = field(default_factory=dict)
    datasets: tuple[str, ...] = ()
    sum_checks: tuple[SumCheck, ...] = ()


def validate(conn: duckdb.DuckDBPyConnection, expected: Expectations) -> list[str]:
    errors: list[str] = []
    checks = (
        _unique_keys,
        _known_measures,
        _known_regions,
        _null_status,
        _suppressed_values,
        _secure_release,
        _parents,
    )
    for check in checks:
        errors.extend(check(conn))
    errors.extend(_region_counts(conn, expected))
    errors.extend(_datasets(conn, expected))
    errors.extend(_sums(conn, expected))
    if errors:
        raise BuildError("build failed validation:\n  - " + "\n  - ".join(errors))
    return _warnings(conn)


def _examples(rows: list[tuple[object, ...]]) -> str:
    return ", ".join("/".join(str(v) for v in row) for row in rows[:5])


def _unique_keys(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(
        "SELECT measure, region, period, indeling FROM observations "
        "GROUP BY ALL HAVING count(*) > 1 LIMIT 5"
    ).fetchall()
    return [f"duplicate observations: {_examples(rows)}"] if rows else []


def _known_measures(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT measure FROM observations ANTI JOIN measures USING (measure) LIMIT 5"
    ).fetchall()
    return [f"observations of measures without metadata: {_examples(rows)}"] if rows else []


def _known_regions(conn: duckdb.DuckDBPyConnection) -> list[str]:
    # Gemeente, wijk and buurt codes change meaning between indelingen: they must exist
    # in the indeling of the observation. Higher levels only need to exist at all.
    rows = conn.execute(
        """
        SELECT DISTINCT o.region, o.indeling, o.measure FROM observations o
        WHERE CASE WHEN left(o.region, 2) IN ('GM', 'WK', 'BU')
            THEN NOT EXISTS (SELECT 1 FROM regions r
                             WHERE r.code = o.region AND r.indeling = o.indeling)
            ELSE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = o.region) END
        LIMIT 5
        """
    ).fetchall()
    return (
        [f"observations of unknown regions (region/indeling/measure): {_examples(rows)}"]
        if rows
        else []
    )


def _null_status(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(
        "SELECT measure, region, period FROM observations "
        "WHERE value IS NULL AND status = 'ok' LIMIT 5"
    ).fetchall()
    return [f"missing values marked ok: {_examples(rows)}"] if rows else []


def _suppressed_values(conn: duckdb.DuckDBPyConnection) -> list[str]:
    # Disclosure control's promise at the last gate: a suppressed cell has no value.
    rows = conn.execute(
        "SELECT measure, region, period FROM observations "
        "WHERE status = 'suppressed' AND value IS NOT NULL LIMIT 5"
    ).fetchall()
    return [f"suppressed cells that carry a value: {_examples(rows)}"] if rows else []


def _secure_release(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Secure-side figures only from a published release recorded in the manifest."""
    rows = conn.execute(
        """
        SELECT DISTINCT o.measure, o.source FROM observations o
        WHERE o.measure LIKE 'secure.%' AND NOT EXISTS (
            SELECT 1 FROM manifest m WHERE m.table_id = 'secure.published'
                                       AND m.version = o.source)
        LIMIT 5
        """
    ).fetchall()
    return (
        [f"secure observations without a published release in the manifest: {_examples(rows)}"]
        if rows
        else []
    )


def _parents(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(
        """
        SELECT c.code, c.indeling, c.gemeente FROM regions c
        WHERE c.level IN ('wijk', 'buurt') AND NOT EXISTS (
            SELECT 1 FROM regions p WHERE p.code = c.gemeente AND p.indeling = c.indeling)
        LIMIT 5
        """
    ).fetchall()
    return [f"wijken/buurten whose gemeente is missing: {_examples(rows)}"] if rows else []


def _region_counts(conn: duckdb.DuckDBPyConnection, expected: Expectations) -> list[str]:
    counts = dict(
        ((level, indeling), n)
        for level, indeling, n in conn.execute(
            "SELECT level, indeling, count(*) FROM regions WHERE special IS NULL GROUP BY ALL"
        ).fetchall()
    )
    errors = [
        f"{counts.get(key, 0)} {key[0]} regions in indeling {key[1]}, expected at least {n}"
        for key, n in expected.min_regions.items()
        if counts.get(key, 0) < n
    ]
    errors += [
        f"{counts.get(key, 0)} {key[0]} regions in indeling {key[1]}, expected exactly {n}"
        for key, n in expected.exact_regions.items()
        if counts.get(key, 0) != n
    ]
    return errors


def _datasets(conn: duckdb.DuckDBPyConnection, expected: Expectations) -> list[str]:
    loaded = dict(conn.execute("SELECT name, observations FROM datasets").fetchall())
    return [
        f"dataset {name} was not loaded" if name not in loaded else f"dataset {name} is empty"
        for name in expected.datasets
        if not loaded.get(name)
    ]


def _sums(conn: duckdb.DuckDBPyConnection, expected: Expectations) -> list[str]:
    errors = []
    for check in expected.sum_checks:
        rows = conn.execute(
            """
            WITH g AS (
                SELECT o.period, sum(o.value) AS total FROM observations o
                JOIN regions r ON r.code = o.region AND r.indeling = o.indeling
                WHERE o.measure = $measure AND o.indeling = $indeling
                  AND r.level = 'gemeente' AND r.special IS NULL
                GROUP BY o.period),
            n AS (
                SELECT period, value FROM observations
                WHERE measure = $measure AND region = $national
                  AND CAST(left(period, 4) AS INTEGER) >= $first_year)
            SELECT n.period, n.value, g.total FROM n LEFT JOIN g USING (period)
            WHERE g.total IS NULL OR abs(g.total - n.value) > $tolerance * n.value
            ORDER BY n.period
            """,
            {
                "measure": check.measure,
                "indeling": check.indeling,
                "tolerance": check.tolerance,
                "national": check.national,
                "first_year": check.first_year,
            },
        ).fetchall()
        errors += [
            f"{check.measure} {period}: gemeenten (indeling {check.indeling}) sum to "
            f"{total}, national figure {national} (tolerance {check.tolerance:.0%})"
            for period, national, total in rows
        ]
    return errors


def _warnings(conn: duckdb.DuckDBPyConnection) -> list[str]:
    (conflicts,) = conn.execute("SELECT count(*) FROM conflicts").fetchone() or (0,)
    return (
        [f"{conflicts} observations differ between sources (see table conflicts)"]
        if conflicts
        else []
    )
