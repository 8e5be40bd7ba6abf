"""Buurt maps, the click-only drill-down and the rankings table, in Chromium on the full
mirror build (tests/e2e/conftest.py)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page

from tests.api.smallbuild import SECURE_INDICATOR
from tests.e2e.conftest import screenshot, wait_for_map
from tests.e2e.test_map import _close, _inside_point, _pixel, _rgb

pytestmark = pytest.mark.browser
DENSITY = "bevolkingsdichtheid"


def _coloured_rows(base_url: str, params: dict[str, str]) -> list[dict]:
    values = httpx.get(f"{base_url}/api/values", params=params, timeout=60).json()
    return values["rows"]


def test_buurt_map_of_a_gemeente_colours_known_polygons(page: Page, base_url: str) -> None:
    params = {"indicator": DENSITY, "level": "buurt", "parent": "GM0014"}
    rows = _coloured_rows(base_url, params)
    drawn = {r["code"]: r for r in rows if r["boundary"]}
    highest = max((r for r in drawn.values() if r["class_index"] is not None),
                  key=lambda r: (r["class_index"], r["figure"]["value"]))  # fmt: skip
    lowest = min((r for r in drawn.values() if r["class_index"] is not None),
                 key=lambda r: (r["class_index"], r["figure"]["value"]))  # fmt: skip
    assert highest["colour"] != lowest["colour"]
    page.goto(f"/kaart?indicator={DENSITY}&niveau=buurt&binnen=GM0014")
    wait_for_map(page)
    screenshot(page, "kaart-buurten-groningen")
    for row in (highest, lowest):
        point = _inside_point(base_url, "buurt", row["code"], parent="GM0014")
        assert _close(_pixel(page, *point), _rgb(row["colour"])), row
    note = page.locator(".boundary-notes").inner_text()
    assert "grenzen 2019 (CBS)" in note
    # Buurten without a boundary stay in the table, with the reason (Groningen has
    # buurten whose 2019 boundary lies outside their wijk of 2024).
    missing = [r for r in rows if not r["boundary"]]
    assert missing and {r["no_boundary"] for r in missing} <= {"moved", "no_boundary"}
    row = page.locator(f"#values-table tr[data-code='{missing[0]['code']}']")
    assert "geen grens" in (row.text_content() or "")
    assert "geen grens" in note


def test_national_buurt_map_draws_vector_tiles(page: Page, base_url: str) -> None:
    rows = {
        r["code"]: r for r in _coloured_rows(base_url, {"indicator": DENSITY, "level": "buurt"})
    }
    page.goto(f"/kaart?indicator={DENSITY}&niveau=buurt")
    wait_for_map(page)
    screenshot(page, "kaart-buurten-nederland")
    assert page.locator("#map").get_attribute("data-tiles")
    # Zoom onto Groningen's city centre (tiles of zoom 10) and check a known buurt.
    code = "BU00140000"
    point = _inside_point(base_url, "buurt", code, parent="GM0014")
    page.evaluate(
        "([lng, lat]) => new Promise((done) => {"
        " window.buurtzichtMap.once('idle', done);"
        " window.buurtzichtMap.jumpTo({center: [lng, lat], zoom: 14}); })",
        list(point),
    )
    assert _close(_pixel(page, *point), _rgb(rows[code]["colour"])), rows[code]


def _click_region(page: Page, base_url: str, level: str, code: str, parent: str) -> None:
    lng, lat = _inside_point(base_url, level, code, parent=parent)
    xy = page.evaluate("([lng, lat]) => window.buurtzichtMap.project([lng, lat])", [lng, lat])
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])


def test_click_only_drill_down_to_a_buurt_with_secure_figures(page: Page, base_url: str) -> None:
    page.goto("/gemeente/GM0363")
    page.get_by_role("link", name="Wijken van deze gemeente op de kaart").click()
    page.wait_for_url("**/kaart?niveau=wijk&binnen=GM0363")
    wait_for_map(page)
    assert page.locator("#map").get_attribute("data-geometry") == (
        "/api/geometry/wijk/2024?parent=GM0363"
    )
    _click_region(page, base_url, "wijk", "WK0363AD", "GM0363")
    page.wait_for_url("**/wijk/WK0363AD")
    page.get_by_role("link", name="Buurten van deze wijk op de kaart").click()
    page.wait_for_url("**/kaart?niveau=buurt&binnen=WK0363AD")
    wait_for_map(page)
    screenshot(page, "kaart-buurten-wijk")
    _click_region(page, base_url, "buurt", "BU0363AD03", "WK0363AD")
    page.wait_for_url("**/buurt/BU0363AD03")
    profile = httpx.get(f"{base_url}/api/profile/BU0363AD03", timeout=60).json()
    card = next(
        c for t in profile["themes"] for c in t["cards"] if c["indicator"]["id"] == SECURE_INDICATOR
    )
    shown = page.locator("article.card", has_text=card["indicator"]["title"]).first
    assert "synthetisch / synthetic" in shown.inner_text()
    assert card["figure"]["display"] in shown.inner_text()
    screenshot(page, "profiel-buurt")


def test_ranking_table_sorts_with_the_keyboard(page: Page, base_url: str) -> None:
    page.goto(f"/ranglijst?indicator={SECURE_INDICATOR}&niveau=buurt&binnen=WK0363AD")
    table = page.locator("#ranking-table")
    ranks = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.rank)")
    assert ranks[0] == "1" and "" in ranks and ranks[-1] == ""  # suppressed last
    assert "1 = hoogste" in table.locator("thead").inner_text()
    page.locator("#ranking-table th[data-key='name'] button").focus()
    page.keyboard.press("Enter")
    assert table.get_attribute("data-sorted") == "name:ascending"
    names = table.locator("tbody tr").evaluate_all(
        "rows => rows.filter(r => r.dataset.rank !== '').map(r => r.dataset.name)"
    )
    assert names == sorted(names, key=str.lower)
    page.keyboard.press("Tab")  # to the next header: value
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # index, ascending
    page.keyboard.press("Space")  # and descending
    assert table.get_attribute("data-sorted") == "index:descending"
    header = table.locator("th[data-key='index']")
    assert header.get_attribute("aria-sort") == "descending"
    indexes = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.rank, r.dataset.index])"
    )
    ranked = [float(i) for r, i in indexes if r != ""]
    assert ranked == sorted(ranked, reverse=True)
    assert all(r == "" for r, _ in indexes[len(ranked) :])  # suppressed stay last
    screenshot(page, "ranglijst")
