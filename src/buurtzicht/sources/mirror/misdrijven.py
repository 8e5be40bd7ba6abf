"""Dataset ``misdrijven``: 83648NED registered crime, total, per region 2010-2024.

The slice holds the six measures of "Misdrijven, totaal" for NL, landsdelen,
provincies, politie-eenheden, every gemeente of each year's indeling (former gemeenten
included) and the "niet in te delen" rows. A gemeente row is emitted for the years in
which it has at least one figure (it existed then); an empty cell of such a row is a
NULL value with status ``missing``. Indeling = the period's year.
"""

from __future__ import annotations

from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.misdrijven_regions import MEASURE_COLUMNS, has_figures, read_slice
from buurtzicht.sources.mirror.readers import numeric_columns
from buurtzicht.sources.mirror.regions import require_regions
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, measure_stem, observations_frame, year_period

_TITLES = {
    "TotaalGeregistreerdeMisdrijven": ("Totaal geregistreerde misdrijven", "aantal", 0),
    "GeregistreerdeMisdrijvenRelatief": ("Geregistreerde misdrijven, relatief", "%", 1),
    "GeregistreerdeMisdrijvenPer1000Inw": (
        "Geregistreerde misdrijven per 1 000 inwoners",
        "per 1 000 inwoners",
        1,
    ),
    "TotaalOpgehelderdeMisdrijven": ("Totaal opgehelderde misdrijven", "aantal", 0),
    "OpgehelderdeMisdrijvenRelatief": ("Opgehelderde misdrijven, relatief", "%", 1),
    "RegistratiesVanVerdachten": ("Registraties van verdachten", "aantal", 0),
}
_DESCRIPTIONS = {
    "GeregistreerdeMisdrijvenRelatief": "Share of this crime type in all registered crime "
    "of the region (100 for Misdrijven, totaal).",
    "OpgehelderdeMisdrijvenRelatief": "Cleared-up crimes as a percentage of registered crimes.",
    "GeregistreerdeMisdrijvenPer1000Inw": "Registered crimes per 1 000 inhabitants; empty "
    "for regions without inhabitants (niet in te delen).",
}


def measures() -> list[Measure]:
    version = FILES["misdrijven_slice"].version
    return [
        Measure(
            id=f"misdrijven.{stem}",
            title=title,
            unit=unit,
            decimals=decimals,
            description=_DESCRIPTIONS.get(stem, "83648NED, SoortMisdrijf 'Misdrijven, totaal'."),
            source_table="83648NED",
            source_version=version,
        )
        for stem, (title, unit, decimals) in _TITLES.items()
    ]


def load_misdrijven(ctx: MirrorContext) -> Batch:
    """83648NED Misdrijven, totaal for every region and year with figures."""
    table = read_slice(ctx)
    codes = require_regions(ctx).misdrijven_codes
    assert codes is not None  # load_regions always resolves the slice
    present = has_figures(table)
    rows = table[present]
    values = numeric_columns(rows, MEASURE_COLUMNS, path=ctx.path("misdrijven_slice"))
    observations = melt(
        values,
        {c: f"misdrijven.{measure_stem(c)}" for c in MEASURE_COLUMNS},
        region=codes[present],
        period=[year_period(y) for y in rows["year"]],
        indeling=rows["year"],
        source="83648NED",
    )
    empty_rows = int((~present).sum())
    return Batch(
        name="misdrijven",
        observations=observations_frame(observations),
        measures=measures(),
        files=ctx.source_files("misdrijven_slice", "misdrijven_regios", "regios_83648_dimension"),
        notes=[
            "indeling = period year; former gemeenten keep their own code in the years "
            "they existed",
            f"{empty_rows:,} slice rows without any figure skipped: the region did not "
            "exist in that year's indeling",
        ],
    )
