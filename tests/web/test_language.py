"""The English pages hold no Dutch interface text: every visible string of the templates
comes from the English texts (region names and Dutch domain terms aside)."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from buurtzicht.web.i18n import TEXTS
from tests.api.smallbuild import SECURE

PAGES = [
    "/",
    "/kaart",
    f"/kaart?indicator={SECURE}&niveau=wijk&binnen=GM0363",
    "/ranglijst",
    "/gemeente/GM0363",
    "/gemeente/GM0363/samenvatting",
    "/wijk/WK0363AA",
    "/vergelijk?regio=GM0363,GM0599",
    "/methodologie",
    "/methodologie/veiligheid",
    "/zoekgebieden",
    "/zoek?q=3011",
    "/gemeente/GM9876",
]


def _visible(page: str) -> str:
    """The visible text, without data that has no English: region names (links to
    profiles) and the titles of raw source variables, which CBS publishes in Dutch only."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<a href="/(?:gemeente|wijk|buurt)/[^"]*">[^<]*</a>', " ", page)
    page = re.sub(r'<option value="[a-z_]+\.[^"]*"[^>]*>[^<]*</option>', " ", page)
    page = re.sub(r"<tr id=\"[a-z_]+\.[^\"]*\">.*?</tr>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


#: Dutch domain terms the English texts use too ("Find a gemeente", "Wijken on the map").
DOMAIN_TERMS = {"gemeente", "gemeenten", "wijk", "wijken", "buurt", "buurten"}


def _dutch_texts() -> dict[str, str]:
    """Interface texts whose Dutch differs from the English (without placeholders)."""
    out = {}
    for key, nl in TEXTS["nl"].items():
        plain = re.sub(r"\{[^}]*\}|%s", "", nl).strip()
        if nl != TEXTS["en"].get(key) and len(plain) >= 4 and plain.lower() not in DOMAIN_TERMS:
            out[key] = plain
    return out


@pytest.mark.parametrize("url", PAGES)
def test_english_pages_have_no_dutch_interface_text(client: TestClient, url: str) -> None:
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}lang=en")
    assert '<html lang="en">' in response.text
    text = _visible(response.text)
    found = {
        key: nl
        for key, nl in _dutch_texts().items()
        for part in re.split(r"\s{2,}", nl)
        if len(part) >= 4 and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text)
    }
    assert found == {}
    for word in ("Bron:", "betrouwbaar", "Vergelijkingsgroep", "Nederland (", "waarde (index)"):
        assert word not in text, word
