"""Hardened HTTP beyond the headers: no server paths, links encoded, placeholders are
404, unknown parameters refused (API) or ignored (pages), a schema that says it all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings


@pytest.mark.parametrize(
    "url",
    [
        "/gemeente/GM9999",
        "/gemeente/GM0000",
        "/gemeente/GM0998",
        "/gemeente/GM0999",
        "/api/profile/GM9999",
        "/api/profile/GM0000",
        "/api/regions/GM0000",
        "/api/regions/GM9999.json".removesuffix(".json"),
        "/gemeente/GM9876",
    ],
)
def test_unknown_and_placeholder_regions_are_404(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.json()["error"]["title"] == "Onbekende regio"
    else:
        assert "<title>404 Onbekende regio" in response.text


def test_build_shows_no_server_path(client: TestClient, small_settings: Settings) -> None:
    text = client.get("/api/build").text
    assert str(small_settings.mirror) not in text
    assert str(small_settings.home) not in text
    assert "/work/" not in text and "/tmp/" not in text


def test_query_values_are_encoded_in_links(client: TestClient) -> None:
    html = client.get("/ranglijst", params={"indicator": "inwoners&niveau=buurt"}).text
    assert "indicator=inwoners%26niveau%3Dbuurt" in html
    assert "indicator=inwoners&amp;niveau=buurt" not in html


def test_unknown_api_parameter_is_422_naming_it(client: TestClient) -> None:
    response = client.get("/api/values", params={"indicator": "opgehelderd_pct", "cb": "1"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["parameter"] == "cb"
    assert "indicator" in error["detail"]


def test_unknown_page_parameter_neither_travels_nor_caches(client: TestClient) -> None:
    snapshot = client.app.state.warehouse.snapshot()  # type: ignore[attr-defined]
    client.get("/gemeente/GM0363")
    before = len(snapshot.cache)
    for n in range(5):
        response = client.get("/gemeente/GM0363", params={"cb": str(n)})
        assert response.status_code == 200
        assert "cb=" not in response.text
    assert len(snapshot.cache) == before


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"indicator": "opgehelderd_pct", "level": "provincie"}, "level"),
        ({"indicator": "opgehelderd_pct", "scheme": "jenks"}, "scheme"),
        ({"indicator": "opgehelderd_pct", "period": "2024QQ99"}, "period"),
        ({"indicator": "opgehelderd_pct", "parent": "Amsterdam"}, "parent"),
        ({"indicator": "opgehelderd pct"}, "indicator"),
    ],
)
def test_malformed_parameters_are_422(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/api/values", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["parameter"] == parameter


def test_regions_repeated_or_comma_separated_not_both(client: TestClient) -> None:
    ok = client.get("/api/compare", params={"regions": "GM0363,GM0599"})
    assert ok.status_code == 200
    mixed = client.get("/api/compare", params={"regions": ["GM0363,GM0599", "GM0014"]})
    assert mixed.status_code == 422
    assert "not both" in mixed.json()["error"]["detail"]


def test_schema_documents_errors_enums_and_patterns(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    values = schema["paths"]["/api/values"]["get"]
    assert {"200", "404", "422", "503"} <= set(values["responses"])
    error_ref = values["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
    assert error_ref.endswith("/ErrorOut")
    params = {p["name"]: p["schema"] for p in values["parameters"]}
    assert params["level"]["enum"] == ["gemeente", "wijk", "buurt"]
    assert params["scheme"]["enum"] == ["quantiles", "natural_breaks", "equal_interval"]
    assert params["k"]["minimum"] == 2 and params["k"]["maximum"] == 7
    period = next(s for s in params["period"]["anyOf"] if s.get("type") == "string")
    assert period["pattern"].startswith("^\\d{4}")
    profile = schema["paths"]["/api/profile/{code}"]["get"]["parameters"][0]["schema"]
    assert "[Gg][Mm]" in profile["pattern"]
