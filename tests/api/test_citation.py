"""The citation under a card names every publisher once."""

from __future__ import annotations

from buurtzicht.api.present import source
from buurtzicht.api.queries.catalog import Citation, IndicatorMeta


def _indicator(*cited: Citation) -> IndicatorMeta:
    text = "Inwoners 0 tot 15 jaar"
    return IndicatorMeta(
        *("jongeren_0_15_pct", "indicator_values", "bevolking", text, text, "%", "%", 1),
        *(text, text, text, text),
        sources=cited,
        synthetic=False,
    )


def test_a_publisher_named_inside_another_is_named_once() -> None:
    # As the buurt profiles of the scale-1.0 build: 85984NED by CBS, the buurt map by
    # CBS / Kadaster (PDOK); the card read "Bron: CBS / CBS / Kadaster (PDOK) (...)".
    kwb = Citation("85984NED", "Kerncijfers wijken en buurten", "CBS", "CC BY 4.0")
    kaart = Citation(
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
