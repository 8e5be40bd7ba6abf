"""Published output: the warehouse observation shape with CBS status semantics.

A suppressed cell has a NULL value and status ``suppressed`` with its ``reason``
(``population``, ``min_units``, ``dominance``, ``p_percent`` or ``secondary``); it is
never a 0 and never its value. A rounded cell has status ``rounded``. Empty cells and
structural zeros are published as an exact 0 (status ``ok``; a structural zero carries
reason ``structural_zero``). :func:`cbs_symbol` renders a cell the way StatLine does.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from buurtzicht.disclosure.knowledge import round_half_up
from buurtzicht.disclosure.primary import PUBLIC, PUBLISHED_REASONS
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.sources.observations import Status, observations_frame

PUBLISHED_COLUMNS = ["measure", "region", "period", "indeling", "value", "status", "source"]


def published_values(
    cells: pd.DataFrame, reason: np.ndarray, rules: Mapping[str, RuleSet]
) -> tuple[np.ndarray, np.ndarray]:
    """Published value (NaN when suppressed) and status per cell."""
    x = cells["value"].to_numpy(float)
    value = x.copy()
    status = np.full(len(cells), Status.OK.value, dtype=object)
    exact = np.isin(reason, ["zero", "structural_zero"])
    for measure, index in cells.groupby("measure").indices.items():
        rounding = rules[str(measure)].rounding
        if rounding is None:
            continue
        plain = index[~exact[index]]
        value[plain] = round_half_up(x[plain], rounding.base)
        status[plain] = Status.ROUNDED.value
    hidden = ~np.isin(reason, PUBLISHED_REASONS)
    value[hidden] = np.nan
    status[hidden] = Status.SUPPRESSED.value
    return value, status


def published_frame(
    cells: pd.DataFrame,
    reason: np.ndarray,
    rules: Mapping[str, RuleSet],
    *,
    indeling: int = 2024,
    source: str = "secure",
) -> pd.DataFrame:
    """The observations to load into the warehouse, plus a ``reason`` column."""
    value, status = published_values(cells, reason, rules)
    frame = observations_frame(
        pd.DataFrame(
            {
                "measure": cells["measure"].to_numpy(),
                "region": cells["region"].to_numpy(),
                "period": cells["period"].to_numpy(),
                "indeling": indeling,
                "value": value,
                "status": status,
                "source": source,
            }
        ),
        source=source,
    )
    shown = pd.Series(reason, dtype="string")
    frame["reason"] = shown.mask(shown.isin(["", "zero", PUBLIC])).to_numpy()
    return frame


def cbs_symbol(value: float | None, status: str, decimals: int = 0) -> str:
    """How a published cell reads in a table: ``.`` for a hidden figure, never a 0.

    >>> cbs_symbol(None, "suppressed"), cbs_symbol(15.0, "rounded"), cbs_symbol(0.0, "ok")
    ('.', '15', '0')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "."
    if status in (Status.SUPPRESSED.value, Status.SECRET.value, Status.MISSING.value):
        return "."
    return f"{value:,.{decimals}f}".replace(",", "\u202f")
