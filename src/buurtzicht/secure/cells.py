"""The cells of a release: the secure aggregates plus their empty cells.

The secure pipeline emits a cell only where some unit contributes; an absent cell is
0. Published, an absent cell would read as "no figure", and in a small region the
difference between "." (suppressed) and nothing at all would tell an empty cell from a
small one. So every published measure gets a cell in every region the aggregates know
in that period (a region absent from every measure has no synthetic unit at all and
stays absent).

Empty cells that a rule set would publish as 0 (``zeros: publish``, region above the
minimum population) are added *after* disclosure control: to the engine they are the
same as an absent cell (a known 0 that can be no complement), and leaving them out
keeps its linear programs small. Empty cells that a rule would hide (the region is
below the minimum population, or ``zeros: suppress``) go *into* the engine, which
suppresses and protects them like any other sensitive cell.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from buurtzicht.disclosure import DisclosureSpec, RegionHierarchy, RuleSet
from buurtzicht.disclosure.zeros import zeros_given_away

#: The relations of a release: its tables and its region hierarchy.
Relations = tuple[DisclosureSpec, RegionHierarchy]

KEY = ["measure", "region", "period"]
ENGINE_COLUMNS = ["measure", "region", "period", "value", "n_units", "top1", "top2"]


def empty_cells(aggregates: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    """``measure, region, period`` of every absent cell of ``measures``.

    The regions of a period are those with a cell of any published measure in it.

    >>> agg = pd.DataFrame({"measure": ["a", "b"], "region": ["GM0001", "GM0002"],
    ...                     "period": "2024JJ00"})
    >>> empty_cells(agg, ("a", "b")).values.tolist()
    [['a', 'GM0002', '2024JJ00'], ['b', 'GM0001', '2024JJ00']]
    """
    present = aggregates.loc[aggregates["measure"].isin(measures), KEY].astype(str)
    grid = present[["region", "period"]].drop_duplicates()
    full = grid.merge(pd.DataFrame({"measure": list(measures)}), how="cross")[KEY]
    merged = full.merge(present, on=KEY, how="left", indicator=True)
    absent = merged.loc[merged["_merge"] == "left_only", KEY]
    return absent.sort_values(KEY).reset_index(drop=True)


def covered_periods(cells: pd.DataFrame, period_years: Mapping[str, int]) -> pd.DataFrame:
    """``cells`` without those of a multi-year measure in a period whose earlier years
    are not all periods of ``cells`` (a two-year total of 2023 needs 2022).

    >>> cells = pd.DataFrame({"measure": ["a", "a", "b"], "region": "GM0001",
    ...                       "period": ["2023JJ00", "2024JJ00", "2023JJ00"]})
    >>> covered_periods(cells, {"a": 2}).values.tolist()
    [['a', 'GM0001', '2024JJ00'], ['b', 'GM0001', '2023JJ00']]
    """
    if not period_years or cells.empty:
        return cells
    periods = set(cells["period"].astype(str))
    keep = pd.Series(True, index=cells.index)
    for measure, years in period_years.items():
        covered = {
            p for p in periods
            if all(f"{int(p[:4]) - k}{p[4:]}" in periods for k in range(1, years))
        }  # fmt: skip
        keep &= ~((cells["measure"] == measure) & ~cells["period"].astype(str).isin(covered))
    return cells[keep.to_numpy()].reset_index(drop=True)


def split_empty_cells(
    empty: pd.DataFrame,
    rules: Mapping[str, RuleSet],
    population: Mapping[str, float] | None,
    relations: Relations | None = None,
    present: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells the engine must protect, cells published as 0 after it).

    An empty cell below the minimum population is still published as 0 when published
    zeros around it give it away (``relations``: the spec and hierarchy of the release,
    among the ``present`` and the empty cells; :mod:`buurtzicht.disclosure.zeros`).
    """
    min_pop = empty["measure"].map({m: r.min_population for m, r in rules.items()})
    suppress_zeros = empty["measure"].map({m: r.zeros == "suppress" for m, r in rules.items()})
    inhabitants = (
        empty["region"].map(population).astype(float)
        if population is not None
        else pd.Series(np.nan, index=empty.index)
    )
    hidden = (inhabitants < min_pop.astype(float)).fillna(False).to_numpy(bool).copy()
    if relations is not None:
        if present is None:
            raise ValueError("relations need the present (non-empty) cells too")
        every = pd.concat([empty[KEY], present[KEY]], ignore_index=True)
        zero = np.arange(len(every)) < len(empty)
        shown = np.concatenate([~hidden, np.zeros(len(present), dtype=bool)])
        given = zeros_given_away(every, zero, shown, *relations)
        hidden &= ~given[: len(empty)]
    hidden |= suppress_zeros.astype(bool).to_numpy()
    return empty[hidden].reset_index(drop=True), empty[~hidden].reset_index(drop=True)


def engine_cells(
    aggregates: pd.DataFrame, measures: tuple[str, ...], zeros: pd.DataFrame
) -> pd.DataFrame:
    """The engine's input: the published measures' cells plus the empty cells it must see."""
    cells = aggregates.loc[aggregates["measure"].isin(measures), ENGINE_COLUMNS]
    empty = zeros.assign(value=0.0, n_units=0, top1=0.0, top2=0.0)[ENGINE_COLUMNS]
    out = pd.concat([cells, empty], ignore_index=True)
    return out.astype({"measure": str, "region": str, "period": str, "n_units": "int64"})
