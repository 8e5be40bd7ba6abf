"""Small hand-made and random hierarchical tables for the disclosure tests."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

from buurtzicht.disclosure.synthetic import aggregate_units

PERIOD = "2024JJ00"


def cell(
    measure: str,
    region: str,
    value: float,
    n_units: int | None = None,
    top1: float = 1.0,
    top2: float = 1.0,
) -> dict[str, object]:
    """One secure aggregate row; a count of units by default."""
    n = int(value) if n_units is None else n_units
    if n_units is None:
        top1, top2 = (1.0 if n >= 1 else 0.0), (1.0 if n >= 2 else 0.0)
    return {
        "measure": measure,
        "region": region,
        "period": PERIOD,
        "value": float(value),
        "n_units": n,
        "top1": top1,
        "top2": top2,
    }


def wijk_table(buurten: dict[str, int], measure: str = "m") -> pd.DataFrame:
    """A wijk WK036300 with buurten BU036300xx holding unit counts, and its total."""
    rows = [cell(measure, code, value) for code, value in buurten.items()]
    rows.append(cell(measure, "WK036300", sum(buurten.values())))
    return pd.DataFrame(rows)


def tree_units(tree: list[list[list[dict[str, list[float]]]]]) -> tuple[pd.DataFrame, dict]:
    """Unit records and the parent map of a random tree.

    ``tree[g][w]`` is the list of buurten of wijk ``w`` of gemeente ``g``; each buurt is
    a mapping measure -> unit amounts. A wijk without buurten holds a single pseudo
    buurt's units itself.
    """
    parents: dict[str, str] = {}
    units: list[dict[str, object]] = []
    for g, wijken in enumerate(tree):
        gm = f"GM{g + 1:04d}"
        parents[gm] = "NL01"
        for w, buurten in enumerate(wijken):
            wk = f"WK{g + 1:04d}{w:02d}"
            parents[wk] = gm
            if len(buurten) == 1 and "__wijk__" in buurten[0]:
                holders = [(wk, buurten[0])]
            else:
                holders = [(f"BU{g + 1:04d}{w:02d}{b:02d}", m) for b, m in enumerate(buurten)]
            for code, measures in holders:
                if code != wk:
                    parents[code] = wk
                for measure, amounts in measures.items():
                    if measure == "__wijk__":
                        continue
                    units.extend(
                        {"measure": measure, "region": code, "period": PERIOD, "amount": a}
                        for a in amounts
                    )
    return pd.DataFrame(units, columns=["measure", "region", "period", "amount"]), parents


def tree_aggregates(tree, measures, tables=()) -> tuple[pd.DataFrame, dict]:
    units, parents = tree_units(tree)
    return aggregate_units(units, parents, measures, tables, [PERIOD]), parents


def trees(
    buurt: st.SearchStrategy, buurten: int = 4, wijken: int = 3, gemeenten: int = 3
) -> st.SearchStrategy:
    """Gemeenten of wijken of buurten (a wijk without buurten too), at most these many."""
    leaf_wijk = buurt.map(lambda m: [{**m, "__wijk__": []}])
    wijk = st.one_of(st.lists(buurt, min_size=1, max_size=buurten), leaf_wijk)
    return st.lists(st.lists(wijk, min_size=1, max_size=wijken), min_size=1, max_size=gemeenten)
