"""Apache Spark engine: the same SQL, transpiled from DuckDB to Spark with sqlglot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import sqlglot
from sqlglot import exp

from buurtzicht.microdata.errors import MicrodataMissingError
from buurtzicht.microdata.schema import ENTITIES


def to_spark(sql: str) -> str:
    """Transpile one DuckDB statement to Spark SQL.

    >>> to_spark("SELECT DATE_DIFF('day', a, b) AS d FROM t")
    'SELECT DATEDIFF(DAY, a, b) AS d FROM t'
    >>> to_spark("SELECT LIST_MIN(MAX(v, 2)) FROM t")
    'SELECT ARRAY_MIN(SLICE(SORT_ARRAY(COLLECT_LIST(v), FALSE), 1, 2)) FROM t'
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.transform(_top_n).sql(dialect="spark")


def _top_n(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``MAX(v, n)`` (the n largest values) has no Spark twin: sort a collected list."""
    if isinstance(node, exp.Max) and node.args.get("count") is not None:
        values = exp.func("SORT_ARRAY", exp.func("COLLECT_LIST", node.this), exp.false())
        return exp.func("SLICE", values, exp.Literal.number(1), node.args["count"])
    return node


#: JVM options for short runs on small data (tests): the C1 compiler only and the serial
#: collector. A short-lived JVM otherwise spends its time compiling with C2.
QUICK_START_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def local_session(
    app: str = "buurtzicht", cores: int = 2, conf: dict[str, str] | None = None
) -> Any:
    """A local-mode SparkSession sized for a small machine (reused if one exists).

    ``conf`` adds or overrides settings, e.g. ``{"spark.driver.extraJavaOptions":
    QUICK_START_JVM}`` for tests.
    """
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.autoBroadcastJoinThreshold", str(64 * 1024 * 1024))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkEngine:
    """Runs the pipeline on Spark; tables are cached temporary views."""

    name = "spark"

    def __init__(self, session: Any = None, partitions: int = 2) -> None:
        self.spark = session or local_session()
        self.partitions = partitions
        self._cached: list[Any] = []

    def load(self, folder: Path) -> None:
        for name in ENTITIES:
            if not any((folder / name).glob("*.parquet")):
                raise MicrodataMissingError(name, f"no Parquet files in {folder / name}")
            self.spark.read.parquet(str(folder / name)).createOrReplaceTempView(name)

    def create(self, name: str, select: str) -> None:
        # Few partitions per cached table: a union of many small branches otherwise
        # multiplies tasks, and task overhead dominates on small data.
        frame = self.spark.sql(to_spark(select)).coalesce(self.partitions).cache()
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)

    def fetch(self, select: str) -> pd.DataFrame:
        return self.spark.sql(to_spark(select)).toPandas()

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()
