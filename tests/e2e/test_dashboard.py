"""The analyst's dashboard in a real browser: search as people type, the printable
summary, touch on the map, and no console error or failed request on any page."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from buurtzicht.config import Settings
from buurtzicht.warehouse.current import open_current
from tests.e2e.conftest import CSP_LISTENER, screenshot, wait_for_map

pytestmark = pytest.mark.browser

#: Every kind of page, in both languages, including map pages that show only a table.
PAGES = [
    "/",
    "/kaart",
    "/kaart?niveau=wijk&binnen=GM0599",
    "/kaart?niveau=buurt&binnen=GM0363&indicator=drugs_verdachten_per_10000",
    "/kaart?indicator=misdrijven_per_1000&niveau=wijk&binnen=GM0014",
    "/ranglijst",
    "/gemeente/GM0599",
    "/gemeente/GM0599/samenvatting",
    "/wijk/WK059901",
    "/buurt/BU03630000",
    "/vergelijk?regio=GM0599,GM0518",
    "/methodologie",
    "/methodologie/drugs",
    "/zoekgebieden",
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_no_console_error_or_failed_request(
    browser: Browser, base_url: str, url: str, lang: str
) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    separator = "&" if "?" in url else "?"
    response = page.goto(f"{url}{separator}lang={lang}")
    assert response is not None and response.status == 200
    if page.locator("#map").count():
        wait_for_map(page)
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang
    violations = page.evaluate("window.__cspViolations")
    context.close()
    assert problems == [] and violations == []


def test_search_as_people_type(page: Page) -> None:
    page.goto("/")
    search = page.get_by_role("combobox", name="Zoek een gemeente, wijk of buurt")
    search.focus()
    page.keyboard.type("Den Haag")
    option = page.get_by_role("option").first
    option.wait_for()
    assert "'s-Gravenhage" in option.inner_text() and "officieel" in option.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/gemeente/GM0518")
    search = page.get_by_role("combobox", name="Zoek een gemeente, wijk of buurt")
    page.goto("/?lang=en")
    search = page.get_by_role("combobox", name="Find a gemeente, wijk or buurt")
    search.fill("Weesp")
    option = page.get_by_role("option").first
    option.wait_for()
    assert "merged into Amsterdam" in option.inner_text()
    search.fill("Amsterdm")
    page.get_by_role("option", name=re.compile(r"^Amsterdam municipality")).wait_for()


def test_summary_prints_on_at_most_four_pages(page: Page) -> None:
    page.goto("/gemeente/GM0599/samenvatting")
    assert page.locator("svg.minimap path").count() > 10  # the wijken of Rotterdam
    assert page.locator(".summary .highlight").count() >= 5
    screenshot(page, "samenvatting-rotterdam")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 4, pages


def test_profile_themes_collapse_and_contents_link_to_them(page: Page) -> None:
    page.goto("/gemeente/GM0599")
    first = page.locator("details.theme-details").first
    assert first.get_attribute("open") is not None
    first.locator("summary").click()
    assert first.get_attribute("open") is None
    page.locator("nav.contents").get_by_role("link", name="Veiligheid").click()
    page.wait_for_url("**/gemeente/GM0599#theme-veiligheid")


def test_a_tap_shows_the_value_first(browser: Browser, base_url: str) -> None:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto("/kaart")
    wait_for_map(page)
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.55
    page.touchscreen.tap(x, y)
    popup = page.locator(".maplibregl-popup")
    popup.wait_for()
    assert page.url.endswith("/kaart")  # still on the map: the value is shown first
    code = page.locator("#map").get_attribute("data-tapped")
    assert code and code in popup.inner_text()
    assert (
        popup.get_by_role("link", name="Open het profiel").get_attribute("href")
        == f"/gemeente/{code}"
    )
    screenshot(page, "kaart-tik-telefoon")
    # The popup now sits over the tapped spot: its link (a tap on it) opens the profile.
    popup.get_by_role("link", name="Open het profiel").tap()
    page.wait_for_url(f"**/gemeente/{code}")
    context.close()


def _suppressed_buurten(e2e_home: Path) -> dict[str, str]:
    """Reason -> a buurt of Amsterdam whose drug suspects were suppressed for it."""
    settings = Settings(home=e2e_home)
    with open_current(settings) as conn:
        rows = conn.execute(
            "SELECT reason, min(region) FROM secure_suppressions "
            "WHERE region LIKE 'BU0363%' GROUP BY reason"
        ).fetchall()
    return {str(reason): str(code) for reason, code in rows}


def test_a_suppressed_figure_says_why_on_the_card(page: Page, e2e_home: Path) -> None:
    """The reason is on the card itself (a tooltip does not exist on a phone), and a
    complementary suppression is not explained as a small number."""
    buurten = _suppressed_buurten(e2e_home)
    assert {"min_units", "secondary"} <= set(buurten)
    card = "article.card[data-indicator='drugs_verdachten_per_10000']"
    page.goto(f"/buurt/{buurten['min_units']}")
    reason = page.locator(f"{card} .suppression-reason")
    assert reason.get_attribute("data-reason") == "min_units"
    assert "te weinig personen, adressen of bedrijven" in reason.inner_text()
    page.goto(f"/buurt/{buurten['secondary']}")
    reason = page.locator(f"{card} .suppression-reason")
    assert reason.get_attribute("data-reason") == "secondary"
    assert "aanvullend onderdrukt" in reason.inner_text()
    assert page.locator(f"{card} .rare-note").count() == 0
    screenshot(page, "buurt-onderdrukt-aanvullend")


#: Pages with wide content (tables, risk explanations) that must fit a phone's width.
PHONE_PAGES = [
    "/zoekgebieden",
    "/zoekgebieden?niveau=wijk",
    "/gemeente/GM0599",
    "/buurt/BU03630000",
    "/vergelijk?regio=GM0599,GM0518",
    "/methodologie/drugs",
]


@pytest.mark.parametrize("url", PHONE_PAGES)
def test_no_page_is_wider_than_a_phone(browser: Browser, base_url: str, url: str) -> None:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390, f"{url} is {width} px wide on a 390 px phone"


def test_a_wijk_profile_says_why_composites_are_per_gemeente(page: Page) -> None:
    page.goto("/wijk/WK059901")
    section = page.locator("section.composites-gemeente-only")
    assert "alleen per gemeente" in section.inner_text()
    assert section.get_by_role("link").get_attribute("href") == "/gemeente/GM0599#composites-title"
    page.goto("/kaart?indicator=veiligheidsindex&niveau=wijk&binnen=GM0599")
    notices = page.locator(".notice").all_inner_texts()
    assert any("Samengestelde indexen bestaan alleen per gemeente" in n for n in notices)


def test_group_values_say_how_many_members_have_a_figure(base_url: str) -> None:
    """The peer and similar values carry their number of members with a figure, which a
    pooled 0 on the card states ('in geen van de 5 gebieden met een cijfer')."""
    body = httpx.get(f"{base_url}/gemeente/GM0599.json").json()
    cards = [c for t in body["profile"]["themes"] for c in t["cards"]]
    similar = len(body["profile"]["similar_regions"])
    assert any(c["peers"] for c in cards) and any(c["similar"] for c in cards)
    for card in cards:
        assert (card["peers_n"] is None) == (card["peers"] is None), card["indicator"]["id"]
        if card["similar"]:
            assert 1 <= card["similar_n"] <= similar, card["indicator"]["id"]


def test_compare_on_a_phone_shows_every_region_and_the_index_note(
    browser: Browser, base_url: str
) -> None:
    """At 390 px the chart's legend held one row: after the third region the names fell
    off the screen; the index note, the table's caption, was cut off with the table."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto("/vergelijk?regio=GM0518,GM0363,GM0392,GM0546,GM0772,GM0202")
    page.locator("#compare-chart svg").wait_for()
    labels = page.locator("#compare-chart svg .role-legend-label text").evaluate_all(
        "ts => ts.map(t => [t.textContent, t.getBoundingClientRect().right])"
    )
    note = page.locator(".index-note").evaluate("e => e.getBoundingClientRect().right")
    context.close()
    assert len(labels) == 7  # six gemeenten and Nederland
    assert all(right <= 390 for _, right in labels), labels
    assert note <= 390
