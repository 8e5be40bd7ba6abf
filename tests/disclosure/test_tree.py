"""Trees without LPs: exact intervals (against scipy's LP) and protection on random trees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from buurtzicht.disclosure import (
    DisclosureSpec,
    RegionHierarchy,
    RuleSet,
    TableSpec,
    audit,
    get_rule_set,
    protect,
)
from buurtzicht.disclosure.protect import prepare
from buurtzicht.disclosure.rules import RoundingRule
from buurtzicht.disclosure.structure import Structure
from buurtzicht.disclosure.tree import find_forest, tree_intervals
from tests.disclosure.tables import cell, tree_aggregates, trees, wijk_table

EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})


def _random_tree(rng: np.random.Generator) -> tuple[sparse.csr_matrix, np.ndarray]:
    """A random tree of additive relations and true values that add up along it."""
    n = int(rng.integers(2, 30))
    parent = [-1] + [int(rng.integers(0, i)) for i in range(1, n)]
    kids: dict[int, list[int]] = {}
    for child, total in enumerate(parent):
        if total >= 0:
            kids.setdefault(total, []).append(child)
    x = np.zeros(n)
    for c in range(n - 1, -1, -1):
        x[c] = sum(x[k] for k in kids[c]) if c in kids else rng.integers(0, 30)
    rows = [r for r, (_, ks) in enumerate(kids.items()) for _ in range(len(ks) + 1)]
    cols = [c for total, ks in kids.items() for c in (total, *ks)]
    vals = [v for ks in kids.values() for v in (1.0, *[-1.0] * len(ks))]
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(kids), n)), x


@pytest.mark.parametrize("seed", range(40))
def test_tree_intervals_are_the_lp_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    matrix, x = _random_tree(rng)
    n = len(x)
    hidden = rng.random(n) < 0.5
    low = np.where(hidden, np.where(rng.random(n) < 0.5, 0, np.minimum(x, 10)), x - 2).clip(0)
    high = np.where(hidden, np.where(rng.random(n) < 0.7, np.inf, x + 3), x + 2)
    forest = find_forest(Structure(matrix, matrix.T.tocsr(), np.array(["region"] * n)))
    assert forest.member.all()
    found_low, found_high = tree_intervals(forest, np.column_stack([low, high]))
    bounds = list(zip(low, [None if np.isinf(h) else h for h in high], strict=True))
    for k in range(n):
        c = np.zeros(n)
        c[k] = 1.0
        zeros = np.zeros(matrix.shape[0])
        lo = linprog(c, A_eq=matrix.toarray(), b_eq=zeros, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=matrix.toarray(), b_eq=zeros, bounds=bounds, method="highs")
        assert found_low[k] == pytest.approx(lo.fun, abs=1e-7)
        assert found_high[k] == (pytest.approx(-hi.fun, abs=1e-7) if hi.status == 0 else np.inf)


def test_linked_and_overlapping_cells_are_left_to_the_lps() -> None:
    spec = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))
    rows = [cell(m, r, v) for m, v in (("a", 4), ("b", 30), ("t", 34)) for r in ("BU03630000",)]
    rows += [cell(m, "WK036300", v) for m, v in (("a", 4), ("b", 30), ("t", 34))]
    rows += [cell("c", "BU03630000", 12), cell("c", "WK036300", 12)]
    cells, structure, _ = prepare(pd.DataFrame(rows), spec, None, None)
    forest = find_forest(structure)
    assert cells.loc[forest.member, "measure"].tolist() == ["c", "c"]
    hierarchy = RegionHierarchy.from_codes(["BU03630000", "WK036300"]).with_groups(
        {"WK036399": ["BU03630000"]}
    )
    rows = [cell("c", r, 12) for r in ("BU03630000", "WK036300", "WK036399")]
    _, structure, _ = prepare(pd.DataFrame(rows), DisclosureSpec(), hierarchy, None)
    assert not find_forest(structure).member.any()


def test_a_buurt_alone_in_its_wijk_is_protected_through_the_gemeente() -> None:
    # WK036301 has one buurt of 4: the wijk is the buurt, so the wijk must be hidden
    # and covered by a sibling wijk in the gemeente.
    rows = [cell("m", "BU03630100", 4), cell("m", "WK036301", 4)]
    rows += [cell("m", "BU03630000", 30), cell("m", "BU03630001", 25), cell("m", "WK036300", 55)]
    rows.append(cell("m", "GM0363", 59))
    table = pd.DataFrame(rows)
    protected = protect(table, rules=EXACT)
    shown = protected.published.set_index("region")
    assert shown.at["WK036301", "status"] == "suppressed"
    assert shown.at["WK036300", "status"] == "suppressed"
    assert protected.programs == 0  # no LP needed
    assert audit(protected.published, table, rules=EXACT).ok


def test_a_wijk_that_must_move_carries_its_buurt_rather_than_partial_siblings() -> None:
    # A buurt of 1 must be able to reach 4. Its siblings of 11 would be known to be at
    # least 10 once suppressed (room 1 each, 2 together): not enough, so the wijk must
    # move. It then carries all 3 (its sibling wijk of 55 has room for it), and the two
    # buurten of 11 stay published; suppressing both for 1 unit each cost two cells.
    rows = [cell("m", "BU03630000", 1), cell("m", "BU03630001", 11), cell("m", "BU03630002", 11)]
    rows += [cell("m", "WK036300", 23), cell("m", "BU03630100", 30), cell("m", "BU03630101", 25)]
    rows += [cell("m", "WK036301", 55), cell("m", "GM0363", 78)]
    table = pd.DataFrame(rows)
    protected = protect(table, rules=EXACT)
    shown = protected.published.set_index("region")["status"]
    assert shown["BU03630000"] == "suppressed"
    assert shown[["BU03630001", "BU03630002", "GM0363"]].ne("suppressed").all()
    assert shown[["WK036300", "WK036301"]].eq("suppressed").all()
    assert (protected.published["reason"] == "secondary").sum() == 3
    assert protected.programs == 0
    assert audit(protected.published, table, rules=EXACT).ok


def test_rounded_buurten_carry_a_level_without_being_suppressed() -> None:
    # Rounded to 5, the buurten of 40 and 35 are known only to [38, 42] and [33, 37]
    # and the wijk of 76 to [73, 77]: the buurt of 1 can be anything in [1, 6], so it
    # reaches 4 with no complement at all (each sibling moves 2 within its interval,
    # which it would also have once suppressed). Exact figures need a complement.
    table = wijk_table({"BU03630000": 1, "BU03630001": 40, "BU03630002": 35})
    rounded = protect(table)
    assert (rounded.published["reason"] == "secondary").sum() == 0
    assert rounded.programs == 0
    assert audit(rounded.published, table).ok
    exact = protect(table, rules=EXACT)
    assert (exact.published["reason"] == "secondary").sum() == 1
    assert audit(exact.published, table, rules=EXACT).ok


def test_naive_tree_publication_fails_the_exact_audit() -> None:
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31})
    naive = protect(table, rules=EXACT, secondary=False)
    report = audit(naive.published, table, rules=EXACT)
    assert report.unprotected["region"].tolist() == ["BU03630000"]
    assert report.programs == 0


small_count = st.one_of(st.integers(0, 3), st.integers(0, 14), st.integers(0, 60))
count_buurt = small_count.map(lambda v: {"m": [1.0] * v})
amounts = st.lists(st.one_of(st.floats(1, 500), st.floats(1e4, 1e5)), min_size=0, max_size=14)
amount_buurt = amounts.map(lambda a: {"m": a})


def _check(aggregates: pd.DataFrame, parents: dict, rules: RuleSet) -> None:
    hierarchy = RegionHierarchy.from_parents(parents)
    protected = protect(aggregates, rules=rules, hierarchy=hierarchy)
    report = audit(protected.published, aggregates, rules=rules, hierarchy=hierarchy)
    assert report.unprotected.empty, report.unprotected.to_string()
    assert protected.programs == 0 and report.programs == 0


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    trees(count_buurt, buurten=5, wijken=4, gemeenten=4),
    st.sampled_from(["default", "exact", "strict"]),
)
def test_count_trees_are_protected_without_lps(tree: list, rules_name: str) -> None:
    aggregates, parents = tree_aggregates(tree, ["m"])
    rules = EXACT if rules_name == "exact" else get_rule_set(rules_name)
    _check(aggregates, parents, rules)


@SETTINGS
@given(trees(amount_buurt, buurten=5, wijken=4, gemeenten=4))
def test_amount_trees_are_protected_without_lps(tree: list) -> None:
    aggregates, parents = tree_aggregates(tree, ["m"])
    rules = get_rule_set("amounts").model_copy(update={"rounding": RoundingRule(base=10)})
    _check(aggregates, parents, rules)
