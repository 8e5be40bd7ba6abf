"""The top table: gemeente-level cells protected HiTaS-style, absorbed by their blocks."""

from __future__ import annotations

import pytest

from buurtzicht.disclosure import RegionHierarchy, audit, protect
from buurtzicht.disclosure import secondary as secondary_module
from buurtzicht.disclosure.rules import get_rule_set
from tests.disclosure.test_lanes import SPEC, _national


@pytest.mark.parametrize("total", ["default", "public", "public_rounded"])
def test_gemeente_cells_go_through_the_top_table_and_stay_protected(
    monkeypatch: pytest.MonkeyPatch, total: str
) -> None:
    left: list[int] = []
    original = secondary_module.gemeente_cells_in_lanes

    def spy(search, targets, regions, workers):  # type: ignore[no-untyped-def]
        left.append(len(targets))
        return original(search, targets, regions, workers)

    monkeypatch.setattr(secondary_module, "gemeente_cells_in_lanes", spy)
    table, parents = _national()
    hierarchy = RegionHierarchy.from_parents(parents)
    rules = {"t": get_rule_set(total), "a": get_rule_set("default"), "b": get_rule_set("default")}
    protected = protect(table, SPEC, rules, hierarchy=hierarchy, workers=1)
    gemeente_primary = protected.cells[
        protected.cells["primary"] & protected.cells["region"].str.startswith("GM")
    ]
    assert len(gemeente_primary) >= 1
    assert left == [0]  # none needed the neighbourhoods
    assert protected.limited == ()
    report = audit(protected.published, table, SPEC, rules, hierarchy=hierarchy, workers=1)
    assert report.ok, report.unprotected.to_string()
