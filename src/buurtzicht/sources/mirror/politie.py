"""Police crime types (47018NED): catalogue, national series and the first rows of the table.

47018NED "Geregistreerde misdrijven; soort misdrijf, wijk, buurt" (Politie, hosted by
CBS) classifies crime in 59 types (``SoortMisdrijf``: ``0.0.0`` totaal, ``1.1.1``
diefstal/inbraak woning, ...). Each type is a measure ``politie.misdrijven.<code>``
with the Politie definition as its description. The same catalogue is exported as the
small table ``crime_types(code, title, description, brengdelict)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import POLITIE_47018_MODIFIED
from buurtzicht.sources.mirror.readers import numeric_columns, region_codes
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, normalise_period, period_year

TOTAAL = "0.0.0"
_CODE = re.compile(r"\d+\.\d+\.\d+")


def misdrijf_id(code: str) -> str:
    """``politie.misdrijven.1.1.1`` for SoortMisdrijf ``"1.1.1 "``."""
    return f"politie.misdrijven.{code.strip()}"


@dataclass(frozen=True)
class Catalogue:
    """The 59 crime types: ``table`` (crime_types) and ``by_title`` (label -> code)."""

    table: pd.DataFrame
    by_title: dict[str, str]

    def measures(self, flags: dict[str, tuple[tuple[str, ...], str]]) -> list[Measure]:
        """One measure per crime type; ``flags`` adds flags and a reason per code."""
        result = []
        for row in self.table.itertuples():
            extra_flags, reason = flags.get(str(row.code), ((), ""))
            description = str(row.description)
            if reason:
                description = f"{description}\n\nWARNING (per-gemeente figures): {reason}"
            result.append(
                Measure(
                    id=misdrijf_id(str(row.code)),
                    title=f"Geregistreerde misdrijven: {row.title}",
                    unit="aantal",
                    description=description.strip(),
                    source_table="47018NED",
                    source_version=POLITIE_47018_MODIFIED,
                    publisher="Politie",
                    datatype="Long",
                    flags=extra_flags,
                )
            )
        return result


def read_catalogue(ctx: MirrorContext) -> Catalogue:
    """SoortMisdrijf codes, titles and definitions, with bernasco's brengdelict flag."""
    path = ctx.path("politie_soorten")
    table = ctx.read_table("politie_soorten")
    codes = [str(k).strip() for k in table["Key"]]
    bad = [c for c in codes if not _CODE.fullmatch(c)]
    if bad:
        raise SourceFormatError(path, f"SoortMisdrijf key {bad[0]!r}", expected="a code like 1.1.1")
    titles = [re.sub(r"^\d+\.\d+\.\d+\s+", "", str(t)).strip() for t in table["Title"]]
    frame = pd.DataFrame(
        {
            "code": codes,
            "title": titles,
            "description": table["Description"].fillna("").to_numpy(),
            "brengdelict": _brengdelicten(ctx, codes),
        }
    )
    by_title = {str(t).strip(): c for t, c in zip(table["Title"], codes, strict=True)}
    return Catalogue(frame, by_title)


def _brengdelicten(ctx: MirrorContext, codes: list[str]) -> pd.Series:
    path = ctx.path("politie_brengdelicten")
    table = ctx.read_table("politie_brengdelicten")
    flags = dict(zip((str(k).strip() for k in table["Key"]), table["Brengdelict"], strict=True))
    unknown = sorted(set(flags) - set(codes))
    if unknown:
        raise SourceFormatError(path, f"unknown SoortMisdrijf {unknown[0]!r}")
    return pd.Series([_flag(flags.get(c)) for c in codes], dtype="boolean")


def _flag(text: str | None) -> bool | None:
    return None if text is None or text is pd.NA else str(text).strip() == "1"


def national_series(ctx: MirrorContext, catalogue: Catalogue) -> pd.DataFrame:
    """NL_Crime.csv: national count per crime type (labels) and year, 2012-2023."""
    path = ctx.path("politie_nl_crime")
    table = ctx.read_table("politie_nl_crime")
    codes = []
    for line, label in enumerate(table["incident_type_code"], start=2):
        code = catalogue.by_title.get(str(label).strip())
        if code is None:
            raise SourceFormatError(
                path, f"crime type {label!r} is not in 47018NED SoortMisdrijf", line=line
            )
        codes.append(code)
    values = numeric_columns(table, ["incident_count"], path=path)
    years = [int(y) for y in table["year"]]
    return pd.DataFrame(
        {
            "measure": [misdrijf_id(c) for c in codes],
            "region": "NL01",
            "period": [f"{y}JJ00" for y in years],
            "indeling": years,
            "value": values["incident_count"].to_numpy(),
            "status": "ok",
            "source": "47018NED (NL_Crime.csv)",
        }
    )


def first_rows(ctx: MirrorContext, catalogue: Catalogue) -> pd.DataFrame:
    """The first 1,000 TypedDataSet rows (NL and Aa en Hunze, 2012-2024).

    47018NED presents every year on the 2024 wijk/buurt indeling; the national total
    takes the period's year as indeling, like every national figure.
    """
    path = ctx.path("politie_first_rows")
    table = ctx.read_table("politie_first_rows")
    regions = region_codes(table["WijkenEnBuurten"], path=path).tolist()
    periods = [normalise_period(p, where=str(path))[0] for p in table["Perioden"]]
    indeling = [
        period_year(p) if r == "NL01" else 2024 for r, p in zip(regions, periods, strict=True)
    ]
    values = numeric_columns(table, ["GeregistreerdeMisdrijven_1"], path=path)
    frame = melt(
        values,
        {"GeregistreerdeMisdrijven_1": "x"},
        region=regions,
        period=periods,
        indeling=indeling,
        source="47018NED",
    )
    codes = [str(c).strip() for c in table["SoortMisdrijf"]]
    unknown = sorted(set(codes) - set(catalogue.table["code"]))
    if unknown:
        raise SourceFormatError(path, f"SoortMisdrijf {unknown[0]!r} is not in the catalogue")
    frame["measure"] = [misdrijf_id(c) for c in codes]
    return frame
