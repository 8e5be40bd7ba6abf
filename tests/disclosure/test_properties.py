"""Property tests: on random hierarchical tables, protection always passes the audit."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buurtzicht.disclosure import (
    DisclosureSpec,
    RegionHierarchy,
    RuleSet,
    TableSpec,
    audit,
    protect,
)
from buurtzicht.disclosure.rules import RoundingRule, get_rule_set
from tests.disclosure.tables import tree_aggregates, trees

SPEC = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))
EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})

small_count = st.one_of(st.integers(0, 3), st.integers(0, 14), st.integers(0, 60))
count_buurt = st.fixed_dictionaries({"a": small_count, "b": small_count}).map(
    lambda d: {k: [1.0] * v for k, v in d.items()}
)
amounts = st.lists(st.one_of(st.floats(1, 500), st.floats(1e4, 1e5)), min_size=0, max_size=14)
amount_buurt = st.fixed_dictionaries({"a": amounts, "b": amounts})


def _check(aggregates: pd.DataFrame, parents: dict, rules: RuleSet) -> None:
    hierarchy = RegionHierarchy.from_parents(parents)
    protected = protect(aggregates, SPEC, rules, hierarchy=hierarchy)
    report = audit(protected.published, aggregates, SPEC, rules, hierarchy=hierarchy)
    assert report.unprotected.empty, report.unprotected.to_string()
    assert int(report.tables["unprotected"].sum()) == 0


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(trees(count_buurt))
def test_counts_with_rounding_are_protected(tree: list) -> None:
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    _check(aggregates, parents, get_rule_set("default"))


@SETTINGS
@given(trees(count_buurt))
def test_counts_published_exactly_are_protected(tree: list) -> None:
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    _check(aggregates, parents, EXACT)


@SETTINGS
@given(trees(amount_buurt))
def test_amounts_with_dominant_contributors_are_protected(tree: list) -> None:
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    rules = get_rule_set("amounts").model_copy(update={"rounding": RoundingRule(base=10)})
    _check(aggregates, parents, rules)


@SETTINGS
@given(trees(count_buurt))
def test_strict_rules_with_suppressed_zeros_are_protected(tree: list) -> None:
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    _check(aggregates, parents, get_rule_set("strict"))
