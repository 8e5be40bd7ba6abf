"""Our rates against the relative figures CBS publishes, on the real build of the mirror.

83648NED publishes 'Geregistreerde misdrijven per 1 000 inwoners' per gemeente, provincie,
politie-eenheid and Nederland; CBS divides by the population on 1 January. 84468NED
publishes whole-number per-1,000 figures beside its counts for every gemeente, wijk and
buurt. Our indicators, computed from the counts and population measures, must match
them within rounding wherever both exist. CBS rounds 83648NED counts to multiples of
five and computes the rate from the unrounded count, so the tolerance there is half a
decimal plus 2.5 crimes over the population.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.indicators.compute import compute_indicator_values
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.warehouse.current import current_path

WB = {
    "wb_vermogen_vernieling_geweld_per_1000": "TotaalVermogenVernielingEnGeweld",
    "wb_vermogensmisdrijven_per_1000": "TotaalVermogensmisdrijven",
    "wb_diefstal_woning_per_1000": "TotaalDiefstalUitWoningSchuurED",
    "wb_geweld_per_1000": "GeweldsEnSeksueleMisdrijven",
}
KEY = ["region", "period", "indeling"]


@pytest.fixture(scope="module")
def conn(mirror_build: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(current_path(mirror_build)), read_only=True)
    yield connection
    connection.close()


def _published(conn: duckdb.DuckDBPyConnection, measure: str) -> pd.DataFrame:
    """Figures as CBS published them: on the indeling of their own year (the build's
    harmonised copies on the 2024 indeling are weighted averages of rates, not CBS's)."""
    return conn.execute(
        "SELECT region, period, indeling, value AS published FROM observations "
        "WHERE measure = ? AND value IS NOT NULL AND status = 'ok' "
        "AND indeling = CAST(substr(period, 1, 4) AS INTEGER)",
        [measure],
    ).df()


@pytest.fixture(scope="module")
def crime(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ind = default_catalog().get("misdrijven_per_1000")
    values = compute_indicator_values(conn, [ind])
    both = values.merge(_published(conn, "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"), on=KEY)
    return both[both["status"] == "ok"]


def test_every_published_gemeente_year_matches(crime: pd.DataFrame) -> None:
    diff = (crime["value"] - crime["published"]).abs()
    tolerance = 0.05 + 2.5 / crime["denominator"] * 1000 + 1e-9
    bad = crime[diff > tolerance]
    assert bad.empty, bad[["region", "period", "value", "published"]].head()
    assert diff.median() < 0.05
    gemeenten = crime[crime["level"] == "gemeente"]
    years = set(gemeenten["period"].str[:4].astype(int))
    # Every year with a gemeente population in the mirror: KWB 2012, 2017, Gebieden 2018-24.
    assert years == {2012, *range(2017, 2025)}
    assert len(gemeenten) > 3_000
    assert {"land", "provincie", "politie-eenheid"} <= set(crime["level"])


def test_amsterdam_2023_by_hand(crime: pd.DataFrame) -> None:
    row = crime[(crime["region"] == "GM0363") & (crime["period"] == "2023JJ00")].iloc[0]
    assert row["numerator"] == 82_405 and row["denominator"] == 918_117
    assert round(row["value"], 1) == 89.8 == row["published"]


def test_wijk_and_buurt_rates_match_cbs_relative_figures(conn: duckdb.DuckDBPyConnection) -> None:
    catalog = default_catalog()
    values = compute_indicator_values(conn, [catalog.get(i) for i in WB])
    for indicator, stem in WB.items():
        published = _published(conn, f"misdrijven_wb.{stem}.per1000inw")
        both = values[values["indicator"] == indicator].merge(published, on=KEY)
        assert len(both) > 8_900, indicator
        assert set(both["level"]) == {"gemeente", "wijk", "buurt"}
        diff = (both["value"] - both["published"]).abs()
        assert (diff <= 0.5 + 1e-9).all(), both[diff > 0.5 + 1e-9].head()
