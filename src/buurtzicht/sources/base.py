"""What a source connector hands to the warehouse build: a batch of observations,
the metadata of its measures and the files (or remote tables) it was read from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from buurtzicht.sources.observations import Measure, empty_observations

#: Columns of ``Batch.conflicts`` (and of the warehouse table ``conflicts``).
CONFLICT_COLUMNS = [
    "measure",
    "region",
    "period",
    "indeling",
    "kept_value",
    "kept_source",
    "other_value",
    "other_source",
]


def empty_conflicts() -> pd.DataFrame:
    return pd.DataFrame(columns=CONFLICT_COLUMNS)


def sha256_of(path: Path, *, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceFile:
    """One input of a build, recorded in the manifest."""

    path: str
    table: str
    version: str
    sha256: str
    publisher: str = "CBS"
    licence: str = "CC BY 4.0"

    @classmethod
    def of(
        cls,
        path: Path,
        table: str,
        version: str = "",
        *,
        publisher: str = "CBS",
        licence: str = "CC BY 4.0",
    ) -> SourceFile:
        return cls(str(path), table, version, sha256_of(path), publisher, licence)


@dataclass
class Batch:
    """Observations of one dataset, ready to load."""

    name: str
    observations: pd.DataFrame = field(default_factory=empty_observations)
    measures: list[Measure] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Small dimension tables that belong with the batch (e.g. ``crime_types``), by name.
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Keys that two files of this dataset gave with different values: the kept figure
    #: (most authoritative file) and the other one. Same columns as the warehouse table
    #: ``conflicts``; append, do not replace.
    conflicts: pd.DataFrame = field(default_factory=empty_conflicts)
