"""Composite indexes in a real browser: selectable on the map with their legend and
weights, and a card on the profile with the value the analysis function computes on the
same warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from buurtzicht.analysis.composite import composite_index
from buurtzicht.api.schemas.card import format_number
from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.warehouse.current import open_current
from tests.e2e.conftest import screenshot, wait_for_map

pytestmark = pytest.mark.browser

CODE = "GM0518"  # 's-Gravenhage


@pytest.fixture(scope="module")
def expected(e2e_home: Path):  # type: ignore[no-untyped-def]
    conn = open_current(Settings(home=e2e_home))
    try:
        return composite_index(conn, "veiligheidsindex", "gemeente")
    finally:
        conn.close()


def test_composite_on_the_map(page: Page, expected) -> None:  # type: ignore[no-untyped-def]
    page.goto("/kaart")
    page.select_option("#indicator", "veiligheidsindex")
    page.click("form.controls button[type=submit]")
    wait_for_map(page)
    row = page.locator(f"#values-table tr[data-code='{CODE}']")
    assert row.get_attribute("data-display") == format_number(expected.scores[CODE], 0, "nl")
    colour = row.get_attribute("data-colour")
    drawn = page.evaluate(
        f"window.buurtzichtMap.getFeatureState({{source: 'areas', id: '{CODE}'}}).colour"
    )
    assert drawn == colour
    weights = page.locator(".composite-weights li")
    comp = default_catalog().composite("veiligheidsindex")
    assert weights.count() == len(comp.components)
    assert "(2,0)" in weights.first.inner_text()
    assert "Nederland = 100" in page.locator(".legend").inner_text()
    screenshot(page, "composite-map")


def test_composite_on_the_profile(page: Page, expected) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/gemeente/{CODE}")
    card = page.locator("article[data-composite='veiligheidsindex']")
    assert float(card.get_attribute("data-value") or "nan") == pytest.approx(expected.scores[CODE])
    assert format_number(expected.scores[CODE], 0, "nl") in card.locator(".value").inner_text()
    rank = int(expected.ranks[CODE])
    assert f"{rank} van 342" in card.inner_text()
    rows = card.locator("tr[data-component]")
    weights = {
        rows.nth(n).get_attribute("data-component"): float(
            rows.nth(n).get_attribute("data-weight") or 0
        )
        for n in range(rows.count())
    }
    comp = default_catalog().composite("veiligheidsindex")
    assert weights == {c.indicator: c.weight for c in comp.components}
    assert "500 willekeurige gewichten" in card.inner_text()
    card.scroll_into_view_if_needed()
    screenshot(page, "composite-profile")
    card.get_by_role("link", name="Op de kaart").click()
    wait_for_map(page)
    assert page.locator("#indicator").input_value() == "veiligheidsindex"
