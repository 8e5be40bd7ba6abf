"""Attacks on published tables: each must be blocked by protect and seen by the audit.

Every attack is first run against a naive publication (primary suppression only) to
show that the audit catches it, then against the engine's output, which must pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from buurtzicht.disclosure import (
    DisclosureSpec,
    RegionHierarchy,
    TableSpec,
    audit,
    cbs_symbol,
    get_rule_set,
    protect,
)
from tests.disclosure.tables import PERIOD, cell, wijk_table

EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})


def _interval(report, region: str, measure: str = "m") -> tuple[float, float]:
    row = report.intervals[
        (report.intervals["region"] == region) & (report.intervals["measure"] == measure)
    ]
    return float(row["low"].item()), float(row["high"].item())


def test_differencing_wijk_minus_other_buurten_finds_the_exact_value() -> None:
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    naive = protect(table, rules=EXACT, secondary=False)
    report = audit(naive.published, table, rules=EXACT)
    assert _interval(report, "BU03630000") == (4.0, 4.0)  # 100 - 25 - 31 - 40
    assert report.unprotected["region"].tolist() == ["BU03630000"]
    assert report.tables["unprotected"].item() == 1


def test_differencing_is_blocked_by_secondary_suppression() -> None:
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    protected = protect(table, rules=EXACT)
    hidden = protected.published[protected.published["status"] == "suppressed"]
    assert set(hidden["reason"]) == {"min_units", "secondary"}
    assert len(hidden) == 2  # one complementary buurt is enough
    report = audit(protected.published, table, rules=EXACT)
    assert report.ok
    low, high = _interval(report, "BU03630000")
    assert low <= 1 and high >= 7  # required: 4 -/+ 3 (and the status says 1..9)


def test_rounding_alone_can_hide_a_small_buurt_and_the_audit_knows_it() -> None:
    # Published to multiples of 5, the wijk and three buurten leave an interval of
    # +-8 around the 4: the audit accepts it (no secondary suppression needed).
    table = wijk_table({"BU03630000": 4, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    naive = protect(table, secondary=False)
    report = audit(naive.published, table)
    assert report.ok
    assert _interval(report, "BU03630000") == (1.0, 9.0)


def test_overlapping_regions_do_not_give_a_buurt_away() -> None:
    # A custom area WK036399 covers buurten 01 and 02 of wijk WK036300; the wijk minus
    # the area minus buurt 03 is buurt 00.
    table = wijk_table({"BU03630000": 6, "BU03630001": 25, "BU03630002": 31, "BU03630003": 40})
    area = pd.DataFrame([cell("m", "WK036399", 56)])
    table = pd.concat([table, area], ignore_index=True)
    hierarchy = RegionHierarchy.from_codes(table["region"].drop(index=len(table) - 1)).with_groups(
        {"WK036399": ["BU03630001", "BU03630002"]}
    )
    naive = protect(table, rules=EXACT, hierarchy=hierarchy, secondary=False)
    # buurten 01 and 02 hidden would not help: the area still gives their sum.
    broken = naive.published.copy()
    broken.loc[broken["region"].isin(["BU03630001", "BU03630002"]), "value"] = np.nan
    broken.loc[broken["region"].isin(["BU03630001", "BU03630002"]), "status"] = "suppressed"
    broken.loc[broken["region"].isin(["BU03630001", "BU03630002"]), "reason"] = "secondary"
    report = audit(broken, table, rules=EXACT, hierarchy=hierarchy)
    assert _interval(report, "BU03630000") == (6.0, 6.0)
    protected = protect(table, rules=EXACT, hierarchy=hierarchy)
    assert audit(protected.published, table, rules=EXACT, hierarchy=hierarchy).ok


def test_category_total_minus_other_categories() -> None:
    spec = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b", "c")),))
    table = pd.DataFrame(
        [cell("t", "NL01", 63), cell("a", "NL01", 3), cell("b", "NL01", 20), cell("c", "NL01", 40)]
    )
    naive = protect(table, spec, EXACT, secondary=False)
    report = audit(naive.published, table, spec, EXACT)
    assert _interval(report, "NL01", "a") == (3.0, 3.0)
    protected = protect(table, spec, EXACT)
    assert protected.published["status"].eq("suppressed").sum() == 2
    assert audit(protected.published, table, spec, EXACT).ok


def _branch_table() -> pd.DataFrame:
    # Turnover per branch in a gemeente: one business holds 950,000 of 1,000,000.
    return pd.DataFrame(
        [
            cell("omzet.totaal", "GM0363", 3_400_000, 52, 950_000, 30_000),
            cell("omzet.horeca", "GM0363", 1_000_000, 12, 950_000, 10_000),
            cell("omzet.detailhandel", "GM0363", 1_200_000, 20, 90_000, 80_000),
            cell("omzet.bouw", "GM0363", 1_200_000, 20, 30_000, 30_000),
        ]
    )


def test_a_single_dominant_business_in_a_branch() -> None:
    spec = DisclosureSpec(
        tables=(
            TableSpec(
                name="omzet",
                total="omzet.totaal",
                components=("omzet.horeca", "omzet.detailhandel", "omzet.bouw"),
                rules="amounts",
            ),
        )
    )
    table = _branch_table()
    naive = protect(table, spec, secondary=False)
    assert naive.published.set_index("measure").at["omzet.horeca", "reason"] == "dominance"
    report = audit(naive.published, table, spec)
    low, high = _interval(report, "GM0363", "omzet.horeca")
    assert high - low <= 4_000  # rounding to thousands leaves only +-2,000
    assert not report.ok
    protected = protect(table, spec)
    report = audit(protected.published, table, spec)
    assert report.ok
    low, high = _interval(report, "GM0363", "omzet.horeca")
    assert high >= 1_100_000 and low <= 900_000  # 10% protection on both sides


@pytest.mark.parametrize("units", range(1, 10))
def test_a_cell_of_one_to_nine_units_is_never_published(units: int) -> None:
    table = wijk_table({"BU03630000": units, "BU03630001": 30, "BU03630002": 44})
    out = protect(table).published.set_index("region")
    assert out.at["BU03630000", "status"] == "suppressed"
    assert np.isnan(out.at["BU03630000", "value"])
    assert out.at["BU03630000", "reason"] == "min_units"
    assert cbs_symbol(out.at["BU03630000", "value"], "suppressed") == "."
    assert audit(protect(table).published, table).ok


def test_repeated_publication_reveals_nothing_more() -> None:
    # The API answers the same query the same way: rounding is deterministic, so
    # averaging repeated answers (as against random noise) gains nothing.
    table = wijk_table({"BU03630000": 4, "BU03630001": 27, "BU03630002": 31, "BU03630003": 43})
    first = protect(table).published
    second = protect(table).published
    pd.testing.assert_frame_equal(first, second)


def test_overlapping_queries_are_views_of_one_protected_table() -> None:
    rows = []
    for w, buurten in enumerate([[4, 27, 31], [12, 3, 50], [0, 22, 18]]):
        for b, value in enumerate(buurten):
            rows.append(cell("m", f"BU0363{w:02d}{b:02d}", value))
        rows.append(cell("m", f"WK0363{w:02d}", sum(buurten)))
    rows.append(cell("m", "GM0363", sum(r["value"] for r in rows if r["region"][:2] == "WK")))
    table = pd.DataFrame(rows)
    published = protect(table).published
    # Query 1: wijk 00 with its buurten; query 2: the gemeente with its wijken and wijk 00.
    query1 = published[published["region"].str.startswith(("BU036300", "WK036300"))]
    query2 = published[published["region"].str.match(r"^(GM0363|WK0363..)$")]
    both = pd.concat([query1, query2]).drop_duplicates()
    shared = query1.merge(query2, on=["measure", "region", "period"])
    assert (shared["status_x"] == shared["status_y"]).all()
    assert len(both) <= len(published)
    assert audit(published, table).ok  # the union of all answers is this table


def test_linked_tables_sharing_a_total_are_protected_together() -> None:
    spec = DisclosureSpec(
        tables=(
            TableSpec(name="soort", total="t", components=("a", "b")),
            TableSpec(name="eigenaar", total="t", components=("p", "r")),
        )
    )
    rows = []
    for region, (a, b, p) in {"BU03630000": (3, 30, 25), "BU03630001": (15, 12, 20),
                              "BU03630002": (22, 40, 60)}.items():  # fmt: skip
        rows += [cell("a", region, a), cell("b", region, b), cell("t", region, a + b),
                 cell("p", region, p), cell("r", region, a + b - p)]  # fmt: skip
    table = pd.DataFrame(rows)
    sums = table.groupby("measure")["value"].sum()
    table = pd.concat(
        [table, pd.DataFrame([cell(m, "WK036300", v) for m, v in sums.items()])],
        ignore_index=True,
    )
    protected = protect(table, spec, EXACT)
    report = audit(protected.published, table, spec, EXACT)
    assert report.ok
    assert set(report.tables["table"]) == {"soort", "eigenaar"}
    assert (protected.published["period"] == PERIOD).all()
