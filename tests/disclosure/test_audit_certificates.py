"""The certificate-checked audit: protection's certificates spare programs, never verdicts.

Every certificate is checked against the audit's own knowledge and relations; a
tampered one is rejected and its cells go through the audit's own programs with the
same verdict. Naive suppression is still caught: no certificate for it can exist, and
a forged one is rejected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from buurtzicht.disclosure import RegionHierarchy, audit, protect
from buurtzicht.disclosure.certificates import COLUMNS
from buurtzicht.disclosure.rules import get_rule_set
from tests.disclosure.tables import PERIOD, tree_aggregates, trees, wijk_table
from tests.disclosure.test_properties import EXACT, SETTINGS, SPEC, count_buurt
from tests.disclosure.test_public import RULES, _owner_table
from tests.disclosure.test_public import SPEC as OWNER_SPEC

BEYOND = "moves a cell beyond what is known"


def _linked(seed: int, rules=EXACT) -> tuple[pd.DataFrame, RegionHierarchy, object]:
    """Two gemeenten of linked tables (t = a + b in every region), protected."""
    rng = np.random.default_rng(seed)
    tree = [
        [[{m: [1.0] * int(rng.integers(0, 25)) for m in "ab"} for _ in range(3)] for _ in range(3)]
        for _ in range(2)
    ]
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    hierarchy = RegionHierarchy.from_parents(parents)
    return aggregates, hierarchy, protect(aggregates, SPEC, rules, hierarchy=hierarchy)


def _audit(aggregates, hierarchy, published, certificates, rules=EXACT):
    return audit(published, aggregates, SPEC, rules, hierarchy=hierarchy, certificates=certificates)


def _forged(rows: list[tuple[str, str, float]], number: int = 0) -> pd.DataFrame:
    """A certificate by hand: (measure, region, movement) rows."""
    frame = pd.DataFrame(rows, columns=["measure", "region", "delta"])
    return frame.assign(certificate=number, period=PERIOD)[COLUMNS]


@pytest.mark.parametrize("rules", [EXACT, get_rule_set("default")], ids=["exact", "rounded"])
def test_certificates_spare_programs_and_change_no_verdict(rules) -> None:
    aggregates, hierarchy, protected = _linked(3, rules)
    certificates = protected.certificates
    assert certificates["certificate"].nunique() > 5
    # Secure-side detail, keyed by cell, never by row number of some frame.
    assert list(certificates.columns) == COLUMNS
    plain = _audit(aggregates, hierarchy, protected.published, None, rules)
    checked = _audit(aggregates, hierarchy, protected.published, certificates, rules)
    assert checked.certificates is not None and checked.certificates.rejected == 0
    assert checked.certificates.given == certificates["certificate"].nunique()
    assert checked.proven_by_certificates > 0
    assert checked.programs < plain.programs
    assert plain.ok and checked.ok
    assert checked.intervals["protected"].equals(plain.intervals["protected"])
    # Every cell is proven one way or the other, and counted once.
    sensitive = plain.intervals["sensitive"] & plain.intervals["hidden"]
    assert checked.proven_by_certificates + checked.proven_by_programs == int(sensitive.sum())
    assert plain.proven_by_certificates == 0


def _decisive(aggregates, hierarchy, protected) -> pd.DataFrame:
    """One certificate that on its own proves a cell (the largest such)."""
    certificates = protected.certificates
    sizes = certificates.groupby("certificate").size().sort_values(ascending=False)
    for number in sizes.index:
        alone = certificates[certificates["certificate"] == number]
        if _audit(aggregates, hierarchy, protected.published, alone).proven_by_certificates:
            return alone.reset_index(drop=True)
    raise AssertionError("no certificate proves a cell on its own")


def _tampered(alone: pd.DataFrame, published: pd.DataFrame, how: str) -> pd.DataFrame:
    out = alone.copy()
    if how == "relation":  # one more unit on a suppressed cell it does not move
        shown = published.set_index(["measure", "region"])
        moved = set(zip(out["measure"].astype(str), out["region"].astype(str), strict=True))
        spare = [key for key in shown.index[shown["reason"].eq("secondary")] if key not in moved]
        extra = pd.DataFrame(
            [{"certificate": out["certificate"].iloc[0], "measure": spare[0][0],
              "region": spare[0][1], "period": PERIOD, "delta": 1.0}]
        )  # fmt: skip
        return pd.concat([out.astype({c: str for c in ("measure", "region", "period")}), extra])
    if how == "bound":  # the same direction, a thousand times as far: relations still hold
        return out.assign(delta=out["delta"] * 1000.0)
    raise ValueError(how)


@pytest.mark.parametrize(("how", "why"), [("relation", "breaks a relation"), ("bound", BEYOND)])
def test_a_tampered_certificate_is_rejected_and_its_cells_go_to_programs(how, why) -> None:
    aggregates, hierarchy, protected = _linked(3)
    published = protected.published
    alone = _decisive(aggregates, hierarchy, protected)
    plain = _audit(aggregates, hierarchy, published, None)
    honest = _audit(aggregates, hierarchy, published, alone)
    bad = _audit(aggregates, hierarchy, published, _tampered(alone, published, how))
    assert honest.certificates.rejected == 0 and honest.proven_by_certificates > 0
    assert bad.certificates.given == 1 and bad.certificates.rejected == 1
    assert bad.certificates.why == {why: 1}
    assert bad.proven_by_certificates == 0
    assert bad.programs == plain.programs > honest.programs
    assert bad.intervals["protected"].equals(plain.intervals["protected"]) and bad.ok


def test_naive_suppression_is_caught_and_a_forged_certificate_is_rejected() -> None:
    # A wijk of four buurten; primary suppression only: 100 - 25 - 31 - 40 gives 4 away.
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    naive = protect(table, rules=EXACT, secondary=False).published
    plain = audit(naive, table, rules=EXACT)
    assert len(plain.unprotected) == 1
    # The certificate an attacker would need moves a published sibling: impossible.
    forged = _forged([("m", "BU03630000", 3.0), ("m", "BU03630001", -3.0)])
    report = audit(naive, table, rules=EXACT, certificates=forged)
    assert report.certificates.why == {BEYOND: 1}
    assert report.unprotected[["region", "low", "high"]].equals(
        plain.unprotected[["region", "low", "high"]]
    )
    assert report.proven_by_certificates == 0 and not report.ok
    # The real protection's certificates do not carry over to a naive publication.
    aggregates, hierarchy, protected = _linked(3)
    bare = protect(aggregates, SPEC, EXACT, hierarchy=hierarchy, secondary=False).published
    before = _audit(aggregates, hierarchy, bare, None)
    after = _audit(aggregates, hierarchy, bare, protected.certificates)
    assert after.certificates.rejected > 0 and not after.ok
    assert set(after.unprotected["cell"]) == set(before.unprotected["cell"]) != set()
    # A certificate naming a cell that is not in the release is rejected too.
    stray = _forged([("m", "BU03639999", 3.0), ("m", "BU03630000", 3.0)])
    report = audit(naive, table, rules=EXACT, certificates=stray)
    assert report.certificates.why == {"names a cell outside the release": 1}


def test_a_certificate_may_not_move_a_public_margin() -> None:
    # Dwellings 63 (public, exact) = 3 + 20 + 40; primary suppression only.
    table = _owner_table()
    naive = protect(table, OWNER_SPEC, RULES, secondary=False).published
    plain = audit(naive, table, OWNER_SPEC, RULES)
    # Moving the known total with the hidden class keeps every relation: still forged.
    forged = _forged([("a", "NL01", 3.0), ("t", "NL01", 3.0)])
    report = audit(naive, table, OWNER_SPEC, RULES, certificates=forged)
    assert report.certificates.why == {BEYOND: 1}
    assert not report.ok and report.unprotected["measure"].tolist() == ["a"]
    assert report.unprotected["high"].tolist() == plain.unprotected["high"].tolist() == [3.0]
    # Protected, the certificate moves a sibling class instead, and it is valid.
    protected = protect(table, OWNER_SPEC, RULES)
    report = audit(
        protected.published, table, OWNER_SPEC, RULES, certificates=protected.certificates
    )
    assert report.ok and report.certificates.rejected == 0
    assert report.proven_by_certificates == 1 and report.programs == 0


def test_a_rounded_cell_may_move_only_within_its_interval() -> None:
    # Published rounded, a count of 25 is known to lie in 23..27.
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    rules = get_rule_set("default")
    naive = protect(table, rules=rules, secondary=False).published
    within = _forged([("m", "BU03630000", 2.0), ("m", "BU03630001", -2.0)])
    beyond = _forged([("m", "BU03630000", 3.0), ("m", "BU03630001", -3.0)])
    assert audit(naive, table, rules=rules, certificates=within).certificates.rejected == 0
    assert audit(naive, table, rules=rules, certificates=beyond).certificates.why == {BEYOND: 1}


@SETTINGS
@given(trees(count_buurt))
def test_with_and_without_certificates_the_same_cells_are_unprotected(tree: list) -> None:
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    hierarchy = RegionHierarchy.from_parents(parents)
    rules = get_rule_set("default")
    for secondary in (True, False):
        protected = protect(aggregates, SPEC, rules, hierarchy=hierarchy, secondary=secondary)
        # Naive tables get the certificates of the real protection: they must not help.
        given = protect(aggregates, SPEC, rules, hierarchy=hierarchy).certificates
        plain = _audit(aggregates, hierarchy, protected.published, None, rules)
        checked = _audit(aggregates, hierarchy, protected.published, given, rules)
        assert checked.intervals["protected"].equals(plain.intervals["protected"])
        assert set(checked.unprotected["cell"]) == set(plain.unprotected["cell"])
        if secondary:
            assert checked.certificates.rejected == 0


def test_a_large_published_cell_lends_no_slack_to_a_small_one() -> None:
    # A published count of 3 million moved by 3 is a moved published cell, although 3 is
    # within a millionth of it: otherwise these two forged certificates would "prove" the
    # buurt of 4 protected in a publication that gives it away.
    table = wijk_table(
        {"BU03630000": 4, "BU03630001": 3_000_000, "BU03630002": 3_000_000, "BU03630003": 4_000_000}
    )
    naive = protect(table, rules=EXACT, secondary=False).published
    plain = audit(naive, table, rules=EXACT)
    assert list(plain.unprotected["region"]) == ["BU03630000"]
    forged = pd.concat(
        [
            _forged([("m", "BU03630000", 3.0), ("m", "BU03630001", -3.0)], 0),
            _forged([("m", "BU03630000", -3.0), ("m", "BU03630001", 3.0)], 1),
        ]
    )
    report = audit(naive, table, rules=EXACT, certificates=forged)
    assert report.certificates.rejected == 2 and report.certificates.why == {BEYOND: 2}
    assert report.proven_by_certificates == 0 and not report.ok
    assert list(report.unprotected["region"]) == ["BU03630000"]
