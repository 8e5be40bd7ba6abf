"""Rankings: 1 = highest, ties share the best rank, suppressed figures last with their
status, change since the previous period, no index for counts."""

from __future__ import annotations

import pandas as pd
import pytest

from buurtzicht.analysis.level_ranking import ranking
from buurtzicht.analysis.materialise import materialise
from tests.memory_warehouse import make_warehouse, region_rows

SUSPECTS, PEOPLE = "secure.drugs.verdachten", "secure.basis.inwoners"
#: wijk -> suspects per 10,000 inhabitants in 2023 and 2024 (None: suppressed in 2024)
RATES = {"WK000101": (10, 30), "WK000102": (20, 50), "WK000103": (40, 50), "WK000104": (5, None)}


@pytest.fixture(scope="module")
def conn():
    rows = [{"code": "NL01"}, {"code": "GM0001", "gemeente": "GM0001"}]
    rows += [{"code": w, "gemeente": "GM0001", "wijk": w, "name": f"Wijk {w[-1]}"} for w in RATES]
    records = []
    for year, column in (("2023", 0), ("2024", 1)):
        for wijk, rates in RATES.items():
            rate = rates[column]
            status = "suppressed" if rate is None else "ok"
            records += [
                (SUSPECTS, wijk, year, None if rate is None else float(rate), status),
                (PEOPLE, wijk, year, 10_000.0, "ok"),
            ]
        records += [(SUSPECTS, "NL01", year, 250_000.0, "ok"), (PEOPLE, "NL01", year, 1e8, "ok")]
    frame = pd.DataFrame(records, columns=["measure", "region", "year", "value", "status"])
    frame = frame.assign(period=frame["year"] + "JJ00", indeling=2024, source="test")
    connection = make_warehouse(region_rows(rows, indeling=2024), frame.drop(columns="year"))
    materialise(connection)
    return connection


def test_ranks_ties_and_suppressed_last(conn) -> None:
    result = ranking(conn, "drugs_verdachten_per_10000", "wijk", parent="GM0001")
    assert result is not None and result.period == "2024JJ00"
    assert result.previous_period == "2023JJ00" and result.nl_value == pytest.approx(25.0)
    rows = [(r.code, r.rank, r.value, r.status) for r in result.rows]
    assert rows == [
        ("WK000102", 1, pytest.approx(50.0), "ok"),  # tie on 50: both rank 1, code order
        ("WK000103", 1, pytest.approx(50.0), "ok"),
        ("WK000101", 3, pytest.approx(30.0), "ok"),
        ("WK000104", None, None, "suppressed"),
    ]
    by_code = {r.code: r for r in result.rows}
    assert by_code["WK000101"].change == pytest.approx(20.0)
    assert by_code["WK000101"].change_pct == pytest.approx(200.0)
    assert by_code["WK000103"].index == pytest.approx(200.0)
    assert by_code["WK000104"].previous == pytest.approx(5.0)


def test_earlier_period_and_no_figures(conn) -> None:
    earlier = ranking(conn, "drugs_verdachten_per_10000", "wijk", period="2023JJ00")
    assert earlier is not None and earlier.period == "2023JJ00" and earlier.previous_period is None
    assert earlier.rows[0].code == "WK000103"
    assert ranking(conn, "drugs_verdachten_per_10000", "buurt") is None
    with pytest.raises(ValueError, match="level must be"):
        ranking(conn, "drugs_verdachten_per_10000", "provincie")
