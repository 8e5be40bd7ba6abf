"""Issue 12: where disclosure control suppressed most cells of an indicator at a level
(rare events), the profile and the map say so, with the reason."""

from __future__ import annotations

import duckdb
import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.queries.values import suppressed_shares
from buurtzicht.api.services import profile as profile_service
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
