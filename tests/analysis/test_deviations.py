"""Children that deviate most from NL: reliability decides, not the raw rate."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from buurtzicht.analysis.deviations import deviating_children
from buurtzicht.analysis.materialise import materialise
from buurtzicht.analysis.region_profile import profile
from tests.memory_warehouse import make_warehouse, region_rows

SUSPECTS = "secure.drugs.verdachten"
INHABITANTS = "secure.basis.inwoners"
#: wijk -> (inhabitants, drug suspects); NL has 20 suspects per 10,000 inhabitants.
WIJKEN = {
    "WK000101": (40, 3),  # 750 per 10,000 on 3 suspects: onbetrouwbaar, left out
    "WK000102": (1_000, 8),  # 80: 8 suspects, interval too wide, onbetrouwbaar
    "WK000103": (20_000, 100),  # 50 on 100 suspects: surely above NL
    "WK000104": (500, 20),  # 400 on 20 suspects: indicatief, surely far above NL
    "WK000105": (9_000, 22),  # 24.4, but the interval 17-37 holds NL: no deviation
    "WK000106": (10_000, 20),  # exactly NL
}


@pytest.fixture(scope="module")
def conn():
    rows = [{"code": "NL01", "name": "Nederland"}, {"code": "GM0001", "name": "Eerste"}]
    rows[1]["gemeente"] = "GM0001"
    for n, code in enumerate(WIJKEN):
        rows.append({"code": code, "name": f"Wijk {n}", "gemeente": "GM0001", "wijk": code})
    regions = region_rows(rows, indeling=2024)
    records = [
        (SUSPECTS, "NL01", 200_000.0),
        (INHABITANTS, "NL01", 100_000_000.0),
        (SUSPECTS, "GM0001", float(sum(s for _, s in WIJKEN.values()))),
        (INHABITANTS, "GM0001", float(sum(p for p, _ in WIJKEN.values()))),
    ]
    for code, (people, suspects) in WIJKEN.items():
        records += [(SUSPECTS, code, float(suspects)), (INHABITANTS, code, float(people))]
    observations = pd.DataFrame(records, columns=["measure", "region", "value"]).assign(
        period="2024JJ00", indeling=2024, status="ok", source="test"
    )
    connection = make_warehouse(regions, observations)
    materialise(connection)
    return connection


def test_tiny_areas_with_wide_intervals_do_not_top_the_list(conn) -> None:
    (drugs,) = [t for t in deviating_children(conn, "GM0001", limit=5) if t.theme == "drugs"]
    listed = [c.code for c in drugs.children if c.indicator == "drugs_verdachten_per_10000"]
    assert listed == ["WK000104", "WK000103"]
    top = drugs.children[0]
    assert top.index == pytest.approx(100 * 400 / 20)
    assert top.direction == "above" and top.reliability == "indicatief"
    # Deviation from the end of the exact 95% interval nearest NL: 20 events -> lower
    # limit chi2(0.025, 40) / 2 = 12.217, i.e. 244.3 per 10,000 on 500 inhabitants.
    assert top.ci_low == pytest.approx(244.34, abs=0.05)
    assert top.deviation == pytest.approx(math.log(244.34 / 20), abs=1e-3)
    second = drugs.children[1]
    assert second.deviation == pytest.approx(math.log(second.ci_low / 20), rel=1e-6)


def test_profile_carries_the_deviations_and_buurten_have_none(conn) -> None:
    result = profile(conn, "GM0001")
    assert [t.theme for t in result.deviating_children] == ["drugs"]
    assert result.deviating_children[0].children[0].code == "WK000104"
    assert deviating_children(conn, "WK000101") == []  # no buurten in this warehouse
