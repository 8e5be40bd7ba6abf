"""Fixtures of the secure side: one small synthetic world per test session.

The worlds are generated from the real mirror (the ``mirror`` fixture fails loudly
without it) into temporary folders; nothing is written to the repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.microdata.pipeline.engine import DuckDBEngine
from buurtzicht.microdata.pipeline.run import LinkageResult, link, write_outputs
from buurtzicht.microdata.store import aggregates_path, microdata_dir, planted_dir
from buurtzicht.microdata.synth.world import WorldSummary, generate_world

SMALL_SCALE, SMALL_SEED = 0.01, 20241
#: The smallest world (with this seed) in which every measure has at least one unit.
TINY_SCALE, TINY_SEED = 0.002, 21


@dataclass
class World:
    settings: Settings
    summary: WorldSummary

    @property
    def folder(self) -> Path:
        return microdata_dir(self.settings)

    @property
    def planted(self) -> Path:
        return planted_dir(self.settings)

    def truth(self, pattern: str) -> set[int]:
        return set(pd.read_parquet(self.planted / f"{pattern}.parquet")["id"].tolist())


def _world(
    tmp_path_factory: pytest.TempPathFactory, mirror: Path, name: str, scale: float, seed: int
) -> World:
    settings = Settings(mirror=mirror, home=tmp_path_factory.mktemp(name) / "var")
    return World(settings, generate_world(scale, seed, settings=settings))


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> World:
    """Scale 0.01 (~179,000 persons): the world the theme tests check."""
    return _world(tmp_path_factory, mirror, "small", SMALL_SCALE, SMALL_SEED)


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> World:
    """Scale 0.002 (~36,000 persons): for Spark and corrupted-input tests."""
    return _world(tmp_path_factory, mirror, "tiny", TINY_SCALE, TINY_SEED)


@pytest.fixture(scope="session")
def linked_engine(small_world: World) -> Iterator[tuple[DuckDBEngine, LinkageResult]]:
    """The DuckDB pipeline run on the small world, engine left open for unit-level queries."""
    engine = DuckDBEngine()
    result = link(engine, small_world.folder, keep_units=True)
    write_outputs(result, aggregates_path(small_world.settings))
    yield engine, result
    engine.close()


@pytest.fixture(scope="session")
def linked(linked_engine: tuple[DuckDBEngine, LinkageResult]) -> LinkageResult:
    return linked_engine[1]
