"""Values per level and period, classes relative to NL, suppression and errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.smallbuild import SECURE

PER_1000 = "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"


def test_gemeente_values_of_the_real_table(client: TestClient) -> None:
    body = client.get("/api/values", params={"indicator": PER_1000}).json()
    assert body["period"] == "2024JJ00"  # the latest by default
    assert body["periods"] == ["2023JJ00", "2024JJ00"]
    assert body["geometry_year"] == 2024
    rows = {r["code"]: r for r in body["rows"]}
    assert len(rows) == 342
    assert rows["GM0363"]["figure"]["value"] == 89.4  # CBS 83648NED, Amsterdam 2024
    assert rows["GM0363"]["figure"]["display"] == "89,4"
    assert body["national"]["value"] == 45.2
    # Vlieland has no 2024 figure in 83648NED: a dot and no class, never a zero
    assert rows["GM0096"]["figure"] == {
        "value": None,
        "status": "missing",
        "display": ".",
        "note": "geen cijfer beschikbaar",
        "reason": None,
    }
    assert rows["GM0096"]["class_index"] is None
    assert rows["GM0096"]["colour"] == body["no_data_colour"]


def test_classes_split_at_the_national_figure(client: TestClient) -> None:
    body = client.get("/api/values", params={"indicator": PER_1000, "period": "2024"}).json()
    legend = body["legend"]
    with_figure = [r for r in body["rows"] if r["figure"]["value"] is not None]
    assert sum(c["count"] for c in legend) == len(with_figure) == 339  # 3 small islands lack one
    national = body["national"]["value"]
    for c in legend:
        assert c["relation"] in ("below", "above")
        assert (c["upper"] <= national) if c["relation"] == "below" else (c["lower"] >= national)
    amsterdam = next(r for r in body["rows"] if r["code"] == "GM0363")
    assert amsterdam["class_index"] == len(legend) - 1
    assert amsterdam["colour"] == legend[-1]["colour"] != legend[0]["colour"]
    lowest = min(
        (r for r in body["rows"] if r["figure"]["value"] is not None),
        key=lambda r: r["figure"]["value"],
    )
    assert lowest["class_index"] == 0


def test_natural_breaks_differ_from_quantiles(client: TestClient) -> None:
    q = client.get("/api/values", params={"indicator": PER_1000}).json()["legend"]
    j = client.get(
        "/api/values", params={"indicator": PER_1000, "scheme": "natural_breaks"}
    ).json()["legend"]
    assert [c["upper"] for c in q] != [c["upper"] for c in j]


def test_wijk_values_within_a_gemeente_with_suppression(client: TestClient) -> None:
    body = client.get(
        "/api/values", params={"indicator": SECURE, "level": "wijk", "parent": "GM0599"}
    ).json()
    assert body["parent"]["name"] == "Rotterdam"
    assert all(r["code"].startswith("WK0599") for r in body["rows"])
    assert body["indicator"]["synthetic"] is True
    assert body["indicator"]["label"] == "synthetisch / synthetic"
    assert "synthetisch / synthetic" in body["indicator"]["source"]["citation"]
    statuses = {r["figure"]["status"] for r in body["rows"]}
    assert {"suppressed", "rounded", "ok"} <= statuses
    suppressed = next(r for r in body["rows"] if r["figure"]["status"] == "suppressed")
    assert suppressed["figure"]["display"] == "."
    assert suppressed["figure"]["value"] is None
    assert "onderdrukt" in suppressed["figure"]["note"]
    rounded = next(r for r in body["rows"] if r["figure"]["status"] == "rounded")
    assert rounded["figure"]["display"].startswith("≈ ")


def test_bad_parameters_are_readable_4xx(client: TestClient) -> None:
    cases = [
        ({"indicator": "nope"}, 404, "does not exist"),
        ({"indicator": PER_1000, "period": "2019"}, 404, "available: 2023, 2024"),
        ({"indicator": PER_1000, "period": "vorig jaar"}, 422, "is not a year (2024) or"),
        ({"indicator": PER_1000, "level": "provincie"}, 422, "level: Input should be 'gemeente'"),
        ({"indicator": PER_1000, "scheme": "random"}, 422, "should be 'quantiles'"),
        ({"indicator": PER_1000, "k": "99"}, 422, "k:"),
        ({"indicator": PER_1000, "parent": "GM0363"}, 422, "no parent region"),
        ({"indicator": SECURE, "level": "wijk", "parent": "GM9999"}, 404, "GM9999"),
    ]
    for params, status, text in cases:
        response = client.get("/api/values", params=params)
        assert response.status_code == status, (params, response.text)
        error = response.json()["error"]
        assert text in error["detail"], (params, error)
        assert error["path"] == "/api/values"


def test_trends_include_the_netherlands(client: TestClient) -> None:
    body = client.get(
        "/api/trends", params={"indicator": PER_1000, "regions": "GM0363,GM0599"}
    ).json()
    series = {s["region"]["code"]: s for s in body["series"]}
    assert set(series) == {"GM0363", "GM0599", "NL01"}
    assert [(p["year"], p["figure"]["value"]) for p in series["GM0363"]["points"]] == [
        (2023, 89.8),
        (2024, 89.4),
    ]
    assert (
        client.get("/api/trends", params={"indicator": PER_1000, "regions": "GM9999"}).status_code
        == 404
    )
