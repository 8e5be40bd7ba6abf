"""Theme indicators (the catalog's secure themes) are complete, labelled and computable."""

from __future__ import annotations

import numpy as np

from buurtzicht.indicators.loader import default_catalog
from buurtzicht.microdata.themes import compute_indicator, secure_indicators


def test_every_secure_indicator_is_labelled_synthetic_and_explains_the_linkage() -> None:
    indicators = secure_indicators()
    assert len(indicators) == 31
    for ind in indicators:
        assert ind.synthetic, ind.id
        assert "SYNTHETIC" in ind.methodology.en and "SYNTHETISCH" in ind.methodology.nl
        assert "31 december" in ind.methodology.nl and "31 December" in ind.methodology.en
    themes = {i.theme for i in indicators}
    assert themes == {"vastgoed", "drugs", "verdachte_transacties", "bedrijven", "zorg",
                      "vakantieparken"}  # fmt: skip


def test_every_measure_the_catalog_publishes_is_produced(linked) -> None:  # type: ignore[no-untyped-def]
    produced = set(linked.aggregates["measure"])
    assert set(default_catalog().measures) - produced == set()
    for ind in secure_indicators():
        assert set(ind.measures) <= produced, ind.id


def test_hennep_rate_per_10000_dwellings(linked) -> None:  # type: ignore[no-untyped-def]
    ind = default_catalog().get("drugs_hennep_per_10000_woningen")
    values = compute_indicator(ind, linked.aggregates).set_index(["region", "period"])["value"]
    a = linked.aggregates.set_index(["measure", "region", "period"])["value"]
    expected = (
        10_000
        * a[("secure.drugs.hennep_ontmanteld", "NL01", "2024JJ00")]
        / a[("secure.basis.woningen", "NL01", "2024JJ00")]
    )
    assert np.isclose(values[("NL01", "2024JJ00")], expected)
    assert 0 < expected < 20  # a few per 10,000 dwellings, as in the real figures
