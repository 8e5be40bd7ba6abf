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


#: Region level of a code prefix, in the order of the utility report.
LEVELS = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
UTILITY_COLUMNS = [
    "measure",
    "level",
    "cells",
    "published",
    "primary",
    "secondary",
    "published_share",
    "suppressed_value_share",
]


def utility_report(published: pd.DataFrame, true_values: np.ndarray) -> pd.DataFrame:
    """Per measure and region level: cells, published, primary, secondary, information loss.

    ``published`` is the release (``measure, region, status, reason``), ``true_values``
    the secure value of each of its rows. Information loss is the share of cells not
    published and the share of the true total that sits in suppressed cells.

    >>> frame = pd.DataFrame({"measure": "m", "region": ["NL01", "GM0001", "GM0002"],
    ...     "status": ["rounded", "suppressed", "suppressed"],
    ...     "reason": [None, "min_units", "secondary"]})
    >>> utility_report(frame, np.array([30.0, 4.0, 26.0]))[["level", "published", "primary",
    ...     "secondary", "suppressed_value_share"]].values.tolist()
    [['land', 1, 0, 0, 0.0], ['gemeente', 0, 1, 1, 1.0]]
    """
    hidden = published["status"].eq("suppressed").to_numpy()
    secondary = hidden & published["reason"].eq("secondary").fillna(False).to_numpy(bool)
    frame = pd.DataFrame(
        {
            "measure": published["measure"].to_numpy(),
            "level": published["region"].str[:2].map(LEVELS).fillna("other").to_numpy(),
            "value": true_values,
            "hidden_value": np.where(hidden, true_values, 0.0),
            "published": ~hidden,
            "primary": hidden & ~secondary,
            "secondary": secondary,
        }
    )
    grouped = frame.groupby(["measure", "level"], sort=False)
    out = grouped[["published", "primary", "secondary"]].sum().astype(int)
    out["cells"] = grouped.size()
    out["published_share"] = out["published"] / out["cells"]
    totals = grouped[["value", "hidden_value"]].sum()
    out["suppressed_value_share"] = (
        totals["hidden_value"] / totals["value"].replace(0, np.nan)
    ).fillna(0.0)
    out = out.reset_index()
    order = {name: k for k, name in enumerate([*LEVELS.values(), "other"])}
    out = out.sort_values(
        ["measure", "level"], key=lambda c: c.map(order) if c.name == "level" else c
    )
    return out.reset_index(drop=True)[UTILITY_COLUMNS]


def utility_by_level(utility: pd.DataFrame) -> pd.DataFrame:
    """:func:`utility_report` summed over the measures of each level."""
    sums = utility.groupby("level", sort=False)[["cells", "published", "primary", "secondary"]]
    out = sums.sum().reset_index()
    out["published_share"] = out["published"] / out["cells"]
    out["secondary_per_primary"] = out["secondary"] / out["primary"].replace(0, np.nan)
    return out
