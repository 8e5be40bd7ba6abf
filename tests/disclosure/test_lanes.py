"""Lanes: gemeenten worked on side by side give the same, still protected, table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from buurtzicht.disclosure import DisclosureSpec, RegionHierarchy, TableSpec, audit, lanes, protect
from buurtzicht.disclosure.synthetic import aggregate_units

SPEC = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))


def _national(seed: int = 3) -> tuple[pd.DataFrame, dict[str, str]]:
    """Four gemeenten of three wijken of four buurten; few units per buurt, fewest in
    the last gemeente (so that its own cells are primary too)."""
    rng = np.random.default_rng(seed)
    parents: dict[str, str] = {}
    for g in range(4):
        gemeente = f"GM{g + 1:04d}"
        parents[gemeente] = "NL01"
        for w in range(3):
            wijk = f"WK{g + 1:04d}{w:02d}"
            parents[wijk] = gemeente
            for b in range(4):
                parents[f"BU{g + 1:04d}{w:02d}{b:02d}"] = wijk
    buurten = [code for code in parents if code.startswith("BU")]
    rate = np.where([code.startswith("BU0004") for code in buurten], 0.6, 14.0)
    region = np.repeat(buurten, rng.poisson(rate))
    measure = np.where(rng.random(len(region)) < 0.6, "a", "b")
    units = pd.DataFrame({"measure": measure, "region": region, "period": "2024JJ00"})
    return aggregate_units(units.assign(amount=1.0), parents, ["a", "b", "t"], SPEC.tables), parents


def test_the_result_does_not_depend_on_the_number_of_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table, parents = _national()
    hierarchy = RegionHierarchy.from_parents(parents)
    one = protect(table, SPEC, hierarchy=hierarchy, workers=1)
    monkeypatch.setattr(lanes, "PARALLEL_FROM", 0)
    two = protect(table, SPEC, hierarchy=hierarchy, workers=2)
    pd.testing.assert_frame_equal(one.published, two.published)
    assert one.cells["primary"].sum() > 20
    alone = audit(two.published, table, SPEC, hierarchy=hierarchy, workers=1)
    shared = audit(two.published, table, SPEC, hierarchy=hierarchy, workers=2)
    pd.testing.assert_frame_equal(alone.intervals, shared.intervals)
    assert shared.ok and shared.programs == alone.programs


def test_deal_balances_lanes_and_keeps_each_in_order() -> None:
    dealt = lanes.deal([7, 1, 1, 3, 3, 2])
    loads = [sum([7, 1, 1, 3, 3, 2][i] for i in lane) for lane in dealt]
    assert sorted(np.concatenate(dealt).tolist()) == list(range(6))
    assert max(loads) - min(loads) <= 1
    assert all((np.diff(lane) > 0).all() for lane in dealt)


def test_whole_tables_catch_what_small_neighbourhoods_miss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    tiny = ((1, 3),)
    for name in ("search_state", "audit"):
        module = importlib.import_module(f"buurtzicht.disclosure.{name}")
        monkeypatch.setattr(module, "DEPTHS", tiny * 2)
    views = importlib.import_module("buurtzicht.disclosure.audit_views")
    monkeypatch.setattr(views, "AUDIT_BALL", tiny[0])
    table, parents = _national(seed=5)
    hierarchy = RegionHierarchy.from_parents(parents)
    protected = protect(table, SPEC, hierarchy=hierarchy, workers=1)
    assert protected.limited == ()
    report = audit(protected.published, table, SPEC, hierarchy=hierarchy, workers=1)
    assert report.ok
