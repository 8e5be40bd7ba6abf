"""The generator: deterministic, calibrated, schema-conform, truth kept apart."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from buurtzicht.config import Settings
from buurtzicht.microdata.calibration import load_calibration
from buurtzicht.microdata.schema import ENTITIES
from buurtzicht.microdata.store import microdata_dir
from buurtzicht.microdata.synth.common import sort_by, weighted_choice
from buurtzicht.microdata.synth.world import generate_world


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(
            pq.read_table(p).to_pandas().to_csv().encode()
        ).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def test_same_seed_same_world_other_seed_other_world(tmp_path: Path, mirror: Path) -> None:
    worlds = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        settings = Settings(mirror=mirror, home=tmp_path / name)
        generate_world(0.0005, seed, settings=settings)
        worlds[name] = _digest(microdata_dir(settings))
    assert worlds["a"] == worlds["b"]
    assert worlds["a"]["persons/part-0000.parquet"] != worlds["c"]["persons/part-0000.parquet"]


def test_every_entity_written_with_its_schema(small_world) -> None:  # type: ignore[no-untyped-def]
    for name, entity in ENTITIES.items():
        schema = pq.read_schema(next((small_world.folder / name).glob("*.parquet")))
        assert [f.name for f in schema] == list(entity.columns), name
        assert small_world.summary.rows[name] > 0, name


def test_population_follows_the_real_buurt_figures(small_world, mirror: Path) -> None:  # type: ignore[no-untyped-def]
    cal = load_calibration(mirror).buurten
    persons = pd.read_parquet(small_world.folder / "persons", columns=["person_id", "household_id"])
    residences = pd.read_parquet(small_world.folder / "residences")
    addresses = pd.read_parquet(
        small_world.folder / "addresses", columns=["address_id", "buurt", "function"]
    )
    current = residences[residences["end_date"].isna()].merge(addresses, on="address_id")
    assert len(current) == len(persons)  # one current registration per person
    # Persons per gemeente against real inhabitants x scale (stochastic rounding per buurt).
    per_gm = current.groupby(current["buurt"].str[2:6]).size()
    target = cal.groupby(cal["gemeente"].str[2:6])["inhabitants"].sum() * 0.01
    big = target[target > 2000].index
    ratio = per_gm.reindex(big) / target[big]
    assert ratio.between(0.93, 1.07).all(), ratio.describe()
    total = len(persons) / (cal["inhabitants"].sum() * 0.01)
    assert 0.99 < total < 1.01
    dwellings = (addresses["function"] == "woon").sum() / (cal["dwellings"].sum() * 0.01)
    assert 0.98 < dwellings < 1.12  # at least one dwelling per household


def test_planted_truth_is_kept_apart(small_world) -> None:  # type: ignore[no-untyped-def]
    planted = {p.stem for p in small_world.planted.glob("*.parquet")}
    assert {
        "doorsluiswoningen",
        "unexplained_owners",
        "misused_parks",
        "hennep_cluster_buurten",
    } <= planted
    assert not any(small_world.folder.rglob("*planted*"))
    assert small_world.planted.parent == small_world.folder.parent
    for pattern, count in small_world.summary.planted.items():
        assert count > 0, pattern


def test_world_metadata_says_synthetic(small_world) -> None:  # type: ignore[no-untyped-def]
    import json

    meta = json.loads((small_world.folder / "world.json").read_text())
    assert meta["synthetic"] is True
    assert meta["source"] == "synthetic:20241:0.01"
    assert np.isclose(meta["scale"], 0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weighted_choice_draws_what_generator_choice_draws(seed: int) -> None:
    """The generator's faster weighted draw gives numpy's indices and leaves the stream alike."""
    weights = np.random.default_rng(seed).random(50_000) ** 3
    weights[::7] = 0.0  # items that can never be drawn
    p = weights / weights.sum()
    ours, numpy_rng = np.random.default_rng(seed + 10), np.random.default_rng(seed + 10)
    assert (weighted_choice(ours, p, 20_000) == numpy_rng.choice(len(p), size=20_000, p=p)).all()
    assert ours.random() == numpy_rng.random()


@pytest.mark.parametrize("seed", [0, 1])
def test_sort_by_orders_as_lexsort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = (rng.integers(-3_000, 20_000, 30_000), rng.integers(0, 5, 30_000) == 0)
    assert (sort_by(*keys) == np.lexsort(keys)).all()
    small = (rng.integers(0, 9, 30_000), rng.integers(0, 700, 30_000))
    assert (sort_by(*small) == np.lexsort(small)).all()
