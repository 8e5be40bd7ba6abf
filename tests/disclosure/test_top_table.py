"""The top table: gemeente-level cells protected HiTaS-style, absorbed by their blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from buurtzicht.disclosure import RegionHierarchy, audit, protect
from buurtzicht.disclosure import secondary as secondary_module
from buurtzicht.disclosure.rules import get_rule_set
from buurtzicht.disclosure.search_state import SearchState
from buurtzicht.disclosure.synthetic import aggregate_units
from buurtzicht.disclosure.top_table import TopTable
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


def test_absorbable_ranges_add_up_from_the_buurten() -> None:
    # A gemeente of 4 in two wijken of 1 and 3; the 3 is two buurten of 1 and 2. Once
    # suppressed each count of 1-9 is known to lie in [1, 9] (not 0: that is published):
    # the gemeente can move down to 3 (three non-empty buurten) and up to 18 (two wijken
    # of at most 9), whatever its own bounds say.
    import numpy as np
    import pandas as pd

    from buurtzicht.disclosure.protect import prepare
    from buurtzicht.disclosure.top_table import absorbable
    from tests.disclosure.tables import cell

    values = {
        "GM0001": 4,
        "WK000100": 1,
        "WK000101": 3,
        "BU00010000": 1,
        "BU00010100": 1,
        "BU00010101": 2,
    }
    table = pd.DataFrame([cell("a", region, value) for region, value in values.items()])
    cells, structure, _ = prepare(table, SPEC, None, None)
    bounds = np.tile([1.0, 9.0], (len(cells), 1))
    bounds[cells["region"].eq("GM0001").to_numpy()] = [0.0, np.inf]
    low, high = absorbable(structure, bounds)
    at = dict(zip(cells["region"], zip(low, high, strict=True), strict=True))
    assert at["GM0001"] == (3.0, 18.0)
    assert at["WK000101"] == (2.0, 9.0)  # its own bound is tighter than 18
    assert at["WK000100"] == (1.0, 9.0)


def _one_wijk_gemeente(seed: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Three gemeenten; the first has a single wijk, so its gemeente cells are its
    wijk's: a small wijk cell there can only move if its gemeente moves too."""
    rng = np.random.default_rng(seed)
    parents: dict[str, str] = {}
    for g, wijken in {1: 1, 2: 3, 3: 3}.items():
        gemeente = f"GM{g:04d}"
        parents[gemeente] = "NL01"
        for w in range(wijken):
            wijk = f"WK{g:04d}{w:02d}"
            parents[wijk] = gemeente
            for b in range(3):
                parents[f"BU{g:04d}{w:02d}{b:02d}"] = wijk
    buurten = [code for code in parents if code.startswith("BU")]
    region = np.repeat(buurten, rng.poisson(12.0, len(buurten)))
    # 'b' is rare in the single-wijk gemeente: its wijk and gemeente cell are small.
    rare = np.char.startswith(region.astype(str), "BU0001")
    measure = np.where(rng.random(len(region)) < np.where(rare, 0.85, 0.6), "a", "b")
    units = pd.DataFrame({"measure": measure, "region": region, "period": "2024JJ00"})
    return aggregate_units(units.assign(amount=1.0), parents, ["a", "b", "t"], SPEC.tables), parents


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_block_that_cannot_move_alone_goes_through_the_top_table(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    beyond: list[int] = []
    original = SearchState.protect

    def spy(self, s, amount, *, beyond_block=False):  # type: ignore[no-untyped-def]
        if beyond_block:
            beyond.append(s)
        return original(self, s, amount, beyond_block=beyond_block)

    monkeypatch.setattr(SearchState, "protect", spy)
    through = TopTable.through
    carried: list[int] = []

    def counting(self, key, jobs):  # type: ignore[no-untyped-def]
        left = through(self, key, jobs)
        carried.append(len(jobs) - len(left))
        return left

    monkeypatch.setattr(TopTable, "through", counting)
    table, parents = _one_wijk_gemeente(seed)
    hierarchy = RegionHierarchy.from_parents(parents)
    protected = protect(table, SPEC, hierarchy=hierarchy, workers=1)
    cells = protected.cells
    assert (cells["primary"] & cells["region"].str.startswith("WK0001")).any()
    assert sum(carried) >= 1 and beyond == []  # carried by the top table, no neighbourhoods
    national = protected.published[protected.published["region"] == "NL01"]
    assert national["status"].ne("suppressed").all()  # the Netherlands stays published
    assert protected.limited == ()
    assert len(protected.certificates)  # the top route's certificates go to the audit
    report = audit(protected.published, table, SPEC, hierarchy=hierarchy, workers=1)
    assert report.ok, report.unprotected.to_string()
    checked = audit(
        protected.published,
        table,
        SPEC,
        hierarchy=hierarchy,
        workers=1,
        certificates=protected.certificates,
    )
    assert checked.ok and checked.certificates is not None
    assert checked.certificates.rejected == 0 and checked.proven_by_certificates > 0


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_summed_a_priori_intervals_hold_the_exact_ones(seed: int) -> None:
    # The audit caps requirements by the sums of the parts below each cell (no
    # programs): only safe if that interval always holds the exact a-priori interval
    # of the whole table (every relation, every cell within its status bounds).
    from buurtzicht.disclosure.audit_apriori import summed_apriori
    from buurtzicht.disclosure.lp import feasible_intervals
    from buurtzicht.disclosure.protect import prepare

    table, parents = _national(seed)
    cells, structure, _ = prepare(table, SPEC, RegionHierarchy.from_parents(parents), None)
    rng = np.random.default_rng(seed)
    x = cells["value"].to_numpy(float)
    status = np.column_stack(
        [np.maximum(x - rng.integers(0, 4, len(x)), 0.0), x + rng.integers(0, 4, len(x))]
    )
    status[rng.random(len(x)) < 0.1, 1] = np.inf  # some cells unbounded above
    every = np.arange(len(x))
    exact_low, exact_high = feasible_intervals(
        structure.matrix, np.zeros(structure.matrix.shape[0]), status[:, 0], status[:, 1], every
    )
    low, high = summed_apriori(structure, status)(every, None)
    assert (low <= exact_low + 1e-6).all() and (high >= exact_high - 1e-6).all()
    # and it binds somewhere: tighter than the cells' own status bounds
    assert ((low > status[:, 0] + 1e-6) | (high < status[:, 1] - 1e-6)).any()
