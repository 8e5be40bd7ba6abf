"""The citation under a card names every publisher once."""

from __future__ import annotations

from buurtzicht.api.schemas.card import source
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.model import IndicatorMeta, SourceCitation


def _cited(table: str, title: str, publisher: str, licence: str) -> SourceCitation:
    return SourceCitation(table=table, title=title, publisher=publisher, licence=licence)


def _indicator(*cited: SourceCitation) -> IndicatorMeta:
    indicator = default_catalog().get("jongeren_0_15_pct")
    return IndicatorMeta(indicator.model_copy(update={"sources": list(cited)}), "bevolking")


def test_a_publisher_named_inside_another_is_named_once() -> None:
    # As the buurt profiles of the scale-1.0 build: 85984NED by CBS, the buurt map by
    # CBS / Kadaster (PDOK); the card read "Bron: CBS / CBS / Kadaster (PDOK) (...)".
    kwb = _cited("85984NED", "Kerncijfers wijken en buurten", "CBS", "CC BY 4.0")
    kaart = _cited(
        "CBS wijk- en buurtkaart (PDOK)",
        "Wijk- en buurtkaart",
        "CBS / Kadaster (PDOK)",
        "CC BY 4.0",
    )
    cited = source(_indicator(kwb, kaart), "nl")
    assert cited.publisher == "CBS / Kadaster (PDOK)"
    assert cited.citation == (
        "Bron: CBS / Kadaster (PDOK) (85984NED, CBS wijk- en buurtkaart (PDOK)), CC BY 4.0"
    )
