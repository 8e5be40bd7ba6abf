"""Secure aggregates from unit-level records: the engine's test and benchmark tables.

The secure side's real pipeline (``buurtzicht.microdata``) produces the aggregates the
engine protects. For tests and benchmarks the engine needs tables of the same shape
with a known truth: :func:`aggregate_units` sums unit records (one row per address,
person or business with its contribution) up the region hierarchy, with the number of
units and the two largest contributions per cell, and every empty cell as a zero, so
that the result adds up exactly like the real thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from buurtzicht.disclosure.spec import TableSpec


def aggregate_units(
    units: pd.DataFrame,
    parents: Mapping[str, str],
    measures: Sequence[str],
    tables: Sequence[TableSpec] = (),
    periods: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Secure aggregates for every region of ``parents`` and every measure.

    ``units`` has ``measure, region`` (the lowest level), ``period`` and ``amount``
    (1.0 for a count of units); ``periods`` defaults to those in ``units``.
    ``parents`` maps each region to its parent; every ancestor gets the sum of its
    descendants. Each table total gets the units of its components.

    Examples
    --------
    >>> units = pd.DataFrame({"measure": ["a", "a", "b"], "period": "2024JJ00",
    ...     "region": ["BU03630000", "BU03630001", "BU03630001"], "amount": 1.0})
    >>> parents = {"BU03630000": "WK036300", "BU03630001": "WK036300"}
    >>> out = aggregate_units(units, parents, ["a", "b"])
    >>> out[out.measure == "a"][["region", "value", "n_units"]].values.tolist()
    [['BU03630000', 1.0, 1], ['BU03630001', 1.0, 1], ['WK036300', 2.0, 2]]
    """
    units = units[["measure", "region", "period", "amount"]]
    for table in tables:
        if table.total is not None:
            parts = units[units["measure"].isin(table.components)]
            units = pd.concat([units, parts.assign(measure=table.total)], ignore_index=True)
    levels = [units]
    current = units
    while True:
        up = current.assign(region=current["region"].map(parents))
        up = up[up["region"].notna()]
        if up.empty:
            break
        levels.append(up)
        current = up
    everything = pd.concat(levels, ignore_index=True)
    cells = _cells(everything)
    regions = sorted(set(parents) | set(parents.values()))
    periods = sorted(units["period"].unique()) if periods is None else list(periods)
    full = pd.MultiIndex.from_product(
        [sorted(measures), regions, periods], names=["measure", "region", "period"]
    )
    cells = cells.reindex(full, fill_value=0).reset_index()
    cells = cells.astype({"value": float, "top1": float, "top2": float, "n_units": np.int64})
    return cells


def _cells(records: pd.DataFrame) -> pd.DataFrame:
    key = ["measure", "region", "period"]
    ordered = records.sort_values([*key, "amount"], ascending=[True, True, True, False])
    rank = ordered.groupby(key, sort=False).cumcount()
    grouped = ordered.groupby(key, sort=True)["amount"]
    largest = ordered[rank == 0].set_index(key)["amount"]
    second = ordered[rank == 1].set_index(key)["amount"]
    cells = pd.DataFrame({"value": grouped.sum(), "n_units": grouped.size()})
    cells["top1"] = largest.reindex(cells.index).fillna(0.0).to_numpy()
    cells["top2"] = second.reindex(cells.index).fillna(0.0).to_numpy()
    return cells
