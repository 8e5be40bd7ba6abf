"""Per-table summaries of a protection run and of an audit."""

from __future__ import annotations

import numpy as np
import pandas as pd

REPORT_COLUMNS = [
    "table",
    "cells",
    "published",
    "primary",
    "secondary",
    "suppressed_cells_share",
    "suppressed_value_share",
]


def table_summary(
    cells: pd.DataFrame, hidden: np.ndarray, primary: np.ndarray, table: pd.Series
) -> pd.DataFrame:
    """Cells, primary and secondary suppressions and information loss per table.

    Information loss is reported twice: the share of cells suppressed and the share of
    the table's total value that sits in suppressed cells (Hundepool et al. 2012, §4.4).
    """
    frame = pd.DataFrame(
        {
            "table": table.to_numpy(),
            "value": cells["value"].to_numpy(float),
            "hidden": hidden,
            "primary": primary & hidden,
            "secondary": hidden & ~primary,
        }
    )
    frame["hidden_value"] = np.where(hidden, frame["value"], 0.0)
    grouped = frame.groupby("table", sort=True)
    out = pd.DataFrame(
        {
            "cells": grouped.size(),
            "published": grouped["hidden"].apply(lambda h: int((~h).sum())),
            "primary": grouped["primary"].sum().astype(int),
            "secondary": grouped["secondary"].sum().astype(int),
            "suppressed_cells_share": grouped["hidden"].mean(),
            "suppressed_value_share": grouped["hidden_value"].sum()
            / grouped["value"].sum().replace(0, np.nan),
        }
    ).reset_index()
    out["suppressed_value_share"] = out["suppressed_value_share"].fillna(0.0)
    return out[REPORT_COLUMNS]
