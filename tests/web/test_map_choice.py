"""A map never dead-ends: periods, indicators and parents that cannot be shown as asked
are replaced by the closest that can, and the page says so (small build of mirror data)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.smallbuild import SECURE


def notices(client: TestClient, url: str) -> tuple[dict, list[str]]:
    response = client.get(url.replace("/kaart?", "/kaart.json?") + "&lang=nl")
    assert response.status_code == 200, response.text
    page = response.json()
    return page, page["notices"]


def test_a_period_without_figures_shows_the_latest_and_says_so(client: TestClient) -> None:
    page, said = notices(client, "/kaart?jaar=1999")
    assert page["values"]["period"] == "2024JJ00"
    assert len(said) == 1 and "1999" in said[0] and "2024" in said[0]
    html = client.get("/kaart?jaar=1999&lang=nl").text
    assert 'class="notice" role="status"' in html and "het laatste jaar met cijfers" in html


def test_levels_are_always_offered(client: TestClient) -> None:
    html = client.get("/kaart?lang=nl").text
    select = html.split('id="niveau"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 3 and "disabled" not in select


def test_no_figures_at_a_level_explains_itself(client: TestClient) -> None:
    # The small build has catalog figures for gemeenten only.
    page, said = notices(client, "/kaart?niveau=buurt&binnen=GM0014")
    assert page["values"] is None
    assert said == [
        "Er zijn geen cijfers op buurtniveau binnen Groningen (GM0014); kies een ander niveau of gebied."
    ]
    response = client.get("/kaart?niveau=buurt&binnen=GM0014&lang=en")
    assert response.status_code == 200 and "There are no figures at buurt level" in response.text
    client.get("/kaart?lang=nl")  # the client keeps the language cookie


@pytest.mark.parametrize(
    ("url", "parent", "text"),
    [
        ("/kaart?niveau=gemeente&binnen=GM0363", None, "Gemeenten worden voor heel Nederland"),
        (f"/kaart?indicator={SECURE}&niveau=wijk&binnen=WK0363AA", "GM0363",
         "Haarlemmerbuurt (WK0363AA) past niet bij dit niveau; getoond: Amsterdam (GM0363)."),
    ],
)  # fmt: skip
def test_a_parent_that_does_not_fit_is_made_to_fit(
    client: TestClient, url: str, parent: str | None, text: str
) -> None:
    page, said = notices(client, url)
    assert said[0].startswith(text)
    assert (page["values"]["parent"] or {}).get("code") == parent


def test_figures_as_asked_change_nothing(client: TestClient) -> None:
    page, said = notices(client, f"/kaart?indicator={SECURE}&niveau=wijk&binnen=GM0363")
    assert said == [] and page["indicator"] == SECURE
    assert page["geometry_url"] == "/api/geometry/wijk/2024?parent=GM0363"
    rows = page["values"]["rows"]
    assert all(r["code"].startswith("WK0363") for r in rows) and len(rows) > 90
