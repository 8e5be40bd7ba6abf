"""Issue 12: where disclosure control suppressed most cells of an indicator at a level
(rare events), the profile and the map say so, with the reason."""

from __future__ import annotations

import duckdb
import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.schemas.card import Figure
from buurtzicht.api.schemas.figures import ValueRow, ValuesOut
from buurtzicht.api.services import profile as profile_service
from buurtzicht.queries.figures import suppressed_shares
from buurtzicht.web import map_notes
from tests.api.smallbuild import SECURE


def test_suppressed_shares_per_indicator_level_and_period() -> None:
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE indicator_values AS SELECT * FROM (VALUES "
        "('hennep', 'buurt', '2024JJ00', NULL, 'suppressed'), "
        "('hennep', 'buurt', '2024JJ00', NULL, 'suppressed'), "
        "('hennep', 'buurt', '2024JJ00', NULL, 'suppressed'), "
        "('hennep', 'buurt', '2024JJ00', 2.0, 'ok'), "
        "('hennep', 'buurt', '2024JJ00', NULL, 'missing'), "
        "('hennep', 'gemeente', '2024JJ00', 7.0, 'ok'), "
        "('woningen', 'buurt', '2024JJ00', 40.0, 'ok')"
        ") t(indicator, level, period, value, status)"
    )
    shares = suppressed_shares(conn)
    # 3 of the 4 published buurt cells suppressed; a missing cell is no published cell.
    assert shares == {("hennep", "buurt", "2024JJ00"): 0.75}
    assert profile_service._mostly_suppressed(0.75) == 0.75
    assert profile_service._mostly_suppressed(0.2) is None


def test_the_map_says_why_most_regions_have_no_figure(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/kaart.json?indicator={SECURE}&niveau=wijk&binnen=GM0363&klassen=equal_interval"
    page = client.get(url).json()
    rows = [r for r in page["values"]["rows"] if r["figure"]["status"] != "missing"]
    suppressed = sum(r["figure"]["status"] == "suppressed" for r in rows)
    assert 0 < suppressed < len(rows) / 2  # every seventh wijk: not most of them
    assert not any("onderdrukt" in n for n in page["notices"])
    # With a lower bar the same planted pattern counts as "mostly suppressed".
    monkeypatch.setattr(map_notes, "MOSTLY_SUPPRESSED", 0.1)
    page = client.get(url + "&k=4").json()
    pct = round(100 * suppressed / len(rows))
    assert f"Dit cijfer is voor {pct}% van de wijken onderdrukt" in page["notices"][-1]
    assert "kleine aantallen (weinig voorkomende gebeurtenissen" in page["notices"][-1]


def _values(figures: list[tuple[float | None, str]]) -> ValuesOut:
    rows = [
        ValueRow.model_construct(
            code=f"BU{n:08d}", figure=Figure(value=value, status=status, display="")
        )
        for n, (value, status) in enumerate(figures)
    ]
    return ValuesOut.model_construct(level="buurt", rows=rows)


def test_a_map_of_only_zeros_says_the_cases_are_among_the_suppressed() -> None:
    # As the scale-1.0 hennep map of Rotterdam's buurten: 29 published, all 0, 67% '.'.
    figures = [(0.0, "ok")] * 29 + [(None, "suppressed")] * 59 + [(None, "missing")] * 3
    notes = map_notes.suppression_note(_values(figures), "nl")
    assert notes[0].startswith("Dit cijfer is voor 67% van de buurten onderdrukt")
    assert notes[1].startswith("Alle 29 buurten met een cijfer hebben 0. Waar het wel voorkomt")
    english = map_notes.suppression_note(_values(figures), "en")
    assert english[1].startswith("All 29 neighbourhoods with a figure have 0.")


def test_no_such_note_when_a_published_figure_is_above_zero() -> None:
    figures = [(0.0, "ok")] * 28 + [(2.5, "ok")] + [(None, "suppressed")] * 59
    assert len(map_notes.suppression_note(_values(figures), "nl")) == 1
