"""Dataset ``gebieden``: inhabitants, density and classes per gemeente, 2018-2024."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, observations_frame, year_period

_COLUMNS = {
    "inwonertal": "gebieden.Inwonertal",
    "omgevingsadressendichtheid": "gebieden.Omgevingsadressendichtheid",
    "stedelijkheid": "gebieden.Stedelijkheid",
    "gemeentegrootte": "gebieden.Gemeentegrootte",
}


def _measures(version: str) -> list[Measure]:
    return [
        replace(m, source_table="83859NED..85755NED", source_version=version) for m in _MEASURES
    ]


_MEASURES = [
    Measure(
        "gebieden.Inwonertal",
        "Inwonertal",
        "aantal",
        description="Inhabitants on 1 January of the year (Gebieden in Nederland).",
    ),
    Measure(
        "gebieden.Omgevingsadressendichtheid",
        "Omgevingsadressendichtheid",
        "adressen per km²",
        description="Average number of addresses within a 1 km radius of each address.",
    ),
    Measure(
        "gebieden.Stedelijkheid",
        "Stedelijkheid (klasse)",
        "klasse 1-5",
        description="1 zeer sterk stedelijk (>= 2,500 addresses/km²) .. 5 niet stedelijk "
        "(< 500), from the omgevingsadressendichtheid.",
    ),
    Measure(
        "gebieden.Gemeentegrootte",
        "Gemeentegrootte (klasse)",
        "klasse",
        description="Size class of the gemeente by inhabitants (e.g. 4 = 20 000 tot "
        "50 000 inwoners); the labels are in the Gebieden tables.",
    ),
]


def load_gebieden(ctx: MirrorContext) -> Batch:
    """Gebieden in Nederland 2018-2024: one figure per gemeente, year and measure."""
    frames = []
    for year in ctx.gebieden_years():
        gemeenten = ctx.gebieden(year).gemeenten
        frames.append(
            melt(
                gemeenten,
                _COLUMNS,
                region=gemeenten["code"],
                period=year_period(year),
                indeling=year,
                source=FILES[f"gebieden_{year}"].table,
            )
        )
    keys = [f"gebieden_{y}" for y in ctx.gebieden_years()]
    return Batch(
        name="gebieden",
        observations=observations_frame(pd.concat(frames, ignore_index=True)),
        measures=_measures(FILES[keys[0]].version),
        files=ctx.source_files(*keys),
        notes=["indeling = the table's year; Inwonertal is the population on 1 January"],
    )
