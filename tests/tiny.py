"""Small, hand-made build inputs to exercise the build mechanics (fixtures in conftest)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.observations import Measure, observations_frame
from buurtzicht.warehouse.build import BuildInputs
from buurtzicht.warehouse.validate import Expectations


def tiny_regions() -> pd.DataFrame:
    rows = [
        ("NL01", 2024, "land", "Nederland", None, None),
        ("GM0001", 2024, "gemeente", "Eerstedorp", "GM0001", None),
        ("GM0002", 2024, "gemeente", "Tweestad", "GM0002", None),
        ("WK000100", 2024, "wijk", "Centrum", "GM0001", "WK000100"),
        ("BU00010000", 2024, "buurt", "Kern", "GM0001", "WK000100"),
    ]
    return pd.DataFrame(rows, columns=["code", "indeling", "level", "name", "gemeente", "wijk"])


def tiny_batch(value: float = 10.0, name: str = "tiny") -> Batch:
    obs = observations_frame(
        [
            {
                "measure": "kwb.AantalInwoners",
                "region": "GM0001",
                "period": "2024JJ00",
                "indeling": 2024,
                "value": value,
            },
            {
                "measure": "kwb.AantalInwoners",
                "region": "GM0002",
                "period": "2024JJ00",
                "indeling": 2024,
                "value": 20.0,
            },
            {
                "measure": "kwb.AantalInwoners",
                "region": "NL01",
                "period": "2024JJ00",
                "indeling": 2024,
                "value": 30.0,
            },
        ],
        source="test",
    )
    return Batch(name, obs, [Measure("kwb.AantalInwoners", "Aantal inwoners", unit="aantal")])


def tiny_inputs(tmp_path: Path) -> BuildInputs:
    source = tmp_path / "source.csv"
    source.write_text("x\n1\n")
    return BuildInputs(
        regions=tiny_regions(),
        batches=[tiny_batch()],
        files=[SourceFile.of(source, "TEST", "2024-01-01")],
        expectations=Expectations(exact_regions={("gemeente", 2024): 2}),
    )
