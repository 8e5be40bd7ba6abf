"""The map's table says why a figure is suppressed, with the release's own reason (as the
profile cards do): on the scale-1.0 build the hennep map listed 40 gemeenten hidden by
complementary suppression as 'te weinig waarnemingen'."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.observations import Measure, observations_frame
from buurtzicht.warehouse.build import run_build
from tests.tiny import tiny_inputs

MEASURE = "secure.test.hennep"


def _release() -> Batch:
    cells = [("GM0001", None, "suppressed"), ("GM0002", 4.0, "ok"), ("NL01", None, "suppressed")]
    rows = [
        {"measure": MEASURE, "region": code, "period": "2024JJ00", "indeling": 2024,
         "value": value, "status": status}
        for code, value, status in cells
    ]  # fmt: skip
    why = pd.DataFrame(
        {"measure": MEASURE, "region": ["GM0001", "NL01"], "period": "2024JJ00",
         "indeling": 2024, "reason": ["secondary", "min_units"]}
    )  # fmt: skip
    measure = Measure(MEASURE, "Hennep (test)", unit="aantal", flags=("synthetic",))
    # As `buurtzicht secure publish` would record it: secure figures come from a release.
    release = SourceFile("secure/published.parquet (test)", "secure.published", "secure", "0" * 64)
    return Batch(
        "secure",
        observations_frame(rows, source="secure"),
        [measure],
        [release],
        tables={"secure_suppressions": why},
    )


def test_map_rows_and_nl_say_the_release_reason(tmp_path: Path) -> None:
    inputs = tiny_inputs(tmp_path)
    settings = Settings(home=tmp_path / "var", mirror=None)
    batches = [*inputs.batches, _release()]
    run_build(settings, lambda _say: dataclasses.replace(inputs, batches=batches))
    with TestClient(create_app(settings)) as client:
        body = client.get("/api/values", params={"indicator": MEASURE, "level": "gemeente"}).json()
    rows = {r["code"]: r["figure"] for r in body["rows"]}
    assert rows["GM0001"]["reason"] == "secondary"
    assert rows["GM0001"]["note"].startswith("aanvullend onderdrukt")
    assert rows["GM0002"]["display"] == "4" and rows["GM0002"]["reason"] is None
    assert body["national"]["reason"] == "min_units"
