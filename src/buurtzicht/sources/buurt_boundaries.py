"""Buurt boundaries: the layers the offline mirror holds, or the fetched PDOK layer.

Offline there is no buurt layer of the current indeling. The mirror has two that
together cover most buurten of 2024 (``raw/INDEX.md``):

* ``cbs-2019``: every buurt of the 2019 indeling, the CBS generalised layer as TopoJSON
  (13,594 buurten). A buurt code that still exists usually kept its boundary, but not
  always; :mod:`buurtzicht.regions.boundary_match` checks each against its wijk of the
  indeling it is matched to.
* ``amsterdam``: Gemeente Amsterdam's own buurt layer (518 buurten), whose codes CBS uses
  since 2022.

Online, ``buurtzicht fetch -g 2024:buurt`` downloads the CBS layer of the year from PDOK
(``cache/pdok/wijkenbuurten/2024/buurten.geojson``); a build finds it there and uses it
instead of the mirror layers (source ``pdok-2024``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from buurtzicht.regions.codes import Level
from buurtzicht.sources.base import SourceFile
from buurtzicht.sources.geojson import boundaries_from_features, boundaries_from_geojson
from buurtzicht.sources.mirror.expectations import verified
from buurtzicht.sources.topojson import read_topojson

#: Columns of a buurt layer frame: the boundary columns plus where each comes from.
LAYER_COLUMNS = ["code", "name", "geometry", "source", "source_year"]


@dataclass(frozen=True)
class BuurtLayer:
    """One buurt layer of the mirror."""

    source: str  # short id stored per buurt: which layer its boundary comes from
    path: str
    year: int  # the indeling the layer was drawn for
    code_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    snapshot: str
    publisher: str
    licence: str
    topojson_object: str | None = None  # None: a GeoJSON FeatureCollection


CBS_2019 = BuurtLayer(
    "cbs-2019",
    "raw/geo_buurten_2019_cbs_emielsanders/buurten_2019_gegeneraliseerd.topojson",
    2019,
    ("statcode",),
    (),
    "emielsanders/PowerBI@3cc8e53",
    "CBS/Kadaster (PDOK)",
    "CC BY 4.0",
    topojson_object="buurten",
)
AMSTERDAM = BuurtLayer(
    "amsterdam",
    "raw/geo_buurten_amsterdam_mindtheheat/amsterdam_buurten.geojson.gz",
    2022,
    ("CBS_Buurtcode",),
    ("Buurt",),
    "yifanyang21/mindtheheatNL@4c027ad",
    "Gemeente Amsterdam",
    "open data Gemeente Amsterdam",
)
#: Most current first: where two layers have the same code, the first wins.
BUURT_LAYERS: tuple[BuurtLayer, ...] = (AMSTERDAM, CBS_2019)
#: The source id of a layer fetched from PDOK for ``year``.
PDOK_SOURCE = "pdok-{year}"


def read_buurt_layer(mirror: Path, layer: BuurtLayer) -> tuple[pd.DataFrame, SourceFile]:
    """One mirror layer as a frame of :data:`LAYER_COLUMNS`, with its manifest entry."""
    path = verified(mirror, layer.path)
    if layer.topojson_object:
        frame = boundaries_from_features(
            read_topojson(path, layer.topojson_object),
            path,
            level=Level.BUURT,
            year=layer.year,
            code_fields=layer.code_fields,
            name_fields=layer.name_fields,
        )
    else:
        frame = boundaries_from_geojson(
            path,
            level=Level.BUURT,
            year=layer.year,
            code_fields=layer.code_fields,
            name_fields=layer.name_fields,
        )
    record = SourceFile.of(
        path,
        f"buurtgrenzen {layer.source}",
        layer.snapshot,
        publisher=layer.publisher,
        licence=layer.licence,
    )
    return frame.assign(source=layer.source, source_year=layer.year)[LAYER_COLUMNS], record


def read_mirror_buurt_layers(mirror: Path) -> tuple[pd.DataFrame, list[SourceFile]]:
    """Every buurt layer of the mirror, one row per code (the most current layer wins)."""
    frames, files = [], []
    for layer in BUURT_LAYERS:
        frame, record = read_buurt_layer(mirror, layer)
        frames.append(frame)
        files.append(record)
    combined = pd.concat(frames, ignore_index=True).drop_duplicates("code", keep="first")
    return combined.reset_index(drop=True), files


def read_fetched_buurt_layer(path: Path, year: int) -> tuple[pd.DataFrame, SourceFile]:
    """A buurt layer downloaded from PDOK by ``buurtzicht fetch`` (``sources.pdok``)."""
    frame = boundaries_from_geojson(
        path,
        level=Level.BUURT,
        year=year,
        code_fields=("buurtcode", "statcode"),
        name_fields=("buurtnaam", "statnaam"),
    )
    source = PDOK_SOURCE.format(year=year)
    record = SourceFile.of(
        path, f"buurtgrenzen {source}", str(year), publisher="CBS/Kadaster (PDOK)"
    )
    return frame.assign(source=source, source_year=year)[LAYER_COLUMNS], record
