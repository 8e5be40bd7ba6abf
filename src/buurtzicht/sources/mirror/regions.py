"""All regions of the mirror, one row per (code, indeling).

See docs/data-model.md for the columns and docs/sources.md for where each row comes
from. :func:`load_regions` is what the warehouse build calls.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import NEDERLAND, Level
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import GEOMETRY_YEARS
from buurtzicht.sources.mirror.misdrijven_regions import has_figures, read_slice, slice_codes
from buurtzicht.sources.mirror.names import NameResolver, parse_label
from buurtzicht.sources.mirror.region_gemeenten import (
    carry_context,
    dimension_rows,
    gebieden_rows,
    geometry_rows,
)
from buurtzicht.sources.mirror.region_rows import (
    GEMEENTE_CONTEXT,
    RegionsResult,
    missing_rows,
    rows_frame,
    with_gemeente_context,
)
from buurtzicht.sources.mirror.region_wijkbuurt import regions_2018, regions_2024

#: National series in the mirror start in 1999 (81947NED verdachten); NL01 exists in
#: every indeling year from then on, so national figures can use the period's year.
NATIONAL_YEARS = range(1999, 2025)


def load_regions(mirror: Path, *, context: MirrorContext | None = None) -> RegionsResult:
    """Build the regions frame from the offline mirror.

    Pass ``context`` to share parsed files with :func:`load_datasets`. Raises
    :class:`SourceFormatError`, :class:`RegionCodeError` or
    :class:`UnknownRegionError` naming the file and line when a source is malformed or
    names a region no other source knows. Usage (``Settings().require_mirror()`` gives
    the mirror)::

        regions = load_regions(mirror)
        gemeenten_2024 = regions.frame.query("indeling == 2024 and level == 'gemeente'")
    """
    ctx = context or MirrorContext(mirror)
    frame = pd.concat([gebieden_rows(ctx.gebieden(y)) for y in ctx.gebieden_years()])
    frame = _append(frame, carry_context(geometry_rows(ctx), frame))
    gazetteer = NameResolver.from_regions(frame[frame["level"] == Level.GEMEENTE.value])
    codes = slice_codes(ctx, gazetteer)
    frame = _append(frame, _slice_rows(ctx, frame, codes))
    frame = _append(frame, dimension_rows(ctx, sorted(set(read_slice(ctx)["year"]))))
    frame = _append(frame, _national_rows())
    frame = _append(frame, _wijk_buurt_rows(ctx, frame))
    frame = frame.sort_values(["indeling", "level", "code"], kind="stable").reset_index(drop=True)
    files = ctx.source_files(
        *[f"gebieden_{y}" for y in ctx.gebieden_years()],
        *[f"gemeenten_geo_{y}" for y in GEOMETRY_YEARS],
        "misdrijven_slice",
        "misdrijven_regios",
        "regios_83648_dimension",
        "kwb_dimension",
        "buurt_names",
        "politie_dimension",
        "wijken_geo_2024",
        "misdrijven_wb_2018",
    )
    result = RegionsResult(rows_frame(frame), files, _notes(frame), misdrijven_codes=codes)
    ctx.regions = result
    return result


def require_regions(ctx: MirrorContext) -> RegionsResult:
    """The regions of this load, read once (loaders map names and check codes against them)."""
    if ctx.regions is None:
        ctx.regions = load_regions(ctx.mirror, context=ctx)
    return ctx.regions


def _append(frame: pd.DataFrame, more: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, missing_rows(frame, more)], ignore_index=True)


def _slice_rows(ctx: MirrorContext, known: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Gemeenten that carry 83648NED figures in a year no other source covers."""
    table = read_slice(ctx)
    gemeente = table["region_level"] == "GM"
    present = gemeente & has_figures(table)
    rows = pd.DataFrame(
        {
            "code": codes[present],
            "indeling": table["year"][present],
            "name": [parse_label(x).name for x in table["region_label"][present]],
            "line": table["line"][present],
        }
    ).drop_duplicates(["code", "indeling"])
    new = missing_rows(known, rows)
    covered = set(ctx.gebieden_years())
    clash = new[new["indeling"].isin(list(covered))]
    if not clash.empty:
        row = clash.iloc[0]
        raise SourceFormatError(
            ctx.path("misdrijven_slice"),
            f"{row['name']} ({row['code']}) has figures in {row['indeling']} but is not in "
            f"Gebieden in Nederland {row['indeling']}",
            line=int(row["line"]),
        )
    new = new.drop(columns="line").assign(
        level=Level.GEMEENTE.value, source="83648NED", gemeente=new["code"]
    )
    return carry_context(rows_frame(new), known)


def _national_rows() -> pd.DataFrame:
    return rows_frame(
        [
            {
                "code": NEDERLAND,
                "indeling": y,
                "level": Level.LAND.value,
                "name": "Nederland",
                "source": "buurtzicht (Nederland as a whole)",
            }
            for y in NATIONAL_YEARS
        ]
    )


def _wijk_buurt_rows(ctx: MirrorContext, known: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for year, rows in ((2024, regions_2024(ctx)), (2018, regions_2018(ctx))):
        gemeenten = known[(known["indeling"] == year) & (known["level"] == Level.GEMEENTE.value)]
        below = rows[rows["level"] != Level.GEMEENTE.value]
        below = with_gemeente_context(below, gemeenten, columns=GEMEENTE_CONTEXT[:-1])
        own_gm = rows[rows["level"] == Level.GEMEENTE.value]
        frames.extend([own_gm, below])
    return rows_frame(pd.concat(frames, ignore_index=True))


def _notes(frame: pd.DataFrame) -> list[str]:
    latest = frame[frame["indeling"] == 2024].groupby("level").size().to_dict()
    return [
        "regions per level in indeling 2024: "
        + ", ".join(f"{level} {n:,}" for level, n in sorted(latest.items())),
        f"indeling years: {frame['indeling'].min()}-{frame['indeling'].max()}",
    ]
