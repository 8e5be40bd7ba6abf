"""Dataset ``kwb``: Kerncijfers wijken en buurten (85984NED for 2024, PDOK attributes before).

Five files give KWB figures; the same (measure, region, period, indeling) may come
from several. Each is emitted once, from the most authoritative file, in this order:

1. the StatLine dump of 85984NED (all 130 columns; NL + 172 gemeenten A..Maasdriel
   with their wijken and buurten: truncated at 10,000 rows),
2. ``stripped_filtered_data_2024.json`` (8 variables for 342 GM and 3,393 WK, taken
   from the TypedDataSet by a third party),
3. the buurt subset (10 variables for 13,817 buurten, an earlier 85984NED revision),
4. the buurt population (AantalInwoners for 14,574 buurten, earlier revision),
5. the KWB attributes of the gemeente geometry files, 2012-2024 (see
   :mod:`~buurtzicht.sources.mirror.kwb_attributes`).

Measure metadata comes from 85984NED's DataProperties, matched by stem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES, KWB_SUBSET_MEASURES
from buurtzicht.sources.mirror.kwb_attributes import geometry_kwb
from buurtzicht.sources.mirror.properties import match_columns, measures_from_properties
from buurtzicht.sources.mirror.readers import numeric_columns, region_codes
from buurtzicht.sources.mirror.wide import melt, merge_by_priority, summarise
from buurtzicht.sources.observations import Measure, observations_frame

PERIOD = "2024JJ00"
SUBSET_COLUMNS = list(KWB_SUBSET_MEASURES)


class KwbProperties:
    """85984NED DataProperties: measure per CBS key, and file columns matched by stem."""

    def __init__(self, ctx: MirrorContext) -> None:
        path = ctx.path("kwb_properties")
        document = ctx.read_json("kwb_properties")
        if not isinstance(document, list) or not all(isinstance(p, dict) for p in document):
            raise SourceFormatError(path, "not a DataProperties list", expected="[{...}, ...]")
        self.path = path
        self.properties: list[dict[str, Any]] = document
        self.by_key: dict[str, Measure] = measures_from_properties(
            document, "kwb", source_table="85984NED", source_version=_modified(ctx)
        )

    def columns(self, columns: list[str], where: Path) -> dict[str, str]:
        """File column -> measure id, for the numeric topics among ``columns``."""
        matched = match_columns(columns, self.properties, where=str(where))
        return {c: self.by_key[k].id for c, k in matched.items() if k in self.by_key}


def _modified(ctx: MirrorContext) -> str:
    path = ctx.path("kwb_tableinfos")
    infos = ctx.read_json("kwb_tableinfos")
    record = infos[0] if isinstance(infos, list) and infos else infos
    if not isinstance(record, dict) or "Modified" not in record:
        raise SourceFormatError(path, "TableInfos without Modified", expected="a Modified date")
    return str(record["Modified"])


def _codes(values: pd.Series, path: Path) -> list[str]:
    return region_codes(values, path=path).tolist()


def dump_observations(ctx: MirrorContext, props: KwbProperties) -> tuple[pd.DataFrame, list[str]]:
    """The dump's figures, and the columns left out because no region has a figure.

    An entirely empty column is a variable this revision does not publish yet (energy,
    income and social security come later in the KWB year); a missing status for each
    of 10,000 regions would say nothing more than the note does.
    """
    path = ctx.path("kwb_dump")
    table = ctx.read_table("kwb_dump")
    columns = props.columns(list(table.columns), path)
    values = numeric_columns(table, list(columns), path=path)
    empty = [c for c in columns if values[c].isna().all()]
    observations = melt(
        values,
        {c: m for c, m in columns.items() if c not in empty},
        region=_codes(table["Codering_3"], path),
        period=PERIOD,
        indeling=2024,
        source="85984NED",
    )
    return observations, empty


def stripped_observations(ctx: MirrorContext, props: KwbProperties) -> pd.DataFrame:
    path = ctx.path("kwb_stripped")
    document = ctx.read_json("kwb_stripped")
    if not isinstance(document, dict):
        raise SourceFormatError(path, "not an object keyed by region code", expected="{GM..: {}}")
    frame = pd.DataFrame.from_dict(document, orient="index")
    codes = region_codes(frame.index.to_series(), path=path, record="key")
    columns = props.columns(list(frame.columns), path)
    values = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    return melt(
        values, columns, region=codes, period=PERIOD, indeling=2024, source="file:stripped_kwb"
    )


def subset_observations(ctx: MirrorContext, props: KwbProperties) -> pd.DataFrame:
    path = ctx.path("kwb_buurt_subset")
    table = ctx.read_table("kwb_buurt_subset")
    columns = props.columns(SUBSET_COLUMNS, path)
    values = numeric_columns(table, SUBSET_COLUMNS, path=path)
    return melt(
        values,
        columns,
        region=_codes(table["Codering_3"], path),
        period=PERIOD,
        indeling=2024,
        source="file:kwb_buurt_subset",
    )


def population_observations(ctx: MirrorContext) -> pd.DataFrame:
    path = ctx.path("buurt_population")
    table = ctx.read_table("buurt_population")
    values = numeric_columns(table, ["population"], path=path)
    return melt(
        values,
        {"population": "kwb.AantalInwoners"},
        region=_codes(table["nhood_id"], path),
        period=PERIOD,
        indeling=2024,
        source="file:buurt_population",
    )


def load_kwb(ctx: MirrorContext) -> Batch:
    """KWB figures of every mirror file, one per key, the most authoritative kept."""
    props = KwbProperties(ctx)
    geometry, geometry_measures, geometry_notes = geometry_kwb(ctx, props.by_key)
    dump, empty = dump_observations(ctx, props)
    frames = [
        dump,
        stripped_observations(ctx, props),
        subset_observations(ctx, props),
        population_observations(ctx),
        geometry,
    ]
    merged, conflicts, agreed = merge_by_priority(frames, rtol=1e-9, atol=1e-9)
    used = set(merged["measure"].unique())
    measures = {m.id: m for m in [*props.by_key.values(), *geometry_measures] if m.id in used}
    keys = [
        "kwb_dump",
        "kwb_properties",
        "kwb_tableinfos",
        "kwb_stripped",
        "kwb_buurt_subset",
        "buurt_population",
        *[k for k in FILES if k.startswith("gemeenten_geo_")],
    ]
    return Batch(
        name="kwb",
        observations=observations_frame(merged),
        measures=sorted(measures.values(), key=lambda m: m.id),
        files=ctx.source_files(*keys),
        notes=[
            "85984NED dump is truncated: NL + 172 gemeenten (Aa en Hunze .. Maasdriel) "
            "with their wijken and buurten; other gemeenten have the 8 variables of "
            "stripped_filtered_data_2024.json and the buurt subset only",
            f"{len(empty)} 85984NED columns are empty for every region in this revision "
            f"(not yet published) and are left out: {', '.join(empty)}",
            summarise(conflicts, agreed),
            *geometry_notes,
        ],
        conflicts=conflicts,
    )
