"""Legend classes relative to the national figure."""

from __future__ import annotations

from buurtzicht.api.queries.classify import COOL, NO_DATA, WARM, classify

VALUES = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]


def test_national_figure_splits_a_class() -> None:
    result = classify(VALUES, scheme="quantiles", k=5, national=5.5)
    bounds = [(c.lower, c.upper, c.relation) for c in result.classes]
    assert (4.6, 5.5, "below") in [(round(lo, 1), hi, rel) for lo, hi, rel in bounds]
    assert all(c.upper <= 5.5 for c in result.classes if c.relation == "below")
    assert all(c.lower >= 5.5 for c in result.classes if c.relation == "above")
    assert result.classes[0].colour in COOL and result.classes[-1].colour in WARM


def test_a_break_next_to_the_national_figure_moves_onto_it() -> None:
    result = classify(VALUES, scheme="quantiles", k=5, national=4.65)
    assert len(result.classes) == 5  # no sliver class 4.6 - 4.65
    assert 4.65 in [c.upper for c in result.classes]


def test_missing_values_get_no_class() -> None:
    result = classify([None, 3.0, 7.0], scheme="equal_interval", k=2, national=None)
    assert result.assignments[0] is None
    assert result.colour_of(result.assignments[0]) == NO_DATA
    assert result.classes[0].relation == ""
