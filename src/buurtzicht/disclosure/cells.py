"""Secure aggregates in, validated cell table out.

The secure side hands over one row per cell: ``measure, region, period, value,
n_units, top1, top2`` and optionally ``structural_zero`` (see docs/disclosure.md).
Everything the engine does afterwards is indexed by the row number of the frame
:func:`prepare_cells` returns, sorted by period, measure and region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import normalise_code

AGGREGATE_COLUMNS = ["measure", "region", "period", "value", "n_units", "top1", "top2"]
KEY = ["period", "measure", "region"]
_TOLERANCE = 1e-6


def prepare_cells(aggregates: pd.DataFrame, *, source: str = "secure aggregates") -> pd.DataFrame:
    """Validate secure aggregates and return the engine's cell table.

    Adds ``structural_zero`` (False when absent) and ``count``: True for measures that
    count units (every cell has ``value == n_units``), whose values are integers and
    for which a rule on units is also a rule on the value.

    Raises :class:`SourceFormatError` naming the first offending cell.

    Examples
    --------
    >>> frame = pd.DataFrame({"measure": ["m", "m"], "region": ["GM0363", "NL01"],
    ...     "period": ["2024JJ00"] * 2, "value": [3.0, 3.0], "n_units": [3, 3],
    ...     "top1": [1.0, 1.0], "top2": [1.0, 1.0]})
    >>> prepare_cells(frame)[["region", "count"]].values.tolist()
    [['GM0363', True], ['NL01', True]]
    """
    missing = [c for c in AGGREGATE_COLUMNS if c not in aggregates]
    if missing:
        raise SourceFormatError(
            source, f"columns {missing} are missing", expected=", ".join(AGGREGATE_COLUMNS)
        )
    cells = aggregates[[*AGGREGATE_COLUMNS]].copy()
    cells["structural_zero"] = (
        aggregates["structural_zero"].fillna(False).astype(bool)
        if "structural_zero" in aggregates
        else False
    )
    cells["region"] = [normalise_code(c, where=source) for c in cells["region"]]
    for column in ("measure", "period"):
        cells[column] = cells[column].astype(str)
    for column in ("value", "n_units", "top1", "top2"):
        cells[column] = pd.to_numeric(cells[column], errors="coerce").astype(float)
    _check_values(cells, source)
    cells = cells.sort_values(KEY, kind="stable").reset_index(drop=True)
    same = pd.Series(np.isclose(cells["value"], cells["n_units"]), index=cells.index)
    cells["count"] = same.groupby(cells["measure"]).transform("all").astype(bool)
    cells["n_units"] = cells["n_units"].astype(np.int64)
    return cells


def _check_values(cells: pd.DataFrame, source: str) -> None:
    problems = [
        (cells[["value", "n_units", "top1", "top2"]].isna().any(axis=1), "has an empty number"),
        (cells["value"] < 0, "has a negative value (the engine needs non-negative cells)"),
        (cells["n_units"] < 0, "has a negative number of units"),
        (cells["n_units"] % 1 != 0, "has a fractional number of units"),
        (cells["top2"] > cells["top1"] + _TOLERANCE, "has top2 larger than top1"),
        ((cells["top1"] < 0) | (cells["top2"] < 0), "has a negative contribution"),
        (
            cells["top1"] + cells["top2"] > cells["value"] * (1 + _TOLERANCE) + _TOLERANCE,
            "has top1 + top2 larger than the value",
        ),
        ((cells["n_units"] == 0) & (cells["value"] > 0), "has a value but no units"),
        (cells["structural_zero"] & (cells["value"] != 0), "is a structural zero with a value"),
        (cells.duplicated(KEY, keep="first"), "occurs twice"),
    ]
    for mask, problem in problems:
        if mask.any():
            row = cells[mask].iloc[0]
            raise SourceFormatError(
                source,
                f"cell {problem}",
                record=f"{row['measure']} / {row['region']} / {row['period']}",
                expected="one row per (measure, region, period) with value >= top1 >= top2 >= 0",
            )
