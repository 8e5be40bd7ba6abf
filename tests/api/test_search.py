"""Search as people type, on the real build of the whole mirror: common names, typos,
former gemeenten, and messages in the page's language."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.services.search import Entry, build_index, find
from buurtzicht.config import Settings
from buurtzicht.queries.regions import search_names
from buurtzicht.warehouse.current import current_path

LEVELS = ("gemeente", "wijk", "buurt")


@pytest.fixture(scope="module")
def index(mirror_build: Settings) -> Iterator[tuple[Entry, ...]]:
    with duckdb.connect(str(current_path(mirror_build)), read_only=True) as conn:
        yield build_index(search_names(conn))


def first(index: tuple[Entry, ...], query: str) -> Entry:
    hits = find(index, query, levels=LEVELS, limit=8)
    assert hits, query
    return hits[0]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Den Haag", "GM0518"),  # 's-Gravenhage
        ("den bosch", "GM0796"),  # 's-Hertogenbosch
        ("Sudwest Fryslan", "GM1900"),  # Súdwest-Fryslân, typed without accents
        ("Amsterdm", "GM0363"),  # a typo
        ("Rotterdm", "GM0599"),
        ("Groningne", "GM0014"),
        ("gm0599", "GM0599"),
    ],
)
def test_names_people_type(index: tuple[Entry, ...], query: str, code: str) -> None:
    assert first(index, query).code == code


def test_common_names_say_the_official_one(index: tuple[Entry, ...]) -> None:
    hit = first(index, "Den Haag")
    assert hit.alias == "Den Haag" and hit.name == "'s-Gravenhage"


def test_former_gemeenten_point_to_where_they_went(index: tuple[Entry, ...]) -> None:
    weesp = first(index, "Weesp")  # before: a wijk of Amsterdam, without a word why
    assert (weesp.code, weesp.last_indeling, weesp.gemeente) == ("GM0457", 2022, "GM0363")
    haaren = first(index, "Haaren")  # split over four gemeenten in 2021
    assert haaren.code == "GM0788" and haaren.share is not None and haaren.share < 0.9


def test_exact_names_beat_fuzzy_ones(index: tuple[Entry, ...]) -> None:
    hits = find(index, "Ede", levels=("gemeente",), limit=3)
    assert hits[0].code == "GM0228"


def test_api_notes_in_the_page_language(client: TestClient) -> None:
    nl = client.get("/api/regions", params={"q": "Den Haag"}).json()
    assert nl[0]["code"] == "GM0518" and nl[0]["note"] == "officieel: 's-Gravenhage"
    en = client.get("/api/regions", params={"q": "Den Haag", "lang": "en"}).json()
    assert en[0]["note"] == "officially: 's-Gravenhage"


def test_search_form_without_javascript(client: TestClient) -> None:
    typo = client.get("/zoek", params={"q": "Amsterdm"}, follow_redirects=False)
    assert typo.status_code == 303 and typo.headers["location"] == "/gemeente/GM0363"
    postcode = client.get("/zoek", params={"q": "3011"})
    assert postcode.status_code == 404
    assert "Zoeken op postcode" in postcode.text and '<html lang="nl">' in postcode.text
    english = client.get("/zoek", params={"q": "3011", "lang": "en"})
    assert "Searching by postcode" in english.text and "postcode (“3011”)" in english.text
    nothing = client.get("/zoek", params={"q": "qqqqqq", "lang": "nl"})
    assert "Geen gemeente, wijk of buurt gevonden" in nothing.text
