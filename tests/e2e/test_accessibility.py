"""axe-core (from npm) on every page: no serious or critical WCAG 2.1 AA violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import AXE, screenshot, wait_for_map

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "kaart": "/kaart",
    "kaart-wijken": "/kaart?niveau=wijk&binnen=GM0599&indicator=secure.vastgoed.test_doorsluiswoningen",
    "kaart-buurten": "/kaart?niveau=buurt&binnen=GM0014&indicator=bevolkingsdichtheid",
    "kaart-buurten-nl": "/kaart?niveau=buurt&indicator=bevolkingsdichtheid",
    "ranglijst": "/ranglijst?niveau=wijk&binnen=GM0014&indicator=bevolkingsdichtheid",
    "gemeente": "/gemeente/GM0363",
    "samenvatting": "/gemeente/GM0599/samenvatting",
    "wijk": "/wijk/WK0363AA",
    "vergelijk": "/vergelijk?regio=GM0363,GM0599",
    "methodologie": "/methodologie",
    "zoekgebieden": "/zoekgebieden",
    "fout-404": "/gemeente/GM9876",
    "home-en": "/?lang=en",
}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(page: Page, name: str, viewport: str) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run 'make node' (make test does it)", pytrace=False)
    # An init script, not a <script> tag: the page's CSP allows no inline script.
    page.context.add_init_script(path=str(AXE))
    if viewport == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(PAGES[name])
    assert response is not None
    assert response.status == (404 if name == "fout-404" else 200)
    if name.startswith("kaart") or page.locator("#map").count():
        wait_for_map(page)
    page.wait_for_load_state("networkidle")
    screenshot(page, f"axe-{name}" + ("-phone" if viewport == "phone" else ""))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert result["passes"], "axe ran no checks"
