"""Pages: HTML and their JSON twins render the same model; errors are pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.smallbuild import SECURE

PER_1000 = "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"
PAGES = [
    "/",
    "/kaart",
    "/gemeente/GM0363",
    "/wijk/WK0363AA",
    "/vergelijk?regio=GM0363,GM0599",
    "/methodologie",
    "/zoekgebieden",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_html_and_json(client: TestClient, url: str) -> None:
    html = client.get(url)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in html.text
    json_url = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html.text)
    assert json_url is not None
    twin = client.get(json_url.group(1).replace("&amp;", "&"))
    assert twin.status_code == 200
    body = twin.json()
    assert body["page"]["path"] == url.split("?")[0]
    assert body["page"]["title"] in html.text.replace("&#39;", "'")


def test_profile_page_shows_figures_sources_and_children(client: TestClient) -> None:
    html = client.get("/gemeente/GM0363").text
    body = client.get("/gemeente/GM0363.json").json()
    card = next(
        c
        for t in body["profile"]["themes"]
        for c in t["cards"]
        if c["indicator"]["id"] == "opgehelderd_pct"
    )
    assert card["figure"]["display"] == "21,7"
    assert "21,7" in html and "23,5" in html and "index 92" in html
    assert f"{card['rank']} van 342" in html and "(1 = hoogste)" in html
    assert "Bron: CBS (83648NED), CC BY 4.0" in html
    assert 'href="/methodologie/veiligheid#opgehelderd_pct"' in html
    assert 'href="/kaart?niveau=wijk&amp;binnen=GM0363"' in html
    assert 'href="/wijk/WK0363AA"' in html
    # the 2023 -> 2024 trend as an inline SVG line, labelled for screen readers
    assert 'aria-label="Ontwikkeling 2023–2024: 24,5 → 21,7"' in html
    assert "<polyline points=" in html


def test_synthetic_and_suppressed_cells_are_marked(client: TestClient) -> None:
    body = client.get(f"/kaart.json?indicator={SECURE}&niveau=wijk&binnen=GM0363").json()
    rows = body["values"]["rows"]
    suppressed = next(r for r in rows if r["figure"]["status"] == "suppressed")
    html = client.get(f"/kaart?indicator={SECURE}&niveau=wijk&binnen=GM0363").text
    assert "synthetisch / synthetic" in html
    row_html = re.search(rf"{suppressed['code']}</td>.*?</tr>", html, re.S)
    assert row_html is not None
    assert "status-suppressed" in row_html.group(0) and ">.<" in row_html.group(0).replace(" ", "")
    assert "onderdrukt" in row_html.group(0)
    # The profile shows catalog indicators only (one profile path): this wijk has a
    # source variable but no catalog figure, so no card and no synthetic label.
    wijk = client.get("/wijk/WK0363AA")
    assert wijk.status_code == 200 and "WK0363AA" in wijk.text
    assert 'class="card"' not in wijk.text and "synthetisch / synthetic" not in wijk.text


def test_language_toggle_sets_a_cookie(client: TestClient) -> None:
    try:
        english = client.get("/gemeente/GM0363?lang=en")
        assert '<html lang="en">' in english.text
        assert "21.7" in english.text and "Compare" in english.text
        assert "Cleared-up crimes" in english.text
        assert english.cookies.get("lang") == "en"
        client.cookies.set("lang", "en")
        follow = client.get("/methodologie")
        assert "Methodology and sources" in follow.text
        back = client.get("/methodologie?lang=nl")
        assert "Methodologie en bronnen" in back.text
    finally:
        client.cookies.clear()


def test_map_page_references_versioned_vendor_files(client: TestClient) -> None:
    html = client.get("/kaart").text
    match = re.search(r'src="(/static/vendor/maplibre-gl-csp-\d+\.\d+\.\d+\.js)"', html)
    assert match is not None
    assert client.get(match.group(1)).status_code == 200
    assert (
        "cdn" not in html.lower()
        and "https://" not in html.split("<body", 1)[1].split("data-map=")[0]
    )


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/gemeente/GM9999", 404, "GM9999"),
        ("/gemeente/Amsterdam", 422, "is not a region code"),
        ("/kaart?niveau=provincie", 422, "level must be"),
        ("/kaart?indicator=nope", 404, "does not exist"),
        ("/kaart?k=100", 422, "k:"),
        ("/vergelijk?regio=GM0363,XX", 422, "not a region code"),
        ("/zoek?q=qqqqqq", 404, "qqqqqq"),
        ("/bestaat/niet", 404, "does not exist"),
        ("/zoekgebieden?thema=nope", 422, "thema must be"),
    ],
)
def test_errors_are_proper_pages(client: TestClient, url: str, status: int, text: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text and text in response.text.replace("&#39;", "'")
    assert 'href="/"' in response.text


def test_json_pages_answer_errors_in_json(client: TestClient) -> None:
    response = client.get("/gemeente/GM9999.json")
    assert response.status_code == 404
    assert response.json()["error"]["title"] == "Onbekende regio"


def test_level_mismatch_redirects_and_search_goes_to_the_best_match(client: TestClient) -> None:
    response = client.get("/gemeente/WK0363AA", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "/wijk/WK0363AA"
    found = client.get("/zoek?q=rotterdam", follow_redirects=False)
    assert found.headers["location"] == "/gemeente/GM0599"


def test_every_mark_is_explained_on_the_page(client: TestClient) -> None:
    """A suppressed cell shows ".o": the page says what "." and "o" mean, and no longer
    claims "nooit nul" beside figures that are 0."""
    for url in ("/gemeente/GM0363", f"/kaart?indicator={SECURE}&niveau=wijk&binnen=GM0363"):
        html = client.get(url).text
        assert "Nooit nul" not in html
        legend = html[html.index('id="marks-title"') :]
        for mark in ("o", "a", "v", "h", "g"):
            assert f'<sup class="mark">{mark}</sup>' in legend
        assert "onderdrukt" in legend and "Een 0 is een gemeten nul" in legend


def test_compare_table_has_index_header_and_aligned_periods(client: TestClient) -> None:
    body = client.get("/vergelijk.json?regio=GM0363,GM0599").json()
    for row in body["compare"]["rows"]:
        assert all(p == row["period"] for p in row["periods"] if p), row["indicator"]["id"]
    html = client.get("/vergelijk?regio=GM0363,GM0599").text
    assert html.count("waarde (index)") == 2
    assert "index tegenover Nederland (NL = 100)" in html


def test_profile_starts_with_what_stands_out(client: TestClient) -> None:
    html = client.get("/gemeente/GM0363").text
    body = client.get("/gemeente/GM0363.json").json()
    summary = html.index('id="summary-title"')
    assert html.index('<nav class="contents"') < summary < html.index('class="cards"')
    for theme in body["profile"]["themes"]:
        assert f'href="#theme-{theme["id"]}"' in html
        for h in theme["highlights"]:
            assert h["sentence"].split(":")[0] == h["indicator"]["title"]
    assert html.count('<details class="theme-details" open>') == len(body["profile"]["themes"])
    # Amsterdam clears up 21.7% of its crimes against 23.5% in NL: within 15%, no finding.
    assert not [h for t in body["profile"]["themes"] for h in t["highlights"]]
    westerwolde = client.get("/gemeente/GM1950.json").json()  # 40.8% (95%: 37.0-44.8)
    (found,) = [h for t in westerwolde["profile"]["themes"] for h in t["highlights"]]
    assert found["direction"] == "above" and found["indicator"]["id"] == "opgehelderd_pct"
    assert found["sentence"] == (
        "Opgehelderde misdrijven: 40,8 % van de misdrijven in 2024, "
        "1,7 keer zo hoog als in Nederland (23,5)."
    )
    rozendaal = client.get("/gemeente/GM0277.json").json()  # 9.1%, but onbetrouwbaar
    assert not [h for t in rozendaal["profile"]["themes"] for h in t["highlights"]]


def test_printable_summary_page(client: TestClient) -> None:
    html = client.get("/gemeente/GM0363/samenvatting")
    assert html.status_code == 200
    assert "Samenvatting: Amsterdam" in html.text and 'id="summary-title"' in html.text
    twin = client.get("/gemeente/GM0363/samenvatting.json").json()
    assert twin["profile"]["region"]["code"] == "GM0363"
    assert client.get("/wijk/GM0363/samenvatting").status_code == 404


def test_methodology_per_theme_says_shared_text_once_without_internal_ids(
    client: TestClient,
) -> None:
    index = client.get("/methodologie").text
    assert 'href="/methodologie/veiligheid"' in index and "file:" not in index
    page = client.get("/methodologie/veiligheid").text
    assert 'id="opgehelderd_pct"' in page and '<nav class="contents"' in page
    assert re.search(r"\b(secure|kwb|politie)\.[A-Za-z]", page) is None
    assert client.get("/methodologie/nope").status_code == 404


def test_a_build_without_risk_models_says_so(client: TestClient) -> None:
    """The small build holds no published models: the page explains how to add them, the
    API answers 404 with the same advice, the profile has no risk card."""
    page = client.get("/zoekgebieden")
    assert page.status_code == 200 and "secure models" in page.text and 'id="map"' not in page.text
    for url in ("/api/models", "/api/zoekgebieden/hennep/gemeente"):
        response = client.get(url)
        assert response.status_code == 404 and "secure models" in response.json()["error"]["detail"]
    assert client.get("/gemeente/GM0363.json").json()["risks"] == []
