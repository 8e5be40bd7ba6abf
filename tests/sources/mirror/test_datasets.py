"""Every batch of the mirror: consistent keys, measures, regions and files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror import DATASETS
from buurtzicht.sources.observations import OBSERVATION_COLUMNS, Status


def test_one_batch_per_dataset(batches: dict[str, Batch]) -> None:
    assert list(batches) == [d.name for d in DATASETS]
    for entry in DATASETS:
        assert entry.title and entry.description and callable(entry.loader)


def test_every_dataset_documented() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "sources.md").read_text("utf-8")
    for entry in DATASETS:
        assert f"### `{entry.name}`" in text, f"dataset {entry.name} is not in docs/sources.md"


def test_observation_keys_unique_and_typed(batches: dict[str, Batch]) -> None:
    for name, batch in batches.items():
        obs = batch.observations
        assert list(obs.columns) == OBSERVATION_COLUMNS, name
        assert not obs.empty, name
        assert not obs.duplicated(["measure", "region", "period", "indeling"]).any(), name
        assert obs["status"].isin([s.value for s in Status]).all(), name
        assert not ((obs["status"] == "ok") & obs["value"].isna()).any(), name


def test_every_measure_defined_once_and_used(batches: dict[str, Batch]) -> None:
    owners = Counter(m.id for b in batches.values() for m in b.measures)
    assert [m for m, n in owners.items() if n > 1] == []
    for name, batch in batches.items():
        defined = {m.id for m in batch.measures}
        used = set(batch.observations["measure"].unique())
        assert used <= defined, (name, sorted(used - defined)[:5])
        assert all(m.title and m.source_table for m in batch.measures), name


def test_every_observation_region_exists_in_its_indeling(
    batches: dict[str, Batch], regions: pd.DataFrame
) -> None:
    known = regions[["code", "indeling"]].drop_duplicates()
    for name, batch in batches.items():
        keys = batch.observations[["region", "indeling"]].drop_duplicates()
        joined = keys.merge(
            known,
            left_on=["region", "indeling"],
            right_on=["code", "indeling"],
            how="left",
            indicator=True,
        )
        orphans = joined[joined["_merge"] == "left_only"]
        assert orphans.empty, (name, orphans.head().to_dict("records"))


def test_every_file_recorded_with_checksum(batches: dict[str, Batch]) -> None:
    for name, batch in batches.items():
        assert batch.files, name
        for file in batch.files:
            assert len(file.sha256) == 64 and file.version and file.table, (name, file.path)
