"""/api/rankings, its CSV / XLSX export and the /ranglijst page (small build of real
CBS 83648NED figures: opgehelderd_pct = cleared-up / registered crimes, per gemeente)."""

from __future__ import annotations

import csv
import io
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from buurtzicht.sources.statline_csv import numeric_column, read_table
from tests.api.smallbuild import CRIME

INDICATOR = "opgehelderd_pct"


@pytest.fixture(scope="module")
def cleared(mirror) -> dict[tuple[str, str], float]:
    """Cleared-up share per (gemeente, year) straight from the CSV."""
    path = mirror / CRIME
    table = read_table(path)
    table = table[(table["region_level"] == "GM") & table["Perioden"].isin(["2023", "2024"])]
    registered = numeric_column(table, "TotaalGeregistreerdeMisdrijven_1", path=path)
    solved = numeric_column(table, "TotaalOpgehelderdeMisdrijven_4", path=path)
    return {
        (code, year): 100.0 * s / r
        for code, year, s, r in zip(
            table["gm_code"], table["Perioden"], solved, registered, strict=True
        )
        if r
    }


def test_ranking_of_gemeenten(client: TestClient, cleared) -> None:
    body = client.get("/api/rankings", params={"indicator": INDICATOR, "lang": "nl"}).json()
    assert body["rank_order"] == "1 = hoogste" and body["period"] == "2024JJ00"
    assert body["previous_period"] == "2023JJ00"
    rows = body["rows"]
    ranked = [r for r in rows if r["rank"] is not None]
    values = [r["figure"]["value"] for r in ranked]
    assert values == sorted(values, reverse=True) and ranked[0]["rank"] == 1
    shown = {r["region"]["code"] for r in rows}  # gemeenten of 2024
    expected = sorted(
        ((v, c) for (c, y), v in cleared.items() if y == "2024" and c in shown), reverse=True
    )
    assert ranked[0]["region"]["code"] == expected[0][1]
    amsterdam = next(r for r in rows if r["region"]["code"] == "GM0363")
    assert amsterdam["figure"]["value"] == pytest.approx(cleared[("GM0363", "2024")], abs=1e-6)
    change = cleared[("GM0363", "2024")] - cleared[("GM0363", "2023")]
    assert amsterdam["change"]["value"] == pytest.approx(change, abs=1e-6)
    nl = body["national"]["value"]
    assert amsterdam["index"] == pytest.approx(100 * amsterdam["figure"]["value"] / nl)
    # Ties share the best rank; ranks never skip backwards.
    assert all(a["rank"] <= b["rank"] for a, b in pairwise(ranked))


def test_exports_are_in_ranking_order(client: TestClient) -> None:
    params = {"indicator": INDICATOR, "lang": "nl"}
    body = client.get("/api/rankings", params=params).json()
    response = client.get("/api/exports/rankings.csv", params=params)
    assert response.headers["content-disposition"].endswith(
        'opgehelderd_pct_gemeente_2024JJ00.csv"'
    )
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "rang (1 = hoogste)"
    assert [r[1] for r in rows[1:]] == [r["region"]["code"] for r in body["rows"]]
    assert rows[1][0] == "1" and "," in rows[1][6]  # decimal comma
    book = load_workbook(
        io.BytesIO(client.get("/api/exports/rankings.xlsx", params=params).content)
    )
    sheet = book["Gegevens"]
    assert sheet.cell(row=2, column=7).value == pytest.approx(body["rows"][0]["figure"]["value"])
    assert book["Bron"].cell(row=1, column=2).value == INDICATOR


def test_source_variables_and_bad_levels_are_refused(client: TestClient) -> None:
    raw = client.get(
        "/api/rankings", params={"indicator": "misdrijven.TotaalGeregistreerdeMisdrijven"}
    )
    assert raw.status_code == 422 and "catalog indicators" in raw.text
    assert (
        client.get("/api/rankings", params={"indicator": INDICATOR, "level": "land"}).status_code
        == 422
    )


def test_ranking_page_and_its_json_twin(client: TestClient) -> None:
    html = client.get(f"/ranglijst?indicator={INDICATOR}&lang=nl").text
    assert 'id="ranking-table"' in html and "1 = hoogste" in html
    assert 'aria-sort="ascending"' in html and "Hoger is gunstiger." in html
    assert '<script type="module" src="/static/js/rankings.js"></script>' in html
    twin = client.get(f"/ranglijst.json?indicator={INDICATOR}&lang=nl").json()
    assert twin["ranking"]["rows"][0]["rank"] == 1
    assert twin["csv_url"].startswith("/api/exports/rankings.csv?")
