"""Geometry payloads (gzip, ETag, 304) and exports parsed back."""

from __future__ import annotations

import csv
import gzip
import io
import json

import httpx
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.smallbuild import SECURE

PER_1000 = "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"


def _raw_get(client: TestClient, url: str, headers: dict[str, str]) -> httpx.Response:
    # Read the bytes as sent: the test client would otherwise decompress them.
    with client.stream("GET", url, headers=headers) as response:
        response.raw_bytes = b"".join(response.iter_raw())  # type: ignore[attr-defined]
        return response


def test_wijk_geometry_is_gzipped_small_and_cacheable(client: TestClient) -> None:
    response = _raw_get(client, "/api/geometry/wijk/2024", {"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "application/geo+json"
    size = len(response.raw_bytes)  # type: ignore[attr-defined]
    assert 100_000 < size <= 1_500_000
    document = json.loads(gzip.decompress(response.raw_bytes))  # type: ignore[attr-defined]
    codes = {f["properties"]["code"] for f in document["features"]}
    assert "WK0363AA" in codes and len(codes) == int(response.headers["x-features"])
    etag = response.headers["etag"]
    assert "max-age" in response.headers["cache-control"]
    again = client.get("/api/geometry/wijk/2024", headers={"if-none-match": etag})
    assert again.status_code == 304


def test_geometry_within_a_gemeente(client: TestClient) -> None:
    document = client.get("/api/geometry/wijk/2024", params={"parent": "GM0363"}).json()
    codes = [f["properties"]["code"] for f in document["features"]]
    assert codes and all(c.startswith("WK0363") for c in codes)


def test_missing_geometry_is_404(client: TestClient) -> None:
    response = client.get("/api/geometry/wijk/2019")
    assert response.status_code == 404
    assert "gemeente 2024" in response.json()["error"]["detail"]
    assert client.get("/api/geometry/provincie/2024").status_code == 422
    assert client.get("/api/geometry/gemeente/twintig").status_code == 422


def test_csv_for_dutch_excel(client: TestClient) -> None:
    response = client.get(
        "/api/exports/values.csv", params={"indicator": PER_1000, "period": "2024"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_code = {r["regiocode"]: r for r in rows}
    assert by_code["GM0363"]["waarde"] == "89,4"
    assert by_code["GM0363"]["regionaam"] == "Amsterdam"
    assert by_code["GM0096"]["waarde"] == "."
    assert by_code["GM0363"]["bron"] == "Bron: CBS (83648NED), CC BY 4.0"


def test_xlsx_with_numbers_and_a_source_sheet(client: TestClient) -> None:
    response = client.get(
        "/api/exports/values.xlsx",
        params={"indicator": SECURE, "level": "wijk", "parent": "GM0363"},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    data = book["Gegevens"]
    header = [c.value for c in data[1]]
    rows = [
        dict(zip(header, [c.value for c in row], strict=True)) for row in data.iter_rows(min_row=2)
    ]
    assert all(r["regiocode"].startswith("WK0363") for r in rows)
    assert any(isinstance(r["waarde"], int | float) for r in rows)
    assert all(r["waarde"] == "." for r in rows if r["status"] == "suppressed")
    facts = {row[0].value: row[1].value for row in book["Bron"].iter_rows()}
    assert facts["let op"] == "synthetisch / synthetic"
    assert facts["licentie"] == "CC BY 4.0"


def test_english_csv_uses_commas_and_points(client: TestClient) -> None:
    response = client.get("/api/exports/values.csv", params={"indicator": PER_1000, "lang": "en"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert next(r for r in rows if r["region_code"] == "GM0363")["value"] == "89.4"
