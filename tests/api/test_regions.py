"""Region search and detail against a small build of real mirror data."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_by_name_prefix_puts_the_gemeente_first(client: TestClient) -> None:
    hits = client.get("/api/regions", params={"q": "amster"}).json()
    assert hits[0]["code"] == "GM0363"
    assert hits[0]["url"] == "/gemeente/GM0363"
    wijk = next(h for h in hits if h["level"] == "wijk")
    assert wijk["label"].endswith(f"({wijk['gemeente_name']})")


def test_search_by_code_and_without_accents(client: TestClient) -> None:
    assert client.get("/api/regions", params={"q": "gm0599"}).json()[0]["name"] == "Rotterdam"
    names = [h["name"] for h in client.get("/api/regions", params={"q": "sudwest"}).json()]
    assert "Súdwest-Fryslân" in names


def test_search_within_levels(client: TestClient) -> None:
    hits = client.get("/api/regions", params={"q": "centrum", "level": "wijk", "limit": 50}).json()
    assert hits and {h["level"] for h in hits} == {"wijk"}


def test_region_with_parents_and_children(client: TestClient) -> None:
    body = client.get("/api/regions/GM0363").json()
    assert body["name"] == "Amsterdam"
    assert body["children_level"] == "wijk"
    children = {c["code"]: c["name"] for c in body["children"]}
    assert len(children) == 110  # real 2024 wijken of Amsterdam, water left out
    assert children["WK0363AA"] == "Haarlemmerbuurt"
    wijk = client.get("/api/regions/wk0363aa").json()
    assert [p["code"] for p in wijk["parents"]] == ["GM0363"]


def test_unknown_and_malformed_codes(client: TestClient) -> None:
    unknown = client.get("/api/regions/GM9999")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["title"] == "Onbekende regio"
    assert "GM9999" in unknown.json()["error"]["detail"]
    malformed = client.get("/api/regions/Amsterdam")
    assert malformed.status_code == 422
    assert "is not a region code" in malformed.json()["error"]["detail"]
    english = client.get("/api/regions/GM9999", params={"lang": "en"}).json()
    assert english["error"]["title"] == "Unknown region"


def test_search_needs_a_query(client: TestClient) -> None:
    response = client.get("/api/regions", params={"q": ""})
    assert response.status_code == 422
    assert response.json()["error"]["parameter"] == "q"
    assert client.get("/api/regions", params={"q": "x", "level": "provincie"}).status_code == 422
