"""Public margins and exact zeros: what the attacker knows besides the protected cells.

A public margin (inhabitants, dwellings) is never suppressed and known exactly or as
its rounding interval, so a confidential breakdown must hold against a known total.
An exact 0 above a region below the minimum population gives that region's 0 away,
so it is shown as 0 and the audit checks that no "." hides such a 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given

from buurtzicht.disclosure import DisclosureSpec, RegionHierarchy, TableSpec, audit, protect
from buurtzicht.disclosure.rules import get_rule_set
from tests.disclosure.tables import cell, tree_aggregates, trees
from tests.disclosure.test_properties import SETTINGS, count_buurt

SPEC = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b", "c")),))
EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})
PUBLIC = get_rule_set("public")
RULES = {"t": PUBLIC, "a": EXACT, "b": EXACT, "c": EXACT}


def _owner_table() -> pd.DataFrame:
    # Dwellings of one gemeente by owner class: 3 owned by a foundation.
    return pd.DataFrame(
        [cell("t", "NL01", 63), cell("a", "NL01", 3), cell("b", "NL01", 20), cell("c", "NL01", 40)]
    )


def _status(published: pd.DataFrame) -> dict[str, str]:
    return dict(zip(published["measure"], published["status"], strict=True))


def test_a_breakdown_is_protected_against_a_known_total() -> None:
    table = _owner_table()
    protected = protect(table, SPEC, RULES)
    status = _status(protected.published)
    assert status["t"] == "ok"  # published exactly, never a complement
    assert protected.published.set_index("measure").at["t", "value"] == 63
    assert status["a"] == "suppressed"
    assert [status[m] for m in ("b", "c")].count("suppressed") == 1  # a sibling instead
    report = audit(protected.published, table, SPEC, RULES)
    assert report.ok and report.public_hidden == 0


def test_an_attack_with_the_known_margin_finds_a_lone_suppression() -> None:
    # Primary suppression only: the total is known, so 63 - 20 - 40 gives the 3 away;
    # published rounded as 65 (63..67) it still pins the 3 to 3..7, short of 3 - 3.
    table = _owner_table()
    for public, interval in ((PUBLIC, (3.0, 3.0)), (get_rule_set("public_rounded"), (3.0, 7.0))):
        rules = {**RULES, "t": public}
        naive = protect(table, SPEC, rules, secondary=False).published
        assert _status(naive)["t"] in ("ok", "rounded")
        report = audit(naive, table, SPEC, rules)
        assert not report.ok
        row = report.unprotected.set_index("measure").loc["a"]
        assert (row["low"], row["high"]) == interval


def test_a_public_margin_is_never_suppressed_and_the_audit_says_so_if_it_is() -> None:
    # A buurt of 30 inhabitants: below the minimum population every confidential
    # figure is hidden, its dwellings are still shown (the rate keeps its denominator).
    table = pd.DataFrame(
        [cell("t", "BU03630000", 12), cell("a", "BU03630000", 2), cell("b", "BU03630000", 4),
         cell("c", "BU03630000", 6), cell("t", "BU03630001", 80), cell("a", "BU03630001", 20),
         cell("b", "BU03630001", 25), cell("c", "BU03630001", 35)]
    )  # fmt: skip
    sums = table.groupby("measure")["value"].sum()
    table = pd.concat(
        [table, pd.DataFrame([cell(m, "WK036300", v) for m, v in sums.items()])],
        ignore_index=True,
    )
    population = {"BU03630000": 30.0, "BU03630001": 400.0, "WK036300": 430.0}
    protected = protect(table, SPEC, RULES, population=population)
    published = protected.published
    public = published[published["measure"] == "t"]
    assert public["status"].eq("ok").all() and public["value"].notna().all()
    small = published[(published["region"] == "BU03630000") & (published["measure"] != "t")]
    assert small["reason"].eq("population").all()
    report = audit(published, table, SPEC, RULES, population=population)
    assert report.ok
    hidden = published.copy()
    where = (hidden["measure"] == "t") & (hidden["region"] == "BU03630001")
    hidden.loc[where, ["value", "status", "reason"]] = [np.nan, "suppressed", "secondary"]
    broken = audit(hidden, table, SPEC, RULES, population=population)
    assert broken.public_hidden == 1 and not broken.ok


def test_a_rounded_public_margin_is_known_as_its_interval() -> None:
    rules = {**RULES, "t": get_rule_set("public_rounded")}
    table = _owner_table()
    protected = protect(table, SPEC, rules)
    shown = protected.published.set_index("measure")
    assert shown.at["t", "status"] == "rounded" and shown.at["t", "value"] == 65
    assert audit(protected.published, table, SPEC, rules).ok


def _zero_gemeente() -> tuple[pd.DataFrame, RegionHierarchy, dict[str, float]]:
    # Gemeente 0 = wijk 00 (40 inhabitants) + wijk 01 (5,000): no hennep anywhere.
    table = pd.DataFrame(
        [cell("m", "GM0363", 0), cell("m", "WK036300", 0), cell("m", "WK036301", 0),
         cell("m", "NL01", 14), cell("m", "GM0001", 14)]
    )  # fmt: skip
    hierarchy = RegionHierarchy.from_parents(
        {"WK036300": "GM0363", "WK036301": "GM0363", "GM0363": "NL01", "GM0001": "NL01"}
    )
    population = {"GM0363": 5040.0, "WK036300": 40.0, "WK036301": 5000.0, "GM0001": 9000.0}
    return table, hierarchy, population


def test_a_zero_below_the_minimum_population_is_shown_when_a_published_zero_gives_it() -> None:
    table, hierarchy, population = _zero_gemeente()
    protected = protect(table, rules=EXACT, hierarchy=hierarchy, population=population)
    shown = protected.published.set_index("region")
    assert shown.at["GM0363", "value"] == 0 and shown.at["WK036300", "value"] == 0
    assert shown.at["WK036300", "status"] == "ok"
    report = audit(
        protected.published, table, rules=EXACT, hierarchy=hierarchy, population=population
    )
    assert report.ok and report.zeros_given_away == 0


def test_the_audit_finds_a_dot_that_a_published_zero_gives_away() -> None:
    table, hierarchy, population = _zero_gemeente()
    published = protect(
        table, rules=EXACT, hierarchy=hierarchy, population=population
    ).published.copy()
    where = published["region"] == "WK036300"
    published.loc[where, ["value", "status", "reason"]] = [np.nan, "suppressed", "population"]
    report = audit(published, table, rules=EXACT, hierarchy=hierarchy, population=population)
    assert report.zeros_given_away == 1  # reported (a known 0 behind a "."), not blocking


@SETTINGS
@given(trees(count_buurt))
def test_random_breakdowns_of_a_public_total_are_protected(tree: list) -> None:
    spec = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], spec.tables)
    hierarchy = RegionHierarchy.from_parents(parents)
    for public in (PUBLIC, get_rule_set("public_rounded")):
        rules = {"t": public, "a": get_rule_set("default"), "b": get_rule_set("default")}
        protected = protect(aggregates, spec, rules, hierarchy=hierarchy)
        assert not protected.limited
        assert protected.published.loc[protected.published["measure"] == "t", "value"].notna().all()
        report = audit(protected.published, aggregates, spec, rules, hierarchy=hierarchy)
        assert report.ok, report.unprotected.to_string()
