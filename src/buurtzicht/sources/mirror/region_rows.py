"""The regions frame's columns and small helpers to build and extend it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from buurtzicht.regions.codes import BUITENLAND, ONBEKEND, special_kind
from buurtzicht.regions.table import PARENT_COLUMNS, REGION_COLUMNS
from buurtzicht.sources.base import SourceFile

PARENTS = PARENT_COLUMNS
GEMEENTE_CONTEXT = [*PARENTS, "stedelijkheid"]

#: "Niet in te delen" regions of StatLine crime tables: figures that could not be
#: placed in a landsdeel, provincie, politie-eenheid or gemeente. Kept out of totals
#: like the onbekend codes of ``regions.codes``.
NIET_IN_TE_DELEN = {"LD99", "PV99", "RE99", "GM0999"}


@dataclass
class RegionsResult:
    """The regions frame, the files it was built from and what the build noticed."""

    frame: pd.DataFrame
    files: list[SourceFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Region code of every row of the 83648NED slice (index of ``read_slice``).
    misdrijven_codes: pd.Series | None = None


def rows_frame(records: Iterable[Mapping[str, object]] | pd.DataFrame) -> pd.DataFrame:
    """A frame with exactly the regions columns (absent ones NULL), typed."""
    frame = records.copy() if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    for column in REGION_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame = frame[REGION_COLUMNS]
    frame["indeling"] = frame["indeling"].astype("int32")
    frame["stedelijkheid"] = pd.to_numeric(frame["stedelijkheid"]).astype("Int8")
    for column in REGION_COLUMNS:
        if column not in {"indeling", "stedelijkheid"}:
            frame[column] = frame[column].astype("string")
    return frame


def special_of(code: str, name: str | None) -> str | None:
    """``special`` for a region: onbekend, buitenland, water (see ``regions.codes``)."""
    if code in NIET_IN_TE_DELEN:
        return "onbekend"
    return special_kind(code, name)


def mark_special(frame: pd.DataFrame) -> pd.DataFrame:
    """Set ``special`` on every row (:func:`special_of`), looking only at rows that can be."""
    frame = frame.copy()
    code = frame["code"].astype("string")
    maybe = (
        (
            code.isin(list(NIET_IN_TE_DELEN | ONBEKEND))
            | (code.str[2:6] == BUITENLAND[2:])
            | (code.str.startswith("WK") & code.str.endswith("99"))
            | (code.str.startswith("BU") & (code.str[6:8] == "99"))
        )
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    special = pd.Series(pd.NA, index=frame.index, dtype="string")
    candidates = frame[maybe]
    special[maybe] = [
        special_of(c, n) for c, n in zip(candidates["code"], candidates["name"], strict=True)
    ]
    frame["special"] = special
    return frame


def with_gemeente_context(
    children: pd.DataFrame, gemeenten: pd.DataFrame, *, columns: list[str] = PARENTS
) -> pd.DataFrame:
    """Copy a gemeente's parent codes onto rows that carry its code in ``gemeente``."""
    context = gemeenten.set_index("code")[columns]
    children = children.drop(columns=[c for c in columns if c in children])
    return children.join(context, on="gemeente")


def missing_rows(existing: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidate rows whose (code, indeling) is not in ``existing`` yet."""
    known = set(zip(existing["code"], existing["indeling"], strict=True))
    keep = [
        (c, int(i)) not in known
        for c, i in zip(candidates["code"], candidates["indeling"], strict=True)
    ]
    return candidates[keep]
