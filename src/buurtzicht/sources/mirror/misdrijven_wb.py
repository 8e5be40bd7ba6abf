"""Dataset ``misdrijven_wb``: 84468NED registered crime per wijk and buurt, 2018.

The dump has AantalInwoners (``_5``), 20 crime counts (``_6`` .. ``_25``) and, from
``_26`` on, the first stems again: those five columns are per 1,000 inhabitants. The
loader does not take that from the numbering: it finds, for each column of the second
block, the count column that reproduces it as ``round(count / inwoners * 1000)`` in the
gemeente rows, and fails if none does. ``VernielingMisdrijfTegenOpenbareOrde_29``
turns out to be the rate of ``TotaalVernieling_18`` (not of ``_17``).

The dump stops at 10,000 rows: 209 gemeenten (up to Midden-Groningen), 1,811 wijken
and 7,980 buurten, indeling 2018.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.properties import title_from_stem
from buurtzicht.sources.mirror.readers import numeric_columns, region_codes
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, measure_stem, observations_frame

FAMILY = "misdrijven_wb"
INWONERS = "AantalInwoners_5"
#: Share of gemeente rows a rate must reproduce to be accepted as per 1,000 inhabitants.
MATCH = 0.95


def split_blocks(columns: list[str], *, where: Path) -> tuple[list[str], list[str]]:
    """Count columns and rate columns: the rates start where the first stem repeats."""
    measures = [c for c in columns if c.endswith(tuple(f"_{n}" for n in range(6, 100)))]
    stems = [measure_stem(c) for c in measures]
    if not stems or stems[0] not in stems[1:]:
        raise SourceFormatError(where, "no second block of rates", expected="a repeated first stem")
    start = stems.index(stems[0], 1)
    return measures[:start], measures[start:]


def pair_rates(
    values: pd.DataFrame, counts: list[str], rates: list[str], *, where: Path
) -> dict[str, str]:
    """For each rate column, the count column it is the per-1,000 rate of."""
    gemeenten = values[values["_level"] == "GM"]
    inwoners = gemeenten[INWONERS]
    pairs = {}
    for rate in rates:
        best, score = None, 0.0
        for count in counts:
            expected = (gemeenten[count] / inwoners * 1000).round()
            known = expected.notna() & gemeenten[rate].notna()
            hit = float((expected[known] == gemeenten[rate][known]).mean()) if known.any() else 0.0
            if hit > score:
                best, score = count, hit
        if best is None or score < MATCH:
            raise SourceFormatError(
                where,
                f"{rate} is not round(count / inwoners * 1000) of any count column",
                expected=f">= {MATCH:.0%} of gemeente rows reproduced",
            )
        pairs[rate] = best
    return pairs


def _measure(id_: str, title: str, unit: str, description: str = "") -> Measure:
    return Measure(
        id_,
        title,
        unit,
        description=description,
        source_table="84468NED",
        source_version=FILES["misdrijven_wb_2018"].version,
    )


def _measures(counts: list[str], rates: dict[str, str]) -> dict[str, Measure]:
    result = {
        INWONERS: _measure(f"{FAMILY}.AantalInwoners", "Aantal inwoners (1 januari 2018)", "aantal")
    }
    for column in counts:
        stem = measure_stem(column)
        result[column] = _measure(f"{FAMILY}.{stem}", title_from_stem(stem), "aantal")
    for column, count in rates.items():
        stem = measure_stem(column)
        result[column] = _measure(
            f"{FAMILY}.{stem}.per1000inw",
            f"{title_from_stem(stem)} per 1 000 inwoners",
            "per 1 000 inwoners",
            f"Equals round({measure_stem(count)} / AantalInwoners x 1000) "
            "(checked on the gemeente rows).",
        )
    return result


def load_misdrijven_wb(ctx: MirrorContext) -> Batch:
    """84468NED (2018): counts and rates per gemeente, wijk and buurt present in the dump."""
    path = ctx.path("misdrijven_wb_2018")
    table = ctx.table("misdrijven_wb_2018")
    counts, rates = split_blocks(list(table.columns), where=path)
    values = numeric_columns(table, [INWONERS, *counts, *rates], path=path)
    regions = region_codes(table["Codering_3"], path=path).tolist()
    values["_level"] = [r[:2] for r in regions]
    pairs = pair_rates(values, counts, rates, where=path)
    measures = _measures(counts, pairs)
    observations = melt(
        values,
        {c: m.id for c, m in measures.items()},
        region=regions,
        period="2018JJ00",
        indeling=2018,
        source="84468NED",
    )
    levels = pd.Series(regions).str[:2].value_counts()
    return Batch(
        name="misdrijven_wb",
        observations=observations_frame(observations),
        measures=list(measures.values()),
        files=ctx.source_files("misdrijven_wb_2018"),
        notes=[
            "TRUNCATED: the dump holds the first 10,000 rows of 84468NED only: "
            f"{levels.get('GM', 0)} gemeenten, {levels.get('WK', 0)} wijken, "
            f"{levels.get('BU', 0)} buurten (up to Midden-Groningen); not national",
            "rates per 1,000 inhabitants paired by value: "
            + ", ".join(f"{measure_stem(r)} <- {measure_stem(c)}" for r, c in pairs.items()),
        ],
    )
