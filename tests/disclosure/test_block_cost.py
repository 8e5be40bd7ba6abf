"""Block models charge a complement for the movement it can carry, not per unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from buurtzicht.disclosure import DisclosureSpec, TableSpec, audit, protect
from buurtzicht.disclosure.rules import get_rule_set
from buurtzicht.disclosure.search import charged_cost
from tests.disclosure.tables import cell

EXACT = get_rule_set("default").model_copy(update={"rounding": None, "name": "exact"})
SPEC = DisclosureSpec(tables=(TableSpec(name="t", total="t", components=("a", "b")),))


def test_one_complement_that_carries_the_level_beats_three_that_carry_a_third() -> None:
    # A buurt with a = 1 must reach 4. Three buurten with a = 11 would each be known to
    # be at least 10 once suppressed (room 1); the buurt with a = 200 has room for all
    # 3. Per unit of movement the 11s look cheaper (information loss 1 + log 12 against
    # 1 + log 201), so linear costs took all three of them and their b cells: 7
    # complements. Charged for what they can carry, one buurt does it: 3 complements.
    a = {"BU03630000": 1, "BU03630001": 11, "BU03630002": 11, "BU03630003": 11}
    a |= {"BU03630004": 200, "BU03630005": 150}
    rows = []
    for region, value in a.items():
        rows += [cell("a", region, value), cell("b", region, 300 - value), cell("t", region, 300)]
    for region in ("WK036300", "GM0363"):
        total = sum(a.values())
        rows += [cell("a", region, total), cell("b", region, 1800 - total)]
        rows.append(cell("t", region, 1800))
    table = pd.DataFrame(rows)
    protected = protect(table, SPEC, EXACT, workers=1)
    published = protected.published
    secondary = published[published["reason"] == "secondary"]
    assert len(secondary) == 3
    assert set(secondary["region"]) == {"BU03630000", "BU03630004"}
    assert audit(published, table, SPEC, EXACT, workers=1).ok


def test_charged_cost_per_direction() -> None:
    weight = np.array([2.0, 2.0, 2.0])
    room_up = np.array([np.inf, 1.0, 6.0])
    room_down = np.array([1.5, 0.0, 3.0])
    suppressed = np.array([False, False, True])
    cost = charged_cost(weight, room_up, room_down, suppressed)
    up, down = cost[:3], cost[3:]
    assert up[0] == 2.0 and up[1] == 6.0  # room 1 of 3: three times the weight per unit
    assert down[0] == 4.0  # room 1.5 of 3
    assert up[2] == down[2] < 1e-3  # already suppressed: (almost) free
