"""Police crime per type per gemeente (``cr_*`` of the gemeente geometry files), checked.

A third party summed 47018NED buurt figures per gemeente for 13 crime types and
attached them to the gemeente maps of 2012, 2017-2019 and 2022-2024 (``cr_jaar`` says
the crime year). Each ``cr_*`` attribute is one 47018NED SoortMisdrijf; the mapping
below was read off the national series (NL_Crime.csv), where each attribute's gemeente
sum lands within a few percent of exactly one type.

The check: per type and year, the gemeente sum must be within 5% of the national
figure. Where a file lacks crime figures for part of its gemeenten (2012: 318 of 415),
the type's share of the gemeente total is compared with its national share instead,
within 10%.
A type that fails in any year is flagged ``suspicious``; the reason goes into the
measure description and the batch notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import GEOMETRY_YEARS
from buurtzicht.sources.mirror.politie import TOTAAL, misdrijf_id
from buurtzicht.sources.mirror.wide import melt

#: ``cr_*`` attribute -> 47018NED SoortMisdrijf code.
CR_TYPES: dict[str, str] = {
    "cr_totaal_misdrijven": TOTAAL,
    "cr_inbraak_woning": "1.1.1",
    "cr_diefstal_motor": "1.2.2",
    "cr_diefstal_fietsen": "1.2.3",
    "cr_bedreiging": "1.4.4",
    "cr_mishandeling": "1.4.5",
    "cr_straatroof": "1.4.6",
    "cr_vernieling": "2.2.1",
    "cr_drugs_drank": "2.1.1",
    "cr_inbraak_bedrijven": "2.5.1",
    "cr_winkeldiefstal": "2.5.2",
    "cr_cybercrime": "3.7.4",
    "cr_fraude": "3.9.1",
}
TOLERANCE = 0.05
#: Comparing shares is rougher: the gemeenten without figures differ in crime mix.
SHARE_TOLERANCE = 0.10
#: Below this share of gemeenten with figures a file is compared by shares, not sums.
COMPLETE = 0.99


@dataclass(frozen=True)
class Check:
    """One type in one year: gemeente sum against the national figure."""

    code: str
    year: int
    gemeente_sum: float
    national: float | None
    ratio: float | None
    method: str

    @property
    def failed(self) -> bool:
        tolerance = SHARE_TOLERANCE if self.method == "share" else TOLERANCE
        return self.ratio is not None and abs(self.ratio - 1) > tolerance


def gemeente_crime(ctx: MirrorContext) -> pd.DataFrame:
    """Observations of every ``cr_*`` attribute of every gemeente geometry file."""
    frames = []
    for year in GEOMETRY_YEARS:
        attributes = ctx.gemeenten_geometry(year)
        path = ctx.path(f"gemeenten_geo_{year}")
        absent = [c for c in [*CR_TYPES, "cr_jaar"] if c not in attributes]
        if absent:
            raise SourceFormatError(path, f"attributes {absent} are missing", expected="cr_*")
        values = attributes[list(CR_TYPES)].apply(pd.to_numeric, errors="coerce")
        has_crime = values.notna().any(axis=1)
        crime_year = pd.to_numeric(attributes["cr_jaar"], errors="coerce")
        undated = has_crime & crime_year.isna()
        if undated.any():
            feature = int(undated.to_numpy().nonzero()[0][0])
            raise SourceFormatError(
                path, "crime figures without cr_jaar", record=f"feature {feature}"
            )
        frames.append(
            melt(
                values[has_crime],
                {c: misdrijf_id(code) for c, code in CR_TYPES.items()},
                region=attributes["gemeentecode"][has_crime],
                period=[f"{int(y)}JJ00" for y in crime_year[has_crime]],
                indeling=year,
                source=f"file:gemeenten_{year} (cr_*)",
                drop_missing=True,
            )
        )
    return pd.concat(frames, ignore_index=True)


def check_against_national(
    crime: pd.DataFrame, national: pd.DataFrame, coverage: dict[int, float]
) -> list[Check]:
    """Compare each type's gemeente sum per crime year with the national series."""
    sums = crime.groupby(["measure", "period"])["value"].sum()
    nat = national.set_index(["measure", "period"])["value"]
    total_id = misdrijf_id(TOTAAL)
    checks = []
    for key, total in sums.items():
        measure, period = str(key[0]), str(key[1])  # type: ignore[index]
        code = measure.removeprefix("politie.misdrijven.")
        year = int(period[:4])
        reference = nat.get((measure, period))
        if reference is None or pd.isna(reference):
            checks.append(Check(code, year, float(total), None, None, "no national figure"))
        elif coverage.get(year, 0.0) >= COMPLETE:
            ratio = float(total) / float(reference)
            checks.append(Check(code, year, float(total), float(reference), ratio, "sum"))
        elif code == TOTAAL:
            method = f"not checked: {coverage.get(year, 0.0):.0%} of gemeenten have figures"
            checks.append(Check(code, year, float(total), float(reference), None, method))
        else:
            share = float(total) / float(sums[(total_id, period)])
            national_share = float(reference) / float(nat[(total_id, period)])
            ratio = share / national_share
            checks.append(Check(code, year, float(total), float(reference), ratio, "share"))
    return checks


def coverage_per_year(ctx: MirrorContext) -> dict[int, float]:
    """Share of a file's gemeenten (Buitenland/unnamed excluded) that have crime figures."""
    result = {}
    for year in GEOMETRY_YEARS:
        attributes = ctx.gemeenten_geometry(year)
        ordinary = ~attributes["gemeentecode"].isin(["GM0998", "GM9999"])
        with_crime = pd.to_numeric(attributes["cr_totaal_misdrijven"], errors="coerce").notna()
        crime_year = pd.to_numeric(attributes["cr_jaar"], errors="coerce").dropna()
        key = int(crime_year.iloc[0]) if len(crime_year) else year
        result[key] = float((with_crime & ordinary).sum() / ordinary.sum())
    return result


def flags_from_checks(checks: list[Check]) -> dict[str, tuple[tuple[str, ...], str]]:
    """``suspicious`` flag and reason per code that failed the check in any year."""
    failed: dict[str, list[Check]] = {}
    for check in checks:
        if check.failed:
            failed.setdefault(check.code, []).append(check)
    attribute = {code: attr for attr, code in CR_TYPES.items()}
    return {
        code: (
            ("suspicious",),
            f"the gemeente figures ({attribute[code]}, summed from buurten by a third party) "
            "miss the national 47018NED figure (5% by sum, 10% by share) in "
            + ", ".join(f"{c.year} ({c.ratio:.0%} by {c.method})" for c in fails)
            + "; use the national series or fetch 47018NED per gemeente instead",
        )
        for code, fails in failed.items()
    }
