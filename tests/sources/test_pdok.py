"""PDOK WFS boundaries against the local replay server (wijken and gemeenten 2024 from
the mirror's PDOK GeoJSON, paged by count/startIndex like PDOK)."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from buurtzicht.config import Settings
from buurtzicht.errors import ConfigurationError, SourceFormatError, SourceUnavailableError
from buurtzicht.sources.http import Client
from buurtzicht.sources.pdok import GeometryFile, fetch_boundaries
from tests.fakes.cbs_server import CbsReplayServer, Fault, page_at
from tests.fakes.replay_data import ReplayData, cached_build

WFS = "/wfs/v1_0"


@pytest.fixture(scope="module")
def replay_data(raw: Path) -> ReplayData:
    return ReplayData(wfs=cached_build(raw).wfs)


@pytest.fixture
def server(replay_data: ReplayData) -> Iterator[CbsReplayServer]:
    with CbsReplayServer(replay_data) as srv:
        yield srv


def _fetch(server: CbsReplayServer, home: Path, level: str = "wijk", **kw: object) -> GeometryFile:
    settings = Settings(home=home, http_retries=2, http_backoff=0.0, **server.settings_overrides())
    with Client(settings, sleep=lambda _: None) as client:
        return fetch_boundaries(client, 2024, level, **kw)  # type: ignore[arg-type]


def _mirror_wijken(raw: Path) -> dict:
    path = (
        raw
        / "geo_pdok_wijken_gemeenten_2024_anneversion"
        / "wijken_2024_simplified_t0.0005.geojson.gz"
    )
    return json.loads(gzip.decompress(path.read_bytes()))


def test_wijken_are_paged_and_merged(server: CbsReplayServer, tmp_path: Path, raw: Path) -> None:
    result = _fetch(server, tmp_path)
    starts = [h.params["startIndex"] for h in server.data_hits()]
    assert starts == ["0", "1000", "2000", "3000"]
    assert {h.params["typeNames"] for h in server.data_hits()} == {"wijkenbuurten:wijken"}
    assert {h.params["srsName"] for h in server.data_hits()} == {"EPSG:4326"}
    collection = json.loads(result.path.read_text(encoding="utf-8"))
    mirror = _mirror_wijken(raw)
    assert result.features == len(collection["features"]) == len(mirror["features"]) == 3475
    assert [f["properties"]["wijkcode"] for f in collection["features"]] == [
        f["properties"]["wijkcode"] for f in mirror["features"]
    ]
    assert collection["features"][5]["geometry"] == mirror["features"][5]["geometry"]
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.path.parent.name == "2024" and result.level == "wijk"


def test_second_run_reads_the_file(server: CbsReplayServer, tmp_path: Path) -> None:
    first = _fetch(server, tmp_path, "gemeente")
    server.hits.clear()
    second = _fetch(server, tmp_path, "gemeente")
    assert server.hits == [] and second == dataclass_copy(first, pages_fetched=0)
    assert first.features == 343  # 342 gemeenten + GM0998 Buitenland in the mirror file


def dataclass_copy(result: GeometryFile, **changes: object) -> GeometryFile:
    import dataclasses

    return dataclasses.replace(result, **changes)  # type: ignore[arg-type]


def test_latitude_first_coordinates_are_swapped(replay_data: ReplayData, tmp_path: Path) -> None:
    with CbsReplayServer(replay_data, swap_axes=True) as srv:
        result = _fetch(srv, tmp_path, "gemeente")
    features = json.loads(result.path.read_text(encoding="utf-8"))["features"]
    lon, lat = features[0]["geometry"]["coordinates"][0][0][0]
    assert 3.0 < lon < 8.0 and 50.0 < lat < 54.0
    assert features[0]["geometry"] == replay_data.wfs[(2024, "gemeenten")][0]["geometry"]


def test_interrupted_download_resumes(server: CbsReplayServer, tmp_path: Path) -> None:
    server.inject(Fault(page_at(WFS, 200), status=400))
    with pytest.raises(SourceUnavailableError, match="HTTP 400"):
        _fetch(server, tmp_path, "gemeente", page_size=100)
    server.hits.clear()
    result = _fetch(server, tmp_path, "gemeente", page_size=100)
    assert [h.params["startIndex"] for h in server.data_hits()] == ["200", "300"]
    assert result.features == 343 and result.pages_fetched == 2


def test_unavailable_page_is_retried(server: CbsReplayServer, tmp_path: Path) -> None:
    server.inject(Fault(page_at(WFS, 100), status=503))
    server.inject(Fault(page_at(WFS, 300), kind="reset"))
    assert _fetch(server, tmp_path, "gemeente", page_size=100).features == 343
    assert len(server.data_hits()) == 6


def test_feature_without_code_is_an_error(replay_data: ReplayData, tmp_path: Path) -> None:
    data = ReplayData(wfs=copy.deepcopy(replay_data.wfs))
    del data.wfs[(2024, "gemeenten")][150]["properties"]["gemeentecode"]
    with (
        CbsReplayServer(data) as srv,
        pytest.raises(SourceFormatError, match="gemeentecode") as err,
    ):
        _fetch(srv, tmp_path, "gemeente", page_size=100)
    assert "wfs/v1_0" in str(err.value) and "startIndex=100" in str(err.value)


def test_not_geojson_is_an_error(server: CbsReplayServer, tmp_path: Path) -> None:
    server.inject(Fault(page_at(WFS, 0), kind="truncated_json"))
    with pytest.raises(SourceFormatError, match="not valid JSON"):
        _fetch(server, tmp_path)


def test_unknown_level(server: CbsReplayServer, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="choose one of gemeente, wijk, buurt"):
        _fetch(server, tmp_path, "straat")


def test_output_reads_as_boundaries(server: CbsReplayServer, tmp_path: Path) -> None:
    """The downloaded file is what sources/geojson.py turns into boundaries."""
    from buurtzicht.regions.codes import Level
    from buurtzicht.sources.geojson import boundaries_from_geojson

    result = _fetch(server, tmp_path, "gemeente")
    frame = boundaries_from_geojson(
        result.path,
        level=Level.GEMEENTE,
        year=2024,
        code_fields=["gemeentecode"],
        name_fields=["gemeentenaam"],
    )
    assert len(frame) == 343
    assert frame.set_index("code").loc["GM0363", "name"] == "Amsterdam"
