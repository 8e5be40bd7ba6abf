"""Regions at gemeente level and above, per indeling year.

- 2018-2024: Gebieden in Nederland gives every gemeente with its landsdeel, provincie,
  politie-eenheid, veiligheidsregio, COROP area and stedelijkheid, and the names of
  those parent regions.
- Gemeente geometry files (2012, 2017-2019, 2022-2024) add the gemeenten of 2012 and
  2017 and the ones Gebieden leaves out (GM0998 Buitenland).
- 83648NED's RegioS dimension names LD/PV/RE (for years without a Gebieden table)
  and the "niet in te delen" regions LD99, PV99, RE99 and GM0999.
"""

from __future__ import annotations

import pandas as pd

from buurtzicht.regions.codes import NEDERLAND, Level
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES, GEOMETRY_YEARS
from buurtzicht.sources.mirror.gebieden import PARENT_COLUMNS, Gebieden
from buurtzicht.sources.mirror.readers import region_codes
from buurtzicht.sources.mirror.region_rows import (
    GEMEENTE_CONTEXT,
    NIET_IN_TE_DELEN,
    PARENTS,
    mark_special,
    rows_frame,
)

_DIMENSION_LEVELS = {
    "LD": Level.LANDSDEEL,
    "PV": Level.PROVINCIE,
    "RE": Level.POLITIE_EENHEID,
    "GM": Level.GEMEENTE,
}

#: RegioS keys that are aggregates, not regions: "West-Nederland, exclusief G4".
AGGREGATES_WITHOUT_CODE = {"LDG4"}


def gebieden_rows(gebieden: Gebieden) -> pd.DataFrame:
    """NL01, the parent regions and every gemeente of one Gebieden year."""
    source = FILES[f"gebieden_{gebieden.year}"].table
    gm = gebieden.gemeenten.assign(level=Level.GEMEENTE.value, gemeente=gebieden.gemeenten["code"])
    parents = gebieden.parents.copy()
    for prefix, column in PARENT_COLUMNS.items():
        parents = _inherit(parents, gm, prefix, column)
    nl = pd.DataFrame([{"code": NEDERLAND, "level": Level.LAND.value, "name": "Nederland"}])
    frame = pd.concat([nl, parents, gm], ignore_index=True)
    frame["indeling"] = gebieden.year
    frame["source"] = source
    return mark_special(rows_frame(frame))


def _inherit(parents: pd.DataFrame, gm: pd.DataFrame, prefix: str, column: str) -> pd.DataFrame:
    """A parent region's own parent where all its gemeenten agree (COROP -> provincie)."""
    values: dict[str, str] = {}
    for own_prefix, own_column in PARENT_COLUMNS.items():
        if own_prefix == prefix:
            continue
        unique = gm.groupby(own_column)[column].nunique()
        first = gm.groupby(own_column)[column].first()
        values.update({code: first[code] for code in unique.index if unique[code] == 1})
    parents = parents.copy()
    parents[column] = [
        values.get(code) if not code.startswith(prefix) else None for code in parents["code"]
    ]
    return parents


def dimension_83648(ctx: MirrorContext) -> pd.DataFrame:
    """83648NED's RegioS dimension: code, level, name (labels without the suffix)."""
    path = ctx.path("regios_83648_dimension")
    table = ctx.table("regios_83648_dimension")
    table = table[~table["Key"].isin(list(AGGREGATES_WITHOUT_CODE))]
    codes = region_codes(table["Key"], path=path).tolist()
    frame = pd.DataFrame({"code": codes, "label": table["Title"].to_numpy()})
    frame = frame[frame["code"].str[:2].isin(list(_DIMENSION_LEVELS))]
    frame["level"] = [_DIMENSION_LEVELS[c[:2]].value for c in frame["code"]]
    frame["name"] = frame["label"].str.replace(r"\s*\((LD|PV|RE)\)$", "", regex=True)
    return frame.reset_index(drop=True)


def dimension_rows(ctx: MirrorContext, years: list[int]) -> pd.DataFrame:
    """LD/PV/RE and "niet in te delen" rows for the given indeling years.

    Years with a Gebieden table take LD/PV/RE from there; this adds the ``..99``
    regions for every year and LD/PV/RE for the years before 2018.
    """
    dim = dimension_83648(ctx)
    dim = dim[dim["code"].str.fullmatch(r"(LD|PV|RE)\d{2}") | dim["code"].isin(NIET_IN_TE_DELEN)]
    with_gebieden = set(ctx.gebieden_years())
    frames = []
    for year in years:
        rows = dim if year not in with_gebieden else dim[dim["code"].isin(NIET_IN_TE_DELEN)]
        frames.append(rows.assign(indeling=year))
    frame = pd.concat(frames, ignore_index=True)
    frame["source"] = FILES["regios_83648_dimension"].table + " RegioS"
    return mark_special(rows_frame(frame))


def geometry_rows(ctx: MirrorContext) -> pd.DataFrame:
    """Every gemeente of every gemeente geometry file, at the file's indeling year."""
    frames = []
    for year in GEOMETRY_YEARS:
        attributes = ctx.gemeenten_geometry(year)
        frames.append(
            pd.DataFrame(
                {
                    "code": attributes["gemeentecode"],
                    "name": attributes["gemeentenaam"].replace("", pd.NA),
                    "indeling": year,
                    "level": Level.GEMEENTE.value,
                    "gemeente": attributes["gemeentecode"],
                    "source": FILES[f"gemeenten_geo_{year}"].table,
                }
            )
        )
    frame = mark_special(rows_frame(pd.concat(frames, ignore_index=True)))
    # GM9999 in the 2012 map has no name: the area PDOK could not assign to a gemeente.
    unnamed = frame["name"].isna()
    frame.loc[unnamed, "name"] = "Onbekend (" + frame.loc[unnamed, "code"] + ")"
    frame.loc[unnamed, "special"] = "onbekend"
    return frame


def carry_context(rows: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """Give gemeenten of years without Gebieden their provincie and landsdeel.

    A gemeente code never moves to another provincie, so the provincie (and landsdeel)
    of the nearest Gebieden year with the same code is right. Politie-eenheid,
    veiligheidsregio, COROP and stedelijkheid do change over time; they stay NULL.
    """
    gm = known[(known["level"] == Level.GEMEENTE.value) & known["provincie"].notna()]
    context = gm[["code", "indeling", "provincie", "landsdeel"]].rename(
        columns={"indeling": "from_year"}
    )
    target = rows.drop(columns=["provincie", "landsdeel"]).reset_index(names="row")
    pairs = target[["row", "code", "indeling"]].merge(context, on="code")
    pairs["distance"] = (pairs["from_year"] - pairs["indeling"]).abs()
    nearest = pairs.sort_values(["row", "distance", "from_year"]).drop_duplicates("row")
    carried = target.merge(nearest[["row", "provincie", "landsdeel"]], on="row", how="left")
    return carried.drop(columns="row").set_index(rows.index)


__all__ = [
    "GEMEENTE_CONTEXT",
    "PARENTS",
    "carry_context",
    "dimension_83648",
    "dimension_rows",
    "gebieden_rows",
    "geometry_rows",
]
