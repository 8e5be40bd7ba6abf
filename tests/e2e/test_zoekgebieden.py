"""The Zoekgebieden page in a real browser: the map coloured by risk class, and the
explanation of an area on click (in the popup and the detail panel)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import screenshot, wait_for_map

pytestmark = pytest.mark.browser

THEMES = ("hennep", "doorsluiswoningen", "onverklaarbaar_bezit", "witwas")
#: A pixel of the canvas whose top feature of the fill layer is the area ``code``.
FIND_PIXEL = """(code) => {
  const map = window.buurtzichtMap;
  const canvas = map.getCanvas();
  const w = canvas.clientWidth, h = canvas.clientHeight;
  for (let y = 4; y < h; y += 4) {
    for (let x = 4; x < w; x += 4) {
      const hit = map.queryRenderedFeatures([x, y], {layers: ['fill']});
      if (hit.length && hit[0].properties.code === code) return [x, y];
    }
  }
  return null;
}"""


def _explained_area(base_url: str) -> tuple[str, dict[str, object]]:
    """A theme with a wijk whose class was published with an explanation."""
    for theme in THEMES:
        response = httpx.get(f"{base_url}/api/zoekgebieden/{theme}/wijk", timeout=30)
        if response.status_code != 200:
            continue
        rows = response.json()["rows"]
        explained = [r for r in rows if r["factoren"]]
        if explained:
            return theme, explained[0]
    pytest.fail("the e2e build has no wijk with a published, explained risk class")


def test_the_map_shows_classes_and_an_explanation_on_click(page: Page, base_url: str) -> None:
    theme, row = _explained_area(base_url)
    response = page.goto(f"/zoekgebieden?thema={theme}&niveau=wijk")
    assert response is not None and response.status == 200
    wait_for_map(page)
    colours = page.evaluate(
        """() => [...document.querySelectorAll('#values-table tbody tr[data-code]')].map(
            (tr) => [tr.dataset.colour,
                     window.buurtzichtMap.getFeatureState({source: 'areas', id: tr.dataset.code}).colour])"""
    )
    assert colours and all(expected == drawn for expected, drawn in colours)
    assert {c for c, _ in colours} <= {"#d7301f", "#fc8d59", "#fdd49e"}
    code = str(row["code"])
    pixel = page.evaluate(FIND_PIXEL, code)
    assert pixel is not None, f"{code} is not drawn"
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
    detail = page.locator("#map-detail [data-detail]")
    detail.wait_for(state="attached")
    page.wait_for_function(
        "(code) => document.querySelector('#map-detail [data-detail]').dataset.code === code",
        arg=code,
    )
    assert str(row["explanation"]) in detail.inner_text()
    popup = page.locator(".maplibregl-popup-content")
    assert str(row["explanation"]) in popup.inner_text()
    assert page.url.endswith("niveau=wijk")  # the first click explains, it does not navigate
    screenshot(page, "zoekgebieden-click")
