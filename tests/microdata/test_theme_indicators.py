"""Theme indicators (themes.yaml) are complete, documented and computable."""

from __future__ import annotations

import numpy as np

from buurtzicht.microdata.themes import compute_indicator, load_theme_indicators


def test_every_indicator_is_documented_and_labelled_synthetic() -> None:
    indicators = load_theme_indicators()
    assert len({i.id for i in indicators}) == len(indicators)
    for ind in indicators:
        assert (
            ind.title["nl"] and ind.title["en"] and ind.description["nl"] and ind.description["en"]
        )
        assert len(ind.methodology) > 40, ind.id
        assert "SYNTHETIC" in ind.caveat and "31 december" in ind.linkage
        assert ind.direction in {"higher_is_worse", "higher_is_better", "neutral"}
    themes = {i.theme for i in indicators}
    assert themes == {"vastgoed", "drugs", "fiu", "bedrijven", "zorg", "vakantieparken"}


def test_every_measure_an_indicator_needs_is_produced(linked) -> None:  # type: ignore[no-untyped-def]
    produced = set(linked.aggregates["measure"])
    for ind in load_theme_indicators():
        missing = (set(ind.numerator) | set(ind.denominator)) - produced
        assert not missing, (ind.id, missing)


def test_hennep_rate_per_10000_dwellings(linked) -> None:  # type: ignore[no-untyped-def]
    ind = next(i for i in load_theme_indicators() if i.id == "drugs.hennep_per_10000_woningen")
    values = compute_indicator(ind, linked.aggregates).set_index(["region", "period"])["value"]
    a = linked.aggregates.set_index(["measure", "region", "period"])["value"]
    expected = (
        10_000
        * a[("secure.drugs.hennep_ontmanteld", "NL01", "2024JJ00")]
        / a[("secure.basis.woningen", "NL01", "2024JJ00")]
    )
    assert np.isclose(values[("NL01", "2024JJ00")], expected)
    assert 0 < expected < 20  # a few per 10,000 dwellings, as in the real figures
