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

from typing import cast

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
    """Cell numbers of every gemeente block; cells above the wijk level belong to none."""
    return list(region_blocks(cells, spec, "gemeente").values())


def table_blocks(cells: pd.DataFrame, spec: DisclosureSpec) -> list[np.ndarray]:
    """Cell numbers of every whole table: one period, one group of linked measures.

    No relation crosses two of them, so a view of a whole table is the attacker's
    full problem for its cells: the last resort of secondary suppression and audit.
    """
    key = pd.DataFrame(
        {"period": cells["period"].to_numpy(), "group": measure_groups(cells["measure"], spec)}
    )
    groups = key.groupby(["period", "group"], sort=True).indices
    return [np.asarray(index, dtype=np.int64) for index in groups.values()]


def region_blocks(
    cells: pd.DataFrame, spec: DisclosureSpec, level: str
) -> dict[tuple[str, int, str], np.ndarray]:
    """Blocks keyed by ``(period, measure group, gemeente or wijk number)``.

    ``level="gemeente"``: every wijk and buurt cell of a gemeente; ``level="wijk"``:
    the buurt cells of one wijk (its *family*: the wijk itself stays outside).
    """
    prefix = cells["region"].str[:2]
    if level == "gemeente":
        inside, digits = prefix.isin(["WK", "BU"]).to_numpy(), cells["region"].str[2:6]
    else:
        inside, digits = prefix.eq("BU").to_numpy(), cells["region"].str[2:8]
    key = pd.DataFrame(
        {
            "period": cells["period"],
            "group": measure_groups(cells["measure"], spec),
            "area": digits,
        }
    )[inside]
    positions = np.flatnonzero(inside)
    groups = key.groupby(["period", "group", "area"], sort=True).indices
    blocks: dict[tuple[str, int, str], np.ndarray] = {}
    for k, index in groups.items():
        period, group, area = cast(tuple[str, int, str], k)
        blocks[(str(period), int(group), str(area))] = positions[index]
    return blocks
