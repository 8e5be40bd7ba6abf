"""Catalog, profile, compare, build, OpenAPI and following a new build."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.warehouse.build import run_build
from tests.api.smallbuild import SECURE
from tests.tiny import tiny_batch, tiny_inputs

PER_1000 = "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"


def test_catalog_indicators_come_first_then_source_variables(client: TestClient) -> None:
    themes = client.get("/api/themes").json()["themes"]
    assert themes[0]["id"] == "veiligheid"
    first = themes[0]["indicators"][0]
    assert first["id"] == "opgehelderd_pct" and first["catalog"] is True
    assert first["title"] == "Opgehelderde misdrijven"
    assert first["direction"] == "higher_is_better"
    assert len(first["methodology"]) > 100
    assert first["source"]["citation"] == "Bron: CBS (83648NED), CC BY 4.0"
    assert {"bron_misdrijven", "bron_secure"} <= {t["id"] for t in themes}
    english = client.get("/api/indicators/opgehelderd_pct", params={"lang": "en"}).json()
    assert english["title"] == "Cleared-up crimes"


def test_catalog_indicator_values_from_the_analysis_engine(client: TestClient) -> None:
    body = client.get("/api/values", params={"indicator": "opgehelderd_pct"}).json()
    rows = {r["code"]: r for r in body["rows"]}
    # 83648NED Amsterdam 2024: 18,085 of 83,290 crimes cleared up
    assert rows["GM0363"]["figure"]["value"] == pytest.approx(100 * 18085 / 83290, abs=0.05)
    assert body["national"]["value"] == pytest.approx(100 * 190845 / 811885, abs=0.05)


def test_catalog_lists_themes_with_sources(client: TestClient) -> None:
    indicator = client.get(f"/api/indicators/{PER_1000}").json()
    assert indicator["source"]["citation"] == "Bron: CBS (83648NED), CC BY 4.0"
    assert indicator["methodology_url"] == f"/methodologie#{PER_1000}"
    assert client.get(f"/api/indicators/{SECURE}").json()["synthetic"] is True
    assert client.get("/api/indicators/nope").status_code == 404


def test_profile_of_amsterdam_from_the_analysis_engine(client: TestClient) -> None:
    body = client.get("/api/profile/GM0363").json()
    assert body["region"]["name"] == "Amsterdam"
    assert body["period"] == "2024JJ00"
    cards = {c["indicator"]["id"]: c for t in body["themes"] for c in t["cards"]}
    card = cards["opgehelderd_pct"]  # catalog indicators only, not the raw measures
    assert PER_1000 not in cards
    assert card["figure"]["display"] == "21,7"  # 18,085 of 83,290 (83648NED 2024)
    assert card["national"]["display"] == "23,5"
    assert card["index"] == pytest.approx(100 * (18085 / 83290) / (190845 / 811885), abs=0.01)
    assert 1 <= card["rank"] <= card["rank_of"] == 342
    assert card["reliability"]
    assert [(p["year"], p["figure"]["display"]) for p in card["trend"]] == [
        (2023, "24,5"),
        (2024, "21,7"),
    ]
    assert body["synthetic"] is False


def test_profile_without_catalog_figures_has_no_cards(client: TestClient) -> None:
    # One profile path: the cards are the catalog's indicators. A wijk with only a
    # source variable (no catalog figure) shows its region, no themes; the variable is
    # on the map and in /api/values.
    wijk = client.get("/api/profile/WK0363AA").json()
    assert wijk["region"]["code"] == "WK0363AA"
    assert wijk["themes"] == [] and wijk["synthetic"] is False and wijk["period"] is None
    rows = client.get(
        "/api/values", params={"indicator": SECURE, "level": "wijk", "parent": "GM0363"}
    ).json()["rows"]
    assert "WK0363AA" in [r["code"] for r in rows if r["figure"]["value"] is not None]


def test_compare_side_by_side(client: TestClient) -> None:
    body = client.get("/api/compare", params={"regions": ["GM0363", "GM0599"]}).json()
    assert [r["indicator"]["id"] for r in body["rows"]] == ["opgehelderd_pct"]
    row = body["rows"][0]
    assert [f["display"] for f in row["figures"]] == ["21,7", "22,5"]  # 83648NED 2024
    assert row["national"]["display"] == "23,5"
    assert row["indexes"][0] == pytest.approx(100 * (18085 / 83290) / (190845 / 811885), abs=0.01)
    assert client.get("/api/compare", params={"regions": "GM0363"}).status_code == 422


def test_build_and_openapi(client: TestClient) -> None:
    build = client.get("/api/build").json()
    assert build["description"] == "small test build from the mirror"
    assert {"level": "wijk", "year": 2024} in [
        {"level": g["level"], "year": g["year"]} for g in build["geometry"]
    ]
    assert client.get("/api/docs").status_code == 200
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/regions",
        "/api/values",
        "/api/profile/{code}",
        "/api/compare",
        "/api/trends",
        "/api/geometry/{level}/{year}",
        "/api/exports/values.{extension}",
    ):
        assert path in paths


def test_no_build_is_503_with_advice(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(home=tmp_path / "var", mirror=None)))
    response = client.get("/api/indicators")
    assert response.status_code == 503
    assert "buurtzicht build" in response.json()["error"]["detail"]


def test_server_follows_a_new_build(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "var", mirror=None)
    inputs = tiny_inputs(tmp_path)
    run_build(settings, lambda _say: inputs)
    client = TestClient(create_app(settings))
    first = client.get("/api/profile/GM0001").json()
    assert first["themes"][0]["cards"][0]["figure"]["value"] == 10.0
    run_build(settings, lambda _say: dataclasses.replace(inputs, batches=[tiny_batch(value=12.0)]))
    second = client.get("/api/profile/GM0001").json()
    assert second["themes"][0]["cards"][0]["figure"]["value"] == 12.0


def test_hotspots_of_a_catalog_indicator(client: TestClient) -> None:
    body = client.get("/api/hotspots", params={"indicator": "opgehelderd_pct"}).json()
    assert body["method"] == "getis_ord_gi_star" and body["period"] == "2024JJ00"
    classes = {r["hotspot_class"] for r in body["rows"]}
    assert classes <= {"hot", "cold", "not significant"}
    assert len(body["rows"]) == 342
    assert all(r["significant"] for r in body["rows"] if r["hotspot_class"] in ("hot", "cold"))
    again = client.get("/api/hotspots", params={"indicator": "opgehelderd_pct"}).json()
    assert again == body  # fixed seed, cached per build
    wrong = client.get("/api/hotspots", params={"indicator": PER_1000})
    assert wrong.status_code == 422 and "source variable" in wrong.json()["error"]["detail"]
    assert (
        client.get(
            "/api/hotspots", params={"indicator": "opgehelderd_pct", "level": "wijk"}
        ).status_code
        == 404
    )


def test_cached_answers_respect_language_and_conditional_requests(client: TestClient) -> None:
    url = "/api/indicators/opgehelderd_pct"
    dutch = client.get(url)
    assert client.get(url).json()["title"] == "Opgehelderde misdrijven"  # served from cache
    client.cookies.set("lang", "en")
    try:
        assert client.get(url).json()["title"] == "Cleared-up crimes"
    finally:
        client.cookies.clear()
    assert client.get(url).json()["title"] == "Opgehelderde misdrijven"
    assert client.get(url, headers={"if-none-match": dutch.headers["etag"]}).status_code == 304
