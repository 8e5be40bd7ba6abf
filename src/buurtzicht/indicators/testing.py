"""Small in-memory warehouses in the shape of docs/data-model.md, for tests and examples.

Not a stand-in for the real build: it only creates the tables (``regions``,
``observations``, ``measures``, ``boundaries``) with the documented columns and fills
them with the rows a test or a docstring example gives, so that the analysis code runs
on exactly the SQL it runs on in production.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from buurtzicht.regions.codes import level_of

REGION_COLUMNS = [
    "code",
    "indeling",
    "level",
    "name",
    "gemeente",
    "wijk",
    "provincie",
    "politie_eenheid",
    "veiligheidsregio",
    "corop",
    "landsdeel",
    "stedelijkheid",
    "special",
    "source",
]

_DDL = """
CREATE TABLE regions (
    code VARCHAR, indeling INTEGER, level VARCHAR, name VARCHAR, gemeente VARCHAR,
    wijk VARCHAR, provincie VARCHAR, politie_eenheid VARCHAR, veiligheidsregio VARCHAR,
    corop VARCHAR, landsdeel VARCHAR, stedelijkheid INTEGER, special VARCHAR, source VARCHAR
);
CREATE TABLE observations (
    measure VARCHAR, region VARCHAR, period VARCHAR, indeling INTEGER, value DOUBLE,
    status VARCHAR, source VARCHAR
);
CREATE TABLE measures (
    measure VARCHAR, title VARCHAR, unit VARCHAR, decimals INTEGER, description VARCHAR,
    source_table VARCHAR, source_version VARCHAR, publisher VARCHAR, licence VARCHAR,
    datatype VARCHAR, flags VARCHAR
);
CREATE TABLE boundaries (code VARCHAR, level VARCHAR, year INTEGER, geometry BLOB);
"""


def region_rows(rows: Iterable[Mapping[str, object]], *, indeling: int) -> pd.DataFrame:
    """Region records with defaults: level from the code, indeling, NULL parents."""
    records = []
    for row in rows:
        code = str(row["code"])
        record: dict[str, object] = dict.fromkeys(REGION_COLUMNS)
        record.update(indeling=indeling, level=level_of(code).value, name=code, source="test")
        record.update(row)
        records.append(record)
    return pd.DataFrame(records, columns=REGION_COLUMNS)


def observation_rows(
    values: Mapping[str, Mapping[str, float | None]], *, period: str, indeling: int
) -> pd.DataFrame:
    """``{measure: {region: value}}`` as observations (NULL value -> status missing)."""
    records = [
        {
            "measure": measure,
            "region": region,
            "period": period,
            "indeling": indeling,
            "value": value,
            "status": "ok" if value is not None else "missing",
            "source": "test",
        }
        for measure, per_region in values.items()
        for region, value in per_region.items()
    ]
    return pd.DataFrame(records)


def make_warehouse(
    regions: pd.DataFrame,
    observations: pd.DataFrame,
    boundaries: pd.DataFrame | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the warehouse tables filled from the frames.

    >>> regions = region_rows([{"code": "GM0001"}], indeling=2024)
    >>> obs = observation_rows({"kwb.AantalInwoners": {"GM0001": 1000.0}},
    ...                        period="2024JJ00", indeling=2024)
    >>> conn = make_warehouse(regions, obs)
    >>> conn.execute("SELECT count(*) FROM observations").fetchone()[0]
    1
    """
    conn = duckdb.connect(":memory:")
    conn.execute(_DDL)
    conn.register("_regions", regions.reindex(columns=REGION_COLUMNS))
    conn.execute("INSERT INTO regions SELECT * FROM _regions")
    obs = observations.reindex(
        columns=["measure", "region", "period", "indeling", "value", "status", "source"]
    )
    conn.register("_obs", obs)
    conn.execute("INSERT INTO observations SELECT * FROM _obs")
    if boundaries is not None and len(boundaries):
        conn.register("_bnd", boundaries.reindex(columns=["code", "level", "year", "geometry"]))
        conn.execute("INSERT INTO boundaries SELECT * FROM _bnd")
    for name in ("_regions", "_obs", "_bnd"):
        conn.unregister(name)
    return conn
