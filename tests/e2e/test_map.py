"""The map renders the right colours in the right places, hovers and clicks."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page
from shapely.geometry import shape
from shapely.ops import polylabel

from tests.api.smallbuild import SECURE
from tests.e2e.conftest import screenshot, wait_for_map

pytestmark = pytest.mark.browser
PER_1000 = "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"


def _inside_point(
    base_url: str, level: str, code: str, parent: str | None = None
) -> tuple[float, float]:
    """A point deep inside a region's polygon (pole of inaccessibility)."""
    params = {"parent": parent} if parent else {}
    document = httpx.get(f"{base_url}/api/geometry/{level}/2024", params=params).json()
    feature = next(f for f in document["features"] if f["properties"]["code"] == code)
    geometry = shape(feature["geometry"])
    polygon = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    point = polylabel(polygon, tolerance=1e-5)
    return point.x, point.y


def _pixel(page: Page, lng: float, lat: float) -> tuple[int, int, int]:
    xy = page.evaluate("([lng, lat]) => window.buurtzichtMap.project([lng, lat])", [lng, lat])
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    pixel = image.getpixel((round(box["x"] + xy["x"]), round(box["y"] + xy["y"])))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_gemeente_map_colours_known_polygons(page: Page, base_url: str) -> None:
    values = httpx.get(f"{base_url}/api/values", params={"indicator": PER_1000}).json()
    rows = {r["code"]: r for r in values["rows"]}
    page.goto(f"/kaart?indicator={PER_1000}")
    wait_for_map(page)
    screenshot(page, "kaart-gemeenten")
    # Amsterdam: highest class, the darkest warm colour; a low one is blue; Vlieland has no figure
    for code in ("GM0363", "GM1876", "GM0096"):
        expected = rows[code]["colour"]
        seen = _pixel(page, *_inside_point(base_url, "gemeente", code))
        assert _close(seen, _rgb(expected)), (code, seen, expected)
    assert rows["GM0363"]["colour"] != rows["GM1876"]["colour"] != rows["GM0096"]["colour"]
    assert rows["GM0096"]["colour"] == values["no_data_colour"]


def test_hover_shows_value_and_click_opens_profile(page: Page, base_url: str) -> None:
    page.goto(f"/kaart?indicator={PER_1000}")
    wait_for_map(page)
    lng, lat = _inside_point(base_url, "gemeente", "GM0363")
    xy = page.evaluate("([lng, lat]) => window.buurtzichtMap.project([lng, lat])", [lng, lat])
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
    popup = page.locator(".maplibregl-popup-content")
    popup.wait_for(timeout=5000)
    assert "Amsterdam (GM0363)" in popup.inner_text()
    assert "89,4" in popup.inner_text()
    page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
    page.wait_for_url("**/gemeente/GM0363")
    assert page.locator("h1").inner_text().startswith("Amsterdam")


def test_drill_down_into_wijken_with_suppressed_cells(page: Page, base_url: str) -> None:
    values = httpx.get(
        f"{base_url}/api/values", params={"indicator": SECURE, "level": "wijk", "parent": "GM0363"}
    ).json()
    page.goto("/gemeente/GM0363")
    page.get_by_role("link", name="Wijken van deze gemeente op de kaart").click()
    page.wait_for_url("**/kaart?niveau=wijk&binnen=GM0363")
    page.goto(f"/kaart?indicator={SECURE}&niveau=wijk&binnen=GM0363")
    wait_for_map(page)
    screenshot(page, "kaart-wijken-amsterdam")
    assert "synthetisch / synthetic" in page.locator("h1").inner_text()
    suppressed = next(r for r in values["rows"] if r["figure"]["status"] == "suppressed")
    coloured = max(
        (r for r in values["rows"] if r["class_index"] is not None), key=lambda r: r["class_index"]
    )
    for row in (suppressed, coloured):
        point = _inside_point(base_url, "wijk", row["code"], parent="GM0363")
        assert _close(_pixel(page, *point), _rgb(row["colour"])), row


def test_hotspot_overlay(page: Page, base_url: str) -> None:
    # The clearance rate clusters significantly (Gi*, Benjamini-Hochberg) in 2024
    hotspots = httpx.get(
        f"{base_url}/api/hotspots", params={"indicator": "opgehelderd_pct"}, timeout=120
    ).json()
    hot = [r["code"] for r in hotspots["rows"] if r["hotspot_class"] == "hot"]
    calm = next(r["code"] for r in hotspots["rows"] if r["hotspot_class"] == "not significant")
    assert hot
    page.goto("/kaart?indicator=opgehelderd_pct")
    wait_for_map(page)
    page.get_by_label("Hotspots tonen (Getis-Ord Gi*)").check()
    page.wait_for_selector("#map[data-hotspots='shown']", timeout=60_000)
    state = "(code) => window.buurtzichtMap.getFeatureState({source: 'areas', id: code}).hotspot"
    assert page.evaluate(state, hot[0]) == "hot"
    assert page.evaluate(state, calm) in (None, "")
    screenshot(page, "kaart-hotspots")
    page.get_by_label("Hotspots tonen (Getis-Ord Gi*)").uncheck()
    page.wait_for_selector("#map[data-hotspots='hidden']")
    assert page.evaluate(state, hot[0]) in (None, "")
