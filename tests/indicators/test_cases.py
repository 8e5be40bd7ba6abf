"""Each indicator has a test case: tiny input tables and the values they must give.

All cases share one warehouse; case n has its own period so cases cannot touch each
other, and the whole catalog is computed once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from buurtzicht.indicators.compute import compute_indicator_values
from buurtzicht.indicators.loader import default_catalog
from tests.memory_warehouse import make_warehouse, observation_rows, region_rows

CASES = yaml.safe_load((Path(__file__).with_name("cases.yaml")).read_text(encoding="utf-8"))
PERIODS = {name: f"{1900 + n}JJ00" for n, name in enumerate(sorted(CASES))}
REGIONS = region_rows(
    [
        {"code": "NL01"},
        {"code": "PV20"},
        {"code": "RE01"},
        {"code": "GM0001", "provincie": "PV20", "politie_eenheid": "RE01"},
        {"code": "GM0002", "provincie": "PV20", "politie_eenheid": "RE01"},
    ],
    indeling=2024,
)


@pytest.fixture(scope="module")
def computed() -> pd.DataFrame:
    obs = pd.concat(
        [
            observation_rows(case["inputs"], period=PERIODS[name], indeling=2024)
            for name, case in CASES.items()
        ],
        ignore_index=True,
    )
    conn = make_warehouse(REGIONS, obs)
    return compute_indicator_values(conn, default_catalog().indicators)


def test_every_indicator_has_a_case() -> None:
    ids = {i.id for i in default_catalog().indicators}
    assert ids - set(CASES) == set(), "indicators without a test case in cases.yaml"
    assert set(CASES) - ids == set(), "cases.yaml has cases for unknown indicators"


@pytest.mark.parametrize("indicator_id", sorted(CASES))
def test_indicator_case(indicator_id: str, computed: pd.DataFrame) -> None:
    mine = computed[
        (computed["indicator"] == indicator_id) & (computed["period"] == PERIODS[indicator_id])
    ]
    values = mine.set_index("region")["value"]
    for region, expected in CASES[indicator_id]["expected"].items():
        if expected is None:
            assert region not in values.index, region
        else:
            assert_allclose(values[region], expected, rtol=1e-12, err_msg=region)
