"""Region codes for the 83648NED slice, whose rows carry labels and only sometimes codes.

The slice names its regions by StatLine label (``Noord-Holland (RE)``,
``Groningen (gemeente)``, ``Niet in te delen (LD)``). LD/PV/RE labels are looked up in
83648NED's own RegioS dimension. Gemeenten mostly carry ``gm_code`` (matched by the
slice's author to Gebieden in Nederland 2018-2024); ~69 former gemeenten that
disappeared before 2018 carry only a name. Those are matched twice, independently:
by name against the gemeenten of the geometry files (2012, 2017) and Gebieden tables,
at the nearest year, and against the gemeente keys of 83648NED's RegioS list
(``pop_regio.csv``). When both match they must agree; when neither does, the label
is an error naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError, UnknownRegionError
from buurtzicht.regions.codes import NEDERLAND, Level, normalise_code
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import MISDRIJVEN_MEASURES
from buurtzicht.sources.mirror.names import NameResolver, normalise_name, parse_label
from buurtzicht.sources.mirror.region_gemeenten import dimension_83648

MEASURE_COLUMNS = list(MISDRIJVEN_MEASURES)
_LEVELS = {
    "NL": Level.LAND,
    "LD": Level.LANDSDEEL,
    "PV": Level.PROVINCIE,
    "RE_politie_eenheid": Level.POLITIE_EENHEID,
    "GM": Level.GEMEENTE,
    "GM_niet_in_te_delen": Level.GEMEENTE,
}


def read_slice(ctx: MirrorContext) -> pd.DataFrame:
    """The slice as text, with ``line`` (1-based, header = 1) and ``year``."""

    def read() -> pd.DataFrame:
        path = ctx.path("misdrijven_slice")
        frame = ctx.read_table("misdrijven_slice")
        frame["line"] = range(2, len(frame) + 2)
        years = pd.to_numeric(frame["Perioden"], errors="coerce")
        if years.isna().any():
            line = int(frame["line"][years.isna()].iloc[0])
            raise SourceFormatError(path, "Perioden is not a year", line=line, expected="2010")
        frame["year"] = years.astype(int)
        unknown = ~frame["region_level"].isin(list(_LEVELS))
        if unknown.any():
            row = frame[unknown].iloc[0]
            raise SourceFormatError(
                path,
                f"unknown region_level {row['region_level']!r}",
                line=int(row["line"]),
                expected=str(sorted(_LEVELS)),
            )
        return frame

    return ctx.cached("misdrijven_slice", read)


def has_figures(frame: pd.DataFrame) -> pd.Series:
    """Rows with at least one figure: the region existed in that year's indeling."""
    values = frame[MEASURE_COLUMNS].astype("string").fillna("").apply(lambda s: s.str.strip())
    return (values != "").any(axis=1)


def slice_codes(ctx: MirrorContext, gazetteer: NameResolver) -> pd.Series:
    """The region code of every slice row (same index as :func:`read_slice`)."""
    frame = read_slice(ctx)
    lookup = _Lookup(ctx, gazetteer)
    codes: dict[tuple[str, str, str, int], str] = {}
    result = []
    for label, level, gm_code, year, line in zip(
        frame["region_label"].astype(str),
        frame["region_level"].astype(str),
        frame["gm_code"].fillna("").astype(str),
        frame["year"].astype(int),
        frame["line"].astype(int),
        strict=True,
    ):
        key = (label, level, gm_code, year)
        if key not in codes:
            where = f"{lookup.path}, line {line}, label {label!r}"
            codes[key] = lookup.code(label, level, gm_code, year, where)
        result.append(codes[key])
    return pd.Series(result, index=frame.index, dtype="string")


class _Lookup:
    """The three ways a slice label becomes a code."""

    def __init__(self, ctx: MirrorContext, gazetteer: NameResolver) -> None:
        self.path = ctx.path("misdrijven_slice")
        self.by_label = _dimension_labels(ctx)
        self.dimension_gm = _dimension_gemeenten(ctx)
        self.gazetteer = gazetteer

    def code(self, label: str, level_name: str, gm_code: str, year: int, where: str) -> str:
        level = _LEVELS[level_name]
        if level is Level.LAND:
            return NEDERLAND
        if level is Level.GEMEENTE and gm_code.strip():
            return normalise_code(gm_code, where=where)
        if level_name != "GM":
            found = self.by_label.get(normalise_name(label))
            if found is None:
                raise UnknownRegionError(f"{where}: not in 83648NED's RegioS dimension")
            return found
        return _former_gemeente(label, year, self.dimension_gm, self.gazetteer, where)


def _former_gemeente(
    label: str, year: int, dimension_gm: dict[str, str], gazetteer: NameResolver, where: str
) -> str:
    name = parse_label(label).name
    by_dimension = dimension_gm.get(normalise_name(name))
    try:
        by_name = gazetteer.resolve(
            name, level=Level.GEMEENTE, indeling=year, strict=False, where=where
        )
    except UnknownRegionError:
        if by_dimension is None:
            raise
        return by_dimension
    if by_dimension is not None and by_dimension != by_name:
        raise UnknownRegionError(
            f"{where}: the geometry/Gebieden name match gives {by_name}, "
            f"83648NED's RegioS list gives {by_dimension}"
        )
    return by_name


def _dimension_labels(ctx: MirrorContext) -> dict[str, str]:
    dim = dimension_83648(ctx)
    return {
        normalise_name(label): code for label, code in zip(dim["label"], dim["code"], strict=True)
    }


def _dimension_gemeenten(ctx: MirrorContext) -> dict[str, str]:
    """Gemeente names -> keys of 83648NED's RegioS list (incl. former gemeenten)."""
    path: Path = ctx.path("misdrijven_regios")
    table = ctx.read_table("misdrijven_regios")
    result: dict[str, str] = {}
    for key, name in zip(table["Key"], table["Regio"], strict=True):
        if str(key).strip().startswith("GM"):
            result[normalise_name(parse_label(name).name)] = normalise_code(key, where=str(path))
    return result
