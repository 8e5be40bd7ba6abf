"""Theme indicators (the catalog's secure themes) are complete, labelled and computable."""

from __future__ import annotations

import numpy as np

from buurtzicht.indicators.loader import default_catalog
from buurtzicht.microdata.themes import compute_indicator, secure_indicators


def test_every_secure_indicator_is_labelled_synthetic_and_explains_the_linkage() -> None:
    models = [i for i in secure_indicators() if i.theme == "zoekgebieden"]
    assert len(models) == 5 and all(i.synthetic and "SYNTHETIC" in i.methodology.en for i in models)
    indicators = [i for i in secure_indicators() if i.theme != "zoekgebieden"]
    # 31, and the yearly national figure beside each two-year total (hennep, purchases)
    assert len(indicators) == 33
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
    """The map's figure: plantations of 2023-2024 per 10,000 dwellings a year (the
    two-year total / 2); beside it the yearly national figure."""
    catalog = default_catalog()
    a = linked.aggregates.set_index(["measure", "region", "period"])["value"]
    dwellings = a[("secure.basis.woningen", "NL01", "2024JJ00")]
    yearly = [a[("secure.drugs.hennep_ontmanteld", "NL01", f"{y}JJ00")] for y in (2023, 2024)]
    assert a[("secure.drugs.hennep_ontmanteld_2jaar", "NL01", "2024JJ00")] == sum(yearly)
    two_years = compute_indicator(catalog.get("drugs_hennep_per_10000_woningen"), linked.aggregates)
    values = two_years.set_index(["region", "period"])["value"]
    assert set(two_years["period"]) == {"2024JJ00"}
    assert np.isclose(values[("NL01", "2024JJ00")], 10_000 * sum(yearly) / 2 / dwellings)
    per_year = compute_indicator(
        catalog.get("drugs_hennep_per_10000_woningen_jaar"), linked.aggregates
    ).set_index(["region", "period"])["value"]
    expected = 10_000 * yearly[1] / dwellings
    assert np.isclose(per_year[("NL01", "2024JJ00")], expected)
    assert 0 < expected < 20  # a few per 10,000 dwellings, as in the real figures
