"""Legend classes centred on the national figure."""

from __future__ import annotations

import random

import pytest

from buurtzicht.analysis.stats.legend_classes import COOL, NO_DATA, SCHEMES, WARM, classify

VALUES = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]


def test_national_figure_is_a_bound_between_blue_and_red() -> None:
    result = classify(VALUES, scheme="quantiles", k=5, national=5.5)
    assert 5.5 in [c.upper for c in result.classes]
    assert all(c.upper <= 5.5 and c.colour in COOL for c in result.classes if c.relation == "below")
    assert all(c.lower >= 5.5 and c.colour in WARM for c in result.classes if c.relation == "above")
    assert [c.relation for c in result.classes].count("below") == 2


def test_a_skewed_map_keeps_classes_above_nl_in_proportion() -> None:
    """The crime map of 2024: 284 gemeenten below NL, 58 above. The old legend gave the
    58 one pale class; now they get two red classes and the darkest blue and the darkest
    red are different colours."""
    rng = random.Random(3)
    values = [rng.uniform(10, 40) for _ in range(284)] + [rng.uniform(45, 120) for _ in range(58)]
    result = classify(values, scheme="quantiles", k=5, national=44.0)
    relations = [c.relation for c in result.classes]
    assert relations == ["below"] * 3 + ["above"] * 2
    colours = [c.colour for c in result.classes]
    assert len(set(colours)) == len(colours)
    assert sum(c.count for c in result.classes if c.relation == "above") == 58


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("k", [2, 3, 4, 5, 6, 7])
@pytest.mark.parametrize("national", [None, 0.5, 3.3, 9.9, 50.0])
def test_every_class_has_its_own_colour(scheme: str, k: int, national: float | None) -> None:
    rng = random.Random(k)
    values = [rng.lognormvariate(1, 1) for _ in range(300)]
    result = classify(values, scheme=scheme, k=k, national=national)
    colours = [c.colour for c in result.classes]
    assert len(set(colours)) == len(colours), colours
    assert sum(c.count for c in result.classes) == 300
    assert len(result.classes) <= max(k, 2)


def test_all_regions_on_one_side_of_nl() -> None:
    result = classify(VALUES, scheme="equal_interval", k=4, national=0.5)
    assert {c.relation for c in result.classes} == {"above"}
    assert len(result.classes) == 4


def test_missing_values_get_no_class() -> None:
    result = classify([None, 3.0, 7.0], scheme="equal_interval", k=2, national=None)
    assert result.assignments[0] is None
    assert result.colour_of(result.assignments[0]) == NO_DATA
    assert result.classes[0].relation == ""
