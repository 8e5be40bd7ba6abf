"""From wide source tables to long observations, and one observation per key.

Sources are wide (a column per measure); the warehouse is long. Several mirror files
give the same (measure, region, period, indeling): :func:`merge_by_priority` keeps the
figure of the most authoritative file and reports where the others disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from buurtzicht.sources.base import CONFLICT_COLUMNS, empty_conflicts
from buurtzicht.sources.observations import OBSERVATION_COLUMNS, Status

KEY = ["measure", "region", "period", "indeling"]


def melt(
    values: pd.DataFrame,
    measures: Mapping[str, str],
    *,
    region: Sequence[str] | pd.Series,
    period: str | Sequence[str] | pd.Series,
    indeling: int | Sequence[int] | pd.Series,
    source: str,
    drop_missing: bool = False,
) -> pd.DataFrame:
    """Long observations from numeric ``values`` (one column per key in ``measures``).

    ``region``, ``period`` and ``indeling`` are per row of ``values`` (or constant).
    An empty cell becomes a NULL value with status ``missing`` unless
    ``drop_missing`` (for derived files where an absent attribute means "not given").
    """
    wide = values[list(measures)].copy()
    wide.columns = [measures[c] for c in measures]
    wide["region"] = list(region)
    wide["period"] = period if isinstance(period, str) else list(period)
    wide["indeling"] = indeling if isinstance(indeling, int) else list(indeling)
    long = wide.melt(id_vars=["region", "period", "indeling"], var_name="measure")
    if drop_missing:
        long = long[long["value"].notna()]
    long["status"] = np.where(long["value"].isna(), Status.MISSING.value, Status.OK.value)
    long["source"] = source
    return long[OBSERVATION_COLUMNS].reset_index(drop=True)


def merge_by_priority(
    frames: Sequence[pd.DataFrame], *, rtol: float = 1e-9, atol: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """One observation per key, taken from the earliest frame that has it.

    Returns the merged frame, the conflicts (keys where a later frame's value differs
    from the kept one beyond ``atol + rtol * |kept|``, or one is NULL and the other
    not; columns of ``sources.base.CONFLICT_COLUMNS``) and the number of duplicate
    keys that agreed.
    """
    tagged = [f.assign(_rank=i) for i, f in enumerate(frames) if not f.empty]
    if not tagged:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), empty_conflicts(), 0
    frame = pd.concat(tagged, ignore_index=True).sort_values("_rank", kind="stable")
    duplicated = frame.duplicated(KEY, keep=False)
    if not duplicated.any():
        return frame.drop(columns="_rank").reset_index(drop=True), empty_conflicts(), 0
    kept = frame.drop_duplicates(KEY, keep="first")
    others = frame[duplicated & ~frame.index.isin(kept.index)]
    joined = others.merge(kept[[*KEY, "value", "source"]], on=KEY, suffixes=("", "_kept"))
    both = joined["value"].notna() & joined["value_kept"].notna()
    close = np.isclose(joined["value"], joined["value_kept"], rtol=rtol, atol=atol)
    differs = (both & ~close) | (joined["value"].isna() != joined["value_kept"].isna())
    conflicts = joined[differs].rename(
        columns={
            "value_kept": "kept_value",
            "source_kept": "kept_source",
            "value": "other_value",
            "source": "other_source",
        }
    )[CONFLICT_COLUMNS]
    merged = kept.drop(columns="_rank").reset_index(drop=True)
    return merged, conflicts.reset_index(drop=True), int((~differs).sum())


def summarise(conflicts: pd.DataFrame, agreed: int, *, limit: int = 5) -> str:
    """One note line: how many duplicate figures agreed, and examples of those that did not."""
    if conflicts.empty:
        return f"{agreed:,} figures given by more than one file: all agree"
    examples = "; ".join(
        f"{r['measure']} {r['region']} {r['period']}: kept {r['kept_value']:g} "
        f"({r['kept_source']}), other {r['other_value']:g} ({r['other_source']})"
        for r in conflicts.head(limit).to_dict("records")
    )
    return (
        f"{agreed:,} duplicate figures agree, {len(conflicts):,} disagree "
        f"(kept the most authoritative file, all in Batch.conflicts); e.g. {examples}"
    )
