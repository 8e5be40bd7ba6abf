"""``buurtzicht fetch -g 2024:buurt`` replaces the mirror's buurt layers in the next build
(offline, against the local replay of PDOK)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.sources.fetch import fetch_geometry
from buurtzicht.sources.mirror import load_regions
from buurtzicht.warehouse.boundary_sets import buurt_boundaries
from tests.fakes.cbs_server import CbsReplayServer
from tests.fakes.replay_data import REPLAY_BUURT_GEMEENTEN, ReplayData, cached_build


@pytest.fixture(scope="module")
def regions(mirror: Path) -> pd.DataFrame:
    return load_regions(mirror).frame


@pytest.fixture
def online(raw: Path, tmp_path: Path) -> Iterator[tuple[CbsReplayServer, Settings]]:
    data = ReplayData(wfs=cached_build(raw).wfs)
    with CbsReplayServer(data, page_size=250) as server:
        yield server, Settings(home=tmp_path / "var", **server.settings_overrides())


def test_fetched_buurt_layer_replaces_the_mirror_layers(
    online: tuple[CbsReplayServer, Settings], mirror: Path, regions: pd.DataFrame
) -> None:
    server, settings = online
    (layer,) = fetch_geometry(settings, [(2024, "buurt")], progress=False)
    served = server.data.wfs[(2024, "buurten")]
    assert layer.features == len(served) > 600
    sets, files = buurt_boundaries(mirror, regions, [], settings.cache_dir)
    by_year = {s.year: s for s in sets}
    current = by_year[2024]
    assert set(current.frame["source"]) == {"pdok-2024"}
    assert set(current.frame["source_year"]) == {2024}
    assert sorted(current.frame["code"]) == sorted(f["properties"]["buurtcode"] for f in served)
    coverage = current.coverage.set_index("code")
    inside = coverage.index.str[2:6].isin([g[2:] for g in REPLAY_BUURT_GEMEENTEN])
    assert coverage.loc[inside, "source"].eq("pdok-2024").mean() > 0.9
    assert coverage.loc[~inside, "reason"].eq("no_boundary").all()
    assert coverage["reason"].ne("moved").all()  # a layer of the indeling itself: no check
    assert by_year[2018].frame["source"].eq("cbs-2019").all()  # other years: the mirror
    assert {f.table for f in files} == {"buurtgrenzen pdok-2024", "buurtgrenzen cbs-2019",
                                        "buurtgrenzen amsterdam"}  # fmt: skip
    names = dict(zip(current.frame["code"], current.frame["name"], strict=True))
    assert names["BU0363AD03"] == next(
        f["properties"]["buurtnaam"] for f in served if f["properties"]["buurtcode"] == "BU0363AD03"
    )
