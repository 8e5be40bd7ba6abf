"""Search -> profile -> compare, the language toggle and downloads, as a user does it."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, wait_for_map

pytestmark = pytest.mark.browser


def test_search_profile_compare_with_the_keyboard(page: Page, base_url: str) -> None:
    compared = httpx.get(f"{base_url}/api/compare", params={"regions": "GM0599,GM0363"}).json()
    crime = next(r for r in compared["rows"] if r["indicator"]["id"] == "misdrijven_per_1000")
    rotterdam, amsterdam = (f["display"] for f in crime["figures"])
    page.goto("/")
    screenshot(page, "home")
    search = page.get_by_role("combobox", name="Zoek een gemeente, wijk of buurt")
    search.focus()
    page.keyboard.type("Rotterd")
    option = page.get_by_role("option").first
    # The list of an earlier keystroke ("R") may still show: wait for the one of "Rotterd".
    expect(option).to_contain_text("Rotterdam")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gemeente/GM0599")
    assert page.locator(".sparkline svg polyline").count() >= 1
    screenshot(page, "profiel-rotterdam")
    assert page.locator("h1").inner_text().startswith("Rotterdam")
    card = page.locator("article.card", has_text=crime["indicator"]["title"]).first
    assert rotterdam in card.inner_text() and "index" in card.inner_text()

    page.locator("p.actions").get_by_role("link", name="Vergelijken").click()
    page.wait_for_url("**/vergelijk?regio=GM0599")
    add = page.get_by_role("combobox", name="Voeg een regio toe")
    add.fill("Amsterdam")
    page.get_by_role("option", name="Amsterdam gemeente · GM0363", exact=True).click()
    page.wait_for_url("**/vergelijk?regio=GM0599,GM0363")
    page.locator("#compare-chart svg").wait_for()
    screenshot(page, "vergelijk")
    table = page.locator("table.compare-table")
    headers = table.locator("thead th").all_inner_texts()
    assert [h.split("\n")[0] for h in headers[2:]] == ["Rotterdam", "Amsterdam", "Nederland"]
    assert "waarde (index)" in headers[2]  # the index column says what it holds
    row = table.locator("tbody tr", has_text=crime["indicator"]["title"]).first.inner_text()
    assert rotterdam in row and amsterdam in row and crime["national"]["display"] in row
    lines = page.locator("#compare-chart svg path[aria-roledescription='line mark']")
    assert lines.count() == 3  # Rotterdam, Amsterdam and the Netherlands
    _lines_break_where_figures_are_missing(page, base_url)


def _lines_break_where_figures_are_missing(page: Page, base_url: str) -> None:
    """Each line has one piece per stretch of successive years with a figure (the mirror's
    crime rate: 2012 alone, then 2017-2024), never a straight segment across 2013-2016;
    the years without any figure are a labelled band and named under the chart."""
    params = {"indicator": "misdrijven_per_1000", "regions": "GM0599,GM0363"}
    series = httpx.get(f"{base_url}/api/trends", params=params).json()["series"]
    stretches = []
    for s in series:
        years = sorted(p["year"] for p in s["points"] if p["figure"]["value"] is not None)
        stretches.append(1 + sum(b - a > 1 for a, b in itertools.pairwise(years)))
    assert min(stretches) >= 2  # the mirror has a gap: the check below can fail
    paths = page.locator("#compare-chart svg path[aria-roledescription='line mark']")
    pieces = [d.count("M") for d in paths.evaluate_all("ps => ps.map(p => p.getAttribute('d'))")]
    assert sorted(pieces) == sorted(stretches)
    assert "geen cijfers" in (page.locator("#compare-chart svg").text_content() or "")
    assert "Geen cijfers voor 2013–2016 (grijze band)." in page.locator(".chart-note").inner_text()


def test_language_toggle(page: Page) -> None:
    page.goto("/gemeente/GM0363")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "Geregistreerde misdrijven" in page.locator("main").inner_text()
    page.get_by_role("link", name="Switch to English").click()
    page.wait_for_url("**/gemeente/GM0363?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Registered crimes" in page.locator("main").inner_text()
    screenshot(page, "profile-amsterdam-en")
    page.get_by_role("link", name="Methodology and sources").first.click()
    page.wait_for_url("**/methodologie")
    assert page.locator("h1").inner_text() == "Methodology and sources"  # kept by the cookie
    page.get_by_role("link", name="Schakel naar Nederlands").click()
    assert page.locator("h1").inner_text() == "Methodologie en bronnen"


def test_exports_download_and_parse(page: Page, tmp_path: Path) -> None:
    page.goto("/kaart?indicator=misdrijven.GeregistreerdeMisdrijvenPer1000Inw&jaar=2023")
    wait_for_map(page)
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(path)
    assert path.name.endswith("_gemeente_2023JJ00.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {
        r["regiocode"]: r
        for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    }
    assert rows["GM0363"]["waarde"] == "89,8"  # CBS 83648NED, Amsterdam 2023
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download Excel").click()
    xlsx = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx)
    sheet = load_workbook(xlsx)["Gegevens"]
    values = {row[0].value: row[5].value for row in sheet.iter_rows(min_row=2)}
    assert values["GM0363"] == pytest.approx(89.8)
