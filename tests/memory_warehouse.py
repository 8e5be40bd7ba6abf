"""Small in-memory warehouses in the shape of docs/data-model.md, for tests.

Not a stand-in for the real build: it creates the warehouse schema
(:func:`buurtzicht.warehouse.schema.create_schema`) and fills
them with the rows a test or a docstring example gives, so that the analysis code runs
on exactly the SQL it runs on in production.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from buurtzicht.regions.codes import level_of
from buurtzicht.regions.table import REGION_COLUMNS
from buurtzicht.sources.observations import OBSERVATION_COLUMNS
from buurtzicht.warehouse.schema import create_schema


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
    create_schema(conn)
    conn.register("_regions", regions.reindex(columns=REGION_COLUMNS))
    conn.execute("INSERT INTO regions SELECT * FROM _regions")
    obs = observations.reindex(columns=OBSERVATION_COLUMNS)
    conn.register("_obs", obs)
    conn.execute("INSERT INTO observations SELECT * FROM _obs")
    if boundaries is not None and len(boundaries):
        conn.register(
            "_bnd", boundaries.reindex(columns=["code", "level", "year", "name", "geometry"])
        )
        conn.execute(
            "INSERT INTO boundaries (code, level, year, name, geometry) SELECT * FROM _bnd"
        )
    for name in ("_regions", "_obs", "_bnd"):
        conn.unregister(name)
    return conn
