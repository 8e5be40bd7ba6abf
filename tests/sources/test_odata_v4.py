"""CBS OData v4 client against the local replay server (85984NED in v4 shape, built
from the KWB dump with the real v4 codes of three measures)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.cbs_odata_v4 import fetch_v4_table
from buurtzicht.sources.http import Client
from buurtzicht.sources.odata import TableResult
from buurtzicht.sources.tables import Api, TableSpec
from tests.fakes.cbs_server import CbsReplayServer, Fault, page_at
from tests.fakes.replay_data import KWB_V4_MEASURES, ReplayData, cached_build

KWB_V4 = TableSpec(
    "85984NED",
    "Kerncijfers wijken en buurten 2024",
    "kwb",
    api=Api.V4,
    period="2024JJ00",
    measure_names={"T001036": "AantalInwoners", "1050010_2": "HuishoudensTotaal"},
)
OBS = "/Observations"


@pytest.fixture(scope="module")
def replay_data(raw: Path) -> ReplayData:
    return cached_build(raw)


@pytest.fixture
def server(replay_data: ReplayData) -> Iterator[CbsReplayServer]:
    with CbsReplayServer(replay_data, page_size=7500) as srv:
        yield srv


def _fetch(server: CbsReplayServer, home: Path, spec: TableSpec = KWB_V4) -> TableResult:
    settings = Settings(home=home, http_retries=2, http_backoff=0.0, **server.settings_overrides())
    with Client(settings, sleep=lambda _: None) as client:
        return fetch_v4_table(client, spec)


def test_observations_round_trip(server: CbsReplayServer, tmp_path: Path) -> None:
    result = _fetch(server, tmp_path)
    obs = result.batch.observations.set_index(["measure", "region"])
    assert obs.loc[("kwb.AantalInwoners", "GM0363"), "value"] == 931_298
    assert obs.loc[("kwb.AantalInwoners", "NL01"), "value"] == 17_942_942
    assert set(result.batch.observations["period"]) == {"2024JJ00"}
    assert set(result.batch.observations["indeling"]) == {2024}  # MapYear of the geo dimension
    # an unmapped v4 code keeps its code as the name
    assert "kwb.A018943_2" in set(result.batch.observations["measure"])
    assert len(result.batch.observations) == 3 * 10_000
    assert set(result.batch.observations["status"]) == {"ok"}
    skips = [h.params.get("$skip", "0") for h in server.hits if h.path.endswith(OBS)]
    assert skips == ["0", "7500", "15000", "22500"]


def test_measure_metadata_from_measure_codes(server: CbsReplayServer, tmp_path: Path) -> None:
    measures = {m.id: m for m in _fetch(server, tmp_path).batch.measures}
    inwoners = measures["kwb.AantalInwoners"]
    assert (inwoners.title, inwoners.unit, inwoners.decimals) == ("Aantal inwoners", "aantal", 0)
    assert inwoners.source_version.startswith("2025-03-27T02:00:00")
    assert set(measures) == {"kwb.AantalInwoners", "kwb.HuishoudensTotaal", "kwb.A018943_2"}
    assert set(KWB_V4_MEASURES) == {"T001036", "1050010_2", "A018943_2"}


def test_value_attribute_becomes_status(replay_data: ReplayData, tmp_path: Path) -> None:
    """The three measures have no empty cells in the dump, so the attributes CBS
    sends for empty cells are set on a few real rows here."""
    table = copy.deepcopy(replay_data.v4["85984NED"])
    rows = table.observations[:12]
    changes = [("Confidential", None), ("Impossible", None), ("Missing", None), ("Nieuw", 5.0)]
    for i, (attribute, value) in enumerate(changes):
        rows[i] = {**rows[i], "ValueAttribute": attribute, "Value": value}
    table.observations = rows
    with CbsReplayServer(ReplayData(v4={"85984NED": table})) as srv:
        result = _fetch(srv, tmp_path)
    obs = result.batch.observations
    assert obs["status"].tolist()[:5] == ["secret", "missing", "missing", "ok", "ok"]
    assert obs["value"].isna().tolist()[:5] == [True, True, True, False, False]
    assert any("Nieuw" in note for note in result.batch.notes)


def test_warm_cache_asks_only_for_properties(server: CbsReplayServer, tmp_path: Path) -> None:
    cold = _fetch(server, tmp_path)
    server.hits.clear()
    warm = _fetch(server, tmp_path)
    assert [h.path.rsplit("/", 1)[-1] for h in server.hits] == ["Properties"]
    pd.testing.assert_frame_equal(cold.batch.observations, warm.batch.observations)


def test_failed_page_is_retried(server: CbsReplayServer, tmp_path: Path) -> None:
    server.inject(Fault(page_at(OBS, 7500), status=502))
    result = _fetch(server, tmp_path)
    assert [h.status for h in server.data_hits()].count(502) == 1
    assert len(result.batch.observations) == 30_000


def test_changed_observation_columns_name_the_url(server: CbsReplayServer, tmp_path: Path) -> None:
    server.inject(Fault(page_at(OBS, 0), kind="extra_column"))
    with pytest.raises(
        SourceFormatError, match=r"85984NED/Observations.*unexpected \['NieuweKolom"
    ):
        _fetch(server, tmp_path)


def test_filters_use_v4_identifiers(server: CbsReplayServer, tmp_path: Path) -> None:
    spec = dataclasses.replace(KWB_V4, filters={"WijkenEnBuurten": ("GM0363",)})
    obs = _fetch(server, tmp_path, spec).batch.observations
    assert set(obs["region"]) == {"GM0363"} and len(obs) == 3
    sent = next(h.params["$filter"] for h in server.hits if h.path.endswith(OBS))
    assert sent == "(WijkenEnBuurten eq 'GM0363')"
