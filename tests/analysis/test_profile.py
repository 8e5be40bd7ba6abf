"""The region profile: every indicator with NL, areas, peers, similar, trend, reliability."""

from __future__ import annotations

import json
import time

import pytest
from numpy.testing import assert_allclose
from synthetic_warehouse import synthetic_warehouse

from buurtzicht.analysis.region_profile import RegionProfile, profile
from buurtzicht.errors import UnknownRegionError
from buurtzicht.indicators.loader import default_catalog


@pytest.fixture(scope="module")
def gm0100() -> RegionProfile:
    return profile(synthetic_warehouse(), "GM0100")


def test_profile_lists_every_indicator(gm0100: RegionProfile) -> None:
    assert [i.id for i in gm0100.indicators] == [i.id for i in default_catalog()]
    assert gm0100.period == "2024JJ00" and gm0100.provincie is not None
    json.loads(gm0100.model_dump_json())  # the API renders the same model as JSON


def test_burglary_figures_by_hand(gm0100: RegionProfile) -> None:
    ind = next(i for i in gm0100.indicators if i.id == "woninginbraak_per_1000")
    assert ind.value == 12.0  # 120 burglaries on 10,000 inhabitants
    # NL: 4 cluster cells at 12 per 1,000 and 12 others at 3 per 1,000, sum over sum.
    assert ind.nl_value is not None
    assert_allclose(ind.index, 100 * 12.0 / ind.nl_value)
    assert ind.provincie is not None and ind.provincie.code == "PV20"
    assert ind.trend is not None and ind.trend.change == 4.0 and ind.trend.significant
    assert ind.trend.harmonised
    assert ind.reliability.flag == "betrouwbaar"
    assert ind.reliability.ci_low < 12.0 < ind.reliability.ci_high  # type: ignore[operator]
    assert ind.rank is not None and ind.rank <= 4 and ind.n_ranked == 16
    assert ind.sources[0].table == "47018NED"


def test_missing_indicator_is_shown_as_missing(gm0100: RegionProfile) -> None:
    ind = next(i for i in gm0100.indicators if i.id == "drugshandel_per_1000")
    assert ind.value is None and ind.status == "missing" and ind.trend is None


def test_similar_regions_are_listed_with_reasons(gm0100: RegionProfile) -> None:
    assert len(gm0100.similar_regions) == 5
    first = gm0100.similar_regions[0]
    assert first.code == "GM0101" and first.closest_on and first.distance > 0


def test_profile_is_fast() -> None:
    conn = synthetic_warehouse()
    profile(conn, "GM0105")
    start = time.perf_counter()
    for _ in range(5):
        profile(conn, "GM0105")
    per_profile = (time.perf_counter() - start) / 5
    assert per_profile < 1.0, per_profile  # measured ~45 ms alone; CI machines vary


def test_unknown_region() -> None:
    with pytest.raises(UnknownRegionError, match="GM9999 is not in the warehouse"):
        profile(synthetic_warehouse(materialised=False), "GM9999")
