"""National volumes from the real series: registered crime by type and suspects.

* Registered crimes per 47018NED type and year (Politie, ``NL_Crime.csv``), with the
  type codes checked against the official code list ``crime_SoortMisdrijf.csv``.
* Suspects of crimes per offence group, and their split by sex and age (CBS
  81947NED). The series stops in 2022 and the crime series in 2023: later years use
  the last published year, which docs/microdata.md states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.observations import measure_stem
from buurtzicht.sources.statline_csv import numeric_column

#: The mirror files read here, by their spec in ``FILES`` (each read through
#: :class:`MirrorContext`, so checked against what the spec says it must hold).
MIRROR_KEYS: tuple[str, ...] = ("politie_nl_crime", "politie_soorten", "verdachten")
MIRROR_FILES: tuple[str, ...] = tuple(FILES[key].path for key in MIRROR_KEYS)

#: 81947NED offence groups (stems of its first, absolute columns) and the 47018NED
#: types whose registrations they are drawn from.
SUSPECT_GROUPS: dict[str, tuple[str, ...]] = {
    "TotaalVermogensmisdrijven": (
        "1.1.1",
        "1.1.2",
        "1.2.1",
        "1.2.2",
        "1.2.3",
        "1.2.4",
        "1.2.5",
        "1.5.2",
        "1.6.2",
        "2.5.1",
        "2.5.2",
        "3.9.1",
        "3.9.2",
        "3.9.3",
    ),
    "TotaalVernielingEnOpenbareOrde": ("1.6.1", "2.2.1", "2.4.2", "3.6.4", "1.4.3"),
    "TotaalGeweldsmisdrijven": ("1.4.1", "1.4.2", "1.4.4", "1.4.5", "1.4.6", "1.4.7", "1.6.3"),
    "TotaalVerkeersmisdrijven": ("1.3.1", "3.5.2", "3.5.5"),
    "VerdachtenVanDrugsmisdrijven": ("3.1.1",),
    "VerdachtenVanVuurwapenmisdrijven": ("3.1.3",),
}
TOTAL_SUSPECTS = "TotaalVerdachtenVanMisdrijven"

#: Offences that count as antecedents for undermining (ondermijning): drug trade,
#: human smuggling and trafficking, arms trade, robbery with violence, fraud, and
#: arson/explosions (used for intimidation). Documented in docs/microdata.md.
UNDERMINING_CODES: tuple[str, ...] = (
    "3.1.1",
    "3.1.2",
    "3.1.3",
    "1.6.3",
    "1.4.7",
    "1.6.1",
    "3.9.1",
    "3.9.2",
    "3.9.3",
)
DRUG_CODES: tuple[str, ...] = ("3.1.1",)

AGE_BANDS = {
    "12 tot 18 jaar": (12, 17),
    "18 tot 25 jaar": (18, 24),
    "25 tot 45 jaar": (25, 44),
    "45 tot 65 jaar": (45, 64),
    "65 jaar of ouder": (65, 110),
}
_CODE = re.compile(r"^(\d+\.\d+\.\d+)\b")


@dataclass(frozen=True)
class NationalVolumes:
    """Yearly national volumes the generator scales down."""

    crimes: pd.DataFrame  # code, year, count (47018NED types, Totaal excluded)
    suspects: pd.DataFrame  # group, year, count (81947NED, absolute numbers)
    suspect_profile: pd.DataFrame  # group, sex (M/V), age band lo, hi, count (last year)

    def crimes_in(self, year: int) -> pd.Series:
        """Registered crimes per type in ``year`` (last published year if later)."""
        use = min(year, int(self.crimes["year"].max()))
        sub = self.crimes[self.crimes["year"] == use]
        return pd.Series(sub["count"].to_numpy(), index=sub["code"].to_numpy())

    def suspects_in(self, year: int) -> pd.Series:
        use = min(year, int(self.suspects["year"].max()))
        sub = self.suspects[self.suspects["year"] == use]
        return pd.Series(sub["count"].to_numpy(), index=sub["group"].to_numpy())


def official_codes(mirror: Path) -> set[str]:
    frame = MirrorContext(mirror).read_table("politie_soorten")
    return {k.strip() for k in frame["Key"]}


def _crimes(mirror: Path) -> pd.DataFrame:
    ctx = MirrorContext(mirror)
    path = ctx.path("politie_nl_crime")
    frame = ctx.read_table("politie_nl_crime")
    codes = official_codes(mirror)
    rows = []
    for i, (label, year) in enumerate(zip(frame["incident_type_code"], frame["year"], strict=True)):
        if label.strip() == "Totaal misdrijven":
            continue
        match = _CODE.match(label.strip())
        if not match or match.group(1) not in codes:
            raise SourceFormatError(
                path, f"crime type {label!r} is not a 47018NED code", line=i + 2
            )
        rows.append((match.group(1), int(year)))
    counts = numeric_column(frame, "incident_count", path=path)
    keep = frame["incident_type_code"].str.strip() != "Totaal misdrijven"
    out = pd.DataFrame(rows, columns=["code", "year"])
    out["count"] = counts[keep].fillna(0).to_numpy()
    return out


def _suspect_frame(mirror: Path) -> tuple[pd.DataFrame, Path]:
    ctx = MirrorContext(mirror)
    path = ctx.path("verdachten")
    frame = ctx.read_table("verdachten")
    # The same stem occurs several times (absolute, per 10,000, ...): the first is
    # the absolute number of suspects.
    first: dict[str, str] = {}
    for column in frame.columns:
        first.setdefault(measure_stem(column), column)
    wanted = [TOTAL_SUSPECTS, *SUSPECT_GROUPS]
    absent = [s for s in wanted if s not in first]
    if absent:
        raise SourceFormatError(path, f"measures {absent} are missing")
    numbers = pd.DataFrame({s: numeric_column(frame, first[s], path=path) for s in wanted})
    numbers["sex"] = frame["Geslacht"].map({"Mannen": "M", "Vrouwen": "V"})
    numbers["all_sexes"] = frame["Geslacht"] == "Totaal mannen en vrouwen"
    numbers["age"] = frame["Leeftijd"]
    numbers["total_origin"] = frame["Migratieachtergrond"] == "Totaal"
    numbers["year"] = frame["Perioden"].str.rstrip("*").astype(int)
    return numbers[numbers["total_origin"]], path


def _suspects(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    numbers, path = _suspect_frame(mirror)
    totals = numbers[numbers["all_sexes"] & (numbers["age"] == "Totaal verdachten")]
    long = totals.melt(id_vars=["year"], value_vars=[TOTAL_SUSPECTS, *SUSPECT_GROUPS])
    long = long.rename(columns={"variable": "group", "value": "count"}).dropna()
    if long.empty:
        raise SourceFormatError(path, "no national totals of suspects")
    last = int(long["year"].max())
    detail = numbers[
        numbers["sex"].notna() & numbers["age"].isin(AGE_BANDS) & (numbers["year"] == last)
    ]
    profile = detail.melt(
        id_vars=["sex", "age"], value_vars=[TOTAL_SUSPECTS, *SUSPECT_GROUPS]
    ).rename(columns={"variable": "group", "value": "count"})
    profile["lo"] = profile["age"].map(lambda a: AGE_BANDS[a][0])
    profile["hi"] = profile["age"].map(lambda a: AGE_BANDS[a][1])
    profile["count"] = profile["count"].fillna(0)
    return long.reset_index(drop=True), profile.drop(columns="age").reset_index(drop=True)


def load_national(mirror: Path) -> NationalVolumes:
    """Read the national crime and suspect series from the mirror."""
    suspects, profile = _suspects(mirror)
    return NationalVolumes(_crimes(mirror), suspects, profile)
