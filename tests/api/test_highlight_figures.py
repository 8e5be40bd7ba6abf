"""'Wat valt op' sentences never print two equal figures for a difference they state:
's-Gravenhage on the scale-1.0 build read '1,6 % ... hoger dan in de vergelijkingsgroep
(1,6)'."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from buurtzicht.analysis.highlights import Highlight
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.profile import _highlight


def _sentence(known: Any, value: float, nl: float, peers: float, lang: str = "nl") -> str:
    item = Highlight(
        indicator="opgehelderd_pct",
        theme="veiligheid",
        period="2024JJ00",
        value=value,
        nl_value=nl,
        ratio=value / nl,
        direction="above",
        peers_value=peers,
        peers_direction="above",
        reliability=None,
        strength=0.2,
    )
    return _highlight(item, known, lang).sentence


def _known(client: TestClient) -> Any:
    snapshot = client.app.state.warehouse.snapshot()  # type: ignore[attr-defined]
    return catalog(snapshot, snapshot.cursor())


def test_a_stated_difference_shows_figures_that_differ(client: TestClient) -> None:
    known = _known(client)
    assert known.get("opgehelderd_pct").decimals == 1
    sentence = _sentence(known, 31.6249, 23.5, 31.5751)
    assert "31,62 %" in sentence and "(23,50)" in sentence
    assert "hoger dan in de vergelijkingsgroep (31,58)" in sentence
    english = _sentence(known, 31.6249, 23.5, 31.5751, "en")
    assert "31.62 %" in english and "(31.58)" in english


def test_the_catalog_decimals_when_they_already_differ(client: TestClient) -> None:
    sentence = _sentence(_known(client), 31.9, 23.5, 25.0)
    assert "31,9 %" in sentence and "(23,5)" in sentence and "(25,0)" in sentence
