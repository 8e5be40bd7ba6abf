"""From wide source tables to long observations, and one observation per key.

Sources are wide (a column per measure); the warehouse is long. Several mirror files
give the same (measure, region, period, indeling): :func:`merge_by_priority` keeps the
figure of the most authoritative file and reports where the others disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

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


@dataclass(frozen=True)
class Disagreement:
    """Figures for one key that differ between two files."""

    measure: str
    region: str
    period: str
    kept: float
    kept_source: str
    other: float
    other_source: str


def merge_by_priority(
    frames: Sequence[pd.DataFrame], *, rtol: float = 1e-9, atol: float = 0.0
) -> tuple[pd.DataFrame, list[Disagreement], int]:
    """One observation per key, taken from the earliest frame that has it.

    Returns the merged frame, the keys on which a later frame's value differs from the
    kept one (beyond ``atol + rtol * |kept|``, or one NULL and the other not) and the
    number of duplicate keys that agreed.
    """
    tagged = [f.assign(_rank=i) for i, f in enumerate(frames) if not f.empty]
    if not tagged:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), [], 0
    frame = pd.concat(tagged, ignore_index=True).sort_values("_rank", kind="stable")
    duplicated = frame.duplicated(KEY, keep=False)
    kept = frame.drop_duplicates(KEY, keep="first")
    others = frame[duplicated & ~frame.index.isin(kept.index)]
    joined = others.merge(kept[[*KEY, "value", "source"]], on=KEY, suffixes=("", "_kept"))
    both = joined["value"].notna() & joined["value_kept"].notna()
    close = np.isclose(joined["value"], joined["value_kept"], rtol=rtol, atol=atol)
    differs = (both & ~close) | (joined["value"].isna() != joined["value_kept"].isna())
    disagreements = [
        Disagreement(
            str(r["measure"]),
            str(r["region"]),
            str(r["period"]),
            float(r["value_kept"]),
            str(r["source_kept"]),
            float(r["value"]),
            str(r["source"]),
        )
        for r in joined[differs].to_dict("records")
    ]
    merged = kept.drop(columns="_rank").reset_index(drop=True)
    return merged, disagreements, int((~differs).sum())


def summarise(disagreements: Sequence[Disagreement], agreed: int, *, limit: int = 5) -> str:
    """One note line: how many duplicate figures agreed, and examples of those that did not."""
    if not disagreements:
        return f"{agreed:,} figures given by more than one file: all agree"
    examples = "; ".join(
        f"{d.measure} {d.region} {d.period}: kept {d.kept:g} ({d.kept_source}), "
        f"other {d.other:g} ({d.other_source})"
        for d in disagreements[:limit]
    )
    return (
        f"{agreed:,} duplicate figures agree, {len(disagreements):,} disagree "
        f"(kept the most authoritative file); e.g. {examples}"
    )
