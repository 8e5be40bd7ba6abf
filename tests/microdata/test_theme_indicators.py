"""Theme indicators (the catalog's secure themes) are complete, labelled and computable."""

from __future__ import annotations

import numpy as np

from buurtzicht.indicators.loader import default_catalog
from buurtzicht.microdata.themes import compute_indicator, secure_indicators


def test_every_secure_indicator_is_labelled_synthetic_and_explains_the_linkage() -> None:
    models = [i for i in secure_indicators() if i.theme == "zoekgebieden"]
    assert len(models) == 5 and all(i.synthetic and "SYNTHETIC" in i.methodology.en for i in models)
    indicators = [i for i in secure_indicators() if i.theme != "zoekgebieden"]
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
    # The risk models' measures come from `secure models` (tests/microdata/test_models.py).
    models = ("secure.zoekgebieden.", "secure.jonge_aanwas.")
    linkage = {m for m in default_catalog().measures if not m.startswith(models)}
    assert linkage - produced == set()
    for ind in (i for i in secure_indicators() if i.theme != "zoekgebieden"):
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
