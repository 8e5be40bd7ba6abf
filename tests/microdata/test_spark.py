"""The same pipeline on Apache Spark (local mode) gives identical aggregates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from buurtzicht.microdata.pipeline.engine import DuckDBEngine
from buurtzicht.microdata.pipeline.run import link

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local SparkSession for the whole test session (Java 17 required)."""
    from buurtzicht.microdata.pipeline.spark import QUICK_START_JVM, local_session

    session = local_session(
        app="buurtzicht-tests", conf={"spark.driver.extraJavaOptions": QUICK_START_JVM}
    )
    yield session
    session.stop()


def test_duckdb_and_spark_give_identical_aggregates(tiny_world, linked, spark) -> None:  # type: ignore[no-untyped-def]
    """Every measure (all those of the small world) is produced on the tiny world, then compared."""
    from buurtzicht.microdata.pipeline.spark import SparkEngine

    duck = link(DuckDBEngine(), tiny_world.folder)
    engine = SparkEngine(spark)
    try:
        sparked = link(engine, tiny_world.folder)
    finally:
        engine.close()
    keys = ["measure", "region", "period"]
    a = duck.aggregates.sort_values(keys).reset_index(drop=True)
    b = sparked.aggregates.sort_values(keys).reset_index(drop=True)
    assert set(a["measure"]) == set(linked.aggregates["measure"])
    assert len(a) > 5_000
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    f_keys = ["period", "home_gemeente", "offence_gemeente"]
    pd.testing.assert_frame_equal(
        duck.flows.sort_values(f_keys).reset_index(drop=True),
        sparked.flows.sort_values(f_keys).reset_index(drop=True),
        check_exact=True,
        check_dtype=False,
    )
    assert [p.as_dict() for p in duck.profiles] == [p.as_dict() for p in sparked.profiles]
