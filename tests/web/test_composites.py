"""Composite indexes in the dashboard: map figures, profile cards, the sensitivity report
(the same as ``buurtzicht composite --json``) and the methodology, on the real mirror build."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from buurtzicht.analysis.composite import composite_index, sensitivity
from buurtzicht.cli.app import app as cli
from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.server import create_app
from buurtzicht.warehouse.current import current_path, open_current

WEIGHTS = {
    c.indicator: c.weight for c in default_catalog().composite("veiligheidsindex").components
}


@pytest.fixture(scope="module")
def real(mirror_build: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(mirror_build)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def expected(mirror_build: Settings):  # type: ignore[no-untyped-def]
    conn = open_current(mirror_build)
    try:
        return composite_index(conn, "veiligheidsindex", "gemeente")
    finally:
        conn.close()


def test_map_shows_the_composite_of_the_analysis(real: TestClient, expected) -> None:  # type: ignore[no-untyped-def]
    page = real.get("/kaart.json?indicator=veiligheidsindex").json()
    values = page["values"]
    assert page["notices"] == []
    assert values["period"] == expected.period
    assert values["national"]["value"] == 100.0
    assert values["indicator"]["kind"] == "index"
    assert {w["indicator"]: w["weight"] for w in values["indicator"]["weights"]} == WEIGHTS
    rows = {r["code"]: r["figure"]["value"] for r in values["rows"]}
    assert len(rows) == 342
    for code in ("GM0518", "GM0363", "GM0014"):
        assert rows[code] == pytest.approx(expected.scores[code])
    # Classes on both sides of NL = 100, every region with an index counted once.
    assert sum(c["count"] for c in values["legend"]) == expected.scores.notna().sum()
    assert any(c["relation"] == "below" for c in values["legend"])
    assert any(c["relation"] == "above" for c in values["legend"])
    html = real.get("/kaart?indicator=veiligheidsindex").text
    assert 'data-component="geweld_per_1000">Geweldsmisdrijven per 1.000 inwoners (2,0)' in html


def test_profile_card_with_components_weights_and_sensitivity(real: TestClient, expected) -> None:  # type: ignore[no-untyped-def]
    profile = real.get("/gemeente/GM0518.json").json()["profile"]
    card = next(c for c in profile["composites"] if c["indicator"]["id"] == "veiligheidsindex")
    assert card["figure"]["value"] == pytest.approx(expected.scores["GM0518"])
    assert card["rank"] == expected.ranks["GM0518"] and card["rank_of"] == 342
    assert {p["indicator"]: p["weight"] for p in card["components"]} == WEIGHTS
    assert sum(p["share"] for p in card["components"]) == pytest.approx(1.0)
    for part in card["components"]:
        assert part["index"] == pytest.approx(expected.indices.at["GM0518", part["indicator"]])
    report = sensitivity(expected.indices, pd.Series(WEIGHTS))
    assert card["rank_p05"] == report.p05_rank["GM0518"]
    assert card["rank_p95"] == report.p95_rank["GM0518"]
    assert card["mean_spearman"] == pytest.approx(report.mean_spearman)
    html = real.get("/gemeente/GM0518").text
    assert 'id="composites-title">Samengestelde indexen' in html
    assert 'data-component="geweld_per_1000" data-weight="2.0"' in html


def test_a_card_only_where_the_region_has_components(real: TestClient) -> None:
    # The Veiligheidsmonitor publishes only the larger gemeenten: Vlieland has no
    # leefbaarheidsindex card, but the registered-crime index covers every gemeente.
    profile = real.get("/gemeente/GM0096.json").json()["profile"]
    shown = {c["indicator"]["id"] for c in profile["composites"]}
    assert shown == {"veiligheidsindex"}
    profile = real.get("/gemeente/GM0518.json").json()["profile"]
    assert {c["indicator"]["id"] for c in profile["composites"]} == {
        "veiligheidsindex",
        "leefbaarheidsindex",
    }


def test_api_report_is_the_cli_report(real: TestClient, mirror_build: Settings) -> None:
    api = real.get("/api/composites/veiligheidsindex?level=gemeente").json()
    result = CliRunner().invoke(
        cli,
        ["composite", "veiligheidsindex", "--json", "--warehouse", str(current_path(mirror_build))],
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert api["period"] == printed["period"]
    assert api["mean_spearman"] == pytest.approx(printed["mean_spearman"])
    assert api["drop_one_spearman"] == pytest.approx(printed["drop_one_spearman"])
    assert [r["region"]["code"] for r in api["rows"]] == [r["region"] for r in printed["regions"]]
    assert api["rows"][0]["index"] == pytest.approx(printed["regions"][0]["index"])
    assert real.get("/api/composites/geweld_per_1000").status_code == 422
    assert real.get("/api/composites/veiligheidsindex?level=provincie").status_code == 422


def test_methodology_gives_weights_normalisation_and_sensitivity(real: TestClient) -> None:
    for lang, words in (
        ("nl", ("Gewichten", "Normalisatie", "500 keer")),
        ("en", ("Weights", "Normalisation", "500 times")),
    ):
        html = real.get(f"/methodologie/veiligheid?lang={lang}").text
        section = html[html.index('id="composites-title"') :]
        assert all(w in section for w in words)
        shares = re.findall(r'data-component="(\w+)">.*?: ([\d.,]+) \((\d+)%\)', section)
        assert {i: float(w.replace(",", ".")) for i, w, _ in shares} == WEIGHTS
        assert sum(int(s) for _, _, s in shares) in (100, 101)


def test_a_wijk_says_why_it_has_no_composite(real: TestClient) -> None:
    """The components exist per gemeente only in the mirror: no wijk gets an invented
    index, and the page says so and points to the gemeente's."""
    profile = real.get("/wijk/WK059901.json").json()["profile"]
    assert profile["composites"] == []
    assert profile["composites_gemeente"]["code"] == "GM0599"
    html = real.get("/wijk/WK059901?lang=nl").text
    assert "Samengestelde indexen bestaan alleen per gemeente" in html
    assert 'href="/gemeente/GM0599#composites-title"' in html
    # A gemeente has its cards and no such note.
    gemeente = real.get("/gemeente/GM0599.json").json()["profile"]
    assert gemeente["composites"] and gemeente["composites_gemeente"] is None


def test_composites_have_no_figures_below_the_gemeente(mirror_build: Settings) -> None:
    conn = open_current(mirror_build)
    try:
        for level in ("wijk", "buurt"):
            assert composite_index(conn, "veiligheidsindex", level).scores.empty
            assert composite_index(conn, "leefbaarheidsindex", level).scores.empty
    finally:
        conn.close()
