"""Gemeente blocks: the unit of work that keeps national tables fast.

A block is every wijk and buurt cell of one gemeente, one period and one group of
linked measures (measures that share a table total, directly or through other
tables). The gemeente's own cells and everything outside the block are held fixed
while the block is worked on, so a block is a small hierarchical table of its own, in
the spirit of the modular HiTaS approach (de Wolf 2002). One linear-programming model
per block is re-solved for every cell in it, each solve starting from the previous
basis, which is what makes a national release take minutes rather than hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from buurtzicht.disclosure.spec import DisclosureSpec


def measure_groups(measures: pd.Series, spec: DisclosureSpec) -> pd.Series:
    """A group number per measure: measures linked through table totals share one.

    >>> from buurtzicht.disclosure.spec import TableSpec
    >>> spec = DisclosureSpec(tables=(TableSpec(name="a", total="t", components=("x", "y")),
    ...                               TableSpec(name="b", total="t", components=("p", "q"))))
    >>> measure_groups(pd.Series(["p", "t", "x", "z"]), spec).tolist()
    [0, 0, 0, 1]
    """
    parent: dict[str, str] = {}

    def find(m: str) -> str:
        while parent.setdefault(m, m) != m:
            m = parent[m]
        return m

    for table in spec.tables:
        first = table.measures[0]
        for other in table.measures[1:]:
            parent[find(other)] = find(first)
    roots = [find(str(m)) for m in measures]
    return pd.Series(pd.factorize(pd.Series(roots))[0], index=measures.index)


def gemeente_blocks(cells: pd.DataFrame, spec: DisclosureSpec) -> list[np.ndarray]:
    """Cell numbers of every block; cells above the wijk level belong to none."""
    prefix = cells["region"].str[:2]
    inside = prefix.isin(["WK", "BU"]).to_numpy()
    key = pd.DataFrame(
        {
            "gemeente": cells["region"].str[2:6],
            "period": cells["period"],
            "group": measure_groups(cells["measure"], spec),
        }
    )[inside]
    groups = key.groupby(["period", "group", "gemeente"], sort=True).indices
    positions = np.flatnonzero(inside)
    return [positions[index] for index in groups.values()]
