"""The long observations shape every source produces, and the measure metadata.

One row per (measure, region, period, indeling): like CBS OData v4 ``Observations``.
``value`` is NULL when CBS publishes no figure; ``status`` then says why (``missing``
for CBS's ".", ``secret``, ``suppressed`` by our disclosure control). A missing figure
is never a zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import normalise_code


class Status(StrEnum):
    """CBS-style status of one observation."""

    OK = "ok"
    MISSING = "missing"  # CBS "." : figure unknown, not applicable or not published
    SECRET = "secret"  # CBS "x" / confidential
    SUPPRESSED = "suppressed"  # suppressed by buurtzicht's disclosure control
    PROVISIONAL = "provisional"  # CBS "voorlopig" (periods marked with *)
    ESTIMATED = "estimated"  # harmonised onto another indeling by redistribution
    ROUNDED = "rounded"  # rounded by disclosure control


OBSERVATION_COLUMNS = ["measure", "region", "period", "indeling", "value", "status", "source"]
OBSERVATION_DTYPES = {
    "measure": "string",
    "region": "string",
    "period": "string",
    "indeling": "int32",
    "value": "float64",
    "status": "string",
    "source": "string",
}

_SUFFIX = re.compile(r"_\d+$")
_PERIOD = re.compile(r"(?P<year>\d{4})(?P<kind>JJ|KW|MM|X0)(?P<n>\d{2})")


def measure_stem(key: str) -> str:
    """A CBS measure key without its position suffix, which shifts between revisions.

    >>> measure_stem("AantalInwoners_5"), measure_stem("MateVanStedelijkheid_127")
    ('AantalInwoners', 'MateVanStedelijkheid')
    >>> measure_stem("k_0Tot15Jaar_8")
    'k_0Tot15Jaar'
    """
    return _SUFFIX.sub("", key.strip())


def year_period(year: int) -> str:
    """CBS period code of a whole year: ``2024`` -> ``2024JJ00``."""
    return f"{int(year):04d}JJ00"


def normalise_period(raw: object, *, where: str = "") -> tuple[str, bool]:
    """Return (period code, provisional) for a CBS period key or label.

    Accepts ``2024JJ00``, ``2024MM01``, ``2024KW02``, ``2024``, ``2023*`` (StatLine
    labels mark provisional figures with ``*``) and padded keys.

    >>> normalise_period("2023*")
    ('2023JJ00', True)
    >>> normalise_period("2024MM01 ")
    ('2024MM01', False)
    """
    text = str(raw).strip()
    provisional = text.endswith("*")
    text = text.rstrip("*").strip()
    if re.fullmatch(r"\d{4}", text):
        return year_period(int(text)), provisional
    if _PERIOD.fullmatch(text):
        return text, provisional
    raise SourceFormatError(
        where or "period", f"{raw!r} is not a CBS period", expected="2024JJ00, 2024MM01 or 2024"
    )


def period_year(period: str) -> int:
    """The year of a CBS period code."""
    return int(period[:4])


@dataclass(frozen=True)
class Measure:
    """Metadata of one measure, kept from CBS DataProperties where the source has them."""

    id: str
    title: str
    unit: str = ""
    decimals: int = 0
    description: str = ""
    source_table: str = ""
    source_version: str = ""
    publisher: str = "CBS"
    licence: str = "CC BY 4.0"
    datatype: str = "Double"
    flags: tuple[str, ...] = field(default_factory=tuple)

    def as_record(self) -> dict[str, object]:
        return {
            "measure": self.id,
            "title": self.title,
            "unit": self.unit,
            "decimals": self.decimals,
            "description": self.description,
            "source_table": self.source_table,
            "source_version": self.source_version,
            "publisher": self.publisher,
            "licence": self.licence,
            "datatype": self.datatype,
            "flags": ",".join(self.flags),
        }


MEASURE_COLUMNS = list(Measure(id="x", title="x").as_record())


def empty_observations() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in OBSERVATION_DTYPES.items()})


def observations_frame(
    rows: pd.DataFrame | Iterable[Mapping[str, object]], *, source: str = ""
) -> pd.DataFrame:
    """Validate and type a long observations table.

    Region codes are normalised, statuses checked, a NULL value must carry a non-ok
    status and a value must be finite. Raises :class:`SourceFormatError` naming the
    source and the first offending row.
    """
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        return empty_observations()
    if "source" not in frame and source:
        frame["source"] = source
    if "status" not in frame:
        frame["status"] = Status.OK.value
    missing = [c for c in OBSERVATION_COLUMNS if c not in frame]
    if missing:
        raise SourceFormatError(source or "observations", f"columns {missing} are missing")
    frame = frame[OBSERVATION_COLUMNS]
    where = source or "observations"
    # Normalise each distinct code once: a national table repeats a code per measure.
    codes = {c: normalise_code(c, where=where) for c in frame["region"].unique()}
    frame["region"] = frame["region"].map(codes)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    null_value = frame["value"].isna()
    frame.loc[null_value & (frame["status"] == Status.OK.value), "status"] = Status.MISSING.value
    bad_status = ~frame["status"].isin([s.value for s in Status])
    if bad_status.any():
        row = frame[bad_status].iloc[0]
        raise SourceFormatError(
            where, f"unknown status {row['status']!r}", record=f"{row['measure']}/{row['region']}"
        )
    return frame.astype(OBSERVATION_DTYPES).reset_index(drop=True)
