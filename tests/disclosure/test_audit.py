"""The audit: intervals checked by hand and against an independent full LP (scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from buurtzicht.disclosure import (
    DisclosureError,
    DisclosureSpec,
    RegionHierarchy,
    TableSpec,
    audit,
    get_rule_set,
    protect,
)
from buurtzicht.disclosure.knowledge import cell_bounds
from buurtzicht.disclosure.protect import prepare
from tests.disclosure.tables import cell, tree_aggregates, wijk_table

EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})
SPEC = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))


def test_interval_by_hand() -> None:
    # Wijk 61 = 4 + 13 + 44 published exactly except the 4 and its complement 13:
    # x + y = 17 with x in [1, 9] (min_units) and y >= 10 (secondary): x in [1, 7].
    table = wijk_table({"BU03630000": 4, "BU03630001": 13, "BU03630002": 44})
    published = protect(table, rules=EXACT).published
    assert published.set_index("region").at["BU03630001", "reason"] == "secondary"
    report = audit(published, table, rules=EXACT)
    row = report.intervals.set_index("region").loc["BU03630000"]
    assert published["status"].eq("suppressed").sum() == 2
    assert (row["low"], row["high"]) == (1.0, 7.0)
    assert (row["required_low"], row["required_high"]) == (1.0, 7.0)  # 4 +- 3, status >= 1
    assert row["protected"]


def test_a_published_sensitive_cell_is_unprotected() -> None:
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 44})
    published = protect(table, rules=EXACT).published
    leaked = published.copy()
    leaked.loc[leaked["region"] == "BU03630000", ["value", "status", "reason"]] = [4.0, "ok", None]
    report = audit(leaked, table, rules=EXACT)
    assert report.unprotected["region"].tolist() == ["BU03630000"]
    assert not report.ok


def test_published_values_must_belong_to_the_secure_values() -> None:
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 44})
    published = protect(table).published
    other = table.assign(value=lambda f: f["value"].where(f["region"] != "BU03630001", 31.0))
    other.loc[other["region"] == "WK036300", "value"] = 79.0
    other["n_units"] = other["value"].astype(int)
    # Rounded, the buurt of 25 needs no suppression (its interval [23, 27] and the
    # wijk's [73, 77] already hide the 4): both it and the wijk are found.
    match = r"2 published cell\(s\).*BU03630001 / 2024JJ00 is 31 but was published as 25"
    with pytest.raises(DisclosureError, match=match):
        audit(published, other)


def test_tables_that_do_not_add_up_are_refused() -> None:
    table = wijk_table({"BU03630000": 4, "BU03630001": 25})
    table.loc[table["region"] == "WK036300", ["value", "n_units"]] = [30.0, 30]
    with pytest.raises(DisclosureError, match=r"WK036300.*= 30 but its region components sum"):
        protect(table)


def _full_intervals(published: pd.DataFrame, aggregates: pd.DataFrame, rules, parents):
    """Every cell a variable, every relation kept: the attacker's exact LP (scipy)."""
    cells, structure, by_measure = prepare(
        aggregates, SPEC, RegionHierarchy.from_parents(parents), rules
    )
    merged = cells.merge(
        published[["measure", "region", "period", "value", "status", "reason"]].rename(
            columns={"value": "published"}
        ),
        on=["measure", "region", "period"],
        suffixes=("_secure", ""),
    )
    merged["reason"] = merged["reason"].astype(object).where(merged["reason"].notna(), "")
    bounds = cell_bounds(merged, by_measure)
    a = structure.matrix.toarray()
    out = {}
    for k in np.flatnonzero(np.isnan(merged["published"].to_numpy(float))):
        c = np.zeros(len(merged))
        c[k] = 1.0
        b = list(
            zip(bounds[:, 0], np.where(np.isinf(bounds[:, 1]), None, bounds[:, 1]), strict=True)
        )
        lo = linprog(c, A_eq=a, b_eq=np.zeros(len(a)), bounds=b, method="highs")
        hi = linprog(-c, A_eq=a, b_eq=np.zeros(len(a)), bounds=b, method="highs")
        out[(merged.at[k, "measure"], merged.at[k, "region"])] = (
            lo.fun,
            -hi.fun if hi.status == 0 else np.inf,
        )
    return out


@pytest.mark.parametrize("rules_name", ["default", "exact"])
def test_audit_intervals_lie_within_the_exact_attacker_intervals(rules_name: str) -> None:
    rng = np.random.default_rng(7)
    tree = [
        [[{m: [1.0] * int(rng.integers(0, 25)) for m in "ab"} for _ in range(3)] for _ in range(2)]
        for _ in range(2)
    ]
    aggregates, parents = tree_aggregates(tree, ["a", "b", "t"], SPEC.tables)
    rules = EXACT if rules_name == "exact" else get_rule_set("default")
    hierarchy = RegionHierarchy.from_parents(parents)
    published = protect(aggregates, SPEC, rules, hierarchy=hierarchy).published
    report = audit(published, aggregates, SPEC, rules, hierarchy=hierarchy)
    exact = _full_intervals(published, aggregates, rules, parents)
    assert len(exact) == int(report.intervals["hidden"].sum()) > 5
    for row in report.intervals[report.intervals["hidden"]].itertuples():
        lo, hi = exact[(row.measure, row.region)]
        # The audit fixes cells outside its view: never wider than the attacker's LP.
        assert lo - 1e-6 <= row.low and row.high <= hi + 1e-6
    assert report.ok


def test_regions_table_gives_the_hierarchy_and_keeps_special_regions_out() -> None:
    regions = pd.DataFrame(
        {
            "code": ["GM0363", "WK036300", "BU03630000", "BU03630001", "WK036399"],
            "level": ["gemeente", "wijk", "buurt", "buurt", "wijk"],
            "gemeente": ["GM0363", "GM0363", "GM0363", "GM0363", "GM0363"],
            "wijk": [None, "WK036300", "WK036300", "WK036300", "WK036399"],
            "special": [None, None, None, None, "water"],
        }
    )
    relations = dict(RegionHierarchy.from_regions_table(regions).relations)
    assert relations == {
        "GM0363": ("WK036300",),
        "NL01": ("GM0363",),
        "WK036300": ("BU03630000", "BU03630001"),
    }


def test_naive_publication_fails_and_reports_per_table() -> None:
    table = pd.concat(
        [wijk_table({"BU03630000": 4, "BU03630001": 25}, "a"),
         wijk_table({"BU03630000": 30, "BU03630001": 25}, "b")],
        ignore_index=True,
    )  # fmt: skip
    naive = protect(table, rules=EXACT, secondary=False)
    report = audit(naive.published, table, rules=EXACT)
    tables = report.tables.set_index("table")
    assert tables.at["a", "unprotected"] == 1 and tables.at["b", "unprotected"] == 0
    assert tables.at["a", "primary"] == 1 and tables.at["a", "secondary"] == 0
    assert cell("a", "WK036300", 29)["value"] == 29.0
