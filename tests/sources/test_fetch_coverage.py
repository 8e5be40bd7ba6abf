"""The online fetch path is checked too: a short page (rows the next link skips past, or
a PDOK layer that stops early) and a period of the code list without rows fail with the
URL and what is missing, and nothing short is cached. Against the local replay server."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from buurtzicht.config import Settings
from buurtzicht.sources.cbs_odata_v3 import fetch_v3_table
from buurtzicht.sources.cbs_odata_v4 import fetch_v4_table
from buurtzicht.sources.expect import SourceCoverageError
from buurtzicht.sources.http import Client
from buurtzicht.sources.pdok import fetch_boundaries
from buurtzicht.sources.tables import TABLES
from tests.fakes.cbs_server import CbsReplayServer, Fault, page_at
from tests.fakes.replay_data import ReplayData, cached_build
from tests.sources.test_odata_v4 import KWB_V4

POLICE_ALL = dataclasses.replace(TABLES["47018NED"], recent_periods=None)


@pytest.fixture(scope="module")
def replay_data(raw: Path) -> ReplayData:
    return cached_build(raw)


def _client(server: CbsReplayServer, home: Path) -> Client:
    settings = Settings(home=home, http_retries=2, http_backoff=0.0, **server.settings_overrides())
    return Client(settings, sleep=lambda _: None)


def test_a_short_v3_page_is_refused_and_not_cached(replay_data: ReplayData, tmp_path: Path) -> None:
    with CbsReplayServer(replay_data, page_size=200) as server:
        server.inject(Fault(page_at("/TypedDataSet", 400), kind="short_page"))
        with _client(server, tmp_path) as client, pytest.raises(SourceCoverageError) as caught:
            fetch_v3_table(client, POLICE_ALL)
        message = str(caught.value)
        assert "47018NED/TypedDataSet" in message
        assert "500 rows received so far, but the next link continues at row 600" in message
        assert "100 rows were never sent" in message
        pages = sorted((tmp_path / "cache" / "odata" / "47018NED").glob("*/v3-all/*.json"))
        assert [p.name for p in pages] == ["00000.json", "00001.json"]
        with _client(server, tmp_path) as client:  # the server is well again
            result = fetch_v3_table(client, POLICE_ALL)
    assert len(result.batch.observations) == 1696 and result.pages_fetched == 7


def test_a_period_without_rows_is_named(replay_data: ReplayData, tmp_path: Path) -> None:
    data = ReplayData(v3={"dataderden": copy.deepcopy(replay_data.v3["dataderden"])})
    table = data.v3["dataderden"]["47018NED"]
    periods = [str(p["Key"]).strip() for p in table.code_lists["Perioden"]]
    lost = periods[len(periods) // 2]
    table.rows = [r for r in table.rows if str(r["Perioden"]).strip() != lost]
    with CbsReplayServer(data, page_size=500) as server, _client(server, tmp_path) as client:
        with pytest.raises(SourceCoverageError, match=rf"periods \['{lost}'\] of the period"):
            fetch_v3_table(client, POLICE_ALL)
        with pytest.raises(SourceCoverageError, match=rf"'{lost}'"):  # also when filtered
            fetch_v3_table(client, dataclasses.replace(POLICE_ALL, recent_periods=len(periods)))


def test_a_short_v4_page_is_refused(replay_data: ReplayData, tmp_path: Path) -> None:
    with CbsReplayServer(replay_data, page_size=7500) as server:
        server.inject(Fault(page_at("/Observations", 7500), kind="short_page"))
        with _client(server, tmp_path) as client, pytest.raises(SourceCoverageError) as caught:
            fetch_v4_table(client, KWB_V4)
    assert "85984NED/Observations" in str(caught.value)
    assert "11,250 rows received so far, but the next link continues at row 15,000" in str(
        caught.value
    )


def test_a_pdok_layer_cut_short_is_refused_and_fetched_afresh(
    replay_data: ReplayData, tmp_path: Path
) -> None:
    data = ReplayData(wfs=replay_data.wfs)
    with CbsReplayServer(data) as server:
        # The second page comes back with 500 of its 1,000 features: paging would stop.
        server.inject(Fault(page_at("/wfs/v1_0", 1000), kind="short_page"))
        with _client(server, tmp_path) as client, pytest.raises(SourceCoverageError) as caught:
            fetch_boundaries(client, 2024, "wijk")
        assert "wijken 2024: 1,500 of the 3,475 features the server matched" in str(caught.value)
        assert not list((tmp_path / "cache" / "pdok").rglob("*.geojson"))
        server.hits.clear()
        with _client(server, tmp_path) as client:
            result = fetch_boundaries(client, 2024, "wijk")
    collection = json.loads(result.path.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 3475
    assert [h.params["startIndex"] for h in server.data_hits()] == ["0", "1000", "2000", "3000"]
