"""Dataset ``verdachten``: 81947NED suspects of crimes, national totals 1999-2022.

The dump crosses Geslacht x Leeftijd x Migratieachtergrond; we load the totals
(Totaal mannen en vrouwen, Totaal verdachten, Totaal) for NL01. Its 66 columns repeat
the same stems in four blocks, each starting with ``TotaalVerdachtenVanMisdrijven``:

1. ``_1`` .. ``_27``: numbers of suspects, 2005-2022 -> ``verdachten.<Stem>``;
2. ``_28`` .. ``_54``: the same per 10,000 inhabitants -> ``verdachten.<Stem>.per10000inw``;
3. ``_55`` .. ``_60``: numbers by the older definition, 1999-2011
   -> ``verdachten.<Stem>.reeks1999``;
4. ``_61`` .. ``_66``: those per 10,000 -> ``verdachten.<Stem>.reeks1999.per10000inw``.

The mirror lacks 81947NED's DataProperties, so the loader decides which block is a
rate from the values: a block is "per 10,000" when ``count / rate * 10,000`` of its
total gives a population between 10 and 25 million in every year (1999-2022 NL had
15.8-17.7 million inhabitants); a block is a count otherwise. Blocks 3 and 4 are
told from 1 and 2 by the years they cover.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.properties import title_from_stem
from buurtzicht.sources.mirror.readers import numeric_columns
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, measure_stem, observations_frame

FIRST = "TotaalVerdachtenVanMisdrijven"
TOTALS = {
    "Geslacht": "Totaal mannen en vrouwen",
    "Leeftijd": "Totaal verdachten",
    "Migratieachtergrond": "Totaal",
}
POPULATION = (10e6, 25e6)


@dataclass(frozen=True)
class Block:
    columns: list[str]
    rate: bool
    old_series: bool

    def suffix(self) -> str:
        return (".reeks1999" if self.old_series else "") + (".per10000inw" if self.rate else "")


def blocks(columns: list[str], *, where: str) -> list[list[str]]:
    """Measure columns split where ``TotaalVerdachtenVanMisdrijven`` starts again."""
    measures = [c for c in columns if measure_stem(c) != c]
    starts = [i for i, c in enumerate(measures) if measure_stem(c) == FIRST]
    if not starts or starts[0] != 0:
        raise SourceFormatError(where, f"measures do not start with {FIRST}", expected=FIRST)
    ends = [*starts[1:], len(measures)]
    return [measures[a:b] for a, b in zip(starts, ends, strict=True)]


def classify(groups: list[list[str]], values: pd.DataFrame, *, where: str) -> list[Block]:
    """Tell counts from rates (by the implied population) and old from new series."""
    years_of = {tuple(g): set(values.index[values[g[0]].notna()]) for g in groups}
    latest = max(max(y) for y in years_of.values() if y)
    result = []
    for position, group in enumerate(groups):
        previous = groups[position - 1] if position else None
        rate = previous is not None and _implied_population_ok(
            values[previous[0]], values[group[0]]
        )
        old = max(years_of[tuple(group)], default=latest) < latest
        result.append(Block(group, rate, old))
    kinds = [(b.rate, b.old_series) for b in result]
    if kinds != [(False, False), (True, False), (False, True), (True, True)]:
        raise SourceFormatError(
            where, f"blocks classified as {kinds}", expected="count, rate, old count, old rate"
        )
    return result


def _implied_population_ok(counts: pd.Series, rates: pd.Series) -> bool:
    both = counts.notna() & rates.notna() & (rates > 0)
    if not both.any():
        return False
    implied = counts[both] / rates[both] * 10_000
    return bool(implied.between(*POPULATION).all())


def load_verdachten(ctx: MirrorContext) -> Batch:
    path = ctx.path("verdachten")
    table = ctx.read_table("verdachten")
    mask = pd.Series(True, index=table.index)
    for column, label in TOTALS.items():
        mask &= table[column] == label
    totals = table[mask]
    if totals["Perioden"].duplicated().any() or totals.empty:
        raise SourceFormatError(
            path, "not one total row per year", expected="Totaal x Totaal x Totaal"
        )
    groups = blocks(list(table.columns), where=str(path))
    values = numeric_columns(totals, [c for g in groups for c in g], path=path)
    values.index = [int(p) for p in totals["Perioden"]]
    classified = classify(groups, values, where=str(path))
    measures = {c: _measure(c, b) for b in classified for c in b.columns}
    observations = melt(
        values.reset_index(drop=True),
        {c: m.id for c, m in measures.items()},
        region=["NL01"] * len(values),
        period=[f"{y}JJ00" for y in values.index],
        indeling=list(values.index),
        source="81947NED",
        drop_missing=True,
    )
    return Batch(
        name="verdachten",
        observations=observations_frame(observations),
        measures=list(measures.values()),
        files=ctx.source_files("verdachten"),
        notes=[
            "national totals only (Geslacht, Leeftijd, Migratieachtergrond = totaal)",
            "blocks told apart by value: _1-_27 counts 2005-2022, _28-_54 per 10,000 "
            "inhabitants, _55-_60 counts of the series 1999-2011, _61-_66 their rates; "
            "years a block does not cover are left out, not marked missing",
        ],
    )


def _measure(column: str, block: Block) -> Measure:
    stem = measure_stem(column)
    title = title_from_stem(stem)
    if block.old_series:
        title += " (reeks 1999-2011)"
    return Measure(
        id=f"verdachten.{stem}{block.suffix()}",
        title=title + (" per 10 000 inwoners" if block.rate else ""),
        unit="per 10 000 inwoners" if block.rate else "aantal",
        description="Verdachten van misdrijven (81947NED), Nederland, alle leeftijden, "
        "geslachten en herkomstgroepen. Block and unit inferred from the values "
        "(the mirror lacks the DataProperties).",
        source_table="81947NED",
        source_version=FILES["verdachten"].version,
    )
