"""Engines that run the one SQL definition of the linkage pipeline.

The pipeline's SQL is written once, in DuckDB's dialect. :class:`DuckDBEngine` runs it
as is; :class:`~buurtzicht.microdata.pipeline.spark.SparkEngine` transpiles every
statement to Spark SQL with sqlglot. Both expose the same four operations, so the
pipeline never knows which engine it drives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd

from buurtzicht.microdata.validate import register_views


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: str

    def load(self, folder: Path) -> None:
        """Expose every microdata entity under ``folder`` as a table of its name."""

    def create(self, name: str, select: str) -> None:
        """Materialise ``select`` (DuckDB SQL) as table ``name``."""

    def fetch(self, select: str) -> pd.DataFrame:
        """Run ``select`` (DuckDB SQL) and return the result as pandas."""

    def close(self) -> None: ...


class DuckDBEngine:
    """The default engine: in-process DuckDB with bounded threads and memory."""

    name = "duckdb"

    def __init__(
        self, *, threads: int = 2, memory_limit: str = "6GB", temp_directory: Path | None = None
    ) -> None:
        config: dict[str, str | bool | int | float | list[str]] = {
            "threads": threads,
            "memory_limit": memory_limit,
            "preserve_insertion_order": False,
        }
        if temp_directory is not None:
            temp_directory.mkdir(parents=True, exist_ok=True)
            config["temp_directory"] = str(temp_directory)
        self.con = duckdb.connect(config=config)

    def load(self, folder: Path) -> None:
        register_views(self.con, folder)

    def create(self, name: str, select: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")

    def fetch(self, select: str) -> pd.DataFrame:
        return self.con.execute(select).df()

    def close(self) -> None:
        self.con.close()


def make_engine(name: str, **options: Any) -> Engine:
    """``duckdb`` (default) or ``spark`` (PySpark local mode, needs Java 17)."""
    if name == "duckdb":
        return DuckDBEngine(**options)
    if name == "spark":
        from buurtzicht.microdata.pipeline.spark import SparkEngine

        return SparkEngine(**options)
    from buurtzicht.errors import ConfigurationError

    raise ConfigurationError(f"unknown engine {name!r}: use 'duckdb' or 'spark'")
