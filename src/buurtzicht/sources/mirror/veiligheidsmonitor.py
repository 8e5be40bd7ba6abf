"""Dataset ``veiligheidsmonitor``: 85146NED Veiligheidsmonitor 2021 and 2023.

224 survey indicators (leefbaarheid, overlast, onveiligheidsgevoelens,
slachtofferschap, contact met de politie, preventie) per region, each with its 95%
margins. ``Marges`` says which: Waarde -> ``vm.<Stem>``, ondergrens ->
``vm.<Stem>.ondergrens``, bovengrens -> ``vm.<Stem>.bovengrens``.

Regions are labels: ``Nederland``, ``Noord-Nederland (LD)``, ``Fryslân (PV)``,
``Amsterdam (RE)``, ``Amsterdam (GM)``. The table presents both periods on one
regional classification, its latest: the 2021 rows already name Voorne aan Zee
(formed 1 January 2023) and Dijk en Waard (2022). So every label resolves to a code
of the latest period's indeling, and that is the ``indeling`` of all its figures.
Police basisteams (BT) and districts (PD) have no CBS region code and are skipped, as
are the size groups G4, G40 and "Gemeenten > 70 000 inwoners"; any other label that
does not resolve is an error.

The mirror has no DataProperties for 85146NED, so a stem that occurs more than once
(``Slachtoffers_68``, ``Slachtoffers_72``, ... one per kind of crime) cannot be
qualified by its TopicGroup: the occurrences are numbered (``vm.Slachtoffers``,
``vm.Slachtoffers.2``) and flagged ``positional-id``.
Units are inferred from the names: rapportcijfers, schaalscores and somscores as
such, everything else a percentage of residents of 15 years and older.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import NEDERLAND
from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.names import NameResolver, parse_label
from buurtzicht.sources.mirror.properties import (
    MeasureKey,
    measure_keys,
    title_from_stem,
    topics_from_columns,
)
from buurtzicht.sources.mirror.readers import numeric_columns
from buurtzicht.sources.mirror.regions import require_regions
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, normalise_period, observations_frame

MARGES = {
    "Waarde": "",
    "Betrouwbaarheidsmarge ondergrens": ".ondergrens",
    "Betrouwbaarheidsmarge bovengrens": ".bovengrens",
}
#: Region groups without a CBS code.
GROUPS = {"G4", "G40", "Gemeenten > 70 000 inwoners", "Gemeenten > 70 000 inw. excl. G4 en G40"}


def unit_of(stem: str) -> str:
    """The unit of a VM indicator, inferred from its name (see the module docstring)."""
    for marker, unit in (
        ("Rapportcijfer", "rapportcijfer 1-10"),
        ("Schaalscore", "schaalscore"),
        ("Somscore", "somscore"),
    ):
        if marker in stem:
            return unit
    return "%"


def _measures(keys: dict[str, MeasureKey]) -> dict[tuple[str, str], Measure]:
    result = {}
    for column, key in keys.items():
        for marge, suffix in MARGES.items():
            title = title_from_stem(key.stem) + (f" ({marge.lower()})" if suffix else "")
            description = "Veiligheidsmonitor; unit inferred from the indicator name."
            if key.positional:
                description += (
                    f" The stem repeats in 85146NED (one per kind of crime) and the mirror "
                    f"lacks its DataProperties: this is column {column}, told apart by order."
                )
            result[(column, marge)] = Measure(
                id=key.id + suffix,
                title=title,
                unit=unit_of(key.stem),
                decimals=1,
                description=description,
                source_table="85146NED",
                source_version=FILES["veiligheidsmonitor"].version,
                flags=("positional-id",) if key.positional else (),
            )
    return result


def _regions(
    table: pd.DataFrame, years: list[int], resolver: NameResolver, where: str
) -> tuple[list[str | None], dict[str, int]]:
    """Region code per row (None for skipped labels) and how many rows each skip reason hit."""
    codes: list[str | None] = []
    skipped: dict[str, int] = {}
    cache: dict[tuple[str, int], str | None] = {}
    for line, (label, year) in enumerate(zip(table["RegioS"], years, strict=True), start=2):
        key = (str(label), year)
        if key not in cache:
            cache[key] = _code(str(label), year, resolver, f"{where}, line {line}, label {label!r}")
        code = cache[key]
        if code is None:
            reason = "group" if str(label) in GROUPS else str(parse_label(str(label)).suffix)
            skipped[reason] = skipped.get(reason, 0) + 1
        codes.append(code)
    return codes, skipped


def _code(label: str, year: int, resolver: NameResolver, where: str) -> str | None:
    parsed = parse_label(label)
    if label == "Nederland":
        return NEDERLAND
    if label in GROUPS or parsed.skipped:
        return None
    if parsed.level is None:
        raise SourceFormatError(
            where, "region label without a level suffix", expected="e.g. Amsterdam (GM)"
        )
    return resolver.resolve(parsed.name, level=parsed.level, indeling=year, where=where)


def _long(
    table: pd.DataFrame,
    rows: pd.DataFrame,
    columns: list[str],
    measures: dict[tuple[str, str], Measure],
    path: Path,
) -> pd.DataFrame:
    """Observations of the kept rows, one melt per kind of margin."""
    kept = table.loc[rows.index]
    values = numeric_columns(kept, columns, path=path)
    frames = []
    for marge in MARGES:
        mask = (kept["Marges"] == marge).to_numpy()
        frames.append(
            melt(
                values[mask],
                {c: measures[(c, marge)].id for c in columns},
                region=rows["region"][mask],
                period=rows["period"][mask],
                indeling=rows["indeling"][mask],
                source="85146NED",
            )
        )
    return pd.concat(frames, ignore_index=True)


def load_veiligheidsmonitor(ctx: MirrorContext) -> Batch:
    """All VM indicators with margins for NL, LD, PV, RE and the gemeenten it covers."""
    path = ctx.path("veiligheidsmonitor")
    table = ctx.read_table("veiligheidsmonitor")
    unknown = sorted(set(table["Marges"]) - set(MARGES))
    if unknown:
        raise SourceFormatError(path, f"unknown Marges {unknown[0]!r}", expected=str(list(MARGES)))
    columns = [c for c in table.columns if c not in {"ID", "Marges", "RegioS", "Perioden"}]
    keys = measure_keys(topics_from_columns(columns), "vm")
    measures = _measures(keys)
    periods = [normalise_period(p, where=str(path))[0] for p in table["Perioden"]]
    indeling = max(int(p[:4]) for p in periods)
    years = [indeling] * len(periods)
    frame = require_regions(ctx).frame
    resolver = NameResolver.from_regions(frame[~frame["level"].isin(["wijk", "buurt"])])
    regions, skipped = _regions(table, years, resolver, str(path))
    rows = pd.DataFrame(
        {"region": regions, "period": periods, "indeling": years}, index=table.index
    )
    rows = rows[rows["region"].notna()]
    return Batch(
        name="veiligheidsmonitor",
        observations=observations_frame(_long(table, rows, columns, measures, path)),
        measures=list(measures.values()),
        files=ctx.source_files("veiligheidsmonitor"),
        notes=[
            "skipped rows without a CBS region code: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items())),
            f"indeling {indeling} for both periods: the table uses its latest classification "
            "(2021 rows name Voorne aan Zee, formed 2023)",
            f"{sum(k.positional for k in keys.values())} of {len(keys)} indicators repeat a stem "
            "and are told apart by order only (no DataProperties in the mirror)",
        ],
    )
