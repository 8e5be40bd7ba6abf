"""The indicator a map, ranking or summary map shows when none is asked: below the
gemeente the one the catalog names (``default_below_gemeente``), else registered crime."""

from __future__ import annotations

from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.model import IndicatorMeta
from buurtzicht.web.pages.map import default_indicator


def _offered(*ids: str) -> list[IndicatorMeta]:
    catalog = default_catalog()
    return [IndicatorMeta(catalog.get(i), catalog.get(i).theme) for i in ids]


def test_below_the_gemeente_the_catalog_names_the_default() -> None:
    offered = _offered("bevolkingsdichtheid", "misdrijven_per_1000", "bedrijven_witwasgevoelig_pct")
    assert default_indicator(offered, "gemeente") == "misdrijven_per_1000"
    assert default_indicator(offered, "wijk") == "bedrijven_witwasgevoelig_pct"
    assert default_indicator(offered, "buurt") == "bedrijven_witwasgevoelig_pct"


def test_without_the_catalog_default_registered_crime_then_the_first() -> None:
    offered = _offered("bevolkingsdichtheid", "misdrijven_per_1000")
    assert default_indicator(offered, "wijk") == "misdrijven_per_1000"
    assert default_indicator(_offered("bevolkingsdichtheid", "inwoners"), "buurt") == (
        "bevolkingsdichtheid"
    )
    assert default_indicator([], "wijk") == ""
