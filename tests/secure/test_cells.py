"""Empty cells of a release: which go through the engine, and why that is enough."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from buurtzicht.disclosure import DisclosureSpec, TableSpec, get_rule_set, protect
from buurtzicht.secure.cells import empty_cells, engine_cells, split_empty_cells

MEASURES = ("secure.t.totaal", "secure.t.a", "secure.t.b")
SPEC = DisclosureSpec(
    tables=(TableSpec(name="t", total="secure.t.totaal", components=MEASURES[1:]),)
)
RULES = dict.fromkeys(MEASURES, get_rule_set("default"))
#: BU03630003 is a tiny buurt: below the minimum population of 50.
POPULATION = {"NL01": 9000.0, "GM0363": 9000.0, "WK036300": 900.0, "BU03630000": 300.0,
              "BU03630001": 300.0, "BU03630002": 280.0, "BU03630003": 20.0}  # fmt: skip


def _aggregates() -> pd.DataFrame:
    """A wijk of four buurten; measure b is empty in two of them (absent cells)."""
    a = {"BU03630000": 30, "BU03630001": 4, "BU03630002": 25, "BU03630003": 12}
    b = {"BU03630000": 12, "BU03630001": 0, "BU03630002": 40, "BU03630003": 0}
    rows = []
    for measure, values in (("secure.t.a", a), ("secure.t.b", b)):
        values = {k: v for k, v in values.items() if v}
        values |= dict.fromkeys(["WK036300", "GM0363", "NL01"], sum(values.values()))
        rows += [(measure, region, v) for region, v in values.items()]
    frame = pd.DataFrame(rows, columns=["measure", "region", "value"])
    total = frame.groupby("region", as_index=False)["value"].sum().assign(measure=MEASURES[0])
    out = pd.concat([frame, total], ignore_index=True).assign(period="2024JJ00")
    return out.assign(
        n_units=out["value"].astype(int), top1=1.0, top2=1.0, value=out["value"] * 1.0
    )


def test_every_published_measure_gets_every_region_of_its_period() -> None:
    empty = empty_cells(_aggregates(), MEASURES)
    assert sorted(empty["region"]) == ["BU03630001", "BU03630003"]
    assert set(empty["measure"]) == {"secure.t.b"}


def test_empty_cells_of_small_regions_go_through_the_engine() -> None:
    hidden, after = split_empty_cells(empty_cells(_aggregates(), MEASURES), RULES, POPULATION)
    assert hidden["region"].tolist() == ["BU03630003"]
    assert after["region"].tolist() == ["BU03630001"]


def test_zeros_after_protection_publish_what_zeros_before_would() -> None:
    """Adding the publishable empty cells after protect gives the same release as
    handing every empty cell to the engine: to it they are known zeros either way."""
    aggregates = _aggregates()
    empty = empty_cells(aggregates, MEASURES)
    hidden, after = split_empty_cells(empty, RULES, POPULATION)
    every = protect(engine_cells(aggregates, MEASURES, empty), SPEC, RULES, population=POPULATION)
    split = protect(engine_cells(aggregates, MEASURES, hidden), SPEC, RULES, population=POPULATION)
    zeros = after.assign(indeling=2024, value=0.0, status="ok", source="secure", reason=pd.NA)
    combined = pd.concat([split.published, zeros[split.published.columns]], ignore_index=True)
    key = ["measure", "region", "period"]

    def tidy(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.sort_values(key).reset_index(drop=True)
        return out.astype({"value": float, "reason": "string", "status": "string"})

    assert_frame_equal(tidy(combined), tidy(every.published), check_dtype=False)
    tiny = tidy(every.published).query("region == 'BU03630003' and measure == 'secure.t.b'")
    assert tiny["status"].tolist() == ["suppressed"]  # an empty cell there looks like any other


def test_an_empty_cell_below_the_minimum_population_under_a_published_zero_is_shown() -> None:
    # Measure b is empty in the whole gemeente of a 20-inhabitant buurt: the gemeente's
    # 0 gives the buurt's 0 away, so the buurt shows 0 instead of ".".
    from buurtzicht.disclosure import RegionHierarchy

    aggregates = _aggregates()
    aggregates = aggregates[aggregates["measure"] != "secure.t.b"]
    empty = empty_cells(aggregates, MEASURES)
    relations = (SPEC, RegionHierarchy.from_codes(POPULATION))
    hidden, after = split_empty_cells(empty, RULES, POPULATION, relations, aggregates)
    assert hidden.empty
    assert "BU03630003" in set(after["region"])
    without, _ = split_empty_cells(empty, RULES, POPULATION)  # no relations: hidden
    assert without["region"].tolist() == ["BU03630003"]
