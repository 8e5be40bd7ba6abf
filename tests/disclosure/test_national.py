"""The Netherlands is published: a national cell is a complement only where nothing else will do.

A gemeente's small count must be hidden together with a sibling figure, and the table
must still add up across the country: either the national figures move with it, or
another gemeente's. By information loss alone the national route is often the
cheaper one (two national cells against a gemeente with its wijk and buurt), but the
national figure is the one users look for first, so the search holds it fixed and
takes it only as the last resort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from buurtzicht.disclosure import DisclosureSpec, RegionHierarchy, TableSpec, audit, protect, search
from buurtzicht.disclosure.lp import protecting_deviation
from buurtzicht.disclosure.protect import prepare
from buurtzicht.disclosure.rules import get_rule_set
from tests.disclosure.tables import cell

SPEC = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))
EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})
RULES = {"t": get_rule_set("public"), "a": EXACT, "b": EXACT}


def _country(values: dict[str, tuple[int, int]]) -> tuple[pd.DataFrame, RegionHierarchy]:
    """Gemeenten of one wijk of one buurt each; ``values``: gemeente -> (a, b)."""
    parents: dict[str, str] = {}
    rows = []
    totals = np.zeros(2)
    for number, (a, b) in values.items():
        gemeente, wijk, buurt = f"GM{number}", f"WK{number}00", f"BU{number}0000"
        parents |= {gemeente: "NL01", wijk: gemeente, buurt: wijk}
        for region in (gemeente, wijk, buurt):
            rows += [cell("a", region, a), cell("b", region, b), cell("t", region, a + b)]
        totals += (a, b)
    a, b = totals
    rows += [cell("a", "NL01", a), cell("b", "NL01", b), cell("t", "NL01", a + b)]
    return pd.DataFrame(rows), RegionHierarchy.from_parents(parents)


def _status(published: pd.DataFrame, region: str) -> dict[str, str]:
    rows = published[published["region"] == region]
    return dict(zip(rows["measure"], rows["status"], strict=True))


def test_nl_stays_published_where_it_would_be_the_cheapest_complement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GM0001 has 3 dwellings of class a; its dwellings are public, so b must go too,
    # and the country must still add up: NL's a and b (2 cells), or GM0002's or
    # GM0003's a and b with their wijk and buurt (6 cells).
    table, hierarchy = _country({"0001": (3, 200), "0002": (150, 150), "0003": (160, 160)})
    cells, structure, _ = prepare(table, SPEC, hierarchy, RULES)
    x = cells["value"].to_numpy(float)
    region, measure = cells["region"].to_numpy(str), cells["measure"].to_numpy(str)
    # Control: by information loss alone (1 + log(1 + x) per unit moved, the primary
    # cells free), the cheapest certificate for GM0001's 3 goes through NL.
    primary = (measure == "a") & (x == 3)
    fixed = measure == "t"
    target = int(np.flatnonzero(primary & (region == "GM0001"))[0])
    cost = np.where(primary, 1e-4, 1.0 + np.log1p(x))
    room = np.where(fixed, 0.0, np.inf)
    cheapest = protecting_deviation(
        structure.matrix, room, np.where(fixed, 0.0, x), cost, target, 3.0
    )
    assert cheapest.y is not None
    moving = np.abs(cheapest.y) > 1e-6
    moved = set(zip(region[moving], measure[moving], strict=True))
    assert {("NL01", "a"), ("NL01", "b")} <= moved
    # The engine, even with the national cells at their plain information loss, keeps
    # NL published and takes another gemeente instead.
    monkeypatch.setattr(search, "_NATIONAL_COST", 1.0)
    protected = protect(table, SPEC, RULES, hierarchy=hierarchy, workers=1)
    assert _status(protected.published, "NL01") == {"a": "ok", "b": "ok", "t": "ok"}
    assert _status(protected.published, "GM0001") == {
        "a": "suppressed",
        "b": "suppressed",
        "t": "ok",
    }
    others = [_status(protected.published, g) for g in ("GM0002", "GM0003")]
    assert {"a": "suppressed", "b": "suppressed", "t": "ok"} in others
    assert protected.limited == ()
    report = audit(protected.published, table, SPEC, RULES, hierarchy=hierarchy, workers=1)
    assert report.ok, report.unprotected.to_string()


def test_nl_is_a_complement_where_nothing_else_will_do() -> None:
    # GM0002 has no dwellings of class b (a published 0) and its total is public, so its
    # a is known too: no other gemeente can carry GM0001's movement, only NL.
    table, hierarchy = _country({"0001": (3, 200), "0002": (20, 0)})
    protected = protect(table, SPEC, RULES, hierarchy=hierarchy, workers=1)
    assert protected.limited == ()
    nl = protected.published[protected.published["region"] == "NL01"].set_index("measure")
    assert nl.at["a", "reason"] == "secondary" and nl.at["b", "reason"] == "secondary"
    assert nl.at["t", "status"] == "ok"
    report = audit(protected.published, table, SPEC, RULES, hierarchy=hierarchy, workers=1)
    assert report.ok, report.unprotected.to_string()
