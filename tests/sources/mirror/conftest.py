"""Fixtures: the mirror loaded once per test session (regions and every dataset)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror import RegionsResult, load_datasets, load_regions


@pytest.fixture(scope="session")
def regions_result(mirror: Path) -> RegionsResult:
    return load_regions(mirror)


@pytest.fixture(scope="session")
def regions(regions_result: RegionsResult) -> pd.DataFrame:
    return regions_result.frame


@pytest.fixture(scope="session")
def batches(mirror: Path, regions_result: RegionsResult) -> dict[str, Batch]:
    return {b.name: b for b in load_datasets(mirror, regions=regions_result)}


ValueOf = Callable[[Batch, str, str, str, int], float]


@pytest.fixture(scope="session")
def value_of() -> ValueOf:
    """``value_of(batch, measure, region, period, indeling)``: the single value of a key."""
    return _value_of


def _value_of(batch: Batch, measure: str, region: str, period: str, indeling: int) -> float:
    obs = batch.observations
    hit = obs[
        (obs["measure"] == measure)
        & (obs["region"] == region)
        & (obs["period"] == period)
        & (obs["indeling"] == indeling)
    ]
    assert len(hit) == 1, f"{measure} {region} {period} {indeling}: {len(hit)} rows"
    return float(hit["value"].iloc[0])
